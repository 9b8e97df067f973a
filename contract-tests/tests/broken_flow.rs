//! The harness can fail on every step of the flow: servers in front of the mock that each break
//! one rule of one later step, each caught in tolerant mode (the mode for a real endpoint) with
//! the case and the JSON pointer; the same server changing nothing passes.

mod common;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use common::{Sent, json};
use contract_tests::{CaseResult, Mode};
use mock_server::{Config, FlowMode};
use serde_json::Value;

/// Runs the catalogue in tolerant mode against the mock behind `broken`.
async fn run(
    config: Config,
    broken: impl Fn(&Sent, StatusCode, Value) -> Response + Clone + Send + Sync + 'static,
) -> Vec<CaseResult> {
    let base_url = common::broken_mock(config, broken).await;
    common::run_catalogue(&base_url, Mode::Tolerant).await
}

/// Asserts the run reported a violation of `case` at `pointer` whose rule ends with `rule`.
fn assert_reports(results: &[CaseResult], case: &str, pointer: &str, rule: &str) {
    let found = common::violations(results);
    assert!(
        found
            .iter()
            .any(|(c, p, r)| c == case && p == pointer && r.ends_with(rule)),
        "expected {case} at {pointer:?} ({rule}); the harness reported {found:#?}"
    );
}

/// Breaks the answers of the operation at `path` with `change` and asserts the tolerant run
/// reports `case` at `pointer` with a rule ending in `rule`.
async fn assert_caught(
    (path, change): (&'static str, Change),
    case: &str,
    pointer: &str,
    rule: &str,
) {
    let results = run(common::fast_flow(), on(path, change)).await;
    assert_reports(&results, case, pointer, rule);
}

const FLOW: &str = "flow::quote_to_order_status_carries_every_id";

/// What a broken server does to one operation's answers.
type Change = fn(&Sent, StatusCode, Value) -> Response;

/// The mock's answer to the operation at `path` changed by `change`; every other answer as is.
fn on(
    path: &'static str,
    change: Change,
) -> impl Fn(&Sent, StatusCode, Value) -> Response + Clone + Send + Sync + 'static {
    move |sent, status, body| {
        if sent.path == path {
            change(sent, status, body)
        } else {
            json(status, body)
        }
    }
}

fn without(key: &'static str) -> impl Fn(StatusCode, Value) -> Response {
    move |status, mut body| {
        if status.is_success()
            && let Some(map) = body.as_object_mut()
        {
            map.remove(key);
        }
        json(status, body)
    }
}

#[tokio::test]
async fn the_same_server_changing_nothing_passes() {
    let results = run(common::fast_flow(), |_: &Sent, status, body| {
        json(status, body)
    })
    .await;
    assert_eq!(common::failed(&results), Vec::<&str>::new());
}

#[tokio::test]
async fn a_credit_check_without_its_id_is_reported() {
    let change = |_: &Sent, status, body| without("creditCheckId")(status, body);
    assert_caught(("/api/v1/creditCheck/aiab", change), FLOW, "", "/required").await;
}

#[tokio::test]
async fn an_order_id_that_is_a_number_is_reported() {
    let change = |_: &Sent, status: StatusCode, mut body: Value| {
        if status.is_success() {
            body["orderId"] = Value::from(801_000_004_u64);
        }
        json(status, body)
    };
    assert_caught(("/api/v1/order", change), FLOW, "/orderId", "/type").await;
}

#[tokio::test]
async fn an_order_status_without_its_status_is_reported() {
    let change = |_: &Sent, status, mut body: Value| {
        if let Some(data) = body.get_mut("responseData").and_then(Value::as_object_mut) {
            data.remove("orderStatus");
        }
        json(status, body)
    };
    // `responseData` is one order or a list of them: neither fits without `orderStatus`.
    let rule = "/responseData/oneOf";
    assert_caught(("/api/v1/orders", change), FLOW, "/responseData", rule).await;
}

#[tokio::test]
async fn a_contract_answer_without_its_esign_request_is_reported() {
    let change = |_: &Sent, status, body| without("esignRequestId")(status, body);
    assert_caught(("/api/v1/contract/aiab", change), FLOW, "", "/required").await;
}

#[tokio::test]
async fn an_order_accepted_with_a_wrong_secret_is_reported() {
    let change = |sent: &Sent, status, body| {
        if status == StatusCode::UNAUTHORIZED && sent.headers.contains_key("client_secret") {
            return json(StatusCode::OK, body);
        }
        json(status, body)
    };
    let case = "auth::createOrder::credentials_are_enforced";
    assert_caught(("/api/v1/order", change), case, "", "status").await;
}

#[tokio::test]
async fn a_500_for_a_bad_quote_body_is_reported() {
    let change = |_: &Sent, status, body| {
        if status == StatusCode::BAD_REQUEST {
            return json(StatusCode::INTERNAL_SERVER_ERROR, body);
        }
        json(status, body)
    };
    let case = "validation::createOpportunityQuote::invalid_requests_are_rejected";
    assert_caught(("/api/v1/opportunity-quote", change), case, "", "status").await;
}

#[tokio::test]
async fn an_html_page_from_installation_is_reported() {
    let change = |_: &Sent, status, _| {
        let page = "<html><body><h1>Saved</h1></body></html>";
        (status, [("content-type", "text/html")], page).into_response()
    };
    let path = "/api/v1/order-enrichment/installation";
    assert_caught((path, change), FLOW, "", "json").await;
}

#[tokio::test]
async fn an_order_accepted_without_a_signed_contract_is_reported() {
    // The lenient mock answers any well-formed id: it orders without a contract.
    let lenient = Config {
        flow: FlowMode::Lenient,
        ..common::fast_flow()
    };
    let results = run(lenient, |_: &Sent, status, body| json(status, body)).await;
    assert_reports(
        &results,
        "behaviour::order_needs_a_signed_contract",
        "",
        "status",
    );
}
