//! The bookkeeping around every request: the caller's ids echoed on the response, a journal
//! entry, a log line, a panic turned into a 500 body; and the one check every route shares, the
//! size of the request head.
//!
//! [`observed`] does it around any handler. The lookup calls it itself, so its requests pass
//! through no middleware layer at all; every other route gets it from the [`observe`] middleware.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::FutureExt as _;

use crate::error::ApiError;
use crate::ids::{EchoedIds, RequestIds};
use crate::lookup::Answered;
use crate::state::AppState;
use crate::{logging, respond};

/// Middleware: [`observed`] around the rest of the router.
pub async fn observe(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    observed(&state, request, |request| {
        next.run(request).map(|response| (response, None))
    })
    .await
}

/// Runs `handler` for `request` with the bookkeeping around it: the head size check (431), the
/// ids echoed, the journal entry (with what the handler says answered), the log line, and a 500
/// body if the handler panics.
pub async fn observed<H, F>(state: &AppState, request: Request, handler: H) -> Response
where
    H: FnOnce(Request) -> F,
    F: Future<Output = (Response, Option<Answered>)>,
{
    let started = Instant::now();
    // The connection is busy until the answer is made (see `transport::IdleSweep`).
    let _busy = crate::transport::request_started();
    let ids = EchoedIds::of(request.headers());
    let method = request.method().clone();
    // A clone of the URI shares its bytes: no copy of the path per request.
    let uri = request.uri().clone();
    let pending = state
        .journal
        .capture(request.method(), request.uri(), request.headers());
    let limit = state.settings.max_header_bytes;
    let (mut response, answered) =
        if crate::validate::head_size(request.method(), request.uri(), request.headers()) > limit {
            let refused = respond::error(
                &ApiError::HeadersTooLarge { limit },
                &RequestIds::from_headers(request.headers()),
            );
            (refused, None)
        } else {
            match AssertUnwindSafe(handler(request)).catch_unwind().await {
                Ok(answer) => answer,
                Err(panic) => (panic_response(&panic, &ids.to_request_ids()), None),
            }
        };
    ids.apply(&mut response);
    let latency = started.elapsed();
    logging::request_line(
        &method,
        uri.path(),
        response.status(),
        latency,
        ids.trace_id(),
        answered.as_ref(),
    );
    if let Some(pending) = pending {
        state
            .journal
            .finish(pending, answered, response.status().as_u16(), latency);
    }
    response
}

/// A panic is a defect: it is logged, and the caller gets a well-formed 500 instead of a dropped
/// connection (with the echoed id headers, added by the caller).
fn panic_response(panic: &Box<dyn Any + Send + 'static>, ids: &RequestIds) -> Response {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(detail, "request handler panicked");
    respond::error(&ApiError::Internal, ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use http_body_util::BodyExt as _;

    #[tokio::test]
    async fn a_panicking_handler_answers_500_with_the_error_body_and_the_callers_ids() {
        let state = AppState::new(&Config::default()).expect("the bundled fixtures load");
        let request = Request::post("/api/v1/customerAccountLookup")
            .header("x-trace-id", "panic-1")
            .body(axum::body::Body::empty())
            .expect("a request");
        let response = observed(&state, request, |_| async {
            panic!("a defect");
        })
        .await;
        assert_eq!(response.status(), 500);
        assert_eq!(response.headers()["x-trace-id"], "panic-1");
        let body = response
            .into_body()
            .collect()
            .await
            .expect("a body")
            .to_bytes();
        let body: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(body["code"], 500);
        assert_eq!(body["traceId"], "panic-1");
        assert_eq!(body["message"], "Internal Server Error");
        let journaled = state.journal.list(&crate::journal::Filter::default());
        assert_eq!(journaled.len(), 1);
        assert_eq!(journaled[0].status, 500);
    }
}
