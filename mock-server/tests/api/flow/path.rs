//! The steps in the published order, from the lookup to a completed order, in-process and over a
//! socket; and the checks every operation shares.

use std::time::Duration;

use alliance_schemas::SchemaName;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};

use super::*;
use crate::common::{self, foundry, send};

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

/// What every 401 says the caller must send.
const CHALLENGE: &str = r#"client_id realm="Alliance Ordering API""#;

#[tokio::test]
async fn every_401_of_every_operation_names_the_credentials_expected() {
    let app = app(|_| {});
    let lookup = (Method::POST, "/customerAccountLookup");
    for (method, path) in operations().into_iter().chain([lookup]) {
        let body = json!({"quoteId": "0Q0KQ000000CvYs0AK"});
        let mut refusals = Vec::new();
        for (name, value) in [
            ("client_id", None),
            ("client_secret", None),
            ("client_secret", Some("not-the-secret")),
        ] {
            let mut request = request(method.clone(), path, Some(&body), &[]);
            request.headers_mut().remove(name);
            if let Some(value) = value {
                request
                    .headers_mut()
                    .insert(name, value.parse().expect("a header value"));
            }
            refusals.push(request);
        }
        // The `unauthorized` scenario answers as a real credential failure does.
        refusals.push(request(
            method.clone(),
            path,
            Some(&body),
            &[("x-mock-scenario", "unauthorized")],
        ));
        for (index, refusal) in refusals.into_iter().enumerate() {
            let answer = send(&app, refusal).await;
            answer.error(StatusCode::UNAUTHORIZED);
            assert_eq!(
                answer.headers["www-authenticate"], CHALLENGE,
                "{path}, refusal {index}"
            );
        }
    }
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
        assert_eq!(answer.headers["www-authenticate"], CHALLENGE, "{path}");
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
