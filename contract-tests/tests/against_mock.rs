//! The whole catalogue against the in-process mock in strict mode, and (an ignored test, run on
//! demand) against the endpoint named by `CONTRACT_BASE_URL` (with `CONTRACT_CLIENT_ID` /
//! `CONTRACT_CLIENT_SECRET`).

mod common;

use std::time::Duration;

use contract_tests::{
    CatalogueOptions, Contract, Mode, Outcome, Runner, Summary, Target, catalogue,
};
use mock_server::NotFoundStyle;

#[tokio::test]
async fn the_mock_passes_every_case_in_strict_mode() {
    let server = common::mock().start().await.expect("the mock starts");
    let results = common::run_catalogue(&server.uri(), Mode::Strict).await;
    assert_eq!(common::failed(&results), Vec::<&str>::new());
    let summary = Summary::of(&results);
    assert_eq!(summary.skipped, 0);
    assert_eq!(summary.warnings, 0);
    assert_eq!(
        summary.passed,
        catalogue::default_cases(
            contract_tests::Contract::load()
                .expect("the contract loads")
                .api(),
            &CatalogueOptions::default()
        )
        .len()
    );
}

#[tokio::test]
async fn an_empty_list_for_no_customer_is_only_a_warning_in_tolerant_mode() {
    let server = common::mock()
        .not_found(NotFoundStyle::Empty)
        .start()
        .await
        .expect("the mock starts");
    let tolerant = common::run_catalogue(&server.uri(), Mode::Tolerant).await;
    assert_eq!(common::failed(&tolerant), Vec::<&str>::new());
    assert!(Summary::of(&tolerant).warnings > 0);
    let strict = common::run_catalogue(&server.uri(), Mode::Strict).await;
    assert!(common::failed(&strict).contains(&"behaviour::no_customer_found_is_reported"));
}

#[tokio::test]
async fn a_missing_reference_customer_skips_the_cases_that_need_it_in_either_mode() {
    // The mock with an empty book and no generated data stands for a real endpoint that does
    // not hold the portal's reference customer.
    let book =
        std::env::temp_dir().join(format!("contract-tests-empty-book-{}", std::process::id()));
    std::fs::create_dir_all(book.join("accounts")).expect("a folder");
    std::fs::write(book.join("accounts/empty.json"), "[]").expect("a file");
    let server = common::mock()
        .fixtures_dir(&book)
        .data(mock_server::DataMode::Fixtures)
        .start()
        .await
        .expect("the mock starts");
    let tolerant = common::run_catalogue(&server.uri(), Mode::Tolerant).await;
    let skipped: Vec<&str> = tolerant
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Skipped { .. }))
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(
        skipped,
        vec![
            "auth::valid_credentials_are_accepted",
            "schema::known_customer_answer_validates",
            "behaviour::known_customer_is_found",
            "behaviour::account_names_relate_to_the_query",
            "flow::quote_to_order_status_carries_every_id",
            "behaviour::contract_needs_an_approved_credit_check",
            "behaviour::order_needs_a_signed_contract",
        ]
    );
    assert_eq!(common::failed(&tolerant), Vec::<&str>::new());
    // A mock with generated data (or an empty book) has no reference customer either: the same
    // cases are skipped, saying why, rather than failed.
    let strict = common::run_catalogue(&server.uri(), Mode::Strict).await;
    assert_eq!(common::failed(&strict), Vec::<&str>::new());
    let reasons: Vec<&str> = strict
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Skipped { reason } => Some(reason.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(reasons.len(), 7);
    assert!(
        reasons[4].starts_with(
            "call 1 (customerAccountLookup) was skipped: the portal's reference customer"
        ) && reasons[4].ends_with("the calls after it were not sent"),
        "{reasons:?}"
    );
    let _ = std::fs::remove_dir_all(&book);
}

