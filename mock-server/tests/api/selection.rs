//! How a request picks its scenario (header, client binding, body marker, server-wide, chaos)
//! and per-client rate limits.

use std::collections::BTreeSet;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use mock_server::Client;
use mock_server::config::RateLimit;
use serde_json::{Value, json};

use crate::common::*;

fn bound_app(change: impl FnOnce(&mut mock_server::Config)) -> App {
    app_with(|config| {
        let mut qa = Client::new("qa-null-fields", "qa-secret").expect("client");
        qa.scenario = Some("null-fields".to_owned());
        config.clients = vec![Client::demo(), qa];
        change(config);
    })
}

fn as_qa(body: &Value, extra: &[(&'static str, Option<&'static str>)]) -> Request<Body> {
    let mut changes = vec![
        ("client_id", Some("qa-null-fields")),
        ("client_secret", Some("qa-secret")),
    ];
    changes.extend_from_slice(extra);
    lookup_with(body, &changes)
}

#[tokio::test]
async fn a_client_bound_to_a_scenario_gets_it_without_changing_its_requests() {
    let app = bound_app(|_| {});
    let found = accounts(&send(&app, as_qa(&foundry(), &[])).await);
    assert!(
        found
            .iter()
            .all(|a| a["acid"].is_null() && a["subAccountId"].is_null())
    );
    // Other clients are not affected.
    let normal = accounts(&send(&app, lookup(&foundry())).await);
    assert_eq!(normal[0]["subAccountId"], "U8GOM4");
}

#[tokio::test]
async fn the_header_beats_the_client_binding() {
    let app = bound_app(|_| {});
    let answer = send(
        &app,
        as_qa(&foundry(), &[("x-mock-scenario", Some("single-result"))]),
    )
    .await;
    let found = accounts(&answer);
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0]["subAccountId"], "U8GOM4",
        "single-result, not null-fields"
    );
}

#[tokio::test]
async fn the_client_binding_beats_the_body_marker() {
    let app = bound_app(|_| {});
    let mut body = foundry();
    body["accountName"] = json!("SCENARIO max-results AT&T CLOUD TEST FOUNDRY");
    let found = accounts(&send(&app, as_qa(&body, &[])).await);
    assert_eq!(found.len(), 3, "null-fields (3), not max-results (5)");
}

#[tokio::test]
async fn a_body_marker_chooses_the_scenario_and_keeps_the_name_to_look_up() {
    let mut body = acme("SCENARIO single-result ACME", "", "75201");
    let found = accounts(&send(&app(), lookup(&body)).await);
    assert_eq!(field_values(&found, "accountName"), [json!("ACME")]);
    body["accountName"] = json!("SCENARIO no-such-thing ACME");
    send(&app(), lookup(&body))
        .await
        .error(StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_body_marker_beats_the_server_wide_scenario_which_beats_chaos() {
    let app = app_with(|config| {
        config.scenario = Some("att-only".to_owned());
        config.failure_rate = 1.0;
        config.failure_scenarios = vec!["server-error".to_owned()];
    });
    let found = accounts(&send(&app, lookup(&foundry())).await);
    assert!(
        found.iter().all(|a| a["allianceStatus"] == "ATT ONLY"),
        "server-wide beats chaos"
    );
    let body = acme("SCENARIO single-result ACME", "", "75201");
    assert_eq!(
        accounts(&send(&app, lookup(&body)).await).len(),
        1,
        "the marker beats server-wide"
    );
}

#[tokio::test]
async fn chaos_fails_requests_with_the_chosen_scenarios_and_the_header_overrides_it() {
    let app = app_with(|config| {
        config.failure_rate = 1.0;
        config.failure_scenarios = vec!["server-error".to_owned(), "bad-gateway".to_owned()];
    });
    let mut statuses = BTreeSet::new();
    for _ in 0..20 {
        statuses.insert(send(&app, lookup(&foundry())).await.status.as_u16());
    }
    assert_eq!(statuses, BTreeSet::from([500, 502]));
    let answer = send(
        &app,
        lookup_with(&foundry(), &[("x-mock-scenario", Some("single-result"))]),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
}

#[tokio::test]
async fn a_rate_limited_client_gets_429_after_its_burst_then_recovers() {
    let app = app_with(|config| {
        let mut limited = Client::new("limited", "secret").expect("client");
        // One token a second: the third request comes well within it, even on a slow machine.
        limited.rate_limit = Some(RateLimit {
            per_second: 1.0,
            burst: 2,
        });
        config.clients = vec![Client::demo(), limited];
    });
    let request = || {
        lookup_with(
            &foundry(),
            &[
                ("client_id", Some("limited")),
                ("client_secret", Some("secret")),
            ],
        )
    };
    assert_eq!(send(&app, request()).await.status, StatusCode::OK);
    assert_eq!(send(&app, request()).await.status, StatusCode::OK);
    let refused = send(&app, request()).await;
    refused.error(StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers["retry-after"], "1");
    // Where 429 sits: after the credentials (a wrong secret is a 401, not a 429) and before
    // everything else (a body that is not JSON, a wrong content type, no x-trace-id).
    let wrong_secret = lookup_with(
        &foundry(),
        &[
            ("client_id", Some("limited")),
            ("client_secret", Some("not-it")),
        ],
    );
    send(&app, wrong_secret)
        .await
        .error(StatusCode::UNAUTHORIZED);
    for change in [
        ("content-type", Some("text/plain")),
        ("x-trace-id", None),
        ("x-mock-scenario", Some("no-such-scenario")),
    ] {
        let request = lookup_with(
            &foundry(),
            &[
                ("client_id", Some("limited")),
                ("client_secret", Some("secret")),
                change,
            ],
        );
        send(&app, request)
            .await
            .error(StatusCode::TOO_MANY_REQUESTS);
    }
    // The demo client has no limit.
    assert_eq!(send(&app, lookup(&foundry())).await.status, StatusCode::OK);
    // A token comes back within a second: poll for it rather than guess the moment.
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    loop {
        let status = send(&app, request()).await.status;
        if status == StatusCode::OK {
            break;
        }
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(
            std::time::Instant::now() < deadline,
            "no token came back within 3 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_overruled_body_marker_is_still_not_searched_for() {
    let body = acme("SCENARIO max-results ACME", "", "75201");
    let answer = send(
        &app(),
        lookup_with(&body, &[("x-mock-scenario", Some("single-result"))]),
    )
    .await;
    assert_eq!(
        field_values(&accounts(&answer), "accountName"),
        [json!("ACME")]
    );
}
