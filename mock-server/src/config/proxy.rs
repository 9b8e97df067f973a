//! The proxy and the recorder: where requests the mock does not answer itself go, with which
//! credentials, and where their answers are recorded.

use std::path::PathBuf;

use serde::Deserialize;

use super::client::Client;
use super::error::ConfigError;

/// The default time the upstream has to answer, in seconds.
pub const DEFAULT_PROXY_TIMEOUT_SECS: u64 = 30;

/// Which requests go to the upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ProxyMode {
    /// Every request of the API (not the admin API) goes to the upstream.
    #[default]
    All,
    /// A request goes to the upstream only when the mock has no answer of its own: no canned
    /// example, no match in the book, an id the flow does not know, a path it does not serve.
    FallThrough,
}

impl ProxyMode {
    /// The mode's name as the command line spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ProxyMode::All => "all",
            ProxyMode::FallThrough => "fall-through",
        }
    }
}

/// A real endpoint that answers for the mock, and what is recorded of its answers.
#[derive(Debug, Clone, PartialEq)]
pub struct ProxyConfig {
    /// The upstream's base URL (`https://host[:port][/prefix]`): a request's path and query are
    /// appended to it.
    pub upstream: String,
    /// Which requests go to the upstream.
    pub mode: ProxyMode,
    /// The credentials sent upstream in place of the caller's; the caller must then hold
    /// credentials of the mock's own.
    pub upstream_client: Option<Client>,
    /// Seconds the upstream has to answer a request (connecting included).
    pub timeout_secs: u64,
    /// A PEM file of certificates trusted besides the system's (e.g. a company's CA).
    pub ca_file: Option<PathBuf>,
    /// A folder to record the upstream's answers in, as fixtures.
    pub record: Option<PathBuf>,
    /// More scrubbing rules: a JSON pointer (`/contacts/0/email`) or a key name (`siteName`).
    pub scrub: Vec<String>,
    /// The key of the fake values that replace scrubbed data; random per run when absent (the
    /// same value then becomes the same fake one within a run only).
    pub scrub_key: Option<String>,
}

impl ProxyConfig {
    /// A proxy to `upstream` with the defaults: every request forwarded with the caller's
    /// credentials, nothing recorded.
    pub fn to(upstream: impl Into<String>) -> Self {
        ProxyConfig {
            upstream: upstream.into(),
            mode: ProxyMode::All,
            upstream_client: None,
            timeout_secs: DEFAULT_PROXY_TIMEOUT_SECS,
            ca_file: None,
            record: None,
            scrub: Vec::new(),
            scrub_key: None,
        }
    }

    /// Checks the settings.
    ///
    /// # Errors
    ///
    /// [`ConfigError::Proxy`] naming the setting and what was expected.
    pub(crate) fn check(&self) -> Result<(), ConfigError> {
        let url = reqwest::Url::parse(&self.upstream).map_err(|error| ConfigError::Proxy {
            setting: "proxy-to",
            expected: format!("an http:// or https:// URL ({error})"),
        })?;
        if !matches!(url.scheme(), "http" | "https")
            || url.host_str().is_none()
            || url.query().is_some()
            || !url.username().is_empty()
        {
            return Err(ConfigError::Proxy {
                setting: "proxy-to",
                expected: "an http:// or https:// URL with a host, without a query or user"
                    .to_owned(),
            });
        }
        if !(1..=600).contains(&self.timeout_secs) {
            return Err(ConfigError::Proxy {
                setting: "proxy-timeout",
                expected: "from 1 to 600 seconds".to_owned(),
            });
        }
        if let Some(rule) = self
            .scrub
            .iter()
            .find(|rule| rule.trim().is_empty() || rule.contains(char::is_whitespace))
        {
            return Err(ConfigError::Proxy {
                setting: "scrub",
                expected: format!(
                    "a JSON pointer (/contacts/0/email) or a key name (email), found {rule:?}"
                ),
            });
        }
        if self.scrub_key.as_ref().is_some_and(|key| key.len() < 16) {
            return Err(ConfigError::Proxy {
                setting: "scrub-key",
                expected: "at least 16 characters".to_owned(),
            });
        }
        Ok(())
    }
}
