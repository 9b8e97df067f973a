//! Properties over many generated requests, in the book-only and the default (hybrid) data modes:
//! no input makes the lookup answer 5xx, every error is in the error body's shape, and every
//! account returned, from the book or generated, satisfies the matching rules.

use std::sync::OnceLock;

use axum::http::StatusCode;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common::*;

/// The book alone (`--data fixtures`).
fn shared_app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    APP.get_or_init(app)
}

/// The default mode: the book, then generated accounts that fit the request.
fn hybrid_app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    APP.get_or_init(|| app_with(|config| config.data = mock_server::DataMode::Hybrid))
}

/// Both data modes the properties must hold in.
fn apps() -> [&'static App; 2] {
    [shared_app(), hybrid_app()]
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("spId".to_owned()),
                        Just("accountName".to_owned()),
                        Just("address".to_owned()),
                        Just("street".to_owned()),
                        Just("city".to_owned()),
                        Just("state".to_owned()),
                        Just("zipCode".to_owned()),
                        "[a-z]{1,6}",
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// Checks what every answer must satisfy, whatever the request.
fn check_answer(answer: &Answer) -> Result<(), TestCaseError> {
    prop_assert!(
        matches!(
            answer.status,
            StatusCode::OK | StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND
        ),
        "unexpected status {}: {}",
        answer.status,
        String::from_utf8_lossy(&answer.body)
    );
    let body: Value = serde_json::from_slice(&answer.body)
        .map_err(|e| TestCaseError::fail(format!("not JSON: {e}")))?;
    if answer.status == StatusCode::OK {
        prop_assert!(body.as_array().is_some_and(|a| a.len() <= 5));
    } else {
        prop_assert_eq!(&body["code"], &json!(answer.status.as_u16()));
        prop_assert!(body["message"].is_string() && body["description"].is_string());
        prop_assert_eq!(&body["traceId"], &json!("trace-123"));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn arbitrary_json_bodies_never_cause_a_server_error(body in arbitrary_json()) {
        for app in apps() {
            let answer = runtime().block_on(send(app, lookup(&body)));
            check_answer(&answer)?;
        }
    }

    #[test]
    fn arbitrary_bytes_never_cause_a_server_error(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        for app in apps() {
            let answer = runtime().block_on(send(app, raw_lookup(bytes.clone(), &[])));
            check_answer(&answer)?;
        }
    }

    #[test]
    fn every_result_satisfies_the_matching_rules(
        place in prop::sample::select(vec![
            ("DALLAS", "TX", "75201"), ("PLANO", "TX", "75075"), ("AUSTIN", "TX", "78704"),
            ("HOUSTON", "TX", "77008"), ("CHICAGO", "IL", "60601"), ("TEST", "TX", "12345"),
        ]),
        name in prop::sample::select(vec!["ACME", "acme corp", "*", "A*", "*INC", "LONE STAR", "TEST ACCT", "co"]),
        street in prop::sample::select(vec!["", "MAIN", "1601", "ST", "W PLANO"]),
        zip_plus_four in any::<bool>(),
    ) {
        let (city, state, zip) = place;
        let requested_zip = if zip_plus_four { format!("{zip}0000") } else { zip.to_owned() };
        let name = if name.len() < 3 { format!("{name}**") } else { name.to_owned() };
        let body = json!({"spId": "1", "accountName": name,
                          "address": {"street": street, "city": city, "state": state, "zipCode": requested_zip}});
        for app in apps() {
        let answer = runtime().block_on(send(app, lookup(&body)));
        check_answer(&answer)?;
        if answer.status == StatusCode::OK {
            for account in answer.json().as_array().into_iter().flatten() {
                let address = &account["accountAddress"];
                prop_assert_eq!(address["city"].as_str().map(str::to_lowercase), Some(city.to_lowercase()));
                prop_assert_eq!(address["state"].as_str(), Some(state));
                let record_zip = address["zipCode"].as_str().unwrap_or_default();
                prop_assert!(record_zip.starts_with(zip));
                if zip_plus_four && record_zip.len() == 9 {
                    prop_assert_eq!(record_zip, requested_zip.as_str());
                }
                let record_name = account["accountName"].as_str().unwrap_or_default().to_lowercase();
                for part in name.to_lowercase().split('*').filter(|p| !p.is_empty()) {
                    prop_assert!(record_name.contains(part), "{} does not contain {}", record_name, part);
                }
                let record_street = address["street"].as_str().unwrap_or_default().to_lowercase();
                for word in street.to_lowercase().split_whitespace() {
                    prop_assert!(
                        record_street.split_whitespace().any(|w| w.starts_with(word)),
                        "{} lacks {}", record_street, word
                    );
                }
            }
        }
        }
    }
}
