//! The caller's tracing ids: `x-trace-id` (required) and `x-transaction-id` (optional), echoed
//! on every response and carried into error bodies and log lines.

use axum::extract::Request;
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;

/// The header naming the whole Ordering flow a call belongs to.
pub const TRACE_ID: &str = "x-trace-id";
/// The header naming this one transaction.
pub const TRANSACTION_ID: &str = "x-transaction-id";

/// The request's ids, as text (bytes that are not UTF-8 are replaced).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestIds {
    /// `x-trace-id`, when sent.
    pub trace_id: Option<String>,
    /// `x-transaction-id`, when sent.
    pub transaction_id: Option<String>,
}

impl RequestIds {
    /// Reads the ids from request headers (names in any case).
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let text = |name| {
            headers.get(name).map(|value: &axum::http::HeaderValue| {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            })
        };
        RequestIds {
            trace_id: text(TRACE_ID),
            transaction_id: text(TRANSACTION_ID),
        }
    }
}

/// Middleware: copies `x-trace-id` and `x-transaction-id` from the request to the response.
pub async fn echo(request: Request, next: Next) -> Response {
    let trace = request.headers().get(TRACE_ID).cloned();
    let transaction = request.headers().get(TRANSACTION_ID).cloned();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Some(value) = trace {
        headers.insert(TRACE_ID, value);
    }
    if let Some(value) = transaction {
        headers.insert(TRANSACTION_ID, value);
    }
    response
}
