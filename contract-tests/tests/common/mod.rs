//! Shared by the integration tests: servers on 127.0.0.1:0 and a strict run of the catalogue.

#![allow(dead_code)] // each test file uses a part

pub mod binary;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use contract_tests::runner::Waits;
use contract_tests::{CaseResult, CatalogueOptions, Contract, Mode, Runner, Target, catalogue};
use mock_server::{AppState, Config, MockServer, router};
use serde_json::Value;
use tokio::net::TcpListener;
use tower::ServiceExt as _;

/// The demo credentials of the mock.
pub const CLIENT_ID: &str = "demo-client";
/// The demo secret of the mock (public).
pub const CLIENT_SECRET: &str = "demo-secret";

/// A request as a broken server sees it.
pub struct Sent {
    /// The path, e.g. `/api/v1/order`.
    pub path: String,
    /// The headers.
    pub headers: HeaderMap,
    /// The body as JSON (`null` when it is not).
    pub body: Value,
}

/// The mock's configuration with a fast flow: contracts signed at once, an order's status moving
/// every second.
pub fn fast_flow() -> Config {
    Config {
        esign_after_secs: 0,
        order_status_secs: 1,
        ..Config::default()
    }
}

/// Serves the mock (with `config`) behind `broken` on a free port: each request goes to the
/// mock, and `broken` sees the request, the mock's status and its body (`null` when not JSON),
/// and answers instead. Returns the base URL.
pub async fn broken_mock(
    config: Config,
    broken: impl Fn(&Sent, StatusCode, Value) -> Response + Clone + Send + Sync + 'static,
) -> String {
    let mock = router(Arc::new(AppState::new(&config).expect("the mock's state")));
    let app = Router::new().fallback(move |request: Request| {
        let (mock, broken) = (mock.clone(), broken.clone());
        async move {
            let (parts, body) = request.into_parts();
            let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
            let sent = Sent {
                path: parts.uri.path().to_owned(),
                headers: parts.headers.clone(),
                body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            };
            let answer = mock
                .oneshot(Request::from_parts(parts, Body::from(bytes)))
                .await
                .expect("the mock's router is infallible");
            let status = answer.status();
            let body = to_bytes(answer.into_body(), usize::MAX)
                .await
                .unwrap_or_default();
            let answer: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            broken(&sent, status, answer)
        }
    });
    serve(app).await
}

/// A JSON answer.
pub fn json(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

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

/// The violations the harness reported, as `(case, pointer, rule)`.
pub fn violations(results: &[CaseResult]) -> Vec<(String, String, String)> {
    results
        .iter()
        .flat_map(|r| {
            r.findings()
                .filter(|(_, f)| f.severity == contract_tests::Severity::Violation)
                .map(|(_, f)| (r.name.clone(), f.pointer.clone(), f.rule.clone()))
        })
        .collect()
}

/// The names of the failed cases.
pub fn failed(results: &[CaseResult]) -> Vec<&str> {
    results
        .iter()
        .filter(|r| r.outcome == contract_tests::Outcome::Failed)
        .map(|r| r.name.as_str())
        .collect()
}
