//! Running the mock: [`run`] for the binary, [`MockServer`] for tests that want a real socket.
//! Both go through one start path ([`start`]): the configuration checked, the state built, the
//! address bound, HTTPS and the fixture watch set up.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::api::router;
use crate::config::{Config, ConfigError, FixtureSource};
use crate::state::{AppState, StateError};

mod banner;
mod mock;
mod tls;
mod transport;
mod watch;

pub use mock::{MockServer, MockServerBuilder};
pub use tls::TlsError;

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
    Tls(#[from] TlsError),
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
                | StateError::UnknownScenario { .. },
            ) => 2,
            _ => 1,
        }
    }
}

/// A mock ready to serve: everything loaded and checked, the address bound.
struct Started {
    state: Arc<AppState>,
    config: Config,
    listener: TcpListener,
    addr: SocketAddr,
    options: transport::ServeOptions,
    watcher: Option<notify::RecommendedWatcher>,
}

/// The one start path: checks the configuration, builds the state (schemas, fixtures,
/// scenarios), loads or makes the certificate, binds, and starts the fixture watch. Everything
/// the user can get wrong is refused here, before a byte is served; the certificate is loaded
/// before binding, so a refused one never holds the port.
async fn start(config: Config) -> Result<Started, StartError> {
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
        (FixtureSource::Dir(dir), true) => Some(
            watch::spawn(dir, Arc::clone(&state)).map_err(|source| StartError::Watch {
                dir: dir.clone(),
                source,
            })?,
        ),
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

/// Runs the mock until Ctrl-C or SIGTERM: loads everything, binds, prints where it listens and
/// which credentials it accepts, then serves. In-flight requests finish before it returns.
///
/// # Errors
///
/// A [`StartError`] when the configuration or fixtures are refused, the address cannot be
/// bound, or serving fails.
pub async fn run(config: Config) -> Result<(), StartError> {
    let shutdown = shutdown_signal();
    let started = start(config).await?;
    let Started {
        state,
        config,
        listener,
        addr,
        options,
        watcher: _watcher,
    } = started;
    {
        let fixtures = state.fixtures.load();
        tracing::info!(
            accounts = fixtures.book.len(),
            canned_examples = fixtures.canned.len(),
            scenarios = fixtures.scenarios.len(),
            fixtures = %config.fixtures,
            "fixtures loaded"
        );
    }
    if !addr.ip().is_loopback() && config.admin_token.is_none() {
        tracing::warn!(
            %addr,
            "listening beyond this machine with an open admin API: anyone who can reach it can \
             switch scenarios and read the journal; set --admin-token"
        );
    }
    print!("{}", banner::banner(&config, addr));
    transport::serve(listener, router(state), options, shutdown)
        .await
        .map_err(StartError::Serve)
}

/// Ctrl-C or SIGTERM. The handlers are installed when this is called, not when the future is
/// first polled, so a signal that arrives right after the banner is printed is not lost.
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send {
    #[cfg(unix)]
    let terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    #[cfg(unix)]
    let interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
    async move {
        #[cfg(unix)]
        {
            let wait = |signal: Option<tokio::signal::unix::Signal>| async move {
                match signal {
                    Some(mut signal) => {
                        signal.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(terminate) => {},
                () = wait(interrupt) => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutting down: finishing in-flight requests");
    }
}
