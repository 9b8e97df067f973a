//! The admin API: scenarios, the admin token, the closed API beyond loopback, the Postman
//! collection (the request journal is in `journal.rs`).

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use crate::common::*;

pub(crate) fn admin(method: &str, path: &str, body: Option<Value>) -> Request<Body> {
    let builder = Request::builder().method(method).uri(path);
    match body {
        Some(body) => builder
            .header("content-type", "application/json")
            .body(Body::from(body.to_string())),
        None => builder.body(Body::empty()),
    }
    .expect("request")
}

#[tokio::test]
async fn admin_lists_every_shipped_scenario_with_a_description() {
    let body = send(&app(), admin("GET", "/__admin/scenarios", None))
        .await
        .json();
    let names: BTreeSet<&str> = body["scenarios"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|s| {
            assert!(
                !s["description"].as_str().unwrap_or_default().is_empty(),
                "{s}"
            );
            s["name"].as_str().expect("name")
        })
        .collect();
    for name in [
        "null-fields",
        "exception-codes",
        "att-only",
        "opportunity",
        "loa-on-file",
        "inactive-accounts",
        "max-results",
        "single-result",
        "no-customer-found",
        "unknown-enum-values",
        "unicode-names",
        "unauthorized",
        "bad-request",
        "unsupported-media-type",
        "rate-limited",
        "server-error",
        "bad-gateway",
        "service-unavailable",
        "gateway-timeout",
        "extra-fields",
        "missing-field",
        "wrong-types",
        "too-many-results",
        "renamed-field",
        "slow",
        "timeout",
        "connection-reset",
        "empty-response",
        "malformed-json",
        "truncated-body",
        "slow-drip",
    ] {
        assert!(names.contains(name), "{name} is not shipped");
    }
    assert_eq!(body["active"], Value::Null);
}

