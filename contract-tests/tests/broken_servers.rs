//! The harness can fail: servers that each break one rule of the contract, and the case and
//! JSON pointer the harness must report for each.
//!
//! Each broken server is a small axum app in front of the mock's router: it passes the request
//! on and changes one thing about the answer, so everything else about it is right.

mod common;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use contract_tests::{CaseResult, Mode, Outcome};
use serde_json::Value;

/// What the broken server does with the mock's answer: it sees the request's headers and body
/// and the mock's status and body, and answers instead.
type Break = fn(&HeaderMap, &Value, StatusCode, Value) -> Response;

/// Serves the mock behind `broken` on a free port.
async fn broken_server(broken: Break) -> String {
    common::broken_mock(common::fast_flow(), move |sent, status, body| {
        broken(&sent.headers, &sent.body, status, body)
    })
    .await
}

use common::json;

async fn run(broken: Break, mode: Mode) -> Vec<CaseResult> {
    common::run_catalogue(&broken_server(broken).await, mode).await
}

fn reports(results: &[CaseResult], case: &str, pointer: &str, rule: &str) -> bool {
    let found = common::violations(results);
    let hit = found
        .iter()
        .any(|(c, p, r)| c == case && p == pointer && r.ends_with(rule));
    assert!(
        hit,
        "expected {case} at {pointer:?} ({rule}); the harness reported {found:#?}"
    );
    hit
}

#[tokio::test]
async fn a_server_that_changes_nothing_passes() {
    let results = run(|_, _, status, body| json(status, body), Mode::Strict).await;
    assert_eq!(common::failed(&results), Vec::<&str>::new());
}

#[tokio::test]
async fn a_wrong_type_is_reported_at_its_pointer() {
    let results = run(
        |_, _, status, mut body| {
            if let Some(account) = body.get_mut(0) {
                account["accountId"] = Value::from(12345);
            }
            json(status, body)
        },
        Mode::Tolerant,
    )
    .await;
    assert!(reports(
        &results,
        "schema::known_customer_answer_validates",
        "/0/accountId",
        "/type"
    ));
}

#[tokio::test]
async fn a_missing_key_is_reported_on_the_account_that_lacks_it() {
    let results = run(
        |_, _, status, mut body| {
            if let Some(Value::Object(account)) = body.get_mut(0) {
                account.remove("subAccountId");
            }
            json(status, body)
        },
        Mode::Tolerant,
    )
    .await;
    assert!(reports(
        &results,
        "schema::known_customer_answer_validates",
        "/0",
        "/required"
    ));
}

#[tokio::test]
async fn six_results_break_the_cap_of_five() {
    let results = run(
        |_, _, status, body| match body {
            Value::Array(mut accounts) if !accounts.is_empty() => {
                while accounts.len() < 6 {
                    accounts.push(accounts[0].clone());
                }
                json(status, Value::Array(accounts))
            }
            other => json(status, other),
        },
        Mode::Tolerant,
    )
    .await;
    assert!(reports(
        &results,
        "behaviour::at_most_five_accounts_are_returned",
        "",
        "/maxItems"
    ));
}

#[tokio::test]
async fn a_200_for_a_wrong_secret_is_reported() {
    let results = run(
        |headers, _, status, body| {
            let secret = headers.get("client_secret").and_then(|v| v.to_str().ok());
            if status == StatusCode::UNAUTHORIZED && secret.is_some() {
                return json(StatusCode::OK, Value::Array(Vec::new()));
            }
            json(status, body)
        },
        Mode::Tolerant,
    )
    .await;
    assert!(reports(
        &results,
        "auth::wrong_client_secret_is_rejected",
        "",
        "status"
    ));
}

