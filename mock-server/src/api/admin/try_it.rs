//! `POST /__admin/try`: sends one operation's request through the whole API with a configured
//! client's credentials, so that the console's "Try it" form never holds a secret.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{Method, Request};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::replay::{Api, through};
use super::reply::{ADMIN_BODY_LIMIT, known_scenario, ok};
use crate::domain::operation::Operation;
use crate::http::body;
use crate::http::error::ApiError;
use crate::http::headers::{CLIENT_ID, CLIENT_SECRET};
use crate::state::AppState;

/// What to send.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Attempt {
    /// The `operationId`.
    operation: String,
    /// A configured client's id; the first configured client when absent.
    client: Option<String>,
    /// The JSON body, for the operations that take one.
    body: Option<Value>,
    /// Query parameters, for the operations that read them.
    #[serde(default)]
    query: std::collections::BTreeMap<String, String>,
    /// A scenario to send the request under (`x-mock-scenario`).
    scenario: Option<String>,
    /// A trace id to send (`x-trace-id`); `try-` and 16 random hex digits otherwise.
    trace_id: Option<String>,
}

pub(super) async fn attempt(
    State(state): State<Arc<AppState>>,
    axum::Extension(api): axum::Extension<Api>,
    body: Body,
) -> Result<Response, ApiError> {
    // The body of the operation and a little more: the API applies its own limit.
    let limit = state
        .settings
        .max_body_bytes
        .saturating_add(ADMIN_BODY_LIMIT);
    let body = body::read(body, limit, state.settings.read_timeout).await?;
    let attempt: Attempt = serde_json::from_slice(&body).map_err(|parse| {
        let detail = format!(
            "Expected {{\"operation\": \"<operationId>\", \"client\", \"body\", \"query\", \
             \"scenario\", \"traceId\"}}: {parse}."
        );
        ApiError::AdminBadRequest { detail }
    })?;
    let Some(operation) = Operation::from_id(&attempt.operation) else {
        let known: Vec<&str> = Operation::ALL.into_iter().map(Operation::id).collect();
        let detail = format!(
            "No operation {:?}: the operations are {}.",
            attempt.operation,
            known.join(", ")
        );
        return Err(ApiError::AdminBadRequest { detail });
    };
    let clients = state.credentials.clients();
    let client = match &attempt.client {
        Some(id) => clients.iter().find(|client| &client.id == id),
        None => clients.first(),
    };
    let Some(client) = client else {
        let ids: Vec<&str> = clients.iter().map(|client| client.id.as_str()).collect();
        let detail = format!(
            "No configured client {:?}: the configured clients are {}.",
            attempt.client.unwrap_or_default(),
            if ids.is_empty() {
                "none".to_owned()
            } else {
                ids.join(", ")
            }
        );
        return Err(ApiError::AdminBadRequest { detail });
    };
    if let Some(name) = &attempt.scenario {
        known_scenario(&state, name)?;
    }

    let base = state.base_paths.first().map_or("/api/v1", String::as_str);
    let mut uri = format!("{base}{}", operation.path());
    if !attempt.query.is_empty() {
        let encoded = serde_urlencoded::to_string(&attempt.query).unwrap_or_default();
        uri.push('?');
        uri.push_str(&encoded);
    }
    let method = Method::from_bytes(operation.method().as_bytes()).unwrap_or(Method::POST);
    let mut shown = vec![
        (CLIENT_ID.as_str().to_owned(), client.id.clone()),
        (CLIENT_SECRET.as_str().to_owned(), "***".to_owned()),
    ];
    let mut request = Request::builder()
        .method(method.clone())
        .uri(&uri)
        .header(CLIENT_ID, client.id.as_str())
        .header(CLIENT_SECRET, client.secret());
    let mut extra = Vec::new();
    if attempt.body.is_some() {
        extra.push(("content-type", "application/json".to_owned()));
    }
    if let Some(scenario) = &attempt.scenario {
        extra.push(("x-mock-scenario", scenario.clone()));
    }
    // The later operations require a trace id: one is made when none is given.
    let trace_id = attempt
        .trace_id
        .clone()
        .unwrap_or_else(|| format!("try-{:016x}", rand::random::<u64>()));
    extra.push(("x-trace-id", trace_id));
    for (name, value) in extra {
        request = request.header(name, value.as_str());
        shown.push((name.to_owned(), value));
    }
    let sent = attempt
        .body
        .as_ref()
        .map(|body| serde_json::to_vec(body).unwrap_or_default())
        .unwrap_or_default();
    let request = request
        .body(Body::from(sent))
        .map_err(|error| ApiError::AdminBadRequest {
            detail: format!("The request cannot be built: {error}."),
        })?;
    let mut answer = through(api, &state, request).await;
    answer["request"] = json!({
        "method": method.as_str(),
        "path": uri,
        "headers": shown,
        "body": attempt.body,
    });
    Ok(ok(&answer))
}
