//! Log output: `tracing` to stderr, human or JSON, and one line per request with method, path,
//! status, latency, trace id and client id. Headers and bodies are never logged, so neither is a
//! secret.

use std::io::IsTerminal;
use std::time::Duration;

use axum::http::{HeaderValue, Method, StatusCode};
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;
use crate::lookup::Answered;

/// Why logging could not be set up.
#[derive(Debug, thiserror::Error)]
#[error("invalid log filter {filter:?} (expected e.g. info, warn or mock_server=debug)")]
pub struct LogFilterError {
    filter: String,
    #[source]
    source: tracing_subscriber::filter::ParseError,
}

/// Installs the global subscriber. Call once, from the binary; a second call leaves the first
/// subscriber in place.
///
/// # Errors
///
/// [`LogFilterError`] when `filter` is not a valid filter.
pub fn init(format: LogFormat, filter: &str) -> Result<(), LogFilterError> {
    let env_filter = EnvFilter::try_new(filter).map_err(|source| LogFilterError {
        filter: filter.to_owned(),
        source,
    })?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(env_filter)
        .with_writer(std::io::stderr)
        // Colours only for a person at a terminal, not in files or CI logs.
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false);
    // An error here means a subscriber is already installed, which is fine.
    let _ = match format {
        LogFormat::Human => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    Ok(())
}

/// The log line of one request.
pub fn request_line(
    method: &Method,
    path: &str,
    status: StatusCode,
    latency: Duration,
    trace_id: Option<&HeaderValue>,
    answered: Option<&Answered>,
) {
    if !tracing::enabled!(tracing::Level::INFO) {
        return;
    }
    let trace_id = trace_id.map(|value| String::from_utf8_lossy(value.as_bytes()));
    tracing::info!(
        method = %method,
        path,
        status = status.as_u16(),
        latency_ms = format_args!("{:.3}", latency.as_secs_f64() * 1000.0),
        trace_id = trace_id.as_deref().unwrap_or("-"),
        client_id = answered.and_then(|a| a.client_id.as_deref()).unwrap_or("-"),
        source = answered
            .map(|a| a.source.as_ref())
            .filter(|source| !source.is_empty())
            .unwrap_or("-"),
        scenario = answered.and_then(|a| a.scenario.as_deref()).unwrap_or("-"),
        "request"
    );
}