#[tokio::test]
async fn a_result_from_another_city_breaks_the_exact_match() {
    let results = run(
        |_, _, status, mut body| {
            if let Some(account) = body.get_mut(0) {
                account["accountAddress"]["city"] = Value::from("AUSTIN");
            }
            json(status, body)
        },
        Mode::Tolerant,
    )
    .await;
    assert!(reports(
        &results,
        "behaviour::results_match_city_state_and_zip_exactly",
        "/0/accountAddress/city",
        "exact-match"
    ));
}

#[tokio::test]
async fn a_500_for_a_short_name_is_reported() {
    let results = run(
        |_, sent, status, body| {
            let name = sent.get("accountName").and_then(Value::as_str);
            if name.is_some_and(|n| n.chars().count() < 3) {
                return json(StatusCode::INTERNAL_SERVER_ERROR, body);
            }
            json(status, body)
        },
        Mode::Tolerant,
    )
    .await;
    assert!(reports(
        &results,
        "validation::account_name_shorter_than_three_chars_is_rejected",
        "",
        "status"
    ));
}

#[tokio::test]
async fn an_html_error_page_fails_the_documented_not_found_message() {
    let html = |_: &HeaderMap, _: &Value, status: StatusCode, body: Value| {
        if status.is_client_error() {
            let page = "<html><body><h1>Error</h1></body></html>";
            return (status, [("content-type", "text/html")], page).into_response();
        }
        json(status, body)
    };
    let tolerant = run(html, Mode::Tolerant).await;
    // The message is documented, so this fails even against a real endpoint ...
    assert!(reports(
        &tolerant,
        "behaviour::no_customer_found_is_reported",
        "",
        "no-customer-found"
    ));
    // ... while the error body's shape is assumed: a warning there, a failure in strict mode.
    let auth = tolerant
        .iter()
        .find(|r| r.name == "auth::missing_client_id_is_rejected")
        .expect("the case ran");
    assert_eq!(auth.outcome, Outcome::Passed);
    assert!(auth.warnings().any(|(_, f)| f.rule == "json" && f.assumed));
    let strict = run(html, Mode::Strict).await;
    assert!(reports(
        &strict,
        "auth::missing_client_id_is_rejected",
        "",
        "json"
    ));
}

/// The smoke cases against a server whose first account is in another city, with the server's
/// address replaced so the text is the same on every run.
async fn smoke_run_against_another_city()
-> (contract_tests::report::RunInfo, Vec<CaseResult>, String) {
    let base_url = broken_server(|_, _, status, mut body| {
        if let Some(account) = body.get_mut(0) {
            account["accountAddress"]["city"] = Value::from("AUSTIN");
        }
        json(status, body)
    })
    .await;
    let contract = contract_tests::Contract::load().expect("the contract loads");
    let cases = contract_tests::catalogue::select(
        contract_tests::catalogue::default_cases(
            contract.api(),
            &contract_tests::CatalogueOptions::default(),
        ),
        Some(contract_tests::Tag::Smoke),
        None,
    );
    let results = contract_tests::Runner::new(
        &contract,
        common::target(&base_url),
        Mode::Tolerant,
        std::time::Duration::from_secs(10),
    )
    .expect("a client")
    .run(&cases)
    .await
    .expect("the server answers");
    let info = contract_tests::report::RunInfo::new("http://127.0.0.1:PORT", Mode::Tolerant);
    (info, results, base_url)
}

#[tokio::test]
async fn the_human_report_of_a_failing_run_is_stable() {
    let (info, results, base_url) = smoke_run_against_another_city().await;
    let text = contract_tests::report::human::render(&info, &results, None)
        .replace(&base_url, "http://127.0.0.1:PORT");
    insta::assert_snapshot!(text);
}

#[tokio::test]
async fn the_junit_report_of_a_failing_run_is_stable() {
    let (info, results, base_url) = smoke_run_against_another_city().await;
    let xml = contract_tests::report::junit::render(&info, &results)
        .expect("XML")
        .replace(&base_url, "http://127.0.0.1:PORT");
    insta::assert_snapshot!(xml);
}
