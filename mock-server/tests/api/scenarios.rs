//! Scenarios through the router: every shipped data-shape, drift and error scenario, how a
//! request picks its scenario, per-client rate limits, and the admin API around them.

use std::collections::BTreeSet;
use std::time::Duration;

use alliance_schemas::{SchemaName, Schemas, Strictness};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use mock_server::config::RateLimit;
use mock_server::{Client, DataMode};
use serde_json::{Value, json};

use crate::common::*;

const NULLABLE: [&str; 7] = [
    "acid",
    "salesSegment",
    "subAccountId",
    "contractStatus",
    "parentPartnerAccId",
    "partnerId",
    "accountStatus",
];

async fn with_scenario(name: &str) -> Answer {
    send(
        &app(),
        lookup_with(&foundry(), &[("x-mock-scenario", Some(name))]),
    )
    .await
}

fn accounts(answer: &Answer) -> Vec<Value> {
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    answer.json().as_array().expect("an array").clone()
}

fn strings(accounts: &[Value], key: &str) -> Vec<Value> {
    accounts.iter().map(|a| a[key].clone()).collect()
}

#[tokio::test]
async fn null_fields_makes_every_nullable_field_null() {
    let found = accounts(&with_scenario("null-fields").await);
    assert_eq!(found.len(), 3);
    for account in &found {
        for field in NULLABLE {
            assert!(account[field].is_null(), "{field} in {account}");
        }
    }
    // The first account is still the one the book has for the request.
    assert_eq!(found[0]["accountId"], "0013g00000cUIRtAAO");
}

#[tokio::test]
async fn exception_codes_cycle_through_every_value() {
    let found = accounts(&with_scenario("exception-codes").await);
    assert_eq!(
        strings(&found, "exception"),
        [json!("N"), json!("NA"), json!("Y")]
    );
}

#[tokio::test]
async fn status_scenarios_set_their_field_on_every_account() {
    for (scenario, key, value) in [
        ("att-only", "allianceStatus", "ATT ONLY"),
        ("opportunity", "allianceStatus", "OPPORTUNITY"),
        ("loa-on-file", "loaStatus", "Y"),
        ("inactive-accounts", "accountStatus", "Inactive"),
    ] {
        let found = accounts(&with_scenario(scenario).await);
        assert_eq!(found.len(), 3, "{scenario}");
        assert!(
            found.iter().all(|a| a[key] == value),
            "{scenario}: {found:?}"
        );
    }
}

#[tokio::test]
async fn count_scenarios_answer_exactly_their_count_all_matching_the_request() {
    for (scenario, count) in [
        ("max-results", 5),
        ("single-result", 1),
        ("too-many-results", 7),
    ] {
        let found = accounts(&with_scenario(scenario).await);
        assert_eq!(found.len(), count, "{scenario}");
        for account in &found {
            assert_eq!(account["accountAddress"]["city"], "PLANO", "{scenario}");
            assert!(
                account["accountAddress"]["zipCode"]
                    .as_str()
                    .is_some_and(|z| z.starts_with("75075"))
            );
        }
    }
}

#[tokio::test]
async fn no_customer_found_answers_the_documented_not_found() {
    let answer = with_scenario("no-customer-found").await;
    assert_eq!(
        answer.error(StatusCode::NOT_FOUND)["message"],
        "No customer found."
    );
}

#[tokio::test]
async fn unknown_enum_values_are_outside_every_known_list() {
    let found = accounts(&with_scenario("unknown-enum-values").await);
    for account in &found {
        assert!(
            !["ATT ONLY", "OPPORTUNITY"]
                .contains(&account["allianceStatus"].as_str().unwrap_or_default())
        );
    }
    let statuses: BTreeSet<String> = found
        .iter()
        .filter_map(|a| a["accountStatus"].as_str().map(str::to_owned))
        .collect();
    assert!(statuses.contains("Suspended"), "{statuses:?}");
}

#[tokio::test]
async fn unicode_names_arrive_as_valid_utf8_json() {
    let answer = with_scenario("unicode-names").await;
    let text = String::from_utf8(answer.body.to_vec()).expect("UTF-8");
    assert!(text.contains("株式会社 東京テクノロジー"));
    assert!(text.contains("ŁÓDŹ IMPORTS"));
    assert_eq!(accounts(&answer).len(), 4);
}

