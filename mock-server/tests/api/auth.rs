use axum::http::StatusCode;
use mock_server::Client;
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn valid_demo_credentials_are_accepted() {
    let answer = send(&app(), lookup(&foundry())).await;
    assert_eq!(answer.names(), ["AT&T CLOUD TEST FOUNDRY"]);
}

#[tokio::test]
async fn missing_client_id_is_unauthorized() {
    let answer = send(&app(), lookup_with(&foundry(), &[("client_id", None)])).await;
    let body = answer.error(StatusCode::UNAUTHORIZED);
    assert_eq!(body["message"], "Unauthorized");
    assert_eq!(
        body["description"],
        "Missing or invalid client_id / client_secret."
    );
}

#[tokio::test]
async fn missing_client_secret_is_unauthorized() {
    let answer = send(&app(), lookup_with(&foundry(), &[("client_secret", None)])).await;
    answer.error(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_secret_is_unauthorized_and_never_echoed() {
    let answer = send(
        &app(),
        lookup_with(&foundry(), &[("client_secret", Some("wrong-secret-4711"))]),
    )
    .await;
    answer.error(StatusCode::UNAUTHORIZED);
    let everything = format!(
        "{:?}{}",
        answer.headers,
        String::from_utf8_lossy(&answer.body)
    );
    assert!(!everything.contains("wrong-secret-4711"));
    assert!(!everything.contains("demo-secret"));
}

#[tokio::test]
async fn header_names_are_case_insensitive() {
    let request = lookup_with(
        &foundry(),
        &[
            ("client_id", None),
            ("client_secret", None),
            ("x-trace-id", None),
            ("Client_ID", Some("demo-client")),
            ("CLIENT_SECRET", Some("demo-secret")),
            ("X-Trace-Id", Some("T-1")),
        ],
    );
    let answer = send(&app(), request).await;
    assert_eq!(answer.names(), ["AT&T CLOUD TEST FOUNDRY"]);
}

#[tokio::test]
async fn a_connector_sends_a_different_pair_per_sp() {
    let app = app_with(|config| {
        config.clients = vec![
            Client::new("sp-10006", "secret-one").expect("valid"),
            Client::new("sp-10067", "secret-two").expect("valid"),
        ];
    });
    for (id, secret, status) in [
        ("sp-10006", "secret-one", StatusCode::OK),
        ("sp-10067", "secret-two", StatusCode::OK),
        ("sp-10006", "secret-two", StatusCode::UNAUTHORIZED),
        ("demo-client", "demo-secret", StatusCode::UNAUTHORIZED),
    ] {
        let request = lookup_with(
            &foundry(),
            &[("client_id", Some(id)), ("client_secret", Some(secret))],
        );
        assert_eq!(send(&app, request).await.status, status, "{id}:{secret}");
    }
}

#[tokio::test]
async fn credentials_are_checked_before_anything_else() {
    let request = raw_lookup(
        "not json",
        &[
            ("client_secret", Some("nope")),
            ("content-type", Some("text/plain")),
            ("x-trace-id", None),
        ],
    );
    send(&app(), request).await.error(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn unauthorized_answers_carry_the_trace_id() {
    let answer = send(&app(), lookup_with(&json!({}), &[("client_id", Some("x"))])).await;
    let body = answer.error(StatusCode::UNAUTHORIZED);
    assert_eq!(body["traceId"], "trace-123");
    assert_eq!(answer.headers["x-trace-id"], "trace-123");
}
