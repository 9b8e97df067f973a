//! The mock's own API under `/__admin` (not part of the real API): health, the OpenAPI
//! document, scenarios, reload, the request journal and the flow's state ([`flow`]). With `--admin-token` every admin request
//! needs the token, compared in constant time.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use crate::domain::operation::Operation;
use crate::http::body;
use crate::http::error::ApiError;
use crate::http::headers::ADMIN_TOKEN;
use crate::http::methods::only;
use crate::http::respond;
use crate::observe::journal::Filter;
use crate::scenario::Behaviour;
use crate::state::{AdminAccess, AppState};

mod console;
mod data;
mod flow;
mod postman;
pub(crate) mod replay;
mod reply;
mod try_it;

pub(crate) use console::page as console_page;
use reply::{ADMIN_BODY_LIMIT, known_scenario, ok};

/// The admin routes, to be nested under `/__admin`.
pub(crate) fn router(state: Arc<AppState>, api: replay::Api) -> Router<Arc<AppState>> {
    Router::new()
        .route("/health", only(get(health), "GET"))
        .route("/openapi.json", only(get(openapi_json), "GET"))
        .route("/openapi.yaml", only(get(openapi_yaml), "GET"))
        .route("/postman.json", only(get(postman_json), "GET"))
        .route("/scenarios", only(get(scenarios), "GET"))
        .route(
            "/scenario",
            only(
                get(active_scenario)
                    .put(set_scenario)
                    .delete(clear_scenario),
                "GET, PUT, DELETE",
            ),
        )
        .route("/reload", only(post(reload), "POST"))
        .route(
            "/requests",
            only(get(requests).delete(clear_requests), "GET, DELETE"),
        )
        .route("/requests/stream", only(get(request_stream), "GET"))
        .route(
            "/requests/{id}/replay",
            only(post(replay::replay), "POST").layer(axum::Extension(api)),
        )
        .route("/accounts", only(get(data::accounts), "GET"))
        .route(
            "/try",
            only(post(try_it::attempt), "POST").layer(axum::Extension(api)),
        )
        .route("/", only(get(console::page), "GET"))
        .route("/console.js", only(get(console::script), "GET"))
        .route("/console.css", only(get(console::style), "GET"))
        .route(
            "/flow",
            only(get(flow::list).delete(flow::clear), "GET, DELETE"),
        )
        .route(
            "/flow/contracts/{quote_id}/esign",
            only(post(flow::esign), "POST"),
        )
        .route(
            "/flow/orders/{order_id}/status",
            only(put(flow::set_status), "PUT"),
        )
        .route(
            "/flow/orders/{order_id}/advance",
            only(post(flow::advance), "POST"),
        )
        .layer(middleware::from_fn_with_state(state, require_token))
}

/// Middleware: with an admin token configured, refuses admin requests that lack it.
async fn require_token(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    // The console's page and its assets hold no data: they load without the token, then ask
    // for it.
    if console::is_asset(request.uri().path()) && request.method() == axum::http::Method::GET {
        return next.run(request).await;
    }
    let token = match &state.admin_access {
        AdminAccess::Open => return next.run(request).await,
        AdminAccess::HealthOnly => {
            let is_health = request.method() == axum::http::Method::GET
                && matches!(request.uri().path(), "/health" | "/__admin/health");
            return if is_health {
                next.run(request).await
            } else {
                ApiError::AdminClosed.into_response()
            };
        }
        AdminAccess::Token(token) => token,
    };
    let headers = request.headers();
    let given = headers
        .get(ADMIN_TOKEN)
        .map(HeaderValue::as_bytes)
        .or_else(|| {
            headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.as_bytes().strip_prefix(b"Bearer "))
        });
    let accepted = given.is_some_and(|given| bool::from(given.ct_eq(token.expose().as_bytes())));
    if accepted {
        next.run(request).await
    } else {
        ApiError::AdminUnauthorized.into_response()
    }
}

async fn health(State(state): State<Arc<AppState>>) -> Response {
    let fixtures = state.fixtures.load();
    ok(&json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "accounts": fixtures.book.len(),
        "cannedExamples": fixtures.canned.len(),
        "scenarios": fixtures.scenarios.len(),
        "data": state.settings.data.as_str(),
        "seed": state.generator.seed(),
        "flow": if state.flow.rules.strict { "strict" } else { "lenient" },
        "uptimeSecs": state.started.elapsed().as_secs(),
        "proxy": state.proxy.as_ref().map(|proxy| proxy.describe()),
        "lastReload": state.last_reload().map(|last| json!({
            "number": last.number,
            "outcome": last.outcome,
            "error": last.error,
        })),
    }))
}

