//! The caller's tracing ids: `x-trace-id` (required) and `x-transaction-id` (optional), echoed
//! on every response and carried into error bodies and log lines.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::Response;

use super::headers::{TRACE_ID, TRANSACTION_ID};

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
        let text = |name: HeaderName| {
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

/// The id headers of a request, to copy onto its response.
#[derive(Debug, Clone, Default)]
pub struct EchoedIds {
    trace: Option<HeaderValue>,
    transaction: Option<HeaderValue>,
}

impl EchoedIds {
    /// Takes the ids from the request's headers.
    pub fn of(headers: &HeaderMap) -> Self {
        EchoedIds {
            trace: headers.get(TRACE_ID).cloned(),
            transaction: headers.get(TRANSACTION_ID).cloned(),
        }
    }

    /// The `x-trace-id`, if sent.
    pub fn trace_id(&self) -> Option<&HeaderValue> {
        self.trace.as_ref()
    }

    /// The ids as text, for an error body.
    pub fn to_request_ids(&self) -> RequestIds {
        let text = |value: &Option<HeaderValue>| {
            value
                .as_ref()
                .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        };
        RequestIds {
            trace_id: text(&self.trace),
            transaction_id: text(&self.transaction),
        }
    }

    /// Copies the ids onto the response.
    pub fn apply(&self, response: &mut Response) {
        let headers = response.headers_mut();
        if let Some(value) = &self.trace {
            headers.insert(TRACE_ID, value.clone());
        }
        if let Some(value) = &self.transaction {
            headers.insert(TRANSACTION_ID, value.clone());
        }
    }
}
