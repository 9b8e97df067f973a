//! The server's configuration: what the command line, the environment and an optional TOML file
//! resolve to, with the defaults filled in.

use std::net::SocketAddr;

mod client;
mod error;
mod file;
mod modes;
mod proxy;
mod sources;

pub use client::{AdminToken, Client, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET};
pub use error::ConfigError;
pub use file::{ClientEntry, ConfigFile};
pub use modes::{DataMode, FlowMode, LogFormat, NotFoundStyle, RateLimit};
pub use proxy::{DEFAULT_PROXY_TIMEOUT_SECS, ProxyConfig, ProxyMode};
pub use sources::{FixtureSource, TlsSource};

/// The default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// The default base path the lookup is served under.
pub const DEFAULT_BASE_PATH: &str = "/api/v1";
/// The default request body limit: 64 KiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;
/// The default cap on connections served at once.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// The default number of requests the journal keeps.
pub const DEFAULT_JOURNAL_SIZE: usize = 1000;
/// The default byte budget of the journal: 16 MiB.
pub const DEFAULT_JOURNAL_BYTES: usize = 16 * 1024 * 1024;
/// The seed of the generated world when none is given.
pub const DEFAULT_SEED: u64 = 1;
/// The default limit on a request's head (request line and headers): 16 KiB.
pub const DEFAULT_MAX_HEADER_BYTES: usize = 16 * 1024;
/// The default time a client has to send a request's headers, and again its body.
pub const DEFAULT_READ_TIMEOUT_SECS: u64 = 30;

/// The default time an eSign envelope takes to be signed.
pub const DEFAULT_ESIGN_AFTER_SECS: u64 = 5;
/// The default time an order stays in each status but the last.
pub const DEFAULT_ORDER_STATUS_SECS: u64 = 30;
/// The default most records of each kind (quotes, credit checks, contracts, orders) one client
/// keeps in the flow.
pub const DEFAULT_FLOW_CAPACITY: usize = 1000;
/// The longest a flow delay may be: a week.
const MAX_FLOW_SECS: u64 = 7 * 24 * 3600;

