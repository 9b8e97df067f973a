//! The bookkeeping around every request, as one middleware layer over the whole router: the
//! size of the request head checked (431), the caller's ids echoed on the response and written
//! into an error body, a journal entry, a log line, and a panic turned into a 500 body.
//!
//! What a handler wants told (who asked, what answered) it puts in the response's extensions as
//! an [`Answered`]; the layer reads it from there.

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt as _;

use super::Answered;
use super::journal::Journal;
use super::log;
use crate::http::body::head_size;
use crate::http::connection::Connection;
use crate::http::error::ApiError;
use crate::http::ids::EchoedIds;
use crate::http::respond;

/// What the layer needs: the journal and the limit on a request head.
#[derive(Debug)]
pub(crate) struct Observer {
    pub(crate) journal: Journal,
    pub(crate) max_header_bytes: usize,
}

/// The middleware (see the module's documentation). Install it with
/// `axum::middleware::from_fn_with_state(observer, layer::observe)`.
pub(crate) async fn observe(
    State(observer): State<Arc<Observer>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let ids = EchoedIds::of(request.headers());
    let method = request.method().clone();
    // A clone of the URI shares its bytes: no copy of the path per request.
    let uri = request.uri().clone();
    let connection = request.extensions().get::<Arc<Connection>>().cloned();
    let pending = observer
        .journal
        .capture(request.method(), request.uri(), request.headers());
    let limit = observer.max_header_bytes;
    let response = if head_size(request.method(), request.uri(), request.headers()) > limit {
        ApiError::HeadersTooLarge { limit }.into_response()
    } else {
        match AssertUnwindSafe(next.run(request)).catch_unwind().await {
            Ok(response) => response,
            Err(panic) => panic_response(&panic),
        }
    };
    let mut response = respond::with_ids(response, &ids.to_request_ids());
    ids.apply(&mut response);
    let latency = started.elapsed();
    let answered = response.extensions_mut().remove::<Answered>();
    log::request_line(
        &method,
        uri.path(),
        response.status(),
        latency,
        ids.trace_id(),
        answered.as_ref(),
        connection.and_then(|connection| connection.ending()),
    );
    if let Some(pending) = pending {
        observer
            .journal
            .finish(pending, answered, response.status().as_u16(), latency);
    }
    response
}

/// A panic is a defect: it is logged, and the caller gets a well-formed 500 instead of a dropped
/// connection (with the echoed ids, added by the caller).
fn panic_response(panic: &Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(detail, "request handler panicked");
    ApiError::Internal.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::routing::get;
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;

    #[tokio::test]
    async fn a_panicking_handler_answers_500_with_the_error_body_and_the_callers_ids() {
        let observer = Arc::new(Observer {
            journal: Journal::new(10, 1 << 20),
            max_header_bytes: 16 * 1024,
        });
        let app: Router = Router::new()
            .route(
                "/api/v1/panics",
                get(|| async {
                    panic!("a defect");
                    #[allow(unreachable_code)]
                    ()
                }),
            )
            .layer(axum::middleware::from_fn_with_state(
                Arc::clone(&observer),
                observe,
            ));
        let request = Request::get("/api/v1/panics")
            .header("x-trace-id", "panic-1")
            .body(axum::body::Body::empty())
            .expect("a request");
        let response = app.oneshot(request).await.expect("infallible");
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
        let journaled = observer
            .journal
            .list(&crate::observe::journal::Filter::default());
        assert_eq!(journaled.len(), 1);
        assert_eq!(journaled[0].status, 500);
    }
}
