//! Shared by the integration tests: servers on 127.0.0.1:0 and a strict run of the catalogue.

#![allow(dead_code)] // each test file uses a part

use std::time::Duration;

use axum::Router;
use contract_tests::runner::Waits;
use contract_tests::{CaseResult, CatalogueOptions, Contract, Mode, Runner, Target, catalogue};
use mock_server::MockServer;
use tokio::net::TcpListener;

/// The demo credentials of the mock.
pub const CLIENT_ID: &str = "demo-client";
/// The demo secret of the mock (public).
pub const CLIENT_SECRET: &str = "demo-secret";

/// Serves `app` on a free port of 127.0.0.1 until the test ends; returns the base URL.
pub async fn serve(app: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let addr = listener.local_addr().expect("an address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

/// The demo target at `base_url`.
pub fn target(base_url: &str) -> Target {
    Target::new(base_url, CLIENT_ID, CLIENT_SECRET)
}

/// A mock whose flow moves fast: contracts are signed at once and an order's status moves on
/// every second, so a flow's waits take about a second.
pub fn mock() -> mock_server::MockServerBuilder {
    MockServer::builder()
        .esign_after_secs(0)
        .order_status_every_secs(1)
}

/// Waits short enough for tests: at most 5 s, asking every 50 ms.
pub fn waits() -> Waits {
    Waits {
        limit: Duration::from_secs(5),
        every: Duration::from_millis(50),
    }
}

/// Runs the default catalogue (8 generative requests of each kind) against `base_url`.
pub async fn run_catalogue(base_url: &str, mode: Mode) -> Vec<CaseResult> {
    let contract = Contract::load().expect("the contract loads");
    let options = CatalogueOptions {
        generative_cases: 8,
        ..CatalogueOptions::default()
    };
    let cases = catalogue::default_cases(contract.api(), &options);
    Runner::new(&contract, target(base_url), mode, Duration::from_secs(10))
        .expect("a client")
        .waiting(waits())
        .run(&cases)
        .await
        .expect("the endpoint answers")
}

/// The names of the failed cases.
pub fn failed(results: &[CaseResult]) -> Vec<&str> {
    results
        .iter()
        .filter(|r| r.outcome == contract_tests::Outcome::Failed)
        .map(|r| r.name.as_str())
        .collect()
}
