//! The command line: every flag, its environment variable, and how flags, the environment, the
//! configuration file and the defaults combine into a [`Config`].
//!
//! Precedence, most specific first: a flag, its environment variable, the `--config` file, the
//! built-in default.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

use crate::config::{
    AdminToken, Client, Config, ConfigError, ConfigFile, DataMode, FixtureSource, FlowMode,
    LogFormat, NotFoundStyle, ProxyConfig, ProxyMode, TlsSource,
};

/// A local mock of the AT&T Alliance Ordering API: End-Customer Lookup
/// (POST /api/v1/customerAccountLookup), then quote, credit check, contract, order, enrichment and
/// order status.
///
/// With no arguments it listens on 127.0.0.1:8080, answers the lookup from the bundled fixture
/// book and accepts the demo credentials it prints. Every flag can also be set with the environment
/// variable shown, or in a TOML file given with --config; flags win over the environment, the
/// environment over the file.
#[derive(Debug, Parser)]
#[command(name = "mock-server", version, max_term_width = 100)]
pub struct Cli {
    /// TOML configuration file with any of the keys: listen, fixtures, require-sp-id, not-found,
    /// data, seed, base-paths, scenario, failure-rate, failure-scenarios, journal-size,
    /// journal-bytes, admin-token, admin-open, watch, max-connections, max-body-bytes,
    /// max-header-bytes, read-timeout, tls-cert, tls-key, tls-self-signed, tls-write-cert,
    /// log-format, log-level, flow, esign-after, order-statuses, order-status-every,
    /// flow-capacity, proxy-to, proxy-mode, upstream-client-id, upstream-client-secret,
    /// proxy-timeout, proxy-ca, record, scrub, scrub-key, clients; each [[clients]] table has
    /// client-id, client-secret,
    /// description, scenario, rate-limit (the last three optional; rate-limit = { per-second,
    /// burst }).
    #[arg(long, env = "MOCK_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Address to listen on, as IP:PORT; port 0 picks a free port. [default: 127.0.0.1:8080]
    #[arg(long, env = "MOCK_LISTEN", value_name = "IP:PORT", value_parser = parse_listen)]
    pub listen: Option<SocketAddr>,

