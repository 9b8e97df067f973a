//! The bundled fixture book, read from `fixtures/` on disk: every record fits the schemas, and
//! the book covers on purpose what QA needs to exercise.

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;

use alliance_schemas::{SchemaName, Schemas, Strictness};
use serde_json::{Value, json};

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

fn json_files(folder: &str) -> Vec<(String, Value)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures_dir().join(folder))
        .expect("the folder exists")
        .map(|entry| entry.expect("readable").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable");
            let value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path.display().to_string(), value)
        })
        .collect()
}

fn accounts() -> Vec<Value> {
    json_files("accounts")
        .into_iter()
        .flat_map(|(_, value)| value.as_array().expect("an array").clone())
        .collect()
}

fn has(accounts: &[Value], predicate: impl Fn(&Value) -> bool) -> bool {
    accounts.iter().any(predicate)
}

/// The account fields the schema lets be `null`.
fn nullable_fields() -> Vec<String> {
    alliance_schemas::nullable_account_fields().expect("the account schema parses")
}

#[test]
fn every_account_file_validates_strictly_against_the_account_schema() {
    let schemas = Schemas::compile().expect("schemas compile");
    for (file, value) in json_files("accounts") {
        for (index, account) in value.as_array().expect("an array").iter().enumerate() {
            let violations = schemas.validate(SchemaName::ACCOUNT, Strictness::Strict, account);
            assert!(violations.is_empty(), "{file}#/{index}: {violations:?}");
        }
    }
}

#[test]
fn every_canned_example_validates_against_the_schema_of_its_status() {
    let schemas = Schemas::compile().expect("schemas compile");
    let canned = json_files("canned");
    assert!(!canned.is_empty());
    for (file, example) in canned {
        let status = example["response"]["status"].as_u64().expect("a status");
        let schema = if (200..300).contains(&status) {
            SchemaName::LOOKUP_RESPONSE
        } else {
            SchemaName::ERROR
        };
        let violations = schemas.validate(schema, Strictness::Strict, &example["response"]["body"]);
        assert!(violations.is_empty(), "{file}: {violations:?}");
    }
}

#[test]
fn the_book_has_at_least_forty_accounts_with_unique_ids() {
    let accounts = accounts();
    assert!(accounts.len() >= 40, "{} accounts", accounts.len());
    let ids: HashSet<&str> = accounts
        .iter()
        .map(|a| a["accountId"].as_str().expect("id"))
        .collect();
    assert_eq!(ids.len(), accounts.len(), "accountIds repeat");
}

#[test]
fn the_portal_accounts_are_in_the_book_as_documented() {
    let accounts = accounts();
    let find = |name: &str| {
        accounts
            .iter()
            .find(|a| a["accountName"] == name)
            .unwrap_or_else(|| panic!("{name} is missing"))
            .clone()
    };
    assert_eq!(
        find("AT&T CLOUD TEST FOUNDRY"),
        json!({
            "accountAddress": {"city": "PLANO", "country": "USA", "state": "TX",
                               "street": "2900 W PLANO PKWY", "zipCode": "750758004"},
            "accountName": "AT&T CLOUD TEST FOUNDRY", "accountId": "0013g00000cUIRtAAO",
            "acid": null, "salesSegment": null, "subAccountId": "U8GOM4", "contractStatus": null,
            "parentPartnerAccId": null, "partnerId": null, "loaStatus": "N",
            "allianceStatus": "ATT ONLY", "accountStatus": "Inactive", "exception": "N"
        })
    );
    assert_eq!(find("Test Acct")["accountId"], "0123456789");
    assert_eq!(find("Test Acct 2")["subAccountId"], "A1B2C");
    assert_eq!(find("Test Acct 3")["salesSegment"], "indirect sales test");
}

#[test]
fn every_nullable_field_is_null_somewhere_and_all_at_once_in_one_record() {
    let accounts = accounts();
    let nullable = nullable_fields();
    for field in &nullable {
        assert!(
            has(&accounts, |a| a[field].is_null()),
            "{field} is never null"
        );
    }
    assert!(has(&accounts, |a| nullable.iter().all(|f| a[f].is_null())));
}

#[test]
fn the_enumerations_cover_seen_and_unknown_values() {
    let accounts = accounts();
    let values = |pointer: &str| -> BTreeSet<Option<String>> {
        accounts
            .iter()
            .map(|a| {
                a.pointer(pointer)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .collect()
    };
    let s = |v: &str| Some(v.to_owned());
    let alliance = values("/allianceStatus");
    assert!(alliance.contains(&s("ATT ONLY")) && alliance.contains(&s("OPPORTUNITY")));
    assert!(
        alliance
            .iter()
            .any(|v| !matches!(v.as_deref(), Some("ATT ONLY" | "OPPORTUNITY")))
    );
    assert!(values("/loaStatus").is_superset(&[s("Y"), s("N")].into()));
    assert!(values("/exception").is_superset(&[s("N"), s("NA"), s("Y")].into()));
    assert!(values("/accountStatus").is_superset(&[s("Active"), s("Inactive"), None].into()));
    assert!(values("/accountAddress/country").is_superset(&[s("USA"), s("US")].into()));
}

#[test]
fn names_exercise_ampersands_apostrophes_digits_and_extra_spaces() {
    let accounts = accounts();
    let names: Vec<&str> = accounts
        .iter()
        .map(|a| a["accountName"].as_str().expect("name"))
        .collect();
    assert!(names.iter().any(|n| n.contains('&')));
    assert!(names.iter().any(|n| n.contains('\'')));
    assert!(names.iter().any(|n| n.chars().any(|c| c.is_ascii_digit())));
    assert!(names.iter().any(|n| n.contains("  ")));
}

#[test]
fn one_realistic_query_matches_more_than_five_accounts() {
    let accounts = accounts();
    let acme_in_dallas = accounts
        .iter()
        .filter(|a| {
            a["accountAddress"]["city"] == "DALLAS"
                && a["accountAddress"]["state"] == "TX"
                && a["accountAddress"]["zipCode"]
                    .as_str()
                    .is_some_and(|z| z.starts_with("75201"))
                && a["accountName"]
                    .as_str()
                    .is_some_and(|n| n.contains("ACME"))
        })
        .count();
    assert!(acme_in_dallas > 5, "{acme_in_dallas}");
}

#[test]
fn the_book_spans_several_cities_and_states() {
    let accounts = accounts();
    let cities: HashSet<String> = accounts
        .iter()
        .map(|a| a["accountAddress"]["city"].to_string())
        .collect();
    let states: HashSet<String> = accounts
        .iter()
        .map(|a| a["accountAddress"]["state"].to_string())
        .collect();
    assert!(
        cities.len() >= 12 && states.len() >= 8,
        "{} cities, {} states",
        cities.len(),
        states.len()
    );
}
