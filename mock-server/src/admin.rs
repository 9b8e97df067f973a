//! The mock's own endpoints under `/__admin` (not part of the real API): health and the OpenAPI
//! document.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

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
        "data": state.settings.data.as_str(),
        "seed": state.generator.seed(),
    });
    respond::json(StatusCode::OK, body.to_string())
}

async fn openapi_json(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let document = served_document(&state, &headers);
    respond::json(
        StatusCode::OK,
        serde_json::to_string_pretty(&document).unwrap_or_default(),
    )
}

async fn openapi_yaml(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let document = served_document(&state, &headers);
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/yaml"),
        )],
        yaml_serde::to_string(&document).unwrap_or_default(),
    )
        .into_response()
}

/// The OpenAPI document with the address the caller used as its first server, so that a tool
/// importing it from a mock on another port sends requests to that mock.
fn served_document(state: &AppState, headers: &HeaderMap) -> Value {
    let mut document = state.openapi.clone();
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .filter(|host| !host.is_empty() && !host.contains(['/', ' ', '"']));
    if let (Some(host), Some(Value::Array(servers))) = (host, document.get_mut("servers")) {
        servers.retain(|server| !server["url"].as_str().is_some_and(is_local_mock));
        servers.insert(
            0,
            json!({"url": format!("http://{host}"), "description": "This mock."}),
        );
    }
    document
}

fn is_local_mock(url: &str) -> bool {
    url.starts_with("http://127.0.0.1") || url.starts_with("http://localhost")
}
