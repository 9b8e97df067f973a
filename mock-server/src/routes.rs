//! The router: the lookup under each base path, the admin API, and the error answers for every
//! other path and method, wrapped in the id echo, the request log and a panic guard.

use std::any::Any;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use axum::{Router, middleware};
use tower_http::catch_panic::CatchPanicLayer;

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
    let mut router = Router::new();
    for base in &state.base_paths {
        router = router.route(
            &format!("{base}{LOOKUP_PATH}"),
            post(lookup::lookup).fallback(post_only),
        );
    }
    router
        .nest("/__admin", admin::router(Arc::clone(&state)))
        .fallback(unknown_path)
        .with_state(Arc::clone(&state))
        // Inside the bookkeeping: a panic still gets the echoed ids, a journal entry and a log line.
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn_with_state(state, observe::observe))
}

async fn unknown_path(headers: HeaderMap) -> Response {
    respond::error(&ApiError::UnknownPath, &RequestIds::from_headers(&headers))
}

async fn post_only(headers: HeaderMap) -> Response {
    respond::error(
        &ApiError::MethodNotAllowed { allow: "POST" },
        &RequestIds::from_headers(&headers),
    )
}

/// The answer to a method other than GET on an admin resource.
pub(crate) async fn get_only(request: Request) -> Response {
    respond::error(
        &ApiError::MethodNotAllowed { allow: "GET" },
        &RequestIds::from_headers(request.headers()),
    )
}

/// A panic is a defect: it is logged, and the caller gets a well-formed 500 instead of a dropped
/// connection.
fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(detail, "request handler panicked");
    respond::error(&ApiError::Internal, &RequestIds::default())
}
