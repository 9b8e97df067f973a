//! The router: the lookup under each base path, the admin API, and the error answers for every
//! other path and method, each with the id echo, the journal, the request log and a panic guard.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use axum::{Router, middleware};

use crate::error::ApiError;
use crate::ids::RequestIds;
use crate::state::AppState;
use crate::{admin, lookup, observe, respond};

/// The path of the lookup below a base path.
pub const LOOKUP_PATH: &str = "/customerAccountLookup";

/// The complete application. Drive it with `tower::ServiceExt::oneshot` in tests, or serve it.
/// It needs a Tokio runtime with timers enabled (`enable_all` or `enable_time`): a body that
/// does not arrive in time is refused.
pub fn router(state: Arc<AppState>) -> Router {
    let mut router = Router::new()
        .nest("/__admin", admin::router(Arc::clone(&state)))
        .fallback(unknown_path)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            observe::observe,
        ));
    // Added after the layer: the lookup does its own bookkeeping (see `observe::observed`), so
    // the hot path passes through no middleware.
    for base in &state.base_paths {
        router = router.route(
            &format!("{base}{LOOKUP_PATH}"),
            post(lookup::lookup).fallback(observed_post_only),
        );
    }
    router.with_state(state)
}

async fn unknown_path(headers: HeaderMap) -> Response {
    respond::error(&ApiError::UnknownPath, &RequestIds::from_headers(&headers))
}

async fn observed_post_only(State(state): State<Arc<AppState>>, request: Request) -> Response {
    observe::observed(&state, request, |request| async move {
        let refused = respond::error(
            &ApiError::MethodNotAllowed { allow: "POST" },
            &RequestIds::from_headers(request.headers()),
        );
        (refused, None)
    })
    .await
}

/// The answer to a method other than GET on an admin resource.
pub(crate) async fn get_only(request: Request) -> Response {
    respond::error(
        &ApiError::MethodNotAllowed { allow: "GET" },
        &RequestIds::from_headers(request.headers()),
    )
}
