//! `POST /__admin/requests/{id}/replay[?scenario=NAME]`: sends a journaled request again, through
//! the whole API as a client's request goes (so it is journaled too), optionally under another
//! scenario, and answers what the API answered.
//!
//! The journal keeps no secret, so the replay puts back the configured secret of the client
//! that authenticated; a request that was refused its credentials is sent with a wrong secret
//! again, so that it is refused again.

use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use tower::ServiceExt as _;

use super::reply::{known_scenario, ok};
use crate::http::error::ApiError;
use crate::observe::journal::Journal;
use crate::state::AppState;

/// The whole API, as a function that builds its router: handed down by the API's own router
/// (the admin routes are nested in it), so this module does not import it back.
#[derive(Clone, Copy)]
pub(crate) struct Api(pub(crate) fn(Arc<AppState>) -> axum::Router);

/// What a replay may change.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReplayOptions {
    /// The scenario to send the request under (`x-mock-scenario`), instead of its own.
    scenario: Option<String>,
}

/// The secret sent again for a request whose credentials were refused.
const REFUSED_SECRET: &str = "replayed-refused-secret";

/// The largest answer a replay passes on.
const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;

pub(crate) async fn replay(
    State(state): State<Arc<AppState>>,
    axum::Extension(api): axum::Extension<Api>,
    Path(id): Path<u64>,
    options: Result<Query<ReplayOptions>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Ok(Query(options)) = options else {
        let detail = "A replay takes one option: scenario (a scenario's name).".to_owned();
        return Err(ApiError::AdminBadRequest { detail });
    };
    let Some(entry) = state.observer.journal.get(id) else {
        return Err(ApiError::Flow {
            status: StatusCode::NOT_FOUND,
            description: format!("The journal keeps no request {id} (any more)."),
        });
    };
    if let Some(name) = &options.scenario {
        known_scenario(&state, name)?;
    }
    if entry.body.as_deref().is_some_and(Journal::may_be_cut) {
        let detail = format!(
            "Request {id} had a body longer than the journal keeps (16 KiB): it cannot be sent again whole."
        );
        return Err(ApiError::AdminBadRequest { detail });
    }
    let method = Method::from_bytes(entry.method.as_bytes()).unwrap_or(Method::GET);
    let mut request = Request::builder().method(method).uri(entry.path.as_str());
    for (name, value) in &entry.headers {
        let lower = name.to_ascii_lowercase();
        let value = match lower.as_str() {
            // Redacted in the journal: put back what the request authenticated with.
            "client_secret" => match &entry.client_id {
                Some(client) => state
                    .credentials
                    .secret_of(client)
                    .unwrap_or(REFUSED_SECRET),
                None => REFUSED_SECRET,
            },
            "authorization" | "x-admin-token" | "content-length" | "host" => continue,
            "x-mock-scenario" if options.scenario.is_some() => continue,
            _ => value.as_str(),
        };
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) else {
            continue;
        };
        request = request.header(name, value);
    }
    if let Some(scenario) = &options.scenario {
        request = request.header("x-mock-scenario", scenario.as_str());
    }
    request = request.header("x-replay-of", id.to_string());
    let request = request
        .body(Body::from(entry.body.clone().unwrap_or_default()))
        .map_err(|error| ApiError::AdminBadRequest {
            detail: format!("Request {id} cannot be built again: {error}."),
        })?;
    let mut answer = through(api, &state, request).await;
    answer["replayOf"] = json!(id);
    answer["scenario"] = json!(options.scenario);
    Ok(ok(&answer))
}

/// Sends `request` through the whole API, journal included, as a client's request goes, and
/// gives what it answered: `{"status", "headers", "body"}` (the body as text).
pub(super) async fn through(
    Api(api): Api,
    state: &Arc<AppState>,
    request: Request<Body>,
) -> serde_json::Value {
    let answer = api(Arc::clone(state))
        .oneshot(request)
        .await
        .unwrap_or_else(|never| match never {});
    let status = answer.status().as_u16();
    let headers: Vec<(String, String)> = answer
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = to_bytes(answer.into_body(), MAX_ANSWER_BYTES)
        .await
        .unwrap_or_default();
    json!({
        "status": status,
        "headers": headers,
        "body": String::from_utf8_lossy(&body),
    })
}
