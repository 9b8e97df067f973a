//! The bookkeeping around every request, in one middleware so a request pays for one layer:
//! the caller's ids echoed on the response, a journal entry, a log line; and the one check
//! every route shares, the size of the request head.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::ApiError;
use crate::ids::{EchoedIds, RequestIds};
use crate::lookup::Answered;
use crate::state::AppState;
use crate::{logging, respond};

/// Middleware: echo the ids, journal, log.
pub async fn observe(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let ids = EchoedIds::of(request.headers());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let pending = state
        .journal
        .capture(request.method(), request.uri(), request.headers());
    let limit = state.settings.max_header_bytes;
    let mut response =
        if crate::validate::head_size(request.method(), request.uri(), request.headers()) > limit {
            respond::error(
                &ApiError::HeadersTooLarge { limit },
                &RequestIds::from_headers(request.headers()),
            )
        } else {
            next.run(request).await
        };
    ids.apply(&mut response);
    let latency = started.elapsed();
    let answered = response.extensions_mut().remove::<Answered>();
    logging::request_line(
        &method,
        &path,
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
