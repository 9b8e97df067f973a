//! Scenarios through the router: every shipped data-shape, drift and error scenario, how a
//! request picks its scenario, per-client rate limits, and the admin API around them.

use std::collections::BTreeSet;

use alliance_schemas::{SchemaName, Schemas, Strictness};
use axum::http::StatusCode;
use mock_server::DataMode;
use serde_json::{Value, json};

use crate::common::*;

async fn with_scenario(name: &str) -> Answer {
    send(
        &app(),
        lookup_with(&foundry(), &[("x-mock-scenario", Some(name))]),
    )
    .await
}

#[tokio::test]
async fn null_fields_makes_every_nullable_field_null() {
    let found = accounts(&with_scenario("null-fields").await);
    assert_eq!(found.len(), 3);
    for account in &found {
        for field in nullable_fields() {
            assert!(account[&field].is_null(), "{field} in {account}");
        }
    }
    // The first account is still the one the book has for the request.
    assert_eq!(found[0]["accountId"], "0013g00000cUIRtAAO");
}

#[tokio::test]
async fn exception_codes_cycle_through_every_value() {
    let found = accounts(&with_scenario("exception-codes").await);
    assert_eq!(
        field_values(&found, "exception"),
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
        |body: &Value, strictness| schemas.validate(SchemaName::LOOKUP_RESPONSE, strictness, body);

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

#[tokio::test]
async fn an_empty_scenario_header_names_no_scenario() {
    for empty in ["", "  "] {
        let answer = with_scenario(empty).await;
        assert_eq!(answer.status, StatusCode::OK, "{empty:?}");
        assert_eq!(answer.names(), vec!["AT&T CLOUD TEST FOUNDRY"]);
    }
}
