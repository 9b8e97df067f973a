//! What every admin endpoint shares: the body limit and the plain 200 answer.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use crate::http::respond;

/// The largest admin request body: a small JSON object is all the admin API takes.
pub(super) const ADMIN_BODY_LIMIT: usize = 4 * 1024;

/// 200 with a JSON body.
pub(super) fn ok(body: &Value) -> Response {
    respond::json(StatusCode::OK, body.to_string())
}
