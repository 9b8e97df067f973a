//! Order status, step 7 of the flow: `GET /orders?externalIdentifierId=&externalIdentifierType=
//! &businessAccountName=&offset=&limit=`. An order's status moves on with time (see
//! `--order-statuses`), so a client's polling loop can be tested.
//!
//! The mock knows three identifier types: `OrderNumber` (the order's number or id) answers the
//! published single object; `SaartSubAccountId` and `ContractNumber` answer an array, paged with
//! `offset` and `limit` (assumed). `businessAccountName` is required but not compared.

use std::sync::Arc;

use alliance_schemas::SchemaName;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::call::{self, Answer, Call};
use crate::domain::flow::steps::{self, OrderStatus, StatusSearch};
use crate::domain::operation::Operation;
use crate::state::AppState;

/// The page size when `limit` is not given.
const DEFAULT_LIMIT: usize = 20;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatusQuery {
    external_identifier_id: String,
    external_identifier_type: String,
    /// Digits, as the schema checked.
    offset: Option<String>,
    /// Digits, as the schema checked.
    limit: Option<String>,
}

/// `GET /orders`.
pub(crate) async fn status(State(state): State<Arc<AppState>>, request: Request) -> Response {
    call::serve(
        state,
        Operation::GetOrderStatus,
        SchemaName::ORDER_STATUS_QUERY,
        request,
        order_status,
    )
    .await
}

fn order_status(call: Call<'_>) -> Answer {
    let query: StatusQuery = call::read(&call.value)?;
    let id = query.external_identifier_id.as_str();
    let search = match query.external_identifier_type.as_str() {
        "OrderNumber" => StatusSearch::Order(id),
        "SaartSubAccountId" => StatusSearch::SubAccount(id),
        "ContractNumber" => StatusSearch::Contract(id),
        other => StatusSearch::Other(other, id),
    };
    let (orders, now) = call.look(|ledger, rules, key, now| {
        steps::order_status(ledger, rules, key, search, now).map(|found| (found, now))
    })?;
    let shown = |order: &OrderStatus| {
        json!({
            "orderNumber": order.order_number,
            "orderStatus": order.order_status,
            "orderId": order.order_id,
        })
    };
    let data = match search {
        StatusSearch::Order(_) => orders.first().map(shown).unwrap_or(Value::Null),
        _ => Value::Array(
            orders
                .iter()
                .skip(number(query.offset.as_deref()).unwrap_or(0))
                .take(number(query.limit.as_deref()).unwrap_or(DEFAULT_LIMIT))
                .map(shown)
                .collect(),
        ),
    };
    Ok((
        StatusCode::OK,
        json!({
            "status": 200,
            "responseData": data,
            "timestamp": call::rfc3339(call.state.flow.wall(now)),
        }),
    ))
}

fn number(digits: Option<&str>) -> Option<usize> {
    digits.and_then(|digits| digits.parse().ok())
}
