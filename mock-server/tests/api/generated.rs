//! Generated accounts: valid, consistent with the request, deterministic, and distributed as the
//! documentation's values are.

use std::collections::{BTreeMap, BTreeSet};

use alliance_schemas::{SchemaName, Schemas, Strictness};
use axum::http::StatusCode;
use mock_server::internals::{Generator, LookupRequest, Query, RequestAddress};
use mock_server::{DataMode, NotFoundStyle};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common::*;

fn request(name: &str, street: &str, city: &str, state: &str, zip: &str) -> LookupRequest {
    LookupRequest {
        sp_id: Some("10006".to_owned()),
        account_name: name.to_owned(),
        address: RequestAddress {
            street: street.to_owned(),
            city: city.to_owned(),
            state: state.to_owned(),
            zip_code: zip.to_owned(),
            country: None,
        },
    }
}

fn schemas() -> &'static Schemas {
    static SCHEMAS: std::sync::OnceLock<Schemas> = std::sync::OnceLock::new();
    SCHEMAS.get_or_init(|| Schemas::compile().expect("schemas compile"))
}

fn generate(seed: u64, request: &LookupRequest) -> Value {
    let accounts = Generator::new(seed).accounts(&Query::new(request));
    serde_json::to_value(accounts).expect("accounts serialize")
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | '#'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The matching rules, written out again independently of the mock's `search` module.
fn check_matches(request: &LookupRequest, account: &Value) -> Result<(), TestCaseError> {
    let address = &account["accountAddress"];
    let squash = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    prop_assert_eq!(
        squash(address["city"].as_str().unwrap_or_default()),
        squash(&request.address.city)
    );
    let state = address["state"].as_str().unwrap_or_default().to_lowercase();
    // The codes of the full names `valid_request` uses, written out here rather than taken
    // from the mock's table.
    let wanted_state = match squash(&request.address.state).as_str() {
        "texas" => "tx".to_owned(),
        "new york" => "ny".to_owned(),
        "illinois" => "il".to_owned(),
        code => code.to_owned(),
    };
    prop_assert!(
        state == wanted_state,
        "state {} for {}",
        state,
        request.address.state
    );
    let zip = address["zipCode"].as_str().unwrap_or_default();
    let wanted_zip: String = request
        .address
        .zip_code
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    prop_assert_eq!(zip.len(), 9, "a ZIP+4: {}", zip);
    prop_assert_eq!(&zip[..5], &wanted_zip[..5]);
    if wanted_zip.len() == 9 {
        prop_assert_eq!(zip, wanted_zip.as_str());
    }
    let street_words = words(address["street"].as_str().unwrap_or_default());
    for word in words(&request.address.street) {
        prop_assert!(
            street_words.iter().any(|w| w.starts_with(&word)),
            "{:?} lacks {}",
            street_words,
            word
        );
    }
    let name = squash(account["accountName"].as_str().unwrap_or_default());
    let pattern = squash(&request.account_name);
    if pattern.contains('*') {
        let parts: Vec<&str> = pattern.split('*').collect();
        prop_assert!(name.starts_with(parts[0]), "{} vs {}", name, pattern);
        prop_assert!(
            name.ends_with(parts[parts.len() - 1]),
            "{} vs {}",
            name,
            pattern
        );
        let mut rest = name.as_str();
        for part in &parts {
            let at = rest.find(part);
            prop_assert!(at.is_some(), "{} vs {}", name, pattern);
            rest = &rest[at.unwrap_or_default() + part.len()..];
        }
    } else {
        prop_assert!(
            name.contains(&pattern),
            "{} does not contain {}",
            name,
            pattern
        );
    }
    Ok(())
}

fn valid_request() -> impl Strategy<Value = LookupRequest> {
    (
        "[A-Za-z0-9&' ]{3,24}|[A-Za-z]{2,8}\\*|\\*[A-Za-z]{2,8}|[A-Za-z]{1,5}\\*[A-Za-z]{1,5}",
        "|[0-9]{1,5}|[A-Za-z]{2,10}( [A-Za-z]{1,6}){0,2}|[0-9]{3,4} [NSEW]? ?[A-Za-z]{3,8} (ST|AVE|Rd\\.)",
        "[A-Za-z]{3,12}( [A-Za-z]{3,8})?",
        prop::sample::select(vec!["TX", "tx", "Texas", "CA", "New York", "NY", "IL", "Illinois"]),
        "[0-9]{5}(-?[0-9]{4})?",
    )
        .prop_map(|(name, street, city, state, zip)| request(&name, &street, &city, state, &zip))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_answers_validate_and_satisfy_the_matching_rules(request in valid_request(), seed in any::<u64>()) {
        let schemas = schemas();
        let body = generate(seed, &request);
        let violations = schemas.validate(SchemaName::LOOKUP_RESPONSE, Strictness::Strict, &body);
        prop_assert!(violations.is_empty(), "{:?}", violations);
        let accounts = body.as_array().expect("an array");
        prop_assert!(accounts.len() <= 5);
        for account in accounts {
            check_matches(&request, account)?;
        }
    }

    #[test]
    fn generated_records_are_stable_for_the_same_request(request in valid_request(), seed in any::<u64>()) {
        let first = serde_json::to_string(&Generator::new(seed).accounts(&Query::new(&request))).expect("json");
        let second = serde_json::to_string(&Generator::new(seed).accounts(&Query::new(&request))).expect("json");
        prop_assert_eq!(first, second);
    }

    #[test]
    fn requests_the_rules_treat_alike_get_the_same_accounts(
        name in "[A-Z]{3,10}( [A-Z]{2,8})?",
        city in "[A-Z]{3,10}",
        zip in "[0-9]{5}",
        seed in any::<u64>(),
    ) {
        let plain = generate(seed, &request(&name, "", &city, "TX", &zip));
        let messy = generate(seed, &request(
            &format!("  {}  ", name.to_lowercase().replace(' ', "   ")),
            "  ",
            &city.to_lowercase(),
            "texas",
            &zip,
        ));
        prop_assert_eq!(plain, messy);
    }

    #[test]
    fn every_answer_for_the_five_customer_zip_has_five_accounts(name in "[A-Za-z][A-Za-z ]{2,15}", seed in any::<u64>()) {
        let body = generate(seed, &request(&name, "", "RENO", "NV", "99999"));
        prop_assert_eq!(body.as_array().map(Vec::len), Some(5));
    }
}

#[test]
fn a_zip_plus_four_request_gets_the_same_accounts_with_its_own_plus_four() {
    let five = generate(7, &request("ACME", "MAIN", "DALLAS", "TX", "99999"));
    let nine = generate(7, &request("ACME", "MAIN", "DALLAS", "TX", "99999-1234"));
    let mut five_with_plus_four = five.clone();
    for account in five_with_plus_four.as_array_mut().expect("array") {
        account["accountAddress"]["zipCode"] = json!("999991234");
    }
    assert_eq!(nine, five_with_plus_four);
}

#[test]
fn different_seeds_give_different_worlds() {
    let mut compared = 0;
    let mut different = 0;
    for i in 0..400 {
        let request = request(
            &format!("COMPANY {i}"),
            "",
            "DALLAS",
            "TX",
            &format!("75{:03}", i % 1000),
        );
        let (one, two) = (generate(1, &request), generate(2, &request));
        if one == json!([]) && two == json!([]) {
            continue;
        }
        compared += 1;
        different += usize::from(one != two);
    }
    assert!(compared > 300, "{compared}");
    assert!(
        different * 100 >= compared * 99,
        "{different} of {compared} differ"
    );
}

#[test]
fn the_number_of_accounts_varies_from_none_to_five() {
    let counts: BTreeMap<usize, usize> = (0..2000).fold(BTreeMap::new(), |mut counts, i| {
        let n = generate(
            1,
            &request(&format!("FIRM {i}"), "", "AUSTIN", "TX", "78701"),
        )
        .as_array()
        .map_or(0, Vec::len);
        *counts.entry(n).or_default() += 1;
        counts
    });
    assert_eq!(
        counts.keys().copied().collect::<Vec<_>>(),
        [0, 1, 2, 3, 4, 5],
        "{counts:?}"
    );
    // One or two accounts is the common answer; none and five happen, less often.
    assert!(
        counts[&1] > counts[&0] && counts[&1] > counts[&5],
        "{counts:?}"
    );
}

/// 10,000 accounts: 2,000 requests for the five-customer ZIP.
fn ten_thousand_accounts() -> Vec<Value> {
    (0..2000)
        .flat_map(|i| {
            generate(
                3,
                &request(&format!("NAME {i}"), "", "HOUSTON", "TX", "99999"),
            )
            .as_array()
            .expect("array")
            .clone()
        })
        .collect()
}

/// The case-checksum Salesforce appends to a 15-character id.
fn salesforce_checksum(id: &str) -> String {
    id.as_bytes()
        .chunks(5)
        .map(|chunk| {
            let bits: usize = (0..5)
                .filter(|&i| chunk[i].is_ascii_uppercase())
                .map(|i| 1 << i)
                .sum();
            char::from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"[bits])
        })
        .collect()
}

fn is_shape(value: &str, shape: &str) -> bool {
    // `9` a digit, `A` an upper-case letter, `a` a lower-case letter, `x` any ASCII letter or digit.
    value.len() == shape.len()
        && value.chars().zip(shape.chars()).all(|(c, s)| match s {
            '9' => c.is_ascii_digit(),
            'A' => c.is_ascii_uppercase(),
            'a' => c.is_ascii_lowercase(),
            'x' => c.is_ascii_alphanumeric(),
            other => c == other,
        })
}

#[test]
fn value_distributions_follow_the_documentation() {
    let accounts = ten_thousand_accounts();
    assert_eq!(accounts.len(), 10_000);
    let mut seen: BTreeMap<&str, BTreeSet<Option<String>>> = BTreeMap::new();
    let mut att_only = 0;
    for account in &accounts {
        for field in [
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
        ] {
            seen.entry(field)
                .or_default()
                .insert(account[field].as_str().map(str::to_owned));
        }
        att_only += usize::from(account["allianceStatus"] == "ATT ONLY");
        let id = account["accountId"].as_str().expect("id");
        assert!(
            is_shape(&id[..15], "0019a0000xxxxxx") && id.len() == 18,
            "{id}"
        );
        assert_eq!(&id[15..], salesforce_checksum(&id[..15]), "{id}");
        if let Some(sub) = account["subAccountId"].as_str() {
            assert!(
                (4..=6).contains(&sub.len())
                    && sub
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
                "{sub}"
            );
        }
        if let Some(acid) = account["acid"].as_str() {
            assert!(
                is_shape(acid, "99999") || is_shape(acid, "999A999"),
                "{acid}"
            );
        }
        if let Some(partner) = account["partnerId"].as_str() {
            assert!(is_shape(partner, "99AA99"), "{partner}");
            let parent = account["parentPartnerAccId"]
                .as_str()
                .expect("a parent with a partner");
            assert!(
                is_shape(parent, "999999") || is_shape(parent, "999AAA"),
                "{parent}"
            );
        } else {
            assert!(account["parentPartnerAccId"].is_null());
        }
        let address = &account["accountAddress"];
        assert_eq!(address["country"], "USA");
        let street = address["street"].as_str().expect("street");
        assert_eq!(street, street.to_uppercase());
        let name = account["accountName"].as_str().expect("name");
        assert_eq!(name, name.to_uppercase());
    }
    let s = |v: &str| Some(v.to_owned());
    let set = |values: &[Option<String>]| values.iter().cloned().collect::<BTreeSet<_>>();
    assert_eq!(
        seen["allianceStatus"],
        set(&[s("ATT ONLY"), s("OPPORTUNITY")])
    );
    assert_eq!(seen["loaStatus"], set(&[s("Y"), s("N")]));
    assert_eq!(seen["exception"], set(&[s("N"), s("NA"), s("Y")]));
    assert_eq!(
        seen["accountStatus"],
        set(&[s("Active"), s("Inactive"), None])
    );
    assert_eq!(seen["contractStatus"], set(&[s("Active (Remote)"), None]));
    for nullable in nullable_fields() {
        assert!(
            seen[nullable.as_str()].contains(&None),
            "{nullable} is never null"
        );
        assert!(
            seen[nullable.as_str()].len() > 1,
            "{nullable} is always null"
        );
    }
    // ATT ONLY is drawn 40% of the time; 10,000 draws land well within 36–44%.
    assert!((3_600..4_400).contains(&att_only), "{att_only}");
}

#[tokio::test]
async fn generated_mode_answers_every_request_from_the_generator() {
    let app = app_with(|config| config.data = DataMode::Generated);
    let answer = send(&app, lookup(&foundry())).await;
    // The reference account is in the book, not in the generated world.
    if answer.status == StatusCode::OK {
        assert!(answer.names().iter().all(|n| n != "AT&T CLOUD TEST FOUNDRY"
            || answer.json()[0]["accountId"] != "0013g00000cUIRtAAO"));
    }
    let five = send(&app, lookup(&acme("ACME", "", "99999"))).await;
    assert_eq!(five.names().len(), 5);
    let none = send(&app, lookup(&acme("ACME", "", "00000"))).await;
    assert_eq!(
        none.error(StatusCode::NOT_FOUND)["message"],
        "No customer found."
    );
}

#[tokio::test]
async fn hybrid_mode_prefers_the_book_and_generates_only_without_a_match() {
    let app = app_with(|config| config.data = DataMode::Hybrid);
    let answer = send(&app, lookup(&foundry())).await;
    assert_eq!(answer.json()[0]["accountId"], "0013g00000cUIRtAAO");
    let answer = send(&app, lookup(&acme("ZEPHYR WIDGETS", "", "99999"))).await;
    let names = answer.names();
    assert_eq!(names.len(), 5);
    assert!(
        names.iter().all(|n| n.contains("ZEPHYR WIDGETS")),
        "{names:?}"
    );
    let empty = app_with(|config| {
        config.data = DataMode::Hybrid;
        config.not_found = NotFoundStyle::Empty;
    });
    let answer = send(&empty, lookup(&acme("ZEPHYR WIDGETS", "", "00000"))).await;
    assert_eq!(answer.json(), json!([]));
}

#[tokio::test]
async fn the_same_request_gets_byte_identical_bodies_across_restarts_and_other_seeds_differ() {
    let body = acme("ZEPHYR WIDGETS", "", "99999");
    let with_seed = |seed| {
        app_with(move |config| {
            config.data = DataMode::Generated;
            config.seed = seed;
        })
    };
    let first = send(&with_seed(42), lookup(&body)).await.body;
    let again = send(&with_seed(42), lookup(&body)).await.body;
    let other = send(&with_seed(43), lookup(&body)).await.body;
    assert_eq!(first, again);
    assert_ne!(first, other);
}