    /// Accepted credentials as ID:SECRET; repeat for several clients (the environment variable
    /// takes a comma-separated list). Replaces the clients of the config file. [default: the
    /// demo pair demo-client:demo-secret]
    #[arg(
        long = "client",
        env = "MOCK_CLIENTS",
        value_name = "ID:SECRET",
        value_delimiter = ',',
        hide_env_values = true
    )]
    pub clients: Vec<String>,

    /// Folder with accounts/*.json, and optionally canned/*.json and scenarios/*.json.
    /// [default: the fixtures bundled in the binary]
    #[arg(long, env = "MOCK_FIXTURES", value_name = "DIR")]
    pub fixtures: Option<PathBuf>,

    /// Refuse a request without spId with 400 (the current portal requires it; older examples
    /// omit it). Canned examples answer either way. [default: true]
    #[arg(long, env = "MOCK_REQUIRE_SP_ID", value_name = "BOOL", action = clap::ArgAction::Set,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub require_sp_id: Option<bool>,

    /// What a lookup with no match answers: error = 404 with "No customer found.", empty = 200
    /// with []. [default: error]
    #[arg(long, env = "MOCK_NOT_FOUND", value_name = "STYLE")]
    pub not_found: Option<NotFoundStyle>,

    /// Where answers come from: fixtures = the account book only, generated = accounts made up
    /// to match the request, hybrid = the book first, generated when it has no match. Canned
    /// examples answer first in every mode. [default: hybrid]
    #[arg(long, env = "MOCK_DATA", value_name = "MODE")]
    pub data: Option<DataMode>,

    /// How the Ordering flow holds to the order of its steps: strict = each step needs the one
    /// before it (a credit check before a contract, a signed contract before an order, an order
    /// before enrichment and status); lenient = any well-formed id is accepted, to test one step
    /// alone. [default: strict]
    #[arg(long, env = "MOCK_FLOW", value_name = "MODE")]
    pub flow: Option<FlowMode>,

    /// Seconds an eSign envelope takes to be signed on its own after a contract is initiated; 0
    /// signs at once. POST /__admin/flow/contracts/QUOTE_ID/esign completes one now. [default: 5]
    #[arg(long, env = "MOCK_ESIGN_AFTER", value_name = "SECS")]
    pub esign_after: Option<u64>,

    /// The statuses an order goes through, in order; it stays in the last. Only IN_PROGRESS is
    /// published; the others are assumed. [default: IN_PROGRESS,COMPLETED]
    #[arg(
        long,
        env = "MOCK_ORDER_STATUSES",
        value_name = "STATUSES",
        value_delimiter = ','
    )]
    pub order_statuses: Vec<String>,

    /// Seconds an order stays in each status but the last; 0 keeps it in the first until the
    /// admin API moves it. [default: 30]
    #[arg(long, env = "MOCK_ORDER_STATUS_EVERY", value_name = "SECS")]
    pub order_status_every: Option<u64>,

    /// The most quotes, credit checks, contracts and orders each client keeps in the flow; the
    /// oldest go first. [default: 1000]
    #[arg(long, env = "MOCK_FLOW_CAPACITY", value_name = "N")]
    pub flow_capacity: Option<usize>,

    /// Seed of the generated world: the same seed and request always give the same accounts;
    /// another seed gives other accounts. [default: 1]
    #[arg(long, env = "MOCK_SEED", value_name = "N")]
    pub seed: Option<u64>,

    /// Path the lookup is served under, followed by /customerAccountLookup; repeat to serve
    /// several, '/' for the root. [default: /api/v1]
    #[arg(
        long = "base-path",
        env = "MOCK_BASE_PATHS",
        value_name = "PATH",
        value_delimiter = ','
    )]
    pub base_paths: Vec<String>,

    /// Scenario every request gets unless it names another (see /__admin/scenarios).
    /// [default: none]
    #[arg(long, env = "MOCK_SCENARIO", value_name = "NAME")]
    pub scenario: Option<String>,

    /// Share of requests (0 to 1) that fail at random with one of --failure-scenarios,
    /// reproducibly with --seed. [default: 0]
    #[arg(long, env = "MOCK_FAILURE_RATE", value_name = "RATE")]
    pub failure_rate: Option<f64>,

    /// Scenarios the random failures are drawn from. [default: server-error]
    #[arg(
        long,
        env = "MOCK_FAILURE_SCENARIOS",
        value_name = "NAMES",
        value_delimiter = ','
    )]
    pub failure_scenarios: Vec<String>,

    /// Number of requests the journal (/__admin/requests) keeps; 0 turns it off.
    /// [default: 1000]
    #[arg(long, env = "MOCK_JOURNAL_SIZE", value_name = "N")]
    pub journal_size: Option<usize>,

    /// Bytes of request heads and bodies the journal keeps at most; the oldest requests go
    /// first. [default: 16777216, 16 MiB]
    #[arg(long, env = "MOCK_JOURNAL_BYTES", value_name = "BYTES")]
    pub journal_bytes: Option<usize>,

    /// Token the admin API (/__admin) requires, as x-admin-token or Authorization: Bearer.
    /// [default: none: the admin API is open on a loopback address, and beyond it answers only
    /// GET /__admin/health unless --admin-open]
    #[arg(
        long,
        env = "MOCK_ADMIN_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub admin_token: Option<String>,

    /// Open the whole admin API without a token even when listening beyond this machine:
    /// anyone who reaches the port can then read the journal and switch scenarios.
    /// [default: false]
    #[arg(long, env = "MOCK_ADMIN_OPEN", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true",
          value_parser = clap::builder::BoolishValueParser::new())]
    pub admin_open: Option<bool>,

    /// Reload the fixture folder when a file in it changes; a broken file is refused and the
    /// data in service stays. Needs --fixtures. [default: false]
    #[arg(long, env = "MOCK_WATCH", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true",
          value_parser = clap::builder::BoolishValueParser::new())]
    pub watch: Option<bool>,

    /// Connections served at once; beyond it a connection gets 503 with Retry-After and is
    /// closed. [default: 1024]
    #[arg(long, env = "MOCK_MAX_CONNECTIONS", value_name = "N")]
    pub max_connections: Option<usize>,

    /// Largest request body accepted, in bytes; larger ones get 413. [default: 65536]
    #[arg(long, env = "MOCK_MAX_BODY_BYTES", value_name = "BYTES")]
    pub max_body_bytes: Option<usize>,

    /// Largest request head (request line and headers) accepted, in bytes: a larger one gets
    /// 431 with the error body; one over twice the limit, or with over 100 headers, gets a bare
    /// 431 and the connection is closed. [default: 16384]
    #[arg(long, env = "MOCK_MAX_HEADER_BYTES", value_name = "BYTES")]
    pub max_header_bytes: Option<usize>,

    /// Seconds a client has to send a request's headers (also the idle time allowed between
    /// requests on a kept-alive connection; the connection is closed after it), and again to
    /// send its body (408 after it). [default: 30]
    #[arg(long, env = "MOCK_READ_TIMEOUT", value_name = "SECONDS")]
    pub read_timeout: Option<u64>,

    /// Serve HTTPS with this certificate chain (PEM, leaf first). Needs --tls-key.
    #[arg(long, env = "MOCK_TLS_CERT", value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The private key of --tls-cert (PEM: PKCS#8, PKCS#1 or SEC1).
    #[arg(long, env = "MOCK_TLS_KEY", value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Serve HTTPS with a certificate made at start for localhost, 127.0.0.1 and ::1 (and the
    /// listen address). [default: false]
    #[arg(long, env = "MOCK_TLS_SELF_SIGNED", value_name = "BOOL", num_args = 0..=1,
          default_missing_value = "true", conflicts_with = "tls_cert",
          value_parser = clap::builder::BoolishValueParser::new())]
    pub tls_self_signed: Option<bool>,

    /// Write the self-signed certificate (PEM) to this file, for a client to trust
    /// (e.g. curl --cacert FILE).
    #[arg(long, env = "MOCK_TLS_WRITE_CERT", value_name = "FILE")]
    pub tls_write_cert: Option<PathBuf>,

    /// Log line format on stderr. [default: human]
    #[arg(long, env = "MOCK_LOG_FORMAT", value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,

    /// Which log lines to write, as a tracing filter (e.g. warn, info, mock_server=debug).
    /// [default: info]
    #[arg(long, env = "MOCK_LOG", value_name = "FILTER")]
    pub log_level: Option<String>,

    /// Forward requests to this real endpoint (its base URL: a request's path and query are
    /// appended) and answer with what it answers; see --proxy-mode. The admin API is never
    /// forwarded. [default: none]
    #[arg(long, env = "MOCK_PROXY_TO", value_name = "URL")]
    pub proxy_to: Option<String>,

    /// Which requests --proxy-to forwards: all = every request; fall-through = only those the
    /// mock has no answer of its own for (no canned example, no book match, an id the flow does
    /// not know, a path it does not serve). [default: all]
    #[arg(long, env = "MOCK_PROXY_MODE", value_name = "MODE")]
    pub proxy_mode: Option<ProxyMode>,

    /// Credentials sent upstream as ID:SECRET in place of the caller's, so that a team shares
    /// one UAT credential without handing it out; callers then need credentials of the mock's
    /// own (--client). [default: the caller's]
    #[arg(
        long,
        env = "MOCK_UPSTREAM_CLIENT",
        value_name = "ID:SECRET",
        hide_env_values = true
    )]
    pub upstream_client: Option<String>,

    /// Seconds (1 to 600) the upstream has to answer, connecting included; then the caller gets
    /// 504.
    /// [default: 30]
    #[arg(long, env = "MOCK_PROXY_TIMEOUT", value_name = "SECS")]
    pub proxy_timeout: Option<u64>,

    /// PEM file of CA certificates trusted for the upstream besides the system's.
    #[arg(long, env = "MOCK_PROXY_CA", value_name = "FILE")]
    pub proxy_ca: Option<PathBuf>,

    /// Record each forwarded exchange into this folder as fixtures (canned/*.json, and the
    /// lookups' accounts in accounts/recorded.json), scrubbed, ready for --fixtures DIR. Needs
    /// --proxy-to.
    #[arg(long, env = "MOCK_RECORD", value_name = "DIR")]
    pub record: Option<PathBuf>,

    /// A scrubbing rule besides the built-in ones (names, e-mails, phone numbers): a JSON
    /// pointer into a body (/contacts/0/email) or a key name (siteName); repeat for several.
    #[arg(
        long = "scrub",
        env = "MOCK_SCRUB",
        value_name = "RULE",
        value_delimiter = ','
    )]
    pub scrub: Vec<String>,

    /// Key of the fake values that replace scrubbed data (16 characters or more): with the same
    /// key, a value becomes the same fake one in every recording. [default: random per run]
    #[arg(
        long,
        env = "MOCK_SCRUB_KEY",
        value_name = "KEY",
        hide_env_values = true
    )]
    pub scrub_key: Option<String>,

    /// Print what a recording folder (or any fixture folder) holds, per operation, status and
    /// the scenarios it could seed, check it as the start does, and exit (1 when it would be
    /// refused).
    #[arg(long, value_name = "DIR")]
    pub review: Option<PathBuf>,

    /// Print the self-contained OpenAPI document (JSON, the schemas inlined) and exit, for tools
    /// that read a file rather than GET /__admin/openapi.json.
    #[arg(long)]
    pub print_openapi: bool,
}