async fn scenarios(State(state): State<Arc<AppState>>) -> Response {
    let fixtures = state.fixtures.load();
    let list: Vec<Value> = fixtures
        .scenarios
        .iter()
        .map(|scenario| {
            let kind = match &scenario.behaviour {
                Behaviour::Accounts(_) => "accounts",
                Behaviour::Answer(_) => "answer",
                Behaviour::Flow(_) => "flow",
                Behaviour::Error(_) => "error",
                Behaviour::Fault(_) => "fault",
            };
            let operations: Vec<&str> = Operation::ALL
                .into_iter()
                .filter(|op| scenario.applies_to(*op))
                .map(Operation::id)
                .collect();
            json!({
                "name": scenario.name,
                "kind": kind,
                "description": scenario.description,
                "operations": operations,
            })
        })
        .collect();
    let active = state
        .active_scenario
        .load_full()
        .map(|name| name.to_string());
    // Who is bound to which scenario; never their secrets.
    let clients: Vec<Value> = state
        .credentials
        .clients()
        .iter()
        .map(|client| json!({"id": client.id, "scenario": client.scenario}))
        .collect();
    ok(&json!({"active": active, "scenarios": list, "clients": clients}))
}

async fn active_scenario(State(state): State<Arc<AppState>>) -> Response {
    let active = state
        .active_scenario
        .load_full()
        .map(|name| name.to_string());
    ok(&json!({ "scenario": active }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioChoice {
    name: String,
}

async fn set_scenario(
    State(state): State<Arc<AppState>>,
    body: Body,
) -> Result<Response, ApiError> {
    let body = body::read(body, ADMIN_BODY_LIMIT, state.settings.read_timeout).await?;
    let choice: ScenarioChoice =
        serde_json::from_slice(&body).map_err(|parse| ApiError::AdminBadRequest {
            detail: format!("Expected {{\"name\": \"<scenario>\"}}: {parse}."),
        })?;
    known_scenario(&state, &choice.name)?;
    tracing::info!(scenario = %choice.name, "server-wide scenario on");
    state
        .active_scenario
        .store(Some(Arc::new(choice.name.clone())));
    Ok(ok(&json!({ "scenario": choice.name })))
}

async fn clear_scenario(State(state): State<Arc<AppState>>) -> Response {
    state.active_scenario.store(None);
    tracing::info!("server-wide scenario off");
    ok(&json!({ "scenario": null }))
}

async fn reload(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    match state.reload_shared().await {
        Ok((fixtures, changed)) => {
            tracing::info!(accounts = fixtures.book.len(), changed, "fixtures reloaded");
            Ok(ok(&json!({
                "changed": changed,
                "accounts": fixtures.book.len(),
                "cannedExamples": fixtures.canned.len(),
                "scenarios": fixtures.scenarios.len(),
            })))
        }
        Err(detail) => {
            tracing::warn!(%detail, "reload refused; the data in service is unchanged");
            Err(ApiError::ReloadRefused { detail })
        }
    }
}

async fn requests(
    State(state): State<Arc<AppState>>,
    filter: Result<Query<Filter>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Ok(Query(filter)) = filter else {
        let detail =
            "Filters are traceId, clientId, status (a number), operation (an operationId), \
             route (local, proxied or recorded) and limit (a number)."
                .to_owned();
        return Err(ApiError::AdminBadRequest { detail });
    };
    let journal = &state.observer.journal;
    let page = journal.page(&filter);
    // Written as it is read, one entry at a time: a listing costs memory in proportion to an
    // entry, not to the journal.
    let head = format!(
        r#"{{"capacity":{},"count":{},"requests":["#,
        journal.capacity(),
        page.len()
    );
    let entries = page.enumerate().map(|(at, record)| {
        let mut text = if at == 0 { Vec::new() } else { b",".to_vec() };
        // An entry of strings and numbers always serializes.
        let _ = serde_json::to_writer(&mut text, &record.to_entry());
        Bytes::from(text)
    });
    let chunks = std::iter::once(Bytes::from(head))
        .chain(entries)
        .chain(std::iter::once(Bytes::from_static(b"]}")));
    let stream = futures_util::stream::iter(chunks.map(Ok::<_, std::convert::Infallible>));
    Ok(respond::json(StatusCode::OK, Body::from_stream(stream)))
}

/// `GET /__admin/requests/stream`: each journal entry as it is recorded, as server-sent events
/// (`event: request`, the entry as JSON), with the listing's filters; `event: lagged` says how
/// many entries a slow reader missed. Ends when the server stops.
async fn request_stream(
    State(state): State<Arc<AppState>>,
    filter: Result<Query<Filter>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    use axum::response::sse::{Event, KeepAlive, Sse};
    use tokio::sync::broadcast::error::RecvError;
    let Ok(Query(filter)) = filter else {
        let detail = "Filters are traceId, clientId, status (a number), operation (an \
                      operationId) and route (local, proxied or recorded)."
            .to_owned();
        return Err(ApiError::AdminBadRequest { detail });
    };
    let Some(receiver) = state.observer.journal.subscribe() else {
        return Err(ApiError::ShuttingDown);
    };
    let events =
        futures_util::stream::unfold((receiver, filter), |(mut receiver, filter)| async move {
            loop {
                let event = match receiver.recv().await {
                    Ok(entry) if filter.admits(&entry) => Event::default()
                        .event("request")
                        .id(entry.id.to_string())
                        .json_data(&*entry)
                        .unwrap_or_else(|_| Event::default().comment("an entry that is not JSON")),
                    Ok(_) => continue,
                    Err(RecvError::Lagged(missed)) => {
                        Event::default().event("lagged").data(missed.to_string())
                    }
                    Err(RecvError::Closed) => return None,
                };
                return Some((Ok::<_, std::convert::Infallible>(event), (receiver, filter)));
            }
        });
    Ok(Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response())
}

async fn clear_requests(State(state): State<Arc<AppState>>) -> Response {
    state.observer.journal.clear();
    StatusCode::NO_CONTENT.into_response()
}

async fn openapi_json(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    Ok(pretty(&served_document(&state, &headers)?))
}

async fn postman_json(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    Ok(pretty(&postman::collection(&served_document(
        &state, &headers,
    )?)))
}

/// 200 with a JSON document written for people to read.
fn pretty(document: &Value) -> Response {
    respond::json(
        StatusCode::OK,
        serde_json::to_string_pretty(document).unwrap_or_default(),
    )
}

async fn openapi_yaml(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let document = served_document(&state, &headers)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/yaml"),
        )],
        yaml_serde::to_string(&document).unwrap_or_default(),
    )
        .into_response())
}