#[tokio::test]
async fn admin_switches_the_server_wide_scenario_on_and_off() {
    let app = app();
    let on = send(
        &app,
        admin(
            "PUT",
            "/__admin/scenario",
            Some(json!({"name": "single-result"})),
        ),
    )
    .await;
    assert_eq!(on.json(), json!({"scenario": "single-result"}));
    assert_eq!(
        accounts(&send(&app, lookup(&acme("ACME", "", "75201"))).await).len(),
        1
    );
    let current = send(&app, admin("GET", "/__admin/scenario", None))
        .await
        .json();
    assert_eq!(current, json!({"scenario": "single-result"}));
    send(&app, admin("DELETE", "/__admin/scenario", None)).await;
    assert_eq!(
        accounts(&send(&app, lookup(&acme("ACME", "", "75201"))).await).len(),
        5
    );
    let unknown = send(
        &app,
        admin("PUT", "/__admin/scenario", Some(json!({"name": "nope"}))),
    )
    .await;
    unknown.error(StatusCode::BAD_REQUEST);
    let malformed = send(
        &app,
        admin("PUT", "/__admin/scenario", Some(json!({"scenario": "x"}))),
    )
    .await;
    malformed.error(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_admin_token_is_required_when_configured() {
    let app = app_with(|config| config.admin_token = Some("t0ken-123".to_owned().into()));
    let refused = send(&app, admin("GET", "/__admin/scenarios", None)).await;
    refused.error(StatusCode::UNAUTHORIZED);
    let mut with_header = admin("GET", "/__admin/scenarios", None);
    with_header
        .headers_mut()
        .insert("x-admin-token", "t0ken-123".parse().expect("value"));
    assert_eq!(send(&app, with_header).await.status, StatusCode::OK);
    let mut bearer = admin("GET", "/__admin/health", None);
    bearer
        .headers_mut()
        .insert("authorization", "Bearer t0ken-123".parse().expect("value"));
    assert_eq!(send(&app, bearer).await.status, StatusCode::OK);
    let mut wrong = admin("GET", "/__admin/health", None);
    wrong
        .headers_mut()
        .insert("x-admin-token", "t0ken-124".parse().expect("value"));
    send(&app, wrong).await.error(StatusCode::UNAUTHORIZED);
    // The lookup itself does not need the admin token.
    assert_eq!(send(&app, lookup(&foundry())).await.status, StatusCode::OK);
}

/// Beyond loopback without a token, only the health check answers: the journal and the
/// scenario switch are refused with 403 and the error body says how to open them.
#[tokio::test]
async fn beyond_loopback_without_a_token_only_health_answers() {
    let closed = app_with(|config| config.listen = "0.0.0.0:0".parse().expect("an address"));
    let health = send(&closed, admin("GET", "/__admin/health", None)).await;
    assert_eq!(health.status, StatusCode::OK);
    for (method, path, body) in [
        ("GET", "/__admin/requests", None),
        ("DELETE", "/__admin/requests", None),
        ("PUT", "/__admin/scenario", Some(json!({"name": "timeout"}))),
        ("GET", "/__admin/scenarios", None),
        ("POST", "/__admin/reload", None),
        ("GET", "/__admin/openapi.json", None),
        ("POST", "/__admin/health", None),
    ] {
        let answer = send(&closed, admin(method, path, body)).await;
        let error = answer.error(StatusCode::FORBIDDEN);
        assert!(
            error["description"]
                .as_str()
                .is_some_and(|text| text.contains("--admin-token")),
            "{method} {path}: {error}"
        );
    }
    // The scenario switch was refused: the next lookup gets no scenario.
    let answer = send(&closed, lookup(&foundry())).await;
    assert_eq!(answer.status, StatusCode::OK);

    // Opened on purpose, or with a token, it answers as on loopback.
    let opened = app_with(|config| {
        config.listen = "0.0.0.0:0".parse().expect("an address");
        config.admin_open = true;
    });
    let requests = send(&opened, admin("GET", "/__admin/requests", None)).await;
    assert_eq!(requests.status, StatusCode::OK);
    let with_token = app_with(|config| {
        config.listen = "0.0.0.0:0".parse().expect("an address");
        config.admin_token = Some("t0ken".to_owned().into());
    });
    let mut request = admin("GET", "/__admin/requests", None);
    request
        .headers_mut()
        .insert("x-admin-token", "t0ken".parse().expect("a value"));
    assert_eq!(send(&with_token, request).await.status, StatusCode::OK);
    let refused = send(&with_token, admin("GET", "/__admin/requests", None)).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_postman_collection_has_every_operation_in_flow_order_with_both_credentials() {
    let mut request = admin("GET", "/__admin/postman.json", None);
    request
        .headers_mut()
        .insert("host", "127.0.0.1:9123".parse().expect("host"));
    let collection = send(&app(), request).await.json();
    let variables: Vec<(&str, &str)> = collection["variable"]
        .as_array()
        .expect("variables")
        .iter()
        .map(|v| {
            (
                v["key"].as_str().expect("a key"),
                v["value"].as_str().expect("a value"),
            )
        })
        .collect();
    assert!(
        variables.contains(&("baseUrl", "http://127.0.0.1:9123")),
        "{variables:?}"
    );
    assert!(variables.contains(&("clientId", "demo-client")));
    assert!(variables.contains(&("clientSecret", "demo-secret")));
    let requests: Vec<&Value> = collection["item"]
        .as_array()
        .expect("folders")
        .iter()
        .flat_map(|folder| folder["item"].as_array().expect("items"))
        .map(|item| &item["request"])
        .collect();
    let paths: Vec<String> = requests
        .iter()
        .map(|r| {
            format!(
                "{} /{}",
                r["method"].as_str().expect("a method"),
                r["url"]["path"]
                    .as_array()
                    .expect("a path")
                    .iter()
                    .map(|s| s.as_str().expect("a segment"))
                    .collect::<Vec<_>>()
                    .join("/")
            )
        })
        .collect();
    assert_eq!(
        paths,
        [
            "POST /api/v1/customerAccountLookup",
            "POST /api/v1/opportunity-quote",
            "POST /api/v1/site",
            "POST /api/v1/creditCheck/aiab",
            "POST /api/v1/config/aiab",
            "POST /api/v1/contract/aiab",
            "GET /api/v1/contract",
            "POST /api/v1/order",
            "PUT /api/v1/order-enrichment/installation",
            "POST /api/v1/order-enrichment/shipping/aiab",
            "POST /api/v1/order-enrichment/billing",
            "GET /api/v1/orders",
        ]
    );
    for request in &requests {
        let headers: Vec<(&str, &str)> = request["header"]
            .as_array()
            .expect("headers")
            .iter()
            .map(|h| {
                (
                    h["key"].as_str().expect("a key"),
                    h["value"].as_str().expect("a value"),
                )
            })
            .collect();
        assert!(
            headers.contains(&("client_id", "{{clientId}}")),
            "{headers:?}"
        );
        assert!(
            headers.contains(&("client_secret", "{{clientSecret}}")),
            "{headers:?}"
        );
    }
    // Ids of earlier answers are variables in later bodies.
    let order = requests[7]["body"]["raw"].as_str().expect("a body");
    assert!(order.contains("\"quoteId\": \"{{quoteId}}\""), "{order}");
}
