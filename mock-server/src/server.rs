//! Running the mock: [`run`] for the binary, [`MockServer`] for tests that want a real socket.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::{Client, Config, ConfigError, NotFoundStyle, check_unique_clients};
use crate::fixtures::FixtureSource;
use crate::routes::{LOOKUP_PATH, router};
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
    /// The process exit code: 2 for a configuration or fixture the user must fix, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            StartError::Config(_)
            | StartError::State(
                StateError::Fixtures(_)
                | StateError::Config(_)
                | StateError::UnknownScenario { .. },
            ) => 2,
            _ => 1,
        }
    }
}

/// Runs the mock until Ctrl-C or SIGTERM: loads everything, binds, prints where it listens and
/// which credentials it accepts, then serves. In-flight requests finish before it returns.
///
/// # Errors
///
/// A [`StartError`] when the fixtures are refused, the address cannot be bound, or serving fails.
pub async fn run(config: Config) -> Result<(), StartError> {
    let state = Arc::new(AppState::new(&config)?);
    let shutdown = shutdown_signal();
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| StartError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(StartError::Serve)?;
    let options = serve_options(&config, addr)?;
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
    let _watcher = watch_fixtures(&config, &state)?;
    print!("{}", banner(&config, addr));
    crate::transport::serve(listener, router(state), options, shutdown)
        .await
        .map_err(StartError::Serve)
}

/// The limits, timeouts and HTTPS of the accept loop; a self-signed certificate also covers the
/// address actually bound.
fn serve_options(
    config: &Config,
    addr: SocketAddr,
) -> Result<crate::transport::ServeOptions, StartError> {
    let tls = match &config.tls {
        Some(source) => Some(crate::tls::load(source, addr).map_err(ConfigError::from)?),
        None => None,
    };
    Ok(crate::transport::ServeOptions {
        max_connections: config.max_connections.max(1),
        max_header_bytes: config.max_header_bytes,
        read_timeout: std::time::Duration::from_secs(config.read_timeout_secs.max(1)),
        tls,
    })
}

/// Starts watching the fixture folder when the configuration asks for it.
fn watch_fixtures(
    config: &Config,
    state: &Arc<AppState>,
) -> Result<Option<notify::RecommendedWatcher>, StartError> {
    match (&config.fixtures, config.watch) {
        (FixtureSource::Dir(dir), true) => crate::watch::spawn(dir, Arc::clone(state))
            .map(Some)
            .map_err(|source| StartError::Watch {
                dir: dir.clone(),
                source,
            }),
        _ => Ok(None),
    }
}

/// What the binary prints to stdout at start: where it listens, the credentials (the secret only
/// for the public demo pair), and a request to try.
pub fn banner(config: &Config, addr: SocketAddr) -> String {
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let uri = format!("{scheme}://{addr}");
    let mut text = format!("mock-server listening on {uri}\n");
    let mut curl = "curl -s".to_owned();
    if let Some(crate::tls::TlsSource::SelfSigned { write_cert }) = &config.tls {
        match write_cert {
            Some(path) => {
                text.push_str(&format!(
                    "tls: self-signed certificate for localhost, 127.0.0.1 and ::1, written to {}\n",
                    path.display()
                ));
                curl = format!("curl -s --cacert {}", path.display());
            }
            None => {
                text.push_str(
                    "tls: self-signed certificate for localhost, 127.0.0.1 and ::1 \
                     (--tls-write-cert FILE writes it out for a client to trust)\n",
                );
                curl = "curl -sk".to_owned();
            }
        }
    }
    let path = format!(
        "{}{LOOKUP_PATH}",
        config.base_paths.first().map_or("", String::as_str)
    );
    let data = if config.data == crate::config::DataMode::Fixtures {
        "data: fixtures (the account book only)\n".to_owned()
    } else {
        format!(
            "data: {} (seed {}); ZIP {} finds no customer, ZIP {} finds five\n",
            config.data.as_str(),
            config.seed,
            crate::generate::NO_CUSTOMER_ZIP,
            crate::generate::FIVE_CUSTOMERS_ZIP
        )
    };
    if config.uses_demo_credentials() {
        text.push_str(&format!(
            "demo credentials: client_id={} client_secret={}\n",
            crate::config::DEMO_CLIENT_ID,
            crate::config::DEMO_CLIENT_SECRET
        ));
        text.push_str(&data);
        text.push_str(&format!(
            "try: {curl} {uri}{path} -H 'client_id: {}' -H 'client_secret: {}' \
             -H 'content-type: application/json' -H 'x-trace-id: demo-1' \
             -d '{{\"spId\":\"10006\",\"accountName\":\"AT&T CLOUD TEST FOUNDRY\",\
             \"address\":{{\"street\":\"2900 W PLANO PKWY\",\"city\":\"PLANO\",\"state\":\"TX\",\
             \"zipCode\":\"75075\"}}}}'\n",
            crate::config::DEMO_CLIENT_ID,
            crate::config::DEMO_CLIENT_SECRET
        ));
    } else {
        let ids: Vec<&str> = config.clients.iter().map(|c| c.id.as_str()).collect();
        text.push_str(&format!(
            "accepted client ids: {} (secrets as configured)\n",
            ids.join(", ")
        ));
        text.push_str(&data);
    }
    text
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

/// A mock running in this process on a free port of 127.0.0.1, for tests. It stops gracefully
/// when dropped or when [`MockServer::shutdown`] is awaited.
///
/// ```
/// # async fn demo() -> Result<(), mock_server::StartError> {
/// let server = mock_server::MockServer::builder()
///     .client("sp-10006", "s3cret")
///     .start()
///     .await?;
/// assert!(server.lookup_url().ends_with("/api/v1/customerAccountLookup"));
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
    pub fn data(mut self, mode: crate::config::DataMode) -> Self {
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
    pub fn tls(mut self, source: crate::tls::TlsSource) -> Self {
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
        let config = self.config;
        check_unique_clients(&config.clients)?;
        let state = Arc::new(AppState::new(&config)?);
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| StartError::Bind {
                    addr: config.listen,
                    source,
                })?;
        let addr = listener.local_addr().map_err(StartError::Serve)?;
        let options = serve_options(&config, addr)?;
        let certificate_pem = options.tls.as_ref().map(|tls| tls.certificate_pem.clone());
        let watcher = watch_fixtures(&config, &state)?;
        let (signal, stopped) = oneshot::channel::<()>();
        let lookup_path = format!(
            "{}{LOOKUP_PATH}",
            state.base_paths.first().map_or("", String::as_str)
        );
        let app = router(state);
        let task = tokio::spawn(crate::transport::serve(listener, app, options, async {
            let _ = stopped.await;
        }));
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
