//! The mock's own endpoints under `/__admin` (not part of the real API): health and the OpenAPI
//! document.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use crate::respond;
use crate::state::AppState;

/// The admin routes, to be nested under `/__admin`.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/health", get(health).fallback(crate::routes::get_only))
        .route(
            "/openapi.json",
            get(openapi_json).fallback(crate::routes::get_only),
        )
        .route(
            "/openapi.yaml",
            get(openapi_yaml).fallback(crate::routes::get_only),
        )
}

async fn health(State(state): State<Arc<AppState>>) -> Response {
    let body = json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "accounts": state.fixtures.book.len(),
        "cannedExamples": state.fixtures.canned.len(),
    });
    respond::json(StatusCode::OK, body.to_string())
}

async fn openapi_json(State(state): State<Arc<AppState>>) -> Response {
    respond::json(StatusCode::OK, state.openapi.json.clone())
}

async fn openapi_yaml(State(state): State<Arc<AppState>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/yaml"),
        )],
        state.openapi.yaml.clone(),
    )
        .into_response()
}
