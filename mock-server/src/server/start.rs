//! The one start path of the mock, for [`super::run`] and [`super::MockServer`] alike: the
//! configuration checked, the state built, the certificate loaded, the address bound, the
//! fixture watch started.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;

use super::{tls, transport, watch};
use crate::config::{Config, ConfigError, FixtureSource};
use crate::state::{AppState, StateError};

/// Why the mock could not start or keep serving.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The schemas or fixtures are unusable.
    #[error(transparent)]
    State(#[from] StateError),
    /// The certificate or key is unusable.
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    /// The address cannot be listened on.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why (in use, not permitted, ...).
        #[source]
        source: std::io::Error,
    },
    /// The fixture folder cannot be watched.
    #[error("cannot watch {}", dir.display())]
    Watch {
        /// The folder.
        dir: PathBuf,
        /// Why.
        #[source]
        source: notify::Error,
    },
    /// The server stopped with an I/O error.
    #[error("the server stopped unexpectedly")]
    Serve(#[source] std::io::Error),
}

impl StartError {
    /// The process exit code: 2 for a configuration, certificate or fixture the user must fix,
    /// 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            StartError::Config(_)
            | StartError::Tls(_)
            | StartError::State(
                StateError::Fixtures(_)
                | StateError::Config(_)
                | StateError::UnknownScenario { .. }
                | StateError::Proxy(_),
            ) => 2,
            _ => 1,
        }
    }
}

/// A mock ready to serve: everything loaded and checked, the address bound.
pub(super) struct Started {
    pub(super) state: Arc<AppState>,
    pub(super) config: Config,
    pub(super) listener: TcpListener,
    pub(super) addr: SocketAddr,
    pub(super) options: transport::ServeOptions,
    pub(super) watcher: Option<notify::RecommendedWatcher>,
}

/// The one start path: checks the configuration, builds the state (schemas, fixtures,
/// scenarios), loads or makes the certificate, binds, and starts the fixture watch. Everything
/// the user can get wrong is refused here, before a byte is served; the certificate is loaded
/// before binding, so a refused one never holds the port.
pub(super) async fn start(config: Config) -> Result<Started, StartError> {
    let config = config.validate()?;
    let state = Arc::new(AppState::new(&config)?);
    let tls = match &config.tls {
        // A self-signed certificate also covers the address actually bound: made after binding.
        Some(source @ crate::config::TlsSource::Files { .. }) => {
            Some(tls::load(source, config.listen)?)
        }
        _ => None,
    };
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| StartError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(StartError::Serve)?;
    let tls = match (&config.tls, tls) {
        (_, Some(tls)) => Some(tls),
        (Some(source), None) => Some(tls::load(source, addr)?),
        (None, None) => None,
    };
    let options = transport::ServeOptions {
        max_connections: config.max_connections,
        max_header_bytes: config.max_header_bytes,
        read_timeout: std::time::Duration::from_secs(config.read_timeout_secs),
        tls,
    };
    let watcher = match (&config.fixtures, config.watch) {
        (FixtureSource::Dir(dir), true) => Some(watch::spawn(dir, Arc::clone(&state)).map_err(
            |source| StartError::Watch {
                dir: dir.clone(),
                source,
            },
        )?),
        _ => None,
    };
    Ok(Started {
        state,
        config,
        listener,
        addr,
        options,
        watcher,
    })
}
