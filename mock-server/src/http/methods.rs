//! The answer to a method a route does not take: 405 with its `Allow` header and the error body
//! (axum's own 405 has an empty body).

use axum::routing::MethodRouter;

use super::error::ApiError;

/// `route`, answering every method it does not take with 405 and `allow`.
pub(crate) fn only<S>(route: MethodRouter<S>, allow: &'static str) -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    route.fallback(move || async move { ApiError::MethodNotAllowed { allow } })
}
