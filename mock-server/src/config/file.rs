//! The optional TOML configuration file: its keys, and reading it with errors that say where
//! and what was expected without quoting the offending value (it may be a secret).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::error::ConfigError;
use super::modes::{DataMode, FlowMode, LogFormat, NotFoundStyle, RateLimit};
use super::proxy::ProxyMode;

/// The optional TOML configuration file. Every key is optional; the command line and the
/// environment override it. Relative paths are relative to the file's folder.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// See [`Config::listen`].
    pub listen: Option<SocketAddr>,
    /// See [`Config::fixtures`].
    pub fixtures: Option<PathBuf>,
    /// See [`Config::require_sp_id`].
    pub require_sp_id: Option<bool>,
    /// See [`Config::not_found`].
    pub not_found: Option<NotFoundStyle>,
    /// See [`Config::data`].
    pub data: Option<DataMode>,
    /// See [`Config::seed`].
    pub seed: Option<u64>,
    /// See [`Config::base_paths`].
    pub base_paths: Option<Vec<String>>,
    /// See [`Config::scenario`].
    pub scenario: Option<String>,
    /// See [`Config::failure_rate`].
    pub failure_rate: Option<f64>,
    /// See [`Config::failure_scenarios`].
    pub failure_scenarios: Option<Vec<String>>,
    /// See [`Config::journal_size`].
    pub journal_size: Option<usize>,
    /// See [`Config::journal_bytes`].
    pub journal_bytes: Option<usize>,
    /// See [`Config::admin_token`].
    pub admin_token: Option<String>,
    /// See [`Config::admin_open`].
    pub admin_open: Option<bool>,
    /// See [`Config::watch`].
    pub watch: Option<bool>,
    /// See [`Config::max_connections`].
    pub max_connections: Option<usize>,
    /// See [`Config::max_body_bytes`].
    pub max_body_bytes: Option<usize>,
    /// See [`Config::max_header_bytes`].
    pub max_header_bytes: Option<usize>,
    /// See [`Config::read_timeout_secs`].
    pub read_timeout: Option<u64>,
    /// The certificate chain (PEM) for HTTPS; needs `tls-key`.
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) for HTTPS; needs `tls-cert`.
    pub tls_key: Option<PathBuf>,
    /// HTTPS with a certificate made at start.
    pub tls_self_signed: Option<bool>,
    /// Where to write the self-signed certificate.
    pub tls_write_cert: Option<PathBuf>,
    /// See [`Config::log_format`].
    pub log_format: Option<LogFormat>,
    /// See [`Config::log_level`].
    pub log_level: Option<String>,
    /// See [`Config::flow`].
    pub flow: Option<FlowMode>,
    /// See [`Config::esign_after_secs`].
    pub esign_after: Option<u64>,
    /// See [`Config::order_statuses`].
    pub order_statuses: Option<Vec<String>>,
    /// See [`Config::order_status_secs`].
    pub order_status_every: Option<u64>,
    /// See [`Config::flow_capacity`].
    pub flow_capacity: Option<usize>,
    /// See [`super::ProxyConfig::upstream`].
    pub proxy_to: Option<String>,
    /// See [`super::ProxyConfig::mode`].
    pub proxy_mode: Option<ProxyMode>,
    /// The id of [`super::ProxyConfig::upstream_client`].
    pub upstream_client_id: Option<String>,
    /// The secret of [`super::ProxyConfig::upstream_client`].
    pub upstream_client_secret: Option<String>,
    /// See [`super::ProxyConfig::timeout_secs`].
    pub proxy_timeout: Option<u64>,
    /// See [`super::ProxyConfig::ca_file`].
    pub proxy_ca: Option<PathBuf>,
    /// See [`super::ProxyConfig::record`].
    pub record: Option<PathBuf>,
    /// See [`super::ProxyConfig::scrub`].
    pub scrub: Option<Vec<String>>,
    /// See [`super::ProxyConfig::scrub_key`].
    pub scrub_key: Option<String>,
    /// The accepted credentials, as `[[clients]]` tables.
    #[serde(default)]
    pub clients: Vec<ClientEntry>,
}

/// A `[[clients]]` table of the configuration file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ClientEntry {
    /// The `client_id`.
    pub client_id: String,
    /// The `client_secret`.
    pub client_secret: String,
    /// A note for people reading the file (e.g. which SP this client acts for).
    pub description: Option<String>,
    /// A scenario bound to this client.
    pub scenario: Option<String>,
    /// This client's rate limit.
    pub rate_limit: Option<RateLimit>,
}

impl ConfigFile {
    /// Reads and parses a configuration file.
    ///
    /// # Errors
    ///
    /// [`ConfigError::Read`] or [`ConfigError::Parse`], naming the file (and line and key).
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut file: ConfigFile = toml::from_str(&text).map_err(|error| {
            // The parser's own rendering quotes the offending line, which may hold a secret:
            // report the position and the message only.
            let (line, column) = error
                .span()
                .map_or((0, 0), |span| line_and_column(&text, span.start));
            ConfigError::Parse {
                path: path.to_path_buf(),
                line,
                column,
                message: without_values(error.message().trim()),
            }
        })?;
        let folder = path.parent().unwrap_or(Path::new(""));
        for relative in [
            &mut file.fixtures,
            &mut file.tls_cert,
            &mut file.tls_key,
            &mut file.tls_write_cert,
            &mut file.proxy_ca,
            &mut file.record,
        ] {
            if let Some(path) = relative
                && path.is_relative()
            {
                *path = folder.join(&*path);
            }
        }
        Ok(file)
    }
}

/// A deserializer message without the offending value: `invalid type: integer `123`, expected a
/// string` becomes `invalid type: integer, expected a string`, since the value may be a secret.
fn without_values(message: &str) -> String {
    let Some(rest) = message
        .strip_prefix("invalid type: ")
        .map(|rest| ("invalid type: ", rest))
        .or_else(|| {
            message
                .strip_prefix("invalid value: ")
                .map(|rest| ("invalid value: ", rest))
        })
    else {
        return message.to_owned();
    };
    let (prefix, rest) = rest;
    let (found, expected) = rest.split_once(", expected").unwrap_or((rest, ""));
    let kind = found
        .split_once([' ', '`', '"'])
        .map_or(found, |(kind, _)| kind);
    let kind = match kind {
        "floating" => "floating point",
        other => other,
    };
    if expected.is_empty() {
        format!("{prefix}{kind}")
    } else {
        format!("{prefix}{kind}, expected{expected}")
    }
}

/// The 1-based line and column of a byte offset in `text`.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deserializer_messages_lose_the_offending_value() {
        assert_eq!(
            without_values("invalid type: integer `98765432`, expected a string"),
            "invalid type: integer, expected a string"
        );
        assert_eq!(
            without_values("invalid value: string \"s3cret\", expected a socket address"),
            "invalid value: string, expected a socket address"
        );
        assert_eq!(
            without_values("invalid type: floating point `1.5`, expected usize"),
            "invalid type: floating point, expected usize"
        );
        assert_eq!(without_values("unknown field `x`"), "unknown field `x`");
    }
}