impl Cli {
    /// Combines the flags, the environment and the configuration file into a [`Config`].
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] saying which value is wrong and what was expected.
    pub fn into_config(self) -> Result<Config, ConfigError> {
        let file = match &self.config {
            Some(path) => ConfigFile::load(path)?,
            None => ConfigFile::default(),
        };
        let defaults = Config::default();
        let proxy = proxy_config(
            ProxyOptions {
                upstream: self.proxy_to,
                mode: self.proxy_mode,
                client: self.upstream_client,
                timeout: self.proxy_timeout,
                ca: self.proxy_ca,
                record: self.record,
                scrub: self.scrub,
                scrub_key: self.scrub_key,
            },
            &file,
        )?;

        let clients = if !self.clients.is_empty() {
            self.clients
                .iter()
                .map(|value| value.parse())
                .collect::<Result<Vec<Client>, _>>()?
        } else if !file.clients.is_empty() {
            file.clients
                .into_iter()
                .map(|entry| {
                    let mut client = Client::new(entry.client_id, entry.client_secret)?;
                    client.scenario = entry.scenario;
                    client.rate_limit = entry.rate_limit;
                    Ok(client)
                })
                .collect::<Result<Vec<_>, _>>()?
        } else {
            defaults.clients
        };

        let base_paths = if !self.base_paths.is_empty() {
            self.base_paths
        } else {
            file.base_paths.unwrap_or(defaults.base_paths)
        };
        let max_body_bytes = self
            .max_body_bytes
            .or(file.max_body_bytes)
            .unwrap_or(defaults.max_body_bytes);

        let failure_rate = self
            .failure_rate
            .or(file.failure_rate)
            .unwrap_or(defaults.failure_rate);
        let failure_scenarios = if !self.failure_scenarios.is_empty() {
            self.failure_scenarios
        } else {
            file.failure_scenarios.unwrap_or(defaults.failure_scenarios)
        };

        let fixtures = self
            .fixtures
            .or(file.fixtures)
            .map_or(FixtureSource::Bundled, FixtureSource::Dir);
        let watch = self.watch.or(file.watch).unwrap_or(defaults.watch);

        let max_connections = self
            .max_connections
            .or(file.max_connections)
            .unwrap_or(defaults.max_connections);

        let max_header_bytes = self
            .max_header_bytes
            .or(file.max_header_bytes)
            .unwrap_or(defaults.max_header_bytes);
        let read_timeout_secs = self
            .read_timeout
            .or(file.read_timeout)
            .unwrap_or(defaults.read_timeout_secs);
        let tls = tls_source(
            self.tls_cert.or(file.tls_cert),
            self.tls_key.or(file.tls_key),
            self.tls_self_signed
                .or(file.tls_self_signed)
                .unwrap_or(false),
            self.tls_write_cert.or(file.tls_write_cert),
        )?;

        let order_statuses = if self.order_statuses.is_empty() {
            file.order_statuses
                .unwrap_or_else(|| defaults.order_statuses.clone())
        } else {
            self.order_statuses
        };
        Config {
            proxy,
            flow: self.flow.or(file.flow).unwrap_or(defaults.flow),
            esign_after_secs: self
                .esign_after
                .or(file.esign_after)
                .unwrap_or(defaults.esign_after_secs),
            order_statuses,
            order_status_secs: self
                .order_status_every
                .or(file.order_status_every)
                .unwrap_or(defaults.order_status_secs),
            flow_capacity: self
                .flow_capacity
                .or(file.flow_capacity)
                .unwrap_or(defaults.flow_capacity),
            watch,
            max_connections,
            max_header_bytes,
            read_timeout_secs,
            tls,
            scenario: self.scenario.or(file.scenario),
            failure_rate,
            failure_scenarios,
            journal_bytes: self
                .journal_bytes
                .or(file.journal_bytes)
                .unwrap_or(defaults.journal_bytes),
            journal_size: self
                .journal_size
                .or(file.journal_size)
                .unwrap_or(defaults.journal_size),
            admin_token: self.admin_token.or(file.admin_token).map(AdminToken::from),
            admin_open: self
                .admin_open
                .or(file.admin_open)
                .unwrap_or(defaults.admin_open),
            listen: self.listen.or(file.listen).unwrap_or(defaults.listen),
            clients,
            fixtures,
            require_sp_id: self
                .require_sp_id
                .or(file.require_sp_id)
                .unwrap_or(defaults.require_sp_id),
            not_found: self
                .not_found
                .or(file.not_found)
                .unwrap_or(defaults.not_found),
            data: self.data.or(file.data).unwrap_or(defaults.data),
            seed: self.seed.or(file.seed).unwrap_or(defaults.seed),
            base_paths,
            max_body_bytes,
            log_format: self
                .log_format
                .or(file.log_format)
                .unwrap_or(defaults.log_format),
            log_level: self
                .log_level
                .or(file.log_level)
                .unwrap_or(defaults.log_level),
        }
        .validate()
    }
}

