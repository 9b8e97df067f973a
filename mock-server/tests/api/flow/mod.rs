//! The Ordering flow after the lookup: every step in the published order ([`path`]), what each
//! step needs and who owns what ([`rules`]), and the flow's scenarios ([`scenarios`]).
//!
//! Time is Tokio's paused clock: eSign completes and order statuses move when a test advances
//! it, never by sleeping. The helpers below build the requests every test sends.

use std::time::Duration;

use alliance_schemas::{SchemaName, Schemas, Strictness};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use mock_server::Config;
use serde_json::{Value, json};

use crate::common::{self, Answer, App, send};

mod path;
mod rules;
mod scenarios;

pub(crate) const BASE: &str = "/api/v1";

/// A request to the flow with the demo client's credentials and the usual headers, plus
/// `extra` headers.
pub(crate) fn request(
    method: Method,
    path: &str,
    body: Option<&Value>,
    extra: &[(&str, &str)],
) -> Request<Body> {
    let mut builder = Request::builder()
        .method(method)
        .uri(format!("{BASE}{path}"))
        .header("client_id", "demo-client")
        .header("client_secret", "demo-secret")
        .header("content-type", "application/json")
        .header("x-trace-id", "flow-test");
    for (name, value) in extra {
        builder = builder.header(*name, *value);
    }
    let body = body.map_or_else(Body::empty, |body| Body::from(body.to_string()));
    builder.body(body).expect("a valid request")
}

pub(crate) async fn post(app: &App, path: &str, body: &Value) -> Answer {
    send(app, request(Method::POST, path, Some(body), &[])).await
}

pub(crate) async fn post_as(app: &App, path: &str, body: &Value, extra: &[(&str, &str)]) -> Answer {
    send(app, request(Method::POST, path, Some(body), extra)).await
}

pub(crate) async fn get(app: &App, path_and_query: &str) -> Answer {
    send(app, request(Method::GET, path_and_query, None, &[])).await
}

/// Asserts a 200 whose body is valid against `schema` (strictly: no key the schema lacks).
pub(crate) fn valid(answer: &Answer, schema: SchemaName) -> Value {
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let body = answer.json();
    let schemas = Schemas::compile().expect("schemas compile");
    let violations = schemas.validate(schema, Strictness::Strict, &body);
    assert!(violations.is_empty(), "{schema}: {violations:?}\n{body}");
    body
}

pub(crate) fn text(value: &Value) -> String {
    value.as_str().expect("a string").to_owned()
}

pub(crate) fn app(change: impl FnOnce(&mut Config)) -> App {
    common::app_with(|config| {
        config.esign_after_secs = 5;
        config.order_status_secs = 30;
        change(config);
    })
}

pub(crate) fn contract_body(quote_id: &str) -> Value {
    json!({
        "quoteId": quote_id,
        "contractType": "Quote-Based",
        "contractDetails": {"contactObj": {"contactName": "David", "contactEmail": "alpha@test.com"}}
    })
}

pub(crate) fn order_body(quote_id: &str) -> Value {
    json!({
        "quoteId": quote_id,
        "checkT&C": true,
        "contacts": {"contactDetails": {
            "primary": {"type": "primary", "firstName": "Sha", "lastName": "N", "email": "alpha@tes.com",
                        "street": "3430 Tully Rd", "city": "Modesto", "state": "CA", "zip": "95350"}
        }}
    })
}

pub(crate) fn installation_body(order_id: &str, sub_order_id: &str) -> Value {
    json!({
        "orderId": order_id,
        "subOrderId": sub_order_id,
        "customerRequestedStartDate": "2024-01-16T20:00:00.000+0000",
        "customerRequestedDueDate": "2024-06-30T19:00:00.000+0000",
        "startBillingBeforeReqDueDate": "true",
        "premiseNotes": "Loading dock at the back",
        "contacts": {"contactDetails": {"primary": {"firstName": "A", "lastName": "B", "email": "a@b.c"}}}
    })
}

/// A quote for the foundry account, with an approved credit check: ready for a contract.
pub(crate) async fn approved_quote(app: &App) -> String {
    let quote = valid(
        &post(
            app,
            "/opportunity-quote",
            &json!({"spId": "10006", "subAccountId": "U8GOM4"}),
        )
        .await,
        SchemaName::QUOTE_RESPONSE,
    );
    let quote_id = text(&quote["quoteId"]);
    valid(
        &post(
            app,
            "/creditCheck/aiab",
            &json!({"quoteId": quote_id, "subAccountId": "U8GOM4"}),
        )
        .await,
        SchemaName::CREDIT_CHECK_RESPONSE,
    );
    quote_id
}

/// An order for a quote whose contract was signed: (order id, sub-order id).
pub(crate) async fn placed_order(app: &App) -> (String, String) {
    let quote_id = approved_quote(app).await;
    valid(
        &post(app, "/contract/aiab", &contract_body(&quote_id)).await,
        SchemaName::CONTRACT_RESPONSE,
    );
    tokio::time::advance(Duration::from_secs(5)).await;
    let order = valid(
        &post(app, "/order", &order_body(&quote_id)).await,
        SchemaName::ORDER_RESPONSE,
    );
    (
        text(&order["orderId"]),
        text(&order["subOrder"]["subOrderId"]),
    )
}