/// Everything the server needs to start.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The credentials accepted; never empty.
    pub clients: Vec<Client>,
    /// Where the fixtures come from.
    pub fixtures: FixtureSource,
    /// Whether a request without `spId` is refused (the current portal requires it).
    pub require_sp_id: bool,
    /// What a lookup with no match answers.
    pub not_found: NotFoundStyle,
    /// Where the accounts of an answer come from.
    pub data: DataMode,
    /// The seed of the generated world: the same seed and request give the same accounts.
    pub seed: u64,
    /// The paths the lookup is served under, each followed by `/customerAccountLookup`;
    /// `""` serves it at the root.
    pub base_paths: Vec<String>,
    /// Request bodies over this many bytes are refused with 413.
    pub max_body_bytes: usize,
    /// The server-wide scenario at start, if any.
    pub scenario: Option<String>,
    /// The share of requests (0 to 1) that fail at random with one of `failure_scenarios`.
    pub failure_rate: f64,
    /// The scenarios random failures are drawn from.
    pub failure_scenarios: Vec<String>,
    /// How many requests the journal keeps; 0 turns it off.
    pub journal_size: usize,
    /// How many bytes of request heads and bodies the journal keeps at most.
    pub journal_bytes: usize,
    /// The token the admin API requires, if any.
    pub admin_token: Option<AdminToken>,
    /// Without a token, whether the whole admin API answers when the mock listens beyond
    /// loopback (otherwise only `GET /__admin/health` does).
    pub admin_open: bool,
    /// Whether to reload the fixture folder when a file in it changes.
    pub watch: bool,
    /// Connections served at once; more get 503 and are closed.
    pub max_connections: usize,
    /// Request heads (request line and headers) over this many bytes get 431.
    pub max_header_bytes: usize,
    /// Seconds a client has to send a request's headers (also the idle time allowed between
    /// requests on a kept-alive connection), and again to send its body.
    pub read_timeout_secs: u64,
    /// HTTPS instead of plain HTTP.
    pub tls: Option<TlsSource>,
    /// How log lines are written.
    pub log_format: LogFormat,
    /// Which log lines are written, as a `tracing` filter (`info`, `mock_server=debug`, ...).
    pub log_level: String,
    /// Whether each step of the flow needs the one before it.
    pub flow: FlowMode,
    /// Seconds an eSign envelope takes to complete on its own (0: at once).
    pub esign_after_secs: u64,
    /// The statuses an order goes through (assumed; the portal shows `IN_PROGRESS`).
    pub order_statuses: Vec<String>,
    /// Seconds an order stays in each status but the last (0: it moves only through the admin
    /// API).
    pub order_status_secs: u64,
    /// The most records of each kind one client keeps in the flow; the oldest go first.
    pub flow_capacity: usize,
    /// A real endpoint answering what the mock does not (or, in `all` mode, everything), and
    /// a folder its answers are recorded in.
    pub proxy: Option<ProxyConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: DEFAULT_LISTEN
                .parse()
                .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8080))),
            clients: vec![Client::demo()],
            fixtures: FixtureSource::Bundled,
            require_sp_id: true,
            not_found: NotFoundStyle::Error,
            data: DataMode::Hybrid,
            seed: DEFAULT_SEED,
            base_paths: vec![DEFAULT_BASE_PATH.to_owned()],
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            scenario: None,
            failure_rate: 0.0,
            failure_scenarios: vec!["server-error".to_owned()],
            journal_size: DEFAULT_JOURNAL_SIZE,
            journal_bytes: DEFAULT_JOURNAL_BYTES,
            admin_token: None,
            admin_open: false,
            watch: false,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_header_bytes: DEFAULT_MAX_HEADER_BYTES,
            read_timeout_secs: DEFAULT_READ_TIMEOUT_SECS,
            tls: None,
            log_format: LogFormat::Human,
            log_level: "info".to_owned(),
            flow: FlowMode::Strict,
            esign_after_secs: DEFAULT_ESIGN_AFTER_SECS,
            order_statuses: vec!["IN_PROGRESS".to_owned(), "COMPLETED".to_owned()],
            order_status_secs: DEFAULT_ORDER_STATUS_SECS,
            flow_capacity: DEFAULT_FLOW_CAPACITY,
            proxy: None,
        }
    }
}

impl Config {
    /// Whether the only accepted credentials are the public demo pair.
    pub fn uses_demo_credentials(&self) -> bool {
        self.clients.len() == 1 && self.clients[0] == Client::demo()
    }

    /// Checks every setting and normalises the base paths. The one place a configuration is
    /// checked, whether it came from the command line, a file or [`crate::MockServerBuilder`].
    ///
    /// # Errors
    ///
    /// The first [`ConfigError`] found, saying which value is wrong and what was expected.
    pub fn validate(mut self) -> Result<Self, ConfigError> {
        if self.clients.is_empty() {
            return Err(ConfigError::NoClient);
        }
        check_unique_clients(&self.clients)?;
        for client in &self.clients {
            if let Some(limit) = client.rate_limit
                && !(limit.per_second > 0.0 && limit.burst >= 1)
            {
                return Err(ConfigError::RateLimit(client.id.clone()));
            }
        }
        if self.max_body_bytes == 0 {
            return Err(ConfigError::ZeroBodyLimit);
        }
        if !(0.0..=1.0).contains(&self.failure_rate) {
            return Err(ConfigError::FailureRate(self.failure_rate));
        }
        if self.watch && self.fixtures == FixtureSource::Bundled {
            return Err(ConfigError::WatchWithoutFolder);
        }
        if self.max_connections == 0 {
            return Err(ConfigError::ZeroConnections);
        }
        if self.max_header_bytes < 1024 {
            return Err(ConfigError::HeaderLimit);
        }
        if self.read_timeout_secs == 0 {
            return Err(ConfigError::ZeroReadTimeout);
        }
        check_flow(&self)?;
        if let Some(proxy) = &self.proxy {
            proxy.check()?;
        }
        self.base_paths = normalize_base_paths(self.base_paths)?;
        Ok(self)
    }
}

