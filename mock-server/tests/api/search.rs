use axum::http::StatusCode;
use mock_server::NotFoundStyle;
use serde_json::{Value, json};

use crate::common::*;

#[tokio::test]
async fn the_reference_example_answers_as_documented() {
    let answer = send(&app(), lookup(&foundry())).await;
    assert_eq!(
        answer.json(),
        json!([{
            "accountAddress": {"city": "PLANO", "country": "USA", "state": "TX",
                               "street": "2900 W PLANO PKWY", "zipCode": "750758004"},
            "accountName": "AT&T CLOUD TEST FOUNDRY",
            "accountId": "0013g00000cUIRtAAO",
            "acid": null, "salesSegment": null, "subAccountId": "U8GOM4",
            "contractStatus": null, "parentPartnerAccId": null, "partnerId": null,
            "loaStatus": "N", "allianceStatus": "ATT ONLY", "accountStatus": "Inactive",
            "exception": "N"
        }])
    );
    assert_eq!(answer.headers["content-type"], "application/json");
}

#[tokio::test]
async fn keys_come_in_the_portal_order() {
    let answer = send(&app(), lookup(&foundry())).await;
    let text = String::from_utf8_lossy(&answer.body).into_owned();
    let order = [
        "accountAddress",
        "accountName",
        "accountId",
        "acid",
        "salesSegment",
        "subAccountId",
        "contractStatus",
        "parentPartnerAccId",
        "partnerId",
        "loaStatus",
        "allianceStatus",
        "accountStatus",
        "exception",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|key| {
            text.find(&format!("\"{key}\":"))
                .expect("every key is present")
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[tokio::test]
async fn answers_at_most_five_ranked_exact_prefix_contains() {
    let answer = send(&app(), lookup(&acme("acme", "", "75201"))).await;
    assert_eq!(
        answer.names(),
        [
            "ACME",
            "ACME CORP",
            "ACME CORPORATION",
            "ACME LOGISTICS LLC",
            "ACME HOLDINGS INC"
        ]
    );
}

#[tokio::test]
async fn contains_matches_come_after_prefix_matches() {
    // Street narrows the ACME cluster to MAIN ST: exact, two prefixes, one contains.
    let answer = send(&app(), lookup(&acme("ACME", "main st", "75201"))).await;
    assert_eq!(
        answer.names(),
        ["ACME", "ACME CORP", "ACME CORPORATION", "THE ACME GROUP"]
    );
}

#[tokio::test]
async fn wildcard_anchors_the_pattern_to_the_whole_name() {
    let answer = send(&app(), lookup(&acme("*acme*", "", "75201"))).await;
    assert_eq!(answer.names().len(), 5);
    let answer = send(&app(), lookup(&acme("*ACME SUPPLY", "", "75201"))).await;
    assert_eq!(answer.names(), ["NORTH TEXAS ACME SUPPLY"]);
    let answer = send(&app(), lookup(&acme("ACME*INC", "", "75201"))).await;
    assert_eq!(answer.names(), ["ACME HOLDINGS INC"]);
    let answer = send(&app(), lookup(&acme("*PARTNERS*LLC", "", "75201"))).await;
    answer.error(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn street_words_must_each_start_a_word_of_the_street() {
    let answer = send(&app(), lookup(&acme("ACME", "1601", "75201"))).await;
    assert_eq!(answer.names(), ["ACME CORP", "ACME HOLDINGS INC"]);
    let answer = send(&app(), lookup(&acme("ACME", "1601 ELM", "75201"))).await;
    assert_eq!(answer.names(), ["ACME HOLDINGS INC"]);
    let answer = send(&app(), lookup(&acme("ACME", "601 ELM", "75201"))).await;
    answer.error(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_five_digit_zip_matches_zip_plus_four_records_and_nine_digits_must_agree() {
    let mut body = foundry();
    for (zip, found) in [
        ("75075", true),
        ("750758004", true),
        ("75075-8004", true),
        ("750759999", false),
    ] {
        body["address"]["zipCode"] = json!(zip);
        let answer = send(&app(), lookup(&body)).await;
        let status = if found {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(answer.status, status, "{zip}");
    }
}

#[tokio::test]
async fn city_and_state_are_exact_but_case_insensitive_and_state_names_count() {
    let mut body = foundry();
    body["address"]["city"] = json!("plano");
    body["address"]["state"] = json!("Texas");
    assert_eq!(
        send(&app(), lookup(&body)).await.names(),
        ["AT&T CLOUD TEST FOUNDRY"]
    );
    body["address"]["city"] = json!("PLAN");
    send(&app(), lookup(&body))
        .await
        .error(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_same_name_in_another_city_is_not_found() {
    let mut body = acme("ACME CORP", "", "75201");
    assert_eq!(
        send(&app(), lookup(&body)).await.names(),
        ["ACME CORP", "ACME CORPORATION"]
    );
    body["address"]["city"] = json!("FORT WORTH");
    send(&app(), lookup(&body))
        .await
        .error(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn no_match_is_404_with_the_documented_message() {
    let answer = send(&app(), lookup(&acme("NOBODY HERE", "", "75201"))).await;
    let body = answer.error(StatusCode::NOT_FOUND);
    assert_eq!(body["message"], "No customer found.");
    assert_eq!(body["traceId"], "trace-123");
}

#[tokio::test]
async fn no_match_can_be_an_empty_array_instead() {
    let app = app_with(|config| config.not_found = NotFoundStyle::Empty);
    let answer = send(&app, lookup(&acme("NOBODY HERE", "", "75201"))).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json(), json!([]));
}

/// The getting-started page's sample, as published.
fn getting_started_request() -> Value {
    json!({"accountName": "Texas", "address": {"street": "Pecan", "city": "Houston",
           "state": "Texas", "country": "USA", "zipCode": "70800"}})
}

/// The accounts of the getting-started page's sample response, as the page publishes them (kept
/// in the repository's test data, keys in the page's order).
fn getting_started_accounts() -> Value {
    serde_json::from_str(include_str!("data/getting-started-published.json"))
        .expect("the published response is JSON")
}

#[tokio::test]
async fn the_getting_started_sample_is_answered_exactly_even_without_sp_id() {
    let answer = send(&app(), lookup(&getting_started_request())).await;
    assert_eq!(answer.status, StatusCode::OK);
    let body = answer.json();
    assert_eq!(answer.names(), ["Test Acct", "Test Acct 2", "Test Acct 3"]);
    assert_eq!(body[0]["accountAddress"]["zipCode"], "123456789");
    assert_eq!(body[2]["salesSegment"], "indirect sales test");
    // Same content, and the same key order as the page.
    let published = getting_started_accounts();
    assert_eq!(body, published);
    assert_eq!(body.to_string(), published.to_string());
}

#[tokio::test]
async fn the_canned_sample_matches_case_insensitively_and_ignores_extra_keys() {
    let mut body = getting_started_request();
    body["spId"] = json!("10006");
    body["accountName"] = json!("TEXAS");
    assert_eq!(send(&app(), lookup(&body)).await.names().len(), 3);
    body["address"]["zipCode"] = json!("70801");
    // No longer the sample: searched, and nothing in the book is there.
    send(&app(), lookup(&body))
        .await
        .error(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_answer_has_at_most_five_accounts_for_a_wildcard_over_a_whole_city() {
    let answer = send(&app(), lookup(&acme("***", "", "75201"))).await;
    assert_eq!(answer.names().len(), 5);
}

#[tokio::test]
async fn unknown_keys_accept_source_and_country_do_not_change_the_answer() {
    // In the default (hybrid) mode and the book alone, for a found customer and a generated one.
    for mode in [
        mock_server::DataMode::Hybrid,
        mock_server::DataMode::Fixtures,
    ] {
        let app = app_with(|config| config.data = mode);
        let generated_zip = json!({"spId": "10006", "accountName": "ZEPHYR QUILTS", "address": {"street": "", "city": "RENO", "state": "NV", "zipCode": "89501"}});
        for plain in [foundry(), generated_zip] {
            let expected = send(&app, lookup(&plain)).await;
            let mut extra = plain.clone();
            extra["notAField"] = json!({"nested": [1, 2]});
            extra["address"]["country"] = json!("USA");
            let changed = lookup_with(
                &extra,
                &[
                    ("accept", Some("text/html")),
                    ("source", Some("PARTNER-PORTAL")),
                ],
            );
            let answer = send(&app, changed).await;
            assert_eq!(answer.status, expected.status, "{mode:?} {plain}");
            assert_eq!(
                String::from_utf8_lossy(&answer.body),
                String::from_utf8_lossy(&expected.body),
                "{mode:?} {plain}"
            );
        }
    }
}
