//! The request journal over the admin API: newest first, secrets redacted, what answered, the
//! filters, the cut of long bodies, its bounds, and replaying a journaled request.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::admin::admin;
use crate::common::*;

#[tokio::test]
async fn the_journal_lists_requests_newest_first_with_secrets_redacted() {
    let app = app();
    send(
        &app,
        lookup_with(&foundry(), &[("x-trace-id", Some("j-1"))]),
    )
    .await;
    send(
        &app,
        lookup_with(
            &foundry(),
            &[
                ("x-trace-id", Some("j-2")),
                ("x-mock-scenario", Some("server-error")),
            ],
        ),
    )
    .await;
    send(
        &app,
        lookup_with(
            &foundry(),
            &[
                ("x-trace-id", Some("j-3")),
                ("client_secret", Some("Wrong-Secret-99")),
            ],
        ),
    )
    .await;
    let listed = send(&app, admin("GET", "/__admin/requests", None)).await;
    let text = String::from_utf8_lossy(&listed.body).into_owned();
    assert!(
        !text.contains("demo-secret") && !text.contains("Wrong-Secret-99"),
        "{text}"
    );
    let body = listed.json();
    let requests = body["requests"].as_array().expect("a list");
    let traces: Vec<&str> = requests
        .iter()
        .filter_map(|r| r["traceId"].as_str())
        .collect();
    assert_eq!(traces, ["j-3", "j-2", "j-1"]);
    assert_eq!(requests[0]["status"], 401);
    assert_eq!(requests[1]["scenario"], "server-error");
    assert_eq!(requests[1]["scenarioSource"], "header");
    assert_eq!(requests[2]["clientId"], "demo-client");
    assert!(
        requests[2]["body"]
            .as_str()
            .is_some_and(|b| b.contains("AT&T CLOUD TEST FOUNDRY"))
    );
    assert!(
        requests[2]["headers"]
            .as_array()
            .is_some_and(|h| h.contains(&json!(["client_secret", "***"])))
    );

    let filtered = send(&app, admin("GET", "/__admin/requests?status=500", None))
        .await
        .json();
    assert_eq!(filtered["count"], 1);
    let by_trace = send(&app, admin("GET", "/__admin/requests?traceId=j-1", None))
        .await
        .json();
    assert_eq!(by_trace["requests"][0]["traceId"], "j-1");
    let bad_filter = send(&app, admin("GET", "/__admin/requests?status=abc", None)).await;
    bad_filter.error(StatusCode::BAD_REQUEST);
    assert_eq!(
        send(&app, admin("DELETE", "/__admin/requests", None))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        send(&app, admin("GET", "/__admin/requests", None))
            .await
            .json()["count"],
        0
    );
}

