//! [`MockServer`]: the mock in the test's own process, on a free port of 127.0.0.1.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::start::{StartError, Started, start};
use super::transport;
use crate::api::router;
use crate::config::{
    Client, Config, ConfigError, DataMode, FixtureSource, FlowMode, NotFoundStyle, TlsSource,
};

/// A mock running in this process on a free port of 127.0.0.1, for tests. It stops gracefully
/// when dropped or when [`MockServer::shutdown`] is awaited.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), mock_server::StartError> {
/// let server = mock_server::MockServer::builder()
///     .client("sp-10006", "s3cret")
///     .start()
///     .await?;
/// assert!(server.lookup_url().ends_with("/api/v1/customerAccountLookup"));
/// assert!(server.uri().starts_with("http://127.0.0.1:"));
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    lookup_path: String,
    certificate_pem: Option<String>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    _watcher: Option<notify::RecommendedWatcher>,
}

impl MockServer {
    /// A builder with the defaults of the binary, listening on `127.0.0.1:0`.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// The socket address, e.g. `127.0.0.1:41234`.
    pub fn address(&self) -> SocketAddr {
        self.addr
    }

    /// The base URI, e.g. `http://127.0.0.1:41234` (`https://` when serving HTTPS).
    pub fn uri(&self) -> String {
        let scheme = if self.certificate_pem.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    /// The server's certificate (PEM) when it serves HTTPS, for a client to trust.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.certificate_pem.as_deref()
    }

    /// The lookup's full URL under the first base path.
    pub fn lookup_url(&self) -> String {
        format!("{}{}", self.uri(), self.lookup_path)
    }

    /// Stops accepting connections, lets in-flight requests finish, and waits for the server.
    ///
    /// # Errors
    ///
    /// The I/O error the server stopped with, if any.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(signal) = self.shutdown.take() {
            let _ = signal.send(());
        }
        match self.task.take() {
            Some(task) => task.await.unwrap_or(Ok(())),
            None => Ok(()),
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(signal) = self.shutdown.take() {
            let _ = signal.send(());
        }
    }
}

/// Configures a [`MockServer`].
#[derive(Debug)]
pub struct MockServerBuilder {
    config: Config,
    custom_clients: bool,
    error: Option<ConfigError>,
}

impl Default for MockServerBuilder {
    fn default() -> Self {
        MockServerBuilder {
            config: Config {
                listen: SocketAddr::from(([127, 0, 0, 1], 0)),
                ..Config::default()
            },
            custom_clients: false,
            error: None,
        }
    }
}

impl MockServerBuilder {
    /// Starts from a complete configuration (its listen address included).
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self.custom_clients = true;
        self
    }

    /// Whether each step of the Ordering flow needs the one before it (see [`FlowMode`]).
    pub fn flow(mut self, mode: FlowMode) -> Self {
        self.config.flow = mode;
        self
    }

    /// Seconds an eSign envelope takes to be signed on its own; 0 signs at once.
    pub fn esign_after_secs(mut self, seconds: u64) -> Self {
        self.config.esign_after_secs = seconds;
        self
    }

    /// Seconds an order stays in each status but the last; 0 keeps it in the first.
    pub fn order_status_every_secs(mut self, seconds: u64) -> Self {
        self.config.order_status_secs = seconds;
        self
    }

    /// Accepts this client. The first call replaces the demo client; later calls add.
    pub fn client(mut self, id: &str, secret: &str) -> Self {
        if !self.custom_clients {
            self.config.clients.clear();
            self.custom_clients = true;
        }
        match Client::new(id, secret) {
            Ok(client) => self.config.clients.push(client),
            Err(error) => self.error = self.error.or(Some(error)),
        }
        self
    }

    /// Loads fixtures from a folder instead of the bundled ones.
    pub fn fixtures_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.config.fixtures = FixtureSource::Dir(dir.into());
        self
    }

    /// Whether a request without `spId` is refused.
    pub fn require_sp_id(mut self, require: bool) -> Self {
        self.config.require_sp_id = require;
        self
    }

    /// Where the accounts of an answer come from.
    pub fn data(mut self, mode: DataMode) -> Self {
        self.config.data = mode;
        self
    }

    /// The seed of the generated world.
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = seed;
        self
    }

    /// What a lookup with no match answers.
    pub fn not_found(mut self, style: NotFoundStyle) -> Self {
        self.config.not_found = style;
        self
    }

    /// Serves the lookup under these base paths instead of `/api/v1`.
    pub fn base_paths(mut self, paths: &[&str]) -> Self {
        self.config.base_paths = paths.iter().map(|p| (*p).to_owned()).collect();
        self
    }

    /// Reloads the fixture folder when a file in it changes.
    pub fn watch(mut self, watch: bool) -> Self {
        self.config.watch = watch;
        self
    }

    /// Serves at most `connections` at once (503 beyond).
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.config.max_connections = connections;
        self
    }

    /// Refuses request bodies over `bytes` with 413.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.config.max_body_bytes = bytes;
        self
    }

    /// Refuses request heads over `bytes` with 431.
    pub fn max_header_bytes(mut self, bytes: usize) -> Self {
        self.config.max_header_bytes = bytes;
        self
    }

    /// The seconds a client has for a request's headers (and the idle time between requests),
    /// and again for its body.
    pub fn read_timeout_secs(mut self, seconds: u64) -> Self {
        self.config.read_timeout_secs = seconds;
        self
    }

    /// Serves HTTPS with this certificate.
    pub fn tls(mut self, source: TlsSource) -> Self {
        self.config.tls = Some(source);
        self
    }

    /// Loads everything, binds and starts serving in the background.
    ///
    /// # Errors
    ///
    /// A [`StartError`] when the configuration or fixtures are unusable or binding fails.
    pub async fn start(self) -> Result<MockServer, StartError> {
        if let Some(error) = self.error {
            return Err(error.into());
        }
        let Started {
            state,
            listener,
            addr,
            options,
            watcher,
            ..
        } = start(self.config).await?;
        let certificate_pem = options.tls.as_ref().map(|tls| tls.certificate_pem.clone());
        let (signal, stopped) = oneshot::channel::<()>();
        let lookup_path = format!(
            "{}{}",
            state.base_paths.first().map_or("", String::as_str),
            crate::domain::operation::Operation::CustomerAccountLookup.path()
        );
        let live = Arc::clone(&state);
        let task = tokio::spawn(transport::serve(
            listener,
            router(state),
            options,
            async move {
                let _ = stopped.await;
                // Live journal streams end, so that their connections can close.
                live.observer.journal.stop_live();
            },
        ));
        Ok(MockServer {
            addr,
            certificate_pem,
            lookup_path,
            shutdown: Some(signal),
            task: Some(task),
            _watcher: watcher,
        })
    }
}