/// The proxy options as given on the command line or in the environment.
struct ProxyOptions {
    upstream: Option<String>,
    mode: Option<ProxyMode>,
    client: Option<String>,
    timeout: Option<u64>,
    ca: Option<PathBuf>,
    record: Option<PathBuf>,
    scrub: Vec<String>,
    scrub_key: Option<String>,
}

/// The proxy, from the options and the file (the options win), or none without an upstream.
fn proxy_config(
    options: ProxyOptions,
    file: &ConfigFile,
) -> Result<Option<ProxyConfig>, ConfigError> {
    let record = options.record.or_else(|| file.record.clone());
    let Some(upstream) = options.upstream.or_else(|| file.proxy_to.clone()) else {
        return match record {
            Some(_) => Err(ConfigError::RecordWithoutProxy),
            None => Ok(None),
        };
    };
    let upstream_client = match (options.client, &file.upstream_client_id) {
        (Some(pair), _) => Some(pair.parse::<Client>()?),
        (None, Some(id)) => {
            let secret = file.upstream_client_secret.clone().unwrap_or_default();
            Some(Client::new(id.clone(), secret)?)
        }
        (None, None) => None,
    };
    let mut proxy = ProxyConfig::to(upstream);
    proxy.mode = options.mode.or(file.proxy_mode).unwrap_or(proxy.mode);
    proxy.upstream_client = upstream_client;
    proxy.timeout_secs = options
        .timeout
        .or(file.proxy_timeout)
        .unwrap_or(proxy.timeout_secs);
    proxy.ca_file = options.ca.or_else(|| file.proxy_ca.clone());
    proxy.record = record;
    proxy.scrub = if options.scrub.is_empty() {
        file.scrub.clone().unwrap_or_default()
    } else {
        options.scrub
    };
    proxy.scrub_key = options.scrub_key.or_else(|| file.scrub_key.clone());
    Ok(Some(proxy))
}

