//! What every admin endpoint shares: the body limit, the plain 200 answer and the check of a
//! scenario's name.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use crate::http::error::ApiError;
use crate::http::respond;
use crate::state::AppState;

/// The largest admin request body: a small JSON object is all the admin API takes.
pub(super) const ADMIN_BODY_LIMIT: usize = 4 * 1024;

/// 200 with a JSON body.
pub(super) fn ok(body: &Value) -> Response {
    respond::json(StatusCode::OK, body.to_string())
}

/// `Ok` when the fixtures in service have a scenario `name`; the error lists those they have.
pub(super) fn known_scenario(state: &AppState, name: &str) -> Result<(), ApiError> {
    let fixtures = state.fixtures.load();
    match fixtures.scenarios.get(name) {
        Some(_) => Ok(()),
        None => Err(ApiError::UnknownScenario {
            name: name.to_owned(),
            known: fixtures.scenarios.names(),
        }),
    }
}