#[tokio::test]
async fn the_journal_says_what_answered_filters_by_client_and_count_and_cuts_long_bodies() {
    let app = app_with(|config| {
        config.data = mock_server::DataMode::Hybrid;
        config.clients = vec![
            mock_server::Client::demo(),
            mock_server::Client::new("other-client", "other-secret").expect("a client"),
        ];
    });
    let nobody = json!({"spId": "1", "accountName": "ZZQX NOWHERE", "address": {"street": "", "city": "RENO", "state": "NV", "zipCode": "89501"}});
    let texas = json!({"accountName": "Texas", "address": {"street": "Pecan", "city": "Houston", "state": "Texas", "country": "USA", "zipCode": "70800"}});
    let long_name = "L".repeat(20 * 1024);
    let long = json!({"spId": "1", "accountName": long_name, "address": {"street": "", "city": "PLANO", "state": "TX", "zipCode": "75075"}});
    let sends = [
        (
            "s-book",
            lookup_with(&foundry(), &[("x-trace-id", Some("s-book"))]),
        ),
        (
            "s-generated",
            lookup_with(&nobody, &[("x-trace-id", Some("s-generated"))]),
        ),
        (
            "s-canned",
            lookup_with(&texas, &[("x-trace-id", Some("s-canned"))]),
        ),
        (
            "s-scenario",
            lookup_with(
                &foundry(),
                &[
                    ("x-trace-id", Some("s-scenario")),
                    ("x-mock-scenario", Some("null-fields")),
                ],
            ),
        ),
        (
            "s-other",
            lookup_with(
                &foundry(),
                &[
                    ("x-trace-id", Some("s-other")),
                    ("client_id", Some("other-client")),
                    ("client_secret", Some("other-secret")),
                    ("authorization", Some("Bearer gateway-token-77")),
                ],
            ),
        ),
        (
            "s-long",
            lookup_with(&long, &[("x-trace-id", Some("s-long"))]),
        ),
    ];
    for (_, request) in sends {
        send(&app, request).await;
    }
    let listed = send(&app, admin("GET", "/__admin/requests", None)).await;
    let text = String::from_utf8_lossy(&listed.body).into_owned();
    assert!(
        !text.contains("gateway-token-77"),
        "authorization is redacted"
    );
    let body = listed.json();
    let entry = |trace: &str| {
        body["requests"]
            .as_array()
            .expect("a list")
            .iter()
            .find(|r| r["traceId"] == trace)
            .cloned()
            .unwrap_or_else(|| panic!("no entry for {trace}"))
    };
    assert_eq!(entry("s-book")["source"], "book");
    assert_eq!(entry("s-generated")["source"], "generated");
    assert_eq!(entry("s-canned")["source"], "canned:getting-started-sample");
    assert_eq!(entry("s-scenario")["source"], "scenario");
    assert!(
        entry("s-other")["headers"]
            .as_array()
            .is_some_and(|h| h.contains(&json!(["authorization", "***"])))
    );
    let cut = entry("s-long")["body"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(cut.chars().count(), 16 * 1024, "the body is cut at 16 KiB");
    assert!(cut.starts_with("{\"spId\""));

    let by_client = send(
        &app,
        admin("GET", "/__admin/requests?clientId=other-client", None),
    )
    .await
    .json();
    assert_eq!(by_client["count"], 1);
    assert_eq!(by_client["requests"][0]["traceId"], "s-other");
    let two = send(&app, admin("GET", "/__admin/requests?limit=2", None))
        .await
        .json();
    let traces: Vec<&str> = two["requests"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|r| r["traceId"].as_str())
        .collect();
    assert_eq!(traces, ["s-long", "s-other"], "the newest two");
}

#[tokio::test]
async fn the_journal_is_bounded_and_can_be_turned_off() {
    let app = app_with(|config| config.journal_size = 2);
    for i in 0..5 {
        send(
            &app,
            lookup_with(
                &foundry(),
                &[("x-trace-id", Some(["a", "b", "c", "d", "e"][i]))],
            ),
        )
        .await;
    }
    let body = send(&app, admin("GET", "/__admin/requests", None))
        .await
        .json();
    assert_eq!(body["count"], 2);
    assert_eq!(body["requests"][0]["traceId"], "e");
    let off = app_with(|config| config.journal_size = 0);
    send(&off, lookup(&foundry())).await;
    assert_eq!(
        send(&off, admin("GET", "/__admin/requests", None))
            .await
            .json()["count"],
        0
    );
}

/// The journal's entry for `trace`.
async fn journaled(app: &App, trace: &str) -> Value {
    let listed = send(
        app,
        admin("GET", &format!("/__admin/requests?traceId={trace}"), None),
    )
    .await
    .json();
    listed["requests"][0].clone()
}

#[tokio::test]
async fn a_journaled_request_is_sent_again_with_its_clients_secret_optionally_under_a_scenario() {
    let app = app_with(|config| {
        config.clients = vec![
            mock_server::Client::demo(),
            mock_server::Client::new("replayer", "replay-secret-55").expect("a client"),
        ];
    });
    let original = lookup_with(
        &foundry(),
        &[
            ("x-trace-id", Some("rp-1")),
            ("client_id", Some("replayer")),
            ("client_secret", Some("replay-secret-55")),
        ],
    );
    let first = send(&app, original).await;
    assert_eq!(first.status, StatusCode::OK);
    let id = journaled(&app, "rp-1").await["id"].as_u64().expect("an id");

    let replayed = send(
        &app,
        admin("POST", &format!("/__admin/requests/{id}/replay"), None),
    )
    .await;
    assert_eq!(replayed.status, StatusCode::OK);
    let text = String::from_utf8_lossy(&replayed.body).into_owned();
    assert!(
        !text.contains("replay-secret-55"),
        "the secret is never echoed: {text}"
    );
    let replayed = replayed.json();
    assert_eq!(
        (&replayed["replayOf"], &replayed["status"]),
        (&json!(id), &json!(200))
    );
    assert_eq!(
        replayed["body"],
        String::from_utf8_lossy(&first.body).as_ref()
    );

    // Under another scenario, and journaled like any request, marked as a replay.
    let under = send(
        &app,
        admin(
            "POST",
            &format!("/__admin/requests/{id}/replay?scenario=null-fields"),
            None,
        ),
    )
    .await
    .json();
    assert_eq!(under["status"], 200);
    let accounts: Value =
        serde_json::from_str(under["body"].as_str().expect("a body")).expect("JSON");
    assert!(accounts[0]["acid"].is_null() && accounts[0]["partnerId"].is_null());
    let listed = send(&app, admin("GET", "/__admin/requests?traceId=rp-1", None))
        .await
        .json();
    assert_eq!(listed["count"], 3);
    let newest = &listed["requests"][0];
    assert_eq!(newest["scenario"], "null-fields");
    assert_eq!(newest["clientId"], "replayer");
    assert!(
        newest["headers"]
            .as_array()
            .is_some_and(|h| h.contains(&json!(["x-replay-of", id.to_string()])))
    );

    // A request refused its credentials is refused again.
    send(
        &app,
        lookup_with(
            &foundry(),
            &[
                ("x-trace-id", Some("rp-2")),
                ("client_secret", Some("wrong-one")),
            ],
        ),
    )
    .await;
    let refused_id = journaled(&app, "rp-2").await["id"].as_u64().expect("an id");
    let again = send(
        &app,
        admin(
            "POST",
            &format!("/__admin/requests/{refused_id}/replay"),
            None,
        ),
    )
    .await
    .json();
    assert_eq!(again["status"], 401);

    // Unknown ids, scenarios and options are refused.
    send(&app, admin("POST", "/__admin/requests/999999/replay", None))
        .await
        .error(StatusCode::NOT_FOUND);
    send(
        &app,
        admin(
            "POST",
            &format!("/__admin/requests/{id}/replay?scenario=nope"),
            None,
        ),
    )
    .await
    .error(StatusCode::BAD_REQUEST);
    send(
        &app,
        admin(
            "POST",
            &format!("/__admin/requests/{id}/replay?colour=red"),
            None,
        ),
    )
    .await
    .error(StatusCode::BAD_REQUEST);
}
