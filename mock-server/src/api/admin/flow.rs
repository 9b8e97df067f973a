//! The flow's state in the admin API: list it, reset it, complete an eSign envelope, set or
//! advance an order's status.
//!
//! - `GET /__admin/flow`: the rules and every client's records with their state now;
//! - `DELETE /__admin/flow[?client=ID]`: forget every client's records, or one client's;
//! - `POST /__admin/flow/contracts/{quoteId}/esign` with an optional `{"status": "Signed"}`
//!   (or `Declined`, `Expired`): completes the envelope now;
//! - `PUT /__admin/flow/orders/{orderId}/status` with `{"status": "COMPLETED"}`: sets it;
//! - `POST /__admin/flow/orders/{orderId}/advance`: moves it to its next status.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::reply::{ADMIN_BODY_LIMIT, ok};
use crate::api::call::rfc3339;
use crate::domain::flow::Flow;
use crate::domain::flow::ledger::{Ledger, OrderRef};
use crate::domain::flow::records::{EsignStatus, Moment};
use crate::http::body;
use crate::http::error::ApiError;
use crate::state::AppState;

/// `GET /__admin/flow`.
pub(super) async fn list(State(state): State<Arc<AppState>>) -> Response {
    let flow = &state.flow;
    let now = flow.now();
    let rules = &flow.rules;
    let clients: serde_json::Map<String, Value> = flow
        .store
        .snapshot()
        .into_iter()
        .map(|(client, ledger)| (client, view(flow, &ledger, now)))
        .collect();
    ok(&json!({
        "mode": if rules.strict { "strict" } else { "lenient" },
        "esignAfterSecs": rules.esign_after.as_secs(),
        "orderStatuses": rules.order_statuses,
        "orderStatusEverySecs": rules.status_every.as_secs(),
        "capacity": rules.capacity,
        "clients": clients,
    }))
}

/// One client's records as the admin API shows them: as kept, plus the state now.
fn view(flow: &Flow, ledger: &Ledger, now: Moment) -> Value {
    let contracts: Vec<Value> = ledger
        .contracts
        .iter()
        .map(|contract| {
            let mut shown = json!(contract);
            shown["status"] = json!(contract.status_at(now).as_str());
            shown
        })
        .collect();
    let orders: Vec<Value> = ledger
        .orders
        .iter()
        .map(|order| {
            let mut shown = json!(order);
            shown["status"] = json!(order.status_at(now));
            shown["createdAt"] = json!(rfc3339(flow.wall(order.created)));
            shown
        })
        .collect();
    json!({
        "quotes": ledger.quotes,
        "creditChecks": ledger.credit_checks,
        "contracts": contracts,
        "orders": orders,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Whose {
    client: Option<String>,
}

/// `DELETE /__admin/flow`.
pub(super) async fn clear(
    State(state): State<Arc<AppState>>,
    whose: Result<Query<Whose>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Ok(Query(whose)) = whose else {
        return Err(ApiError::AdminBadRequest {
            detail: "The only filter is client (a client id).".to_owned(),
        });
    };
    let removed = state.flow.store.clear(whose.client.as_deref());
    tracing::info!(
        removed,
        client = whose.client.as_deref().unwrap_or("*"),
        "flow reset"
    );
    Ok(ok(&json!({ "removed": removed })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EsignChoice {
    status: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusChoice {
    status: String,
}

/// Reads an admin body as `T`; an empty body is `None`.
async fn admin_body<T: serde::de::DeserializeOwned>(
    state: &AppState,
    body: Body,
    expected: &str,
) -> Result<Option<T>, ApiError> {
    let bytes = body::read(body, ADMIN_BODY_LIMIT, state.settings.read_timeout).await?;
    if bytes.trim_ascii().is_empty() {
        return Ok(None);
    }
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|parse| ApiError::AdminBadRequest {
            detail: format!("Expected {expected}: {parse}."),
        })
}

/// Runs `change` on the ledger of whichever client holds a record it finds; `true` once found.
fn on_owner(flow: &Flow, change: &mut dyn FnMut(&mut Ledger) -> bool) -> bool {
    let mut found = false;
    for client in flow.store.clients() {
        flow.store
            .update(&client, &mut |ledger| found = change(ledger));
        if found {
            return true;
        }
    }
    false
}

fn not_found(what: &str) -> ApiError {
    ApiError::Flow {
        status: StatusCode::NOT_FOUND,
        description: format!("No {what} in the flow of any client."),
    }
}

/// `POST /__admin/flow/contracts/{quoteId}/esign`.
pub(super) async fn esign(
    State(state): State<Arc<AppState>>,
    Path(quote_id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let expected = r#"{"status": "Signed"} (or "Declined", "Expired"), or no body"#;
    let choice: Option<EsignChoice> = admin_body(&state, body, expected).await?;
    let status = match choice.as_ref().map(|c| c.status.as_str()) {
        None | Some("Signed") => EsignStatus::Signed,
        Some("Declined") => EsignStatus::Declined,
        Some("Expired") => EsignStatus::Expired,
        Some(other) => {
            return Err(ApiError::AdminBadRequest {
                detail: format!("Expected {expected}; found status {other:?}."),
            });
        }
    };
    if !on_owner(&state.flow, &mut |ledger| {
        ledger.force_esign(&quote_id, status)
    }) {
        return Err(not_found(&format!("contract for quote {quote_id}")));
    }
    tracing::info!(
        quote_id,
        status = status.as_str(),
        "eSign completed by the admin API"
    );
    Ok(ok(
        &json!({ "quoteId": quote_id, "contractStatus": status.as_str() }),
    ))
}

/// `PUT /__admin/flow/orders/{orderId}/status`.
pub(super) async fn set_status(
    State(state): State<Arc<AppState>>,
    Path(order_id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let expected = r#"{"status": "<order status>"}"#;
    let Some(choice) = admin_body::<StatusChoice>(&state, body, expected).await? else {
        return Err(ApiError::AdminBadRequest {
            detail: format!("Expected {expected}."),
        });
    };
    let status = choice.status.trim().to_owned();
    if status.is_empty() || status.len() > 64 {
        return Err(ApiError::AdminBadRequest {
            detail: "Expected a status of 1 to 64 characters.".to_owned(),
        });
    }
    let found = on_owner(&state.flow, &mut |ledger| match ledger
        .order_mut(OrderRef::OrderNumber(&order_id))
    {
        Some(order) => {
            order.forced = Some(status.clone());
            true
        }
        None => false,
    });
    if !found {
        return Err(not_found(&format!("order {order_id}")));
    }
    tracing::info!(order_id, status, "order status set by the admin API");
    Ok(ok(&json!({ "orderId": order_id, "orderStatus": status })))
}

/// `POST /__admin/flow/orders/{orderId}/advance`.
pub(super) async fn advance(
    State(state): State<Arc<AppState>>,
    Path(order_id): Path<String>,
) -> Result<Response, ApiError> {
    let now = state.flow.now();
    let mut status = String::new();
    let found = on_owner(&state.flow, &mut |ledger| match ledger
        .order_mut(OrderRef::OrderNumber(&order_id))
    {
        Some(order) => {
            status = order.next_status(now);
            order.forced = Some(status.clone());
            true
        }
        None => false,
    });
    if !found {
        return Err(not_found(&format!("order {order_id}")));
    }
    tracing::info!(order_id, status, "order status advanced by the admin API");
    Ok(ok(&json!({ "orderId": order_id, "orderStatus": status })))
}