/// Against a real endpoint: `CONTRACT_BASE_URL`, `CONTRACT_CLIENT_ID`, `CONTRACT_CLIENT_SECRET`
/// (and `CONTRACT_SP_ID`), in tolerant mode. Ignored unless asked for (`-- --ignored`): it needs
/// an endpoint and credentials, and it fails when `CONTRACT_BASE_URL` is not set rather than
/// passing without checking anything.
#[tokio::test]
#[ignore = "needs a real endpoint: set CONTRACT_BASE_URL and credentials, run with -- --ignored"]
async fn the_endpoint_in_contract_base_url_passes() {
    let base_url = std::env::var("CONTRACT_BASE_URL")
        .expect("CONTRACT_BASE_URL names the endpoint to check (this test runs only when asked)");
    let contract = Contract::load().expect("the contract loads");
    let target = Target::new(
        base_url,
        std::env::var("CONTRACT_CLIENT_ID").unwrap_or_default(),
        std::env::var("CONTRACT_CLIENT_SECRET").unwrap_or_default(),
    );
    let options = CatalogueOptions {
        sp_id: std::env::var("CONTRACT_SP_ID")
            .unwrap_or_else(|_| catalogue::DEFAULT_SP_ID.to_owned()),
        ..CatalogueOptions::default()
    };
    let results = Runner::new(&contract, target, Mode::Tolerant, Duration::from_secs(30))
        .expect("a client")
        .run(&catalogue::default_cases(contract.api(), &options))
        .await
        .expect("the endpoint answers");
    let info = contract_tests::report::RunInfo::new("CONTRACT_BASE_URL", Mode::Tolerant);
    assert!(
        Summary::of(&results).is_success(),
        "{}",
        contract_tests::report::human::render(&info, &results, None)
    );
}

#[tokio::test]
async fn a_mock_with_generated_data_passes_with_the_reference_cases_skipped() {
    let server = common::mock()
        .data(mock_server::DataMode::Generated)
        .start()
        .await
        .expect("the mock starts");
    let results = common::run_catalogue(&server.uri(), Mode::Strict).await;
    assert_eq!(common::failed(&results), Vec::<&str>::new());
    let found = results
        .iter()
        .find(|r| r.name == "behaviour::known_customer_is_found")
        .expect("the case ran");
    match &found.outcome {
        Outcome::Skipped { reason } => assert!(
            reason.starts_with(
                "the portal's reference customer (0013g00000cUIRtAAO) is not on this endpoint"
            ),
            "{reason}"
        ),
        other => panic!("expected a skip, got {other:?}"),
    }
}

#[tokio::test]
async fn a_contract_nobody_signs_in_time_skips_the_rest_of_the_flow_even_in_strict_mode() {
    let server = mock_server::MockServer::builder()
        .esign_after_secs(3600)
        .start()
        .await
        .expect("the mock starts");
    let contract = Contract::load().expect("the contract loads");
    let cases = catalogue::select(
        catalogue::default_cases(contract.api(), &CatalogueOptions::default()),
        Some(contract_tests::Tag::Flow),
        None,
    );
    let results = Runner::new(
        &contract,
        common::target(&server.uri()),
        Mode::Strict,
        Duration::from_secs(10),
    )
    .expect("a client")
    .waiting(contract_tests::runner::Waits {
        limit: Duration::from_millis(300),
        every: Duration::from_millis(50),
    })
    .run(&cases)
    .await
    .expect("the endpoint answers");
    let happy = results
        .iter()
        .find(|r| r.name == "flow::quote_to_order_status_carries_every_id")
        .expect("the flow ran");
    match &happy.outcome {
        Outcome::Skipped { reason } => assert!(
            reason.starts_with("call 7 (getContract) was skipped: getContract did not settle within 300ms (/contractStatus was still \"Sent\")"),
            "{reason}"
        ),
        other => panic!("expected a skip, got {other:?}: {:#?}", happy.exchanges.last()),
    }
    assert_eq!(happy.exchanges.len(), 7);
}