/// The OpenAPI document with the address the caller used as its first server, so that a tool
/// importing it from a mock on another port sends requests to that mock.
fn served_document(state: &AppState, headers: &HeaderMap) -> Result<Value, ApiError> {
    let mut document = state
        .openapi()
        .map_err(|error| {
            tracing::error!(%error, "the embedded OpenAPI document cannot be made");
            ApiError::Internal
        })?
        .clone();
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .filter(|host| !host.is_empty() && !host.contains(['/', ' ', '"']));
    let scheme = if state.settings.https {
        "https"
    } else {
        "http"
    };
    if let Some(host) = host {
        let mock = json!({"url": format!("{scheme}://{host}"), "description": "This mock."});
        point_servers_at(&mut document, &mock);
    }
    Ok(document)
}

/// Puts `mock` first in every `servers` list of the document (top level, paths, operations), in
/// place of the local mock's default address.
fn point_servers_at(document: &mut Value, mock: &Value) {
    if let Some(Value::Object(paths)) = document.get_mut("paths") {
        for item in paths.values_mut() {
            if let Value::Object(item) = item {
                for (key, value) in item.iter_mut() {
                    if key == "servers" {
                        replace_local(value, mock);
                    } else if let Some(servers) = value.get_mut("servers") {
                        replace_local(servers, mock);
                    }
                }
            }
        }
    }
    if let Some(servers) = document.get_mut("servers") {
        replace_local(servers, mock);
    }
}

fn replace_local(servers: &mut Value, mock: &Value) {
    if let Value::Array(servers) = servers {
        servers.retain(|server| !server["url"].as_str().is_some_and(is_local_mock));
        servers.insert(0, mock.clone());
    }
}

fn is_local_mock(url: &str) -> bool {
    url.starts_with("http://127.0.0.1") || url.starts_with("http://localhost")
}
