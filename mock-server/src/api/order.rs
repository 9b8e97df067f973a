//! Order, step 5 of the flow: `POST /order` places the order and its sub-order for a quote with a
//! signed contract and accepts the terms and conditions (`checkT&C`). The sub-order's items
//! follow the quote's product.

use std::sync::Arc;

use alliance_schemas::SchemaName;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::call::{self, Answer, Call};
use crate::domain::flow::steps::{self, NewOrder};
use crate::domain::operation::Operation;
use crate::state::AppState;

#[derive(Deserialize)]
struct OrderRequest {
    #[serde(rename = "quoteId")]
    quote_id: Option<String>,
    /// One page of the portal spells it so.
    #[serde(rename = "quoteID")]
    quote_id_upper: Option<String>,
    #[serde(rename = "checkT&C")]
    terms_accepted: Option<bool>,
}

/// `POST /order`.
pub(crate) async fn create(State(state): State<Arc<AppState>>, request: Request) -> Response {
    call::serve(
        state,
        Operation::CreateOrder,
        SchemaName::ORDER_REQUEST,
        request,
        create_order,
    )
    .await
}

fn create_order(call: Call<'_>) -> Answer {
    let request: OrderRequest = call::read(&call.value)?;
    let quote_id = request
        .quote_id
        .or(request.quote_id_upper)
        .unwrap_or_default();
    let statuses = call
        .flow_change()
        .and_then(|change| change.order_statuses.clone());
    let order = call.step(|ledger, rules, key, now| {
        let order = NewOrder {
            quote_id: quote_id.clone(),
            terms_accepted: request.terms_accepted,
            statuses: statuses.clone(),
        };
        steps::create_order(ledger, rules, key, order, now)
    })?;
    Ok((
        StatusCode::OK,
        json!({
            "status": "Success",
            "orderId": order.order_id,
            "subOrder": {
                "subOrderId": order.sub_order_id,
                "subOrderItem": order.items,
            },
            "statusMessage": "Success",
        }),
    ))
}