fn check_flow(config: &Config) -> Result<(), ConfigError> {
    let fine = |status: &String| {
        !status.is_empty() && status.len() <= 64 && status.bytes().all(|b| b.is_ascii_graphic())
    };
    if config.order_statuses.is_empty()
        || config.order_statuses.len() > 20
        || !config.order_statuses.iter().all(fine)
    {
        return Err(ConfigError::Flow {
            setting: "order-statuses",
            expected: "1 to 20 statuses of 1 to 64 printable characters without spaces",
        });
    }
    if config.esign_after_secs > MAX_FLOW_SECS {
        return Err(ConfigError::Flow {
            setting: "esign-after",
            expected: "at most 604800 seconds (a week)",
        });
    }
    if config.order_status_secs > MAX_FLOW_SECS {
        return Err(ConfigError::Flow {
            setting: "order-status-every",
            expected: "at most 604800 seconds (a week)",
        });
    }
    if !(1..=1_000_000).contains(&config.flow_capacity) {
        return Err(ConfigError::Flow {
            setting: "flow-capacity",
            expected: "from 1 to 1000000",
        });
    }
    Ok(())
}

/// Checks and normalises base paths: a leading `/`, no trailing `/`, `/` itself becomes `""`
/// (which is accepted again as the root).
///
/// # Errors
///
/// [`ConfigError::BasePath`] for a path that does not start with `/` or holds characters that
/// cannot be routed.
pub fn normalize_base_paths(paths: Vec<String>) -> Result<Vec<String>, ConfigError> {
    let mut normalized: Vec<String> = Vec::with_capacity(paths.len());
    for path in paths {
        // "" is the root as already normalised: normalising twice changes nothing.
        if !path.is_empty() && !path.starts_with('/') {
            return Err(ConfigError::BasePath {
                path,
                reason: "it must start with '/' (use '/' for the root)",
            });
        }
        if path.contains(['{', '}', '*', '?', '#', ' ']) || path.contains("//") {
            return Err(ConfigError::BasePath {
                path,
                reason: "it must be a plain path such as /api/v1",
            });
        }
        let trimmed = path.trim_end_matches('/').to_owned();
        if !normalized.contains(&trimmed) {
            normalized.push(trimmed);
        }
    }
    Ok(normalized)
}

/// Checks that client ids are unique.
///
/// # Errors
///
/// [`ConfigError::DuplicateClient`] naming the first repeated id.
pub fn check_unique_clients(clients: &[Client]) -> Result<(), ConfigError> {
    for (i, client) in clients.iter().enumerate() {
        if clients[..i].iter().any(|earlier| earlier.id == client.id) {
            return Err(ConfigError::DuplicateClient(client.id.clone()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_parses_id_and_secret_at_the_first_colon() -> Result<(), ConfigError> {
        let client: Client = "sp-10006:se:cret".parse()?;
        assert_eq!(client.id, "sp-10006");
        assert_eq!(client.secret(), "se:cret");
        Ok(())
    }

    #[test]
    fn client_errors_never_repeat_the_value() {
        for value in ["no-colon-s3cr3t", ":s3cr3t", "id:"] {
            let message = value.parse::<Client>().map(drop).unwrap_err().to_string();
            assert!(!message.contains("s3cr3t"), "{message}");
        }
    }

    #[test]
    fn debug_output_redacts_the_secret() {
        let client = Client::new("a", "hunter2").map_err(|e| e.to_string());
        let debug = format!("{client:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("<redacted>"));
    }

    #[test]
    fn base_paths_are_normalised() -> Result<(), ConfigError> {
        let paths = normalize_base_paths(vec!["/api/v1/".into(), "/".into(), "/api/v1".into()])?;
        assert_eq!(paths, vec!["/api/v1".to_owned(), String::new()]);
        assert_eq!(
            normalize_base_paths(paths.clone())?,
            paths,
            "normalising twice changes nothing"
        );
        assert!(normalize_base_paths(vec!["api".into()]).is_err());
        assert!(normalize_base_paths(vec!["/{id}".into()]).is_err());
        Ok(())
    }
}
