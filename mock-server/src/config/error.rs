//! Why a configuration cannot be used.

use std::path::PathBuf;

/// A configuration that cannot be used. Messages never contain a secret.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The configuration file cannot be read.
    #[error("{}: cannot be read", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The configuration file is not valid TOML or has a wrong key or value.
    #[error("{}:{line}:{column}: invalid configuration: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The line of the offending value, from 1.
        line: usize,
        /// The column, from 1.
        column: usize,
        /// What was expected and what was found (never the offending line itself).
        message: String,
    },
    /// A client entry is unusable.
    #[error("invalid client: {reason}")]
    Client {
        /// What is wrong, without the secret.
        reason: String,
    },
    /// Two clients have the same id.
    #[error("client id {0:?} is configured twice; each client id must be unique")]
    DuplicateClient(String),
    /// A base path is unusable.
    #[error("invalid base path {path:?}: {reason}")]
    BasePath {
        /// The path given.
        path: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The body limit is zero.
    #[error("max-body-bytes must be at least 1")]
    ZeroBodyLimit,
    /// No credentials are accepted.
    #[error("at least one client is needed (--client ID:SECRET)")]
    NoClient,
    /// The connection cap is zero.
    #[error("max-connections must be at least 1")]
    ZeroConnections,
    /// The header limit is below what any client sends.
    #[error("max-header-bytes must be at least 1024")]
    HeaderLimit,
    /// The read timeout is zero.
    #[error("read-timeout must be at least 1 second")]
    ZeroReadTimeout,
    /// The TLS options do not fit together.
    #[error("{0}")]
    TlsOptions(&'static str),
    /// The failure rate is not a share.
    #[error("failure-rate must be from 0 to 1, found {0}")]
    FailureRate(f64),
    /// `--watch` without a fixture folder.
    #[error("--watch needs a fixture folder (--fixtures DIR); the bundled fixtures never change")]
    WatchWithoutFolder,
    /// A setting of the flow is out of range.
    #[error("{setting}: expected {expected}")]
    Flow {
        /// The setting.
        setting: &'static str,
        /// What was expected.
        expected: &'static str,
    },
    /// A rate limit cannot admit a request.
    #[error("the rate limit of client {0:?} must have per-second > 0 and burst ≥ 1")]
    RateLimit(String),
    /// A setting of the proxy or the recorder is unusable.
    #[error("{setting}: expected {expected}")]
    Proxy {
        /// The setting.
        setting: &'static str,
        /// What was expected.
        expected: String,
    },
    /// Recording needs a proxy.
    #[error("--record needs --proxy-to: it records the upstream's answers")]
    RecordWithoutProxy,
}