/// A listen address: `IP:PORT`, said plainly when the form is wrong (a bare port, a host name).
fn parse_listen(value: &str) -> Result<SocketAddr, String> {
    value
        .parse()
        .map_err(|_| format!("expected IP:PORT, e.g. 127.0.0.1:{value} or 0.0.0.0:8080"))
}

/// The HTTPS options, checked for fit: a certificate with its key, or a self-signed one.
fn tls_source(
    cert: Option<PathBuf>,
    key: Option<PathBuf>,
    self_signed: bool,
    write_cert: Option<PathBuf>,
) -> Result<Option<TlsSource>, ConfigError> {
    match (cert, key, self_signed) {
        (Some(_), Some(_), true) => Err(ConfigError::TlsOptions(
            "tls-self-signed and tls-cert exclude each other: choose one",
        )),
        (Some(_), None, _) | (None, Some(_), _) => Err(ConfigError::TlsOptions(
            "tls-cert and tls-key go together: give both",
        )),
        (Some(cert), Some(key), false) if write_cert.is_none() => {
            Ok(Some(TlsSource::Files { cert, key }))
        }
        (None, None, true) => Ok(Some(TlsSource::SelfSigned { write_cert })),
        _ if write_cert.is_some() => Err(ConfigError::TlsOptions(
            "tls-write-cert writes the self-signed certificate: it needs tls-self-signed",
        )),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests;
