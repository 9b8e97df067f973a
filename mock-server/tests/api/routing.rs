use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use crate::common::*;

#[tokio::test]
async fn trace_and_transaction_ids_are_echoed_as_headers() {
    let request = lookup_with(&foundry(), &[("x-transaction-id", Some("txn-9"))]);
    let answer = send(&app(), request).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers["x-trace-id"], "trace-123");
    assert_eq!(answer.headers["x-transaction-id"], "txn-9");
}

#[tokio::test]
async fn transaction_id_is_not_invented_when_not_sent() {
    let answer = send(&app(), lookup(&foundry())).await;
    assert!(answer.headers.get("x-transaction-id").is_none());
}

#[tokio::test]
async fn error_bodies_carry_both_ids() {
    let request = lookup_with(
        &acme("NOBODY HERE", "", "75201"),
        &[("x-transaction-id", Some("txn-9"))],
    );
    let answer = send(&app(), request).await;
    let body = answer.error(StatusCode::NOT_FOUND);
    assert_eq!(body["traceId"], "trace-123");
    assert_eq!(body["transactionId"], "txn-9");
    assert_eq!(answer.headers["x-transaction-id"], "txn-9");
}

#[tokio::test]
async fn unknown_paths_are_404_in_the_error_body() {
    let request = Request::get("/api/v2/customerAccountLookup")
        .header("x-trace-id", "t-404")
        .body(Body::empty())
        .expect("request");
    let answer = send(&app(), request).await;
    let body = answer.error(StatusCode::NOT_FOUND);
    assert_eq!(
        body,
        json!({"code": 404, "message": "Not Found",
               "description": "No such resource. The operations served are listed in GET /__admin/openapi.json.",
               "traceId": "t-404", "transactionId": null})
    );
}

#[tokio::test]
async fn other_methods_on_the_lookup_are_405_with_allow() {
    for method in ["GET", "PUT", "DELETE", "PATCH"] {
        let request = Request::builder()
            .method(method)
            .uri(LOOKUP)
            .body(Body::empty())
            .expect("request");
        let answer = send(&app(), request).await;
        let body = answer.error(StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(body["description"], "This resource only accepts POST.");
        assert_eq!(answer.headers["allow"], "POST", "{method}");
    }
}

#[tokio::test]
async fn the_lookup_can_be_served_at_the_root_too() {
    let app = app_with(|config| config.base_paths = vec!["/api/v1".into(), "/".into()]);
    let mut request = lookup(&foundry());
    *request.uri_mut() = "/customerAccountLookup".parse().expect("uri");
    assert_eq!(
        send(&app, request).await.names(),
        ["AT&T CLOUD TEST FOUNDRY"]
    );
    assert_eq!(send(&app, lookup(&foundry())).await.status, StatusCode::OK);
}

#[tokio::test]
async fn admin_serves_a_self_contained_openapi_document() {
    let get = |uri: &str| Request::get(uri).body(Body::empty()).expect("request");
    let mut request = get("/__admin/openapi.json");
    request
        .headers_mut()
        .insert("host", "127.0.0.1:9123".parse().expect("host"));
    let answer = send(&app(), request).await;
    assert_eq!(answer.status, StatusCode::OK);
    let document = answer.json();
    assert_eq!(document["servers"][0]["url"], "http://127.0.0.1:9123");
    assert_eq!(
        document["servers"].as_array().map(Vec::len),
        Some(1),
        "production is named per operation"
    );
    let lookup = &document["paths"]["/api/v1/customerAccountLookup"]["post"];
    assert_eq!(lookup["servers"][0]["url"], "http://127.0.0.1:9123");
    assert_eq!(
        lookup["servers"][1]["url"], "https://att-endcustomerlookup-eapi.gw.cloud.att.com",
        "the mock, then production"
    );
    assert_eq!(document["openapi"], "3.1.0");
    assert!(document["paths"]["/api/v1/customerAccountLookup"]["post"].is_object());
    assert!(!answer.body.windows(12).any(|w| w == b".schema.json"));

    let answer = send(&app(), get("/__admin/openapi.yaml")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers["content-type"], "application/yaml");
    assert!(String::from_utf8_lossy(&answer.body).contains("openapi: 3.1.0"));
}

#[tokio::test]
async fn admin_health_reports_the_fixture_counts() {
    let request = Request::get("/__admin/health")
        .body(Body::empty())
        .expect("request");
    let body = send(&app(), request).await.json();
    assert_eq!(body["status"], "ok");
    assert!(body["accounts"].as_u64().expect("a count") >= 40);
    assert_eq!(body["cannedExamples"], 1);
    let scenarios = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/scenarios"
    ))
    .expect("the bundled scenarios")
    .count();
    assert_eq!(body["scenarios"], scenarios);
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        (
            &body["data"],
            &body["seed"],
            &body["flow"],
            &body["lastReload"]
        ),
        (
            &json!("fixtures"),
            &json!(1),
            &json!("strict"),
            &Value::Null
        )
    );
    // The settings as configured, not as the defaults.
    let configured = app_with(|config| {
        config.seed = 42;
        config.flow = mock_server::FlowMode::Lenient;
    });
    let request = Request::get("/__admin/health")
        .body(Body::empty())
        .expect("request");
    let body = send(&configured, request).await.json();
    assert_eq!(
        (&body["seed"], &body["flow"]),
        (&json!(42), &json!("lenient"))
    );
}

#[tokio::test]
async fn admin_resources_only_accept_get() {
    let request = Request::post("/__admin/health")
        .body(Body::empty())
        .expect("request");
    let answer = send(&app(), request).await;
    answer.error(StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(answer.headers["allow"], "GET");
}
