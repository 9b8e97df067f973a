use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::common::*;

/// The violations of a 400 answer as (pointer, message) pairs.
async fn violations(body: &Value) -> Vec<(String, String)> {
    let answer = send(&app(), lookup(body)).await;
    let error = answer.error(StatusCode::BAD_REQUEST);
    error["violations"]
        .as_array()
        .expect("a violations list")
        .iter()
        .map(|v| {
            (
                v["pointer"].as_str().expect("pointer").to_owned(),
                v["message"].as_str().expect("message").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn content_type_that_is_not_json_is_unsupported() {
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let answer = send(
            &app(),
            lookup_with(&foundry(), &[("content-type", content_type)]),
        )
        .await;
        let body = answer.error(StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(body["message"], "Unsupported Media Type");
    }
}

#[tokio::test]
async fn json_content_type_with_charset_is_accepted() {
    let request = lookup_with(
        &foundry(),
        &[("content-type", Some("application/json; charset=UTF-8"))],
    );
    assert_eq!(send(&app(), request).await.status, StatusCode::OK);
}

#[tokio::test]
async fn missing_or_blank_trace_id_is_a_bad_request() {
    for trace in [None, Some("  ")] {
        let answer = send(&app(), lookup_with(&foundry(), &[("x-trace-id", trace)])).await;
        let body = answer.error(StatusCode::BAD_REQUEST);
        assert_eq!(
            body["description"],
            "The x-trace-id header is required: send a unique id for the flow, e.g. a UUID."
        );
    }
}

#[tokio::test]
async fn content_type_is_checked_before_the_trace_id() {
    let request = lookup_with(
        &foundry(),
        &[("content-type", Some("text/plain")), ("x-trace-id", None)],
    );
    send(&app(), request)
        .await
        .error(StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn body_that_is_not_json_is_a_bad_request_with_the_position() {
    let answer = send(&app(), raw_lookup("{\"accountName\": ", &[])).await;
    let body = answer.error(StatusCode::BAD_REQUEST);
    let description = body["description"].as_str().expect("text");
    assert!(
        description.starts_with("The request body is not valid JSON: "),
        "{description}"
    );
    assert!(description.contains("line 1 column"), "{description}");
}

#[tokio::test]
async fn body_over_the_limit_is_payload_too_large() {
    let app = app_with(|config| config.max_body_bytes = 100);
    let mut body = foundry();
    body["padding"] = json!("x".repeat(200));
    let answer = send(&app, lookup(&body)).await;
    let error = answer.error(StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error["description"], "The request body exceeds 100 bytes.");
    // Exactly at the limit is fine.
    let at_limit = foundry().to_string();
    let app = app_with(|config| config.max_body_bytes = at_limit.len());
    assert_eq!(
        send(&app, raw_lookup(at_limit, &[])).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn rejects_account_name_shorter_than_three_chars() {
    let mut body = foundry();
    body["accountName"] = json!("AT");
    assert_eq!(
        violations(&body).await,
        [(
            "/accountName".to_owned(),
            "\"AT\" is shorter than 3 characters".to_owned()
        )]
    );
}

#[tokio::test]
async fn rejects_a_missing_sp_id_by_default() {
    let mut body = foundry();
    body.as_object_mut().expect("object").remove("spId");
    assert_eq!(
        violations(&body).await,
        [(String::new(), "\"spId\" is a required property".to_owned())]
    );
}

#[tokio::test]
async fn sp_id_enforcement_can_be_switched_off() {
    let app = app_with(|config| config.require_sp_id = false);
    let mut body = foundry();
    body.as_object_mut().expect("object").remove("spId");
    assert_eq!(
        send(&app, lookup(&body)).await.names(),
        ["AT&T CLOUD TEST FOUNDRY"]
    );
}

#[tokio::test]
async fn rejects_each_missing_address_field() {
    for field in ["street", "city", "state", "zipCode"] {
        let mut body = foundry();
        body["address"]
            .as_object_mut()
            .expect("object")
            .remove(field);
        assert_eq!(
            violations(&body).await,
            [(
                "/address".to_owned(),
                format!("\"{field}\" is a required property")
            )],
            "{field}"
        );
    }
}

#[tokio::test]
async fn an_empty_street_is_allowed_but_a_missing_one_is_not() {
    let mut body = foundry();
    body["address"]["street"] = json!("");
    assert_eq!(
        send(&app(), lookup(&body)).await.names(),
        ["AT&T CLOUD TEST FOUNDRY"]
    );
}

#[tokio::test]
async fn rejects_a_missing_address() {
    let mut body = foundry();
    body.as_object_mut().expect("object").remove("address");
    assert_eq!(
        violations(&body).await,
        [(
            String::new(),
            "\"address\" is a required property".to_owned()
        )]
    );
}

#[tokio::test]
async fn lists_every_violation_with_its_pointer() {
    let body = json!({"accountName": 42, "address": {"street": "", "city": "", "state": "TX", "zipCode": 75075}});
    let found = violations(&body).await;
    let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(found.len(), 4, "{found:?}");
    for pointer in ["", "/accountName", "/address/city", "/address/zipCode"] {
        assert!(
            pointers.contains(&pointer),
            "{pointer} missing from {found:?}"
        );
    }
    assert!(found.contains(&(
        "/address/zipCode".to_owned(),
        "75075 is not of type \"string\"".to_owned()
    )));
}

#[tokio::test]
async fn rejects_a_body_that_is_not_an_object() {
    for body in [json!([]), json!("text"), json!(null)] {
        let found = violations(&body).await;
        assert_eq!(found.len(), 1, "{body}: {found:?}");
        assert_eq!(found[0].0, "");
    }
}

#[tokio::test]
async fn rejects_a_malformed_zip_code() {
    let mut body = foundry();
    body["address"]["zipCode"] = json!("7507");
    let found = violations(&body).await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "/address/zipCode");
}

#[tokio::test]
async fn the_description_counts_the_violations() {
    let answer = send(&app(), lookup(&json!({"spId": "1"}))).await;
    let error = answer.error(StatusCode::BAD_REQUEST);
    assert_eq!(
        error["description"],
        "The request body is invalid: 2 violations."
    );
}

#[tokio::test]
async fn rejects_an_account_name_of_only_white_space() {
    let mut body = foundry();
    body["accountName"] = json!("    ");
    let found = violations(&body).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "/accountName");
}
