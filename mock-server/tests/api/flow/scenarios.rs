//! The flow's scenarios, and the generic and lookup-only ones on the flow's operations.

use std::time::Duration;

use alliance_schemas::SchemaName;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};

use super::*;
use crate::common::send;

#[tokio::test(start_paused = true)]
async fn the_flow_scenarios_change_each_step() {
    let app = app(|_| {});
    // A declined credit check stops the contract.
    let quote = post(
        &app,
        "/opportunity-quote",
        &json!({"subAccountId": "U8GOM4"}),
    )
    .await
    .json();
    let quote_id = text(&quote["quoteId"]);
    let declined = post_as(
        &app,
        "/creditCheck/aiab",
        &json!({"quoteId": quote_id}),
        &[("x-mock-scenario", "credit-declined")],
    )
    .await;
    let declined = valid(&declined, SchemaName::CREDIT_CHECK_RESPONSE);
    assert_eq!(
        (
            declined["approvalStatus"].as_str(),
            declined["noErrorFlag"].as_bool()
        ),
        (Some("Declined"), Some(false))
    );
    let body = post(&app, "/contract/aiab", &contract_body(&quote_id))
        .await
        .error(StatusCode::CONFLICT);
    assert!(
        text(&body["description"]).contains("\"Declined\""),
        "{body}"
    );
    // Manual review waits too; a new approved check lets the sale go on.
    post_as(
        &app,
        "/creditCheck/aiab",
        &json!({"quoteId": quote_id}),
        &[("x-mock-scenario", "credit-manual-review")],
    )
    .await;
    post(&app, "/contract/aiab", &contract_body(&quote_id))
        .await
        .error(StatusCode::CONFLICT);
    post(&app, "/creditCheck/aiab", &json!({"quoteId": quote_id})).await;
    // A declined envelope: the order is refused once it completes.
    post_as(
        &app,
        "/contract/aiab",
        &contract_body(&quote_id),
        &[("x-mock-scenario", "esign-declined")],
    )
    .await;
    tokio::time::advance(Duration::from_secs(5)).await;
    let shown = get(&app, &format!("/contract?quoteId={quote_id}"))
        .await
        .json();
    assert_eq!(shown["contractStatus"], "Declined");
    post(&app, "/order", &order_body(&quote_id))
        .await
        .error(StatusCode::CONFLICT);
    // An expired envelope too.
    post_as(
        &app,
        "/contract/aiab",
        &contract_body(&quote_id),
        &[("x-mock-scenario", "esign-expired")],
    )
    .await;
    tokio::time::advance(Duration::from_secs(5)).await;
    let shown = get(&app, &format!("/contract?quoteId={quote_id}"))
        .await
        .json();
    assert_eq!(shown["contractStatus"], "Expired");
    let body = post(&app, "/order", &order_body(&quote_id))
        .await
        .error(StatusCode::CONFLICT);
    assert!(
        text(&body["description"]).contains("is Expired, not Signed"),
        "{body}"
    );
    // A pending envelope waits for the admin API.
    post_as(
        &app,
        "/contract/aiab",
        &contract_body(&quote_id),
        &[("x-mock-scenario", "esign-pending")],
    )
    .await;
    tokio::time::advance(Duration::from_secs(3600)).await;
    assert_eq!(
        get(&app, &format!("/contract?quoteId={quote_id}"))
            .await
            .json()["contractStatus"],
        "Sent"
    );
    let signed = send(
        &app,
        Request::post(format!("/__admin/flow/contracts/{quote_id}/esign"))
            .body(Body::empty())
            .expect("a request"),
    )
    .await;
    assert_eq!(signed.json()["contractStatus"], "Signed");
    // Terms refused by scenario; then a stuck order.
    let refused = post_as(
        &app,
        "/order",
        &order_body(&quote_id),
        &[("x-mock-scenario", "order-refused")],
    )
    .await;
    refused.error(StatusCode::UNPROCESSABLE_ENTITY);
    let order = post_as(
        &app,
        "/order",
        &order_body(&quote_id),
        &[("x-mock-scenario", "order-stuck")],
    )
    .await
    .json();
    let order_id = text(&order["orderId"]);
    let status_path = format!(
        "/orders?externalIdentifierId={order_id}&externalIdentifierType=OrderNumber&businessAccountName=x"
    );
    tokio::time::advance(Duration::from_secs(100_000)).await;
    assert_eq!(
        get(&app, &status_path).await.json()["responseData"]["orderStatus"],
        "IN_PROGRESS"
    );
    // The admin API moves it on and sets it.
    let advanced = send(
        &app,
        Request::post(format!("/__admin/flow/orders/{order_id}/advance"))
            .body(Body::empty())
            .expect("a request"),
    )
    .await;
    assert_eq!(
        advanced.json()["orderStatus"],
        "IN_PROGRESS",
        "a one-status order stays"
    );
    let set = Request::put(format!("/__admin/flow/orders/{order_id}/status"))
        .body(Body::from(r#"{"status": "CANCELLED"}"#))
        .expect("a request");
    assert_eq!(send(&app, set).await.status, StatusCode::OK);
    assert_eq!(
        get(&app, &status_path).await.json()["responseData"]["orderStatus"],
        "CANCELLED"
    );
    // Enrichment refused.
    let sub_order_id = text(&order["subOrder"]["subOrderId"]);
    let refused = send(
        &app,
        request(
            Method::PUT,
            "/order-enrichment/installation",
            Some(&installation_body(&order_id, &sub_order_id)),
            &[("x-mock-scenario", "enrichment-refused")],
        ),
    )
    .await;
    refused.error(StatusCode::UNPROCESSABLE_ENTITY);
    // A failing order.
    let failing = app_with_failed_order().await;
    assert_eq!(failing, ["IN_PROGRESS", "FAILED"]);
}

/// The statuses an order placed under `order-failed` shows at its start and 30 s later.
async fn app_with_failed_order() -> Vec<String> {
    let app = app(|config| config.scenario = Some("order-failed".to_owned()));
    let (order_id, _) = placed_order(&app).await;
    let path = format!(
        "/orders?externalIdentifierId={order_id}&externalIdentifierType=OrderNumber&businessAccountName=x"
    );
    let mut seen = vec![text(
        &get(&app, &path).await.json()["responseData"]["orderStatus"],
    )];
    tokio::time::advance(Duration::from_secs(30)).await;
    seen.push(text(
        &get(&app, &path).await.json()["responseData"]["orderStatus"],
    ));
    seen
}

#[tokio::test(start_paused = true)]
async fn generic_scenarios_apply_to_every_operation_and_lookup_scenarios_only_to_the_lookup() {
    let app = app(|_| {});
    let body = json!({"subAccountId": "U8GOM4"});
    post_as(
        &app,
        "/opportunity-quote",
        &body,
        &[("x-mock-scenario", "server-error")],
    )
    .await
    .error(StatusCode::INTERNAL_SERVER_ERROR);
    let answer = post_as(
        &app,
        "/opportunity-quote",
        &body,
        &[("x-mock-scenario", "null-fields")],
    )
    .await;
    valid(&answer, SchemaName::QUOTE_RESPONSE);
    let journal = send(
        &app,
        Request::get("/__admin/requests?operation=createOpportunityQuote")
            .body(Body::empty())
            .expect("a request"),
    )
    .await
    .json();
    let entries = journal["requests"].as_array().expect("entries");
    assert_eq!(entries.len(), 2, "{journal}");
    assert_eq!(
        entries[0]["scenario"],
        Value::Null,
        "null-fields does not apply to a quote"
    );
    assert_eq!(entries[1]["scenario"], "server-error");
    assert_eq!(entries[0]["operation"], "createOpportunityQuote");
}
