//! The Ordering flow after the lookup: every step in the published order, the prerequisites
//! each step enforces (and lenient mode, which drops them), the flow's scenarios, per-client
//! state, replayable ids, bounded state and the admin API over it.
//!
//! Time is Tokio's paused clock: eSign completes and order statuses move when a test advances
//! it, never by sleeping.

use std::time::Duration;

use alliance_schemas::{SchemaName, Schemas, Strictness};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use mock_server::{Client, Config, FlowMode};
use serde_json::{Value, json};

use crate::common::{self, Answer, App, foundry, send};

const BASE: &str = "/api/v1";

/// A request to the flow with the demo client's credentials and the usual headers, plus
/// `extra` headers.
fn request(
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

async fn post(app: &App, path: &str, body: &Value) -> Answer {
    send(app, request(Method::POST, path, Some(body), &[])).await
}

async fn post_as(app: &App, path: &str, body: &Value, extra: &[(&str, &str)]) -> Answer {
    send(app, request(Method::POST, path, Some(body), extra)).await
}

async fn get(app: &App, path_and_query: &str) -> Answer {
    send(app, request(Method::GET, path_and_query, None, &[])).await
}

/// Asserts a 200 whose body is valid against `schema` (strictly: no key the schema lacks).
fn valid(answer: &Answer, schema: SchemaName) -> Value {
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

fn text(value: &Value) -> String {
    value.as_str().expect("a string").to_owned()
}

fn app(change: impl FnOnce(&mut Config)) -> App {
    common::app_with(|config| {
        config.esign_after_secs = 5;
        config.order_status_secs = 30;
        change(config);
    })
}

fn contract_body(quote_id: &str) -> Value {
    json!({
        "quoteId": quote_id,
        "contractType": "Quote-Based",
        "contractDetails": {"contactObj": {"contactName": "David", "contactEmail": "alpha@test.com"}}
    })
}

fn order_body(quote_id: &str) -> Value {
    json!({
        "quoteId": quote_id,
        "checkT&C": true,
        "contacts": {"contactDetails": {
            "primary": {"type": "primary", "firstName": "Sha", "lastName": "N", "email": "alpha@tes.com",
                        "street": "3430 Tully Rd", "city": "Modesto", "state": "CA", "zip": "95350"}
        }}
    })
}

fn installation_body(order_id: &str, sub_order_id: &str) -> Value {
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
async fn approved_quote(app: &App) -> String {
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
async fn placed_order(app: &App) -> (String, String) {
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

#[tokio::test(start_paused = true)]
async fn the_published_order_of_steps_leads_from_lookup_to_a_completed_order() {
    let app = app(|_| {});
    // 1. Lookup.
    let accounts = send(&app, common::lookup(&foundry())).await.json();
    let sub_account_id = text(&accounts[0]["subAccountId"]);
    // 2. Quote: the account's name comes from the lookup's data.
    let quote = valid(
        &post(
            &app,
            "/opportunity-quote",
            &json!({"spId": "10006", "subAccountId": sub_account_id}),
        )
        .await,
        SchemaName::QUOTE_RESPONSE,
    );
    assert_eq!(quote["accountName"], "AT&T CLOUD TEST FOUNDRY");
    let quote_id = text(&quote["quoteId"]);
    assert!(
        quote_id.starts_with("0Q0") && quote_id.len() == 18,
        "{quote_id}"
    );
    let site = post(
        &app,
        "/site",
        &json!({"quoteId": quote_id, "address":
        {"street": "2900 W PLANO PKWY", "city": "PLANO", "state": "TX", "zipCode": "75075"}}),
    )
    .await;
    let site_id = text(&valid(&site, SchemaName::SITE_RESPONSE)["siteId"]);
    // A contract before the credit check is out of order; so is a configuration (AIAB).
    let early = post(&app, "/contract/aiab", &contract_body(&quote_id)).await;
    assert!(text(&early.error(StatusCode::CONFLICT)["description"]).contains("no credit check"));
    let config_body = json!({"quoteId": quote_id, "siteId": site_id,
        "features": [{"name": "Port Speed", "code": "ATT_SPEED", "value": "100M"}]});
    post(&app, "/config/aiab", &config_body)
        .await
        .error(StatusCode::CONFLICT);
    // 3. Credit check, then the configuration.
    let check = valid(
        &post(
            &app,
            "/creditCheck/aiab",
            &json!({"quoteId": quote_id, "subAccountId": sub_account_id}),
        )
        .await,
        SchemaName::CREDIT_CHECK_RESPONSE,
    );
    assert_eq!(check["approvalStatus"], "Auto-Approved");
    assert!(text(&check["creditCheckId"]).starts_with("a9X"));
    let config = valid(
        &post(&app, "/config/aiab", &config_body).await,
        SchemaName::CONFIG_RESPONSE,
    );
    assert_eq!(config["portSpeed"], "100M");
    // 4. Contract: sent, then signed after --esign-after; signing locks the quote.
    let contract = valid(
        &post_as(
            &app,
            "/contract/aiab",
            &contract_body(&quote_id),
            &[("x-transaction-id", "tx-9")],
        )
        .await,
        SchemaName::CONTRACT_RESPONSE,
    );
    assert_eq!(contract["traceId"], "flow-test");
    assert_eq!(contract["transactionId"], "tx-9");
    let status_path = format!("/contract?quoteId={quote_id}");
    let shown = valid(
        &get(&app, &status_path).await,
        SchemaName::CONTRACT_STATUS_RESPONSE,
    );
    assert_eq!(shown["contractStatus"], "Sent");
    assert_eq!(shown["esignRequestId"], contract["esignRequestId"]);
    let too_soon = post(&app, "/order", &order_body(&quote_id)).await;
    assert!(
        text(&too_soon.error(StatusCode::CONFLICT)["description"]).contains("is Sent, not Signed")
    );
    tokio::time::advance(Duration::from_secs(5)).await;
    let shown = valid(
        &get(&app, &status_path).await,
        SchemaName::CONTRACT_STATUS_RESPONSE,
    );
    assert_eq!(shown["contractStatus"], "Signed");
    assert_eq!(shown["quoteLocked"], true);
    assert!(shown["signedDate"].is_string());
    post(
        &app,
        "/site",
        &json!({"quoteId": quote_id, "address":
        {"street": "1 Main St", "city": "PLANO", "state": "TX", "zipCode": "75075"}}),
    )
    .await
    .error(StatusCode::CONFLICT);
    // 5. Order: the items follow the quote's product; a second order for the quote is refused.
    let order = valid(
        &post(&app, "/order", &order_body(&quote_id)).await,
        SchemaName::ORDER_RESPONSE,
    );
    let items: Vec<&str> = order["subOrder"]["subOrderItem"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["orderItemType"].as_str().expect("a type"))
        .collect();
    assert_eq!(
        items,
        [
            "AT&T Dedicated Internet (Mid Market)",
            "Access",
            "Port",
            "ADI Install"
        ]
    );
    post(&app, "/order", &order_body(&quote_id))
        .await
        .error(StatusCode::CONFLICT);
    let order_id = text(&order["orderId"]);
    let sub_order_id = text(&order["subOrder"]["subOrderId"]);
    // 6. Enrichment.
    let installed = send(
        &app,
        request(
            Method::PUT,
            "/order-enrichment/installation",
            Some(&installation_body(&order_id, &sub_order_id)),
            &[],
        ),
    )
    .await;
    assert_eq!(
        valid(&installed, SchemaName::ENRICHMENT_RESPONSE)["orderId"],
        order_id.as_str()
    );
    let shipping = json!({"orderId": order_id, "subOrderId": sub_order_id, "shippingAddress":
        {"street": "2900 W PLANO PKWY", "city": "PLANO", "state": "TX", "zipCode": "75075"}});
    valid(
        &post(&app, "/order-enrichment/shipping/aiab", &shipping).await,
        SchemaName::ENRICHMENT_RESPONSE,
    );
    let billing = valid(
        &post(
            &app,
            "/order-enrichment/billing",
            &json!({"subAccountId": sub_account_id,
            "subOrderId": sub_order_id, "billingAccountName": "Foundry billing"}),
        )
        .await,
        SchemaName::BILLING_RESPONSE,
    );
    assert_eq!(billing[0]["BillingAccountName"], "Foundry billing");
    // 7. Status: IN_PROGRESS, then COMPLETED after --order-status-every.
    let status_path = format!(
        "/orders?externalIdentifierId={order_id}&externalIdentifierType=OrderNumber&businessAccountName=Foundry"
    );
    let status = valid(
        &get(&app, &status_path).await,
        SchemaName::ORDER_STATUS_RESPONSE,
    );
    assert_eq!(status["status"], 200);
    assert_eq!(status["responseData"]["orderStatus"], "IN_PROGRESS");
    tokio::time::advance(Duration::from_secs(30)).await;
    let status = valid(
        &get(&app, &status_path).await,
        SchemaName::ORDER_STATUS_RESPONSE,
    );
    assert_eq!(status["responseData"]["orderStatus"], "COMPLETED");
    // By the order number too, and by the account (an array, paged).
    let number = text(&status["responseData"]["orderNumber"]);
    let by_number = get(&app, &format!(
        "/orders?externalIdentifierId={number}&externalIdentifierType=OrderNumber&businessAccountName=x")).await;
    assert_eq!(
        valid(&by_number, SchemaName::ORDER_STATUS_RESPONSE)["responseData"]["orderId"],
        order_id.as_str()
    );
    let by_account = get(&app, &format!(
        "/orders?externalIdentifierId={sub_account_id}&externalIdentifierType=SaartSubAccountId&businessAccountName=x&offset=0&limit=5")).await;
    let listed = valid(&by_account, SchemaName::ORDER_STATUS_RESPONSE);
    assert_eq!(listed["responseData"].as_array().map(Vec::len), Some(1));
    let past_the_end = get(&app, &format!(
        "/orders?externalIdentifierId={sub_account_id}&externalIdentifierType=SaartSubAccountId&businessAccountName=x&offset=1")).await;
    assert_eq!(
        valid(&past_the_end, SchemaName::ORDER_STATUS_RESPONSE)["responseData"],
        json!([])
    );
}

/// Every operation but the lookup, with a path and query that name it.
fn operations() -> Vec<(Method, &'static str)> {
    vec![
        (Method::POST, "/opportunity-quote"),
        (Method::POST, "/site"),
        (Method::POST, "/config/aiab"),
        (Method::POST, "/creditCheck/aiab"),
        (Method::POST, "/contract/aiab"),
        (Method::GET, "/contract?quoteId=0Q0KQ000000CvYs0AK"),
        (Method::POST, "/order"),
        (Method::PUT, "/order-enrichment/installation"),
        (Method::POST, "/order-enrichment/shipping/aiab"),
        (Method::POST, "/order-enrichment/billing"),
        (
            Method::GET,
            "/orders?externalIdentifierId=1&externalIdentifierType=OrderNumber&businessAccountName=x",
        ),
    ]
}

#[tokio::test]
async fn every_operation_refuses_missing_credentials_and_a_body_that_is_not_json() {
    let app = app(|_| {});
    for (method, path) in operations() {
        let anonymous = Request::builder()
            .method(method.clone())
            .uri(format!("{BASE}{path}"))
            .header("content-type", "application/json")
            .header("x-trace-id", "anonymous")
            .body(Body::from("{}"))
            .expect("a request");
        let answer = send(&app, anonymous).await;
        answer.error(StatusCode::UNAUTHORIZED);
        assert!(answer.headers.contains_key("www-authenticate"), "{path}");
        if method == Method::GET {
            continue;
        }
        let mut not_json = request(method.clone(), path, None, &[]);
        *not_json.body_mut() = Body::from("quoteId=1");
        let body = send(&app, not_json).await.error(StatusCode::BAD_REQUEST);
        assert!(
            text(&body["description"]).contains("not valid JSON"),
            "{path}: {body}"
        );
        let mut form = request(
            method.clone(),
            path,
            Some(&json!({})),
            &[("content-type", "text/plain")],
        );
        form.headers_mut()
            .insert("content-type", "text/plain".parse().expect("a value"));
        send(&app, form)
            .await
            .error(StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let empty = send(&app, request(method, path, Some(&json!({})), &[])).await;
        let body = empty.error(StatusCode::BAD_REQUEST);
        assert!(
            body["violations"].as_array().is_some_and(|v| !v.is_empty()),
            "{path}: {body}"
        );
    }
    // A query missing its required parameters.
    let body = get(&app, "/orders?externalIdentifierId=1")
        .await
        .error(StatusCode::BAD_REQUEST);
    let pointers: Vec<&str> = body["violations"]
        .as_array()
        .expect("violations")
        .iter()
        .map(|v| v["pointer"].as_str().expect("a pointer"))
        .collect();
    assert_eq!(pointers, [""; 2], "{body}");
    get(
        &app,
        "/orders?externalIdentifierId=1&externalIdentifierType=Nope&businessAccountName=x",
    )
    .await
    .error(StatusCode::BAD_REQUEST);
    // The wrong method names the right one.
    let answer = send(
        &app,
        request(Method::POST, "/orders", Some(&json!({})), &[]),
    )
    .await;
    answer.error(StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(answer.headers["allow"], "GET");
}

#[tokio::test(start_paused = true)]
async fn a_later_step_for_an_id_nobody_made_is_refused_unless_the_flow_is_lenient() {
    let strict = app(|_| {});
    let lenient = app(|config| config.flow = FlowMode::Lenient);
    let quote_id = "0Q0KQ000000CvYs0AK";
    let body = post(&strict, "/order", &order_body(quote_id))
        .await
        .error(StatusCode::NOT_FOUND);
    assert_eq!(
        body["description"],
        format!("No quote {quote_id} was created by this client.")
    );
    let order = valid(
        &post(&lenient, "/order", &order_body(quote_id)).await,
        SchemaName::ORDER_RESPONSE,
    );
    let order_id = text(&order["orderId"]);
    for app in [&strict, &lenient] {
        let credit = post(app, "/creditCheck/aiab", &json!({"quoteId": quote_id})).await;
        let contract = post(app, "/contract/aiab", &contract_body(quote_id)).await;
        let shown = get(app, &format!("/contract?quoteId={quote_id}")).await;
        let status = get(app, &format!(
            "/orders?externalIdentifierId={order_id}&externalIdentifierType=OrderNumber&businessAccountName=x")).await;
        let installed = send(
            app,
            request(
                Method::PUT,
                "/order-enrichment/installation",
                Some(&installation_body(&order_id, "801KQ000000CvYs0AK")),
                &[],
            ),
        )
        .await;
        if std::ptr::eq(app, &strict) {
            credit.error(StatusCode::NOT_FOUND);
            contract.error(StatusCode::NOT_FOUND);
            shown.error(StatusCode::NOT_FOUND);
            status.error(StatusCode::NOT_FOUND);
            installed.error(StatusCode::NOT_FOUND);
        } else {
            valid(&credit, SchemaName::CREDIT_CHECK_RESPONSE);
            valid(&contract, SchemaName::CONTRACT_RESPONSE);
            valid(&shown, SchemaName::CONTRACT_STATUS_RESPONSE);
            valid(&status, SchemaName::ORDER_STATUS_RESPONSE);
            valid(&installed, SchemaName::ENRICHMENT_RESPONSE);
        }
    }
    // Terms refused in either mode: the schema wants them accepted.
    let mut refused = order_body(quote_id);
    refused["checkT&C"] = json!(false);
    for app in [&strict, &lenient] {
        let body = post(app, "/order", &refused)
            .await
            .error(StatusCode::BAD_REQUEST);
        assert_eq!(body["violations"][0]["pointer"], "/checkT&C", "{body}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_quote_belongs_to_the_client_that_made_it() {
    let app = app(|config| {
        config.clients = vec![
            Client::new("sp-one", "secret-one").expect("a client"),
            Client::new("sp-two", "secret-two").expect("a client"),
        ];
    });
    let as_client = |id: &'static str, secret: &'static str, body: &Value, path: &str| {
        let mut request = request(Method::POST, path, Some(body), &[]);
        request
            .headers_mut()
            .insert("client_id", id.parse().expect("a value"));
        request
            .headers_mut()
            .insert("client_secret", secret.parse().expect("a value"));
        request
    };
    let quote = send(
        &app,
        as_client(
            "sp-one",
            "secret-one",
            &json!({"subAccountId": "U8GOM4"}),
            "/opportunity-quote",
        ),
    )
    .await;
    let quote_id = text(&valid(&quote, SchemaName::QUOTE_RESPONSE)["quoteId"]);
    let check = json!({"quoteId": quote_id});
    send(
        &app,
        as_client("sp-two", "secret-two", &check, "/creditCheck/aiab"),
    )
    .await
    .error(StatusCode::NOT_FOUND);
    valid(
        &send(
            &app,
            as_client("sp-one", "secret-one", &check, "/creditCheck/aiab"),
        )
        .await,
        SchemaName::CREDIT_CHECK_RESPONSE,
    );
    // The other client's same request makes other ids.
    let theirs = send(
        &app,
        as_client(
            "sp-two",
            "secret-two",
            &json!({"subAccountId": "U8GOM4"}),
            "/opportunity-quote",
        ),
    )
    .await;
    assert_ne!(
        valid(&theirs, SchemaName::QUOTE_RESPONSE)["quoteId"],
        quote_id.as_str()
    );
    // A credit check that names another account than the quote's is refused.
    let other = json!({"quoteId": quote_id, "subAccountId": "TWNN1I"});
    let body = send(
        &app,
        as_client("sp-one", "secret-one", &other, "/creditCheck/aiab"),
    )
    .await
    .error(StatusCode::CONFLICT);
    assert!(text(&body["description"]).contains("U8GOM4"));
}

#[tokio::test(start_paused = true)]
async fn ids_repeat_when_the_flow_is_replayed_and_differ_for_a_repeated_request() {
    let run = || async {
        let app = app(|_| {});
        let (order_id, sub_order_id) = placed_order(&app).await;
        (app, order_id, sub_order_id)
    };
    let (app, first, first_sub) = run().await;
    let (_, second, second_sub) = run().await;
    assert_eq!(
        (&first, &first_sub),
        (&second, &second_sub),
        "a fresh mock replays the same ids"
    );
    // The same quote request twice in one flow: two quotes.
    let body = json!({"subAccountId": "U8GOM4"});
    let one = post(&app, "/opportunity-quote", &body).await.json()["quoteId"].clone();
    let two = post(&app, "/opportunity-quote", &body).await.json()["quoteId"].clone();
    assert_ne!(one, two);
    // After a reset, the replay gets the first ids again.
    let reset = send(
        &app,
        Request::delete("/__admin/flow")
            .body(Body::empty())
            .expect("a request"),
    )
    .await;
    assert_eq!(reset.status, StatusCode::OK);
    assert!(reset.json()["removed"].as_u64().is_some_and(|n| n >= 6));
    let (replayed, _) = placed_order(&app).await;
    assert_eq!(replayed, first);
}

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

#[tokio::test(start_paused = true)]
async fn each_client_keeps_at_most_the_capacity_of_each_kind() {
    let app = app(|config| config.flow_capacity = 2);
    let mut quotes = Vec::new();
    for n in 0..3 {
        let quote = post(
            &app,
            "/opportunity-quote",
            &json!({"subAccountId": format!("SUB{n}")}),
        )
        .await
        .json();
        quotes.push(text(&quote["quoteId"]));
    }
    post(&app, "/creditCheck/aiab", &json!({"quoteId": quotes[0]}))
        .await
        .error(StatusCode::NOT_FOUND);
    valid(
        &post(&app, "/creditCheck/aiab", &json!({"quoteId": quotes[2]})).await,
        SchemaName::CREDIT_CHECK_RESPONSE,
    );
    let listed = send(
        &app,
        Request::get("/__admin/flow")
            .body(Body::empty())
            .expect("a request"),
    )
    .await
    .json();
    let mine = &listed["clients"]["demo-client"];
    assert_eq!(mine["quotes"].as_array().map(Vec::len), Some(2));
    assert_eq!(listed["capacity"], 2);
    assert_eq!(listed["mode"], "strict");
}

#[tokio::test]
async fn the_flow_runs_over_a_socket() {
    let server = mock_server::MockServer::builder()
        .esign_after_secs(0)
        .start()
        .await
        .expect("the mock starts");
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let call = |method: reqwest::Method, path: &str, body: Option<Value>| {
        let mut request = client
            .request(method, format!("{}{BASE}{path}", server.uri()))
            .header("client_id", "demo-client")
            .header("client_secret", "demo-secret")
            .header("x-trace-id", "socket");
        if let Some(body) = body {
            request = request.json(&body);
        }
        async move {
            let answer = request.send().await.expect("the mock answers");
            let status = answer.status();
            (status, answer.json::<Value>().await.expect("JSON"))
        }
    };
    let (_, quote) = call(
        reqwest::Method::POST,
        "/opportunity-quote",
        Some(json!({"subAccountId": "U8GOM4"})),
    )
    .await;
    let quote_id = text(&quote["quoteId"]);
    call(
        reqwest::Method::POST,
        "/creditCheck/aiab",
        Some(json!({"quoteId": quote_id})),
    )
    .await;
    let (status, _) = call(
        reqwest::Method::POST,
        "/contract/aiab",
        Some(contract_body(&quote_id)),
    )
    .await;
    assert_eq!(status, 200);
    let (status, order) = call(reqwest::Method::POST, "/order", Some(order_body(&quote_id))).await;
    assert_eq!(status, 200, "{order}");
    let order_id = text(&order["orderId"]);
    let (status, answer) = call(reqwest::Method::GET,
        &format!("/orders?externalIdentifierId={order_id}&externalIdentifierType=OrderNumber&businessAccountName=x"), None).await;
    assert_eq!(
        (
            status.as_u16(),
            answer["responseData"]["orderStatus"].as_str()
        ),
        (200, Some("IN_PROGRESS"))
    );
}
