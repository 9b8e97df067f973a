//! Log output: `tracing` to stderr, human or JSON, and one line per request with method, path,
//! status, latency, trace id and client id. Headers and bodies are never logged, so neither is a
//! secret.
//!
//! Lines are written by a background thread (`tracing-appender`), so a request never waits for
//! stderr. Under a flood that the terminal or pipe cannot absorb, lines are dropped rather than
//! slowing the answers down.

use std::io::IsTerminal;
use std::time::Duration;

use axum::http::{HeaderValue, Method, StatusCode};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

use super::Answered;
use crate::config::LogFormat;
use crate::http::connection::Ending;

/// Why logging could not be set up.
#[derive(Debug, thiserror::Error)]
#[error("invalid log filter {filter:?} (expected e.g. info, warn or mock_server=debug)")]
pub struct LogFilterError {
    filter: String,
    #[source]
    source: tracing_subscriber::filter::ParseError,
}

/// Keeps the background log writer running; the lines still queued are written when it is
/// dropped, so keep it until the process ends.
#[derive(Debug)]
#[must_use = "log lines are lost once the guard is dropped"]
pub struct LogGuard {
    _worker: Option<WorkerGuard>,
}

/// Installs the global subscriber, writing to stderr from a background thread. Call once, from
/// the binary; a second call leaves the first subscriber in place.
///
/// # Errors
///
/// [`LogFilterError`] when `filter` is not a valid filter.
pub fn init_logging(format: LogFormat, filter: &str) -> Result<LogGuard, LogFilterError> {
    let env_filter = EnvFilter::try_new(filter).map_err(|source| LogFilterError {
        filter: filter.to_owned(),
        source,
    })?;
    // Buffered: the background thread writes a batch of lines with one call, flushed as soon as
    // no more lines are waiting.
    let (writer, guard) =
        tracing_appender::non_blocking(std::io::BufWriter::new(std::io::stderr()));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(env_filter)
        .with_writer(writer)
        // Colours only for a person at a terminal, not in files or CI logs.
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false);
    // An error here means a subscriber is already installed, which is fine.
    let installed = match format {
        LogFormat::Human => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    Ok(LogGuard {
        _worker: installed.is_ok().then_some(guard),
    })
}

/// The log line of one request. When a fault scenario cut the connection before the answer,
/// the line says how (`connection=reset` or `closed`) instead of a status nobody received.
pub(crate) fn request_line(
    method: &Method,
    path: &str,
    status: StatusCode,
    latency: Duration,
    trace_id: Option<&HeaderValue>,
    answered: Option<&Answered>,
    cut: Option<Ending>,
) {
    if !tracing::enabled!(tracing::Level::INFO) {
        return;
    }
    let trace_id = trace_id.map(|value| String::from_utf8_lossy(value.as_bytes()));
    // Whole microseconds, as a number: JSON log readers can sort and sum it.
    let latency_ms = (latency.as_secs_f64() * 1_000_000.0).round() / 1000.0;
    let client_id = answered.and_then(|a| a.client_id.as_deref()).unwrap_or("-");
    let source = answered
        .map(|a| a.source.as_ref())
        .filter(|source| !source.is_empty())
        .unwrap_or("-");
    let scenario = answered.and_then(|a| a.scenario.as_deref()).unwrap_or("-");
    let trace_id = trace_id.as_deref().unwrap_or("-");
    // A field that is `None` is left out of the line: a cut connection has no status.
    let connection = cut.map(|cut| match cut {
        Ending::Reset => "reset",
        Ending::Close => "closed",
    });
    let status = cut.is_none().then_some(status.as_u16());
    tracing::info!(
        method = %method,
        path,
        status,
        connection,
        latency_ms,
        trace_id,
        client_id,
        source,
        scenario,
        "request"
    );
}
