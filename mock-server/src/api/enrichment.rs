//! Order enrichment, step 6 of the flow: installation (`PUT /order-enrichment/installation`),
//! shipping (`POST /order-enrichment/shipping/aiab`) and billing
//! (`POST /order-enrichment/billing`) details added to an existing order.

use std::sync::Arc;

use alliance_schemas::SchemaName;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::call::{self, Answer, Call};
use crate::domain::flow::ledger::OrderRef;
use crate::domain::flow::steps::{self, Enriched, Enrichment};
use crate::domain::operation::Operation;
use crate::http::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrderIds {
    order_id: String,
    sub_order_id: String,
}

/// `PUT /order-enrichment/installation`.
pub(crate) async fn installation(State(state): State<Arc<AppState>>, request: Request) -> Response {
    call::serve(
        state,
        Operation::EnrichInstallation,
        SchemaName::INSTALLATION_REQUEST,
        request,
        |call| by_order(call, Enrichment::Installation, "Installation details added"),
    )
    .await
}

/// `POST /order-enrichment/shipping/aiab`.
pub(crate) async fn shipping(State(state): State<Arc<AppState>>, request: Request) -> Response {
    call::serve(
        state,
        Operation::EnrichShippingAiab,
        SchemaName::SHIPPING_REQUEST,
        request,
        |call| by_order(call, Enrichment::Shipping, "Shipping details added"),
    )
    .await
}

fn enrich(
    call: &Call<'_>,
    by: OrderRef<'_>,
    sub_order_id: Option<&str>,
    enrichment: Enrichment,
) -> Result<Enriched, ApiError> {
    call.step(|ledger, rules, key, _| {
        steps::enrich(ledger, rules, key, by, sub_order_id, enrichment.clone())
    })
}

fn by_order(call: Call<'_>, enrichment: Enrichment, message: &str) -> Answer {
    let ids: OrderIds = call::read(&call.value)?;
    enrich(
        &call,
        OrderRef::OrderId(&ids.order_id),
        Some(&ids.sub_order_id),
        enrichment,
    )?;
    Ok((
        StatusCode::OK,
        json!({
            "orderId": ids.order_id,
            "subOrderId": ids.sub_order_id,
            "status": "Success",
            "statusMessage": message,
        }),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewBilling {
    sub_order_id: String,
    billing_account_name: Option<String>,
}

/// `POST /order-enrichment/billing`.
pub(crate) async fn billing(State(state): State<Arc<AppState>>, request: Request) -> Response {
    call::serve(
        state,
        Operation::EnrichBilling,
        SchemaName::BILLING_REQUEST,
        request,
        add_billing,
    )
    .await
}

fn add_billing(call: Call<'_>) -> Answer {
    let request: NewBilling = call::read(&call.value)?;
    let enriched = enrich(
        &call,
        OrderRef::SubOrderId(&request.sub_order_id),
        None,
        Enrichment::Billing {
            name: request.billing_account_name.clone(),
        },
    )?;
    let account = enriched.billing.ok_or(ApiError::Internal)?;
    Ok((
        StatusCode::OK,
        json!([{
            "BillingAccountName": account.name,
            "BillingAccountInvoiceNumber": account.invoice_number,
        }]),
    ))
}