#[tokio::test]
async fn drift_scenarios_break_the_contract_as_described() {
    let schemas = Schemas::compile().expect("schemas");
    let check =
        |body: &Value, strictness| schemas.validate(SchemaName::LookupResponse, strictness, body);

    let extra = with_scenario("extra-fields").await.json();
    assert_eq!(extra[0]["loyaltyTier"], "GOLD");
    assert!(
        check(&extra, Strictness::AsWritten).is_empty(),
        "extra keys are allowed by the contract"
    );
    assert!(!check(&extra, Strictness::Strict).is_empty());

    let missing = with_scenario("missing-field").await.json();
    assert!(missing[0].get("acid").is_none());
    let violations = check(&missing, Strictness::AsWritten);
    assert!(
        violations
            .iter()
            .any(|v| v.pointer == "/0" && v.message.contains("acid")),
        "{violations:?}"
    );
    assert!(
        violations.iter().any(|v| v.pointer == "/0/accountAddress"),
        "{violations:?}"
    );

    let wrong = with_scenario("wrong-types").await.json();
    assert_eq!(wrong[0]["loaStatus"], true);
    let pointers: BTreeSet<String> = check(&wrong, Strictness::AsWritten)
        .into_iter()
        .map(|v| v.pointer)
        .collect();
    for pointer in [
        "/0/loaStatus",
        "/0/acid",
        "/0/accountAddress/zipCode",
        "/0/accountAddress/country",
    ] {
        assert!(pointers.contains(pointer), "{pointer} not in {pointers:?}");
    }

    let renamed = with_scenario("renamed-field").await.json();
    assert!(renamed[0].get("allianceStatus").is_none());
    assert!(renamed[0].get("alliance_status").is_some());

    let many = with_scenario("too-many-results").await.json();
    assert!(
        check(&many, Strictness::AsWritten)
            .iter()
            .any(|v| v.schema_path == "/maxItems")
    );
}

#[tokio::test]
async fn error_scenarios_answer_their_status_in_the_error_body() {
    for (scenario, status, retry_after) in [
        ("unauthorized", 401, None),
        ("bad-request", 400, None),
        ("unsupported-media-type", 415, None),
        ("rate-limited", 429, Some("2")),
        ("server-error", 500, None),
        ("bad-gateway", 502, None),
        ("service-unavailable", 503, Some("30")),
        ("gateway-timeout", 504, None),
    ] {
        let answer = with_scenario(scenario).await;
        let status = StatusCode::from_u16(status).expect("status");
        let body = answer.error(status);
        assert_eq!(body["traceId"], "trace-123", "{scenario}");
        assert_eq!(
            answer
                .headers
                .get("retry-after")
                .map(|v| v.to_str().unwrap_or_default()),
            retry_after,
            "{scenario}"
        );
        if scenario == "bad-request" {
            assert_eq!(body["violations"].as_array().map(Vec::len), Some(2));
        }
    }
}

#[tokio::test]
async fn an_error_scenario_answers_even_an_invalid_request() {
    let request = raw_lookup(
        "not json",
        &[
            ("x-mock-scenario", Some("bad-gateway")),
            ("content-type", None),
        ],
    );
    send(&app(), request).await.error(StatusCode::BAD_GATEWAY);
}

#[tokio::test]
async fn credentials_are_checked_before_any_scenario() {
    let request = lookup_with(
        &foundry(),
        &[
            ("x-mock-scenario", Some("null-fields")),
            ("client_secret", Some("wrong")),
        ],
    );
    send(&app(), request).await.error(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_unknown_scenario_is_a_bad_request_listing_the_known_ones() {
    let answer = with_scenario("no-such-thing").await;
    let body = answer.error(StatusCode::BAD_REQUEST);
    let description = body["description"].as_str().expect("text");
    assert!(
        description.starts_with("Unknown scenario \"no-such-thing\". Known scenarios: "),
        "{description}"
    );
    assert!(
        description.contains("null-fields") && description.contains("slow-drip"),
        "{description}"
    );
}

fn bound_app(change: impl FnOnce(&mut mock_server::Config)) -> axum::Router {
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
    assert_eq!(strings(&found, "accountName"), [json!("ACME")]);
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
        limited.rate_limit = Some(RateLimit {
            per_second: 10.0,
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
    // The demo client has no limit.
    assert_eq!(send(&app, lookup(&foundry())).await.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(
        send(&app, request()).await.status,
        StatusCode::OK,
        "a token came back"
    );
}

fn admin(method: &str, path: &str, body: Option<Value>) -> Request<Body> {
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

#[tokio::test]
async fn generated_mode_scenarios_still_match_the_request() {
    let app = app_with(|config| config.data = DataMode::Generated);
    let answer = send(
        &app,
        lookup_with(
            &acme("ZEPHYR", "", "75201"),
            &[("x-mock-scenario", Some("max-results"))],
        ),
    )
    .await;
    let found = accounts(&answer);
    assert_eq!(found.len(), 5);
    assert!(found.iter().all(|a| {
        a["accountName"]
            .as_str()
            .is_some_and(|n| n.contains("ZEPHYR"))
    }));
}
