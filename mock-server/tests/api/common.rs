//! Shared helpers: build the app, send a request, read the answer.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use mock_server::{AppState, Config, DataMode, router};
use serde_json::{Value, json};
use tower::ServiceExt;

/// The application under test.
pub type App = axum::Router;

pub const LOOKUP: &str = "/api/v1/customerAccountLookup";

/// The app with the default configuration (bundled fixtures, demo client) but answering from
/// the account book only, so that what is not in the book is not found.
pub fn app() -> App {
    app_with(|_| {})
}

/// The app answering from the book only, with a changed configuration.
pub fn app_with(change: impl FnOnce(&mut Config)) -> App {
    let mut config = Config {
        data: DataMode::Fixtures,
        ..Config::default()
    };
    change(&mut config);
    router(Arc::new(
        AppState::new(&config).expect("the bundled fixtures load"),
    ))
}

/// A lookup request with valid credentials and headers.
pub fn lookup(body: &Value) -> Request<Body> {
    lookup_with(body, &[])
}

/// A lookup request whose headers are the valid ones with `changes` applied: `(name, Some(v))`
/// sets, `(name, None)` removes.
pub fn lookup_with(body: &Value, changes: &[(&str, Option<&str>)]) -> Request<Body> {
    raw_lookup(body.to_string(), changes)
}

/// Like [`lookup_with`] with a body that need not be JSON.
pub fn raw_lookup(body: impl Into<Body>, changes: &[(&str, Option<&str>)]) -> Request<Body> {
    let mut headers = vec![
        ("client_id", "demo-client".to_owned()),
        ("client_secret", "demo-secret".to_owned()),
        ("content-type", "application/json".to_owned()),
        ("x-trace-id", "trace-123".to_owned()),
    ];
    for (name, value) in changes {
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        if let Some(value) = value {
            headers.push((name, (*value).to_owned()));
        }
    }
    let mut request = Request::post(LOOKUP);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    request.body(body.into()).expect("a valid request")
}

/// An answer, fully read.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "body is not JSON ({error}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The `accountName`s of a 200 answer, in order.
    pub fn names(&self) -> Vec<String> {
        assert_eq!(
            self.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        self.json()
            .as_array()
            .expect("an array")
            .iter()
            .map(|account| account["accountName"].as_str().expect("a name").to_owned())
            .collect()
    }

    /// Asserts this is an error answer in the error body's shape and returns the body.
    pub fn error(&self, status: StatusCode) -> Value {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        let body = self.json();
        let keys: Vec<&str> = body
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            &keys[..5],
            ["code", "message", "description", "traceId", "transactionId"],
            "{body}"
        );
        assert_eq!(body["code"], json!(status.as_u16()));
        body
    }
}

pub async fn send(app: &App, request: Request<Body>) -> Answer {
    let response = app
        .clone()
        .oneshot(request)
        .await
        .expect("the router is infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    Answer {
        status,
        headers,
        body,
    }
}

/// The reference page's request for the AT&T CLOUD TEST FOUNDRY account.
pub fn foundry() -> Value {
    json!({
        "spId": "10006",
        "accountName": "AT&T CLOUD TEST FOUNDRY",
        "address": {"street": "2900 W PLANO PKWY", "city": "PLANO", "state": "TX", "zipCode": "75075"}
    })
}

/// The [`foundry`] lookup as the bytes of an HTTP/1.1 request that keeps its connection alive.
pub fn foundry_on_the_wire() -> String {
    let body = foundry().to_string();
    format!(
        "POST /api/v1/customerAccountLookup HTTP/1.1\r\nhost: mock\r\nclient_id: demo-client\r\n\
         client_secret: demo-secret\r\ncontent-type: application/json\r\nx-trace-id: idle\r\n\
         content-length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// A request for the ACME accounts of Dallas 75201.
pub fn acme(name: &str, street: &str, zip: &str) -> Value {
    json!({
        "spId": "10006",
        "accountName": name,
        "address": {"street": street, "city": "DALLAS", "state": "TX", "zipCode": zip}
    })
}

/// The accounts of a 200 answer.
pub fn accounts(answer: &Answer) -> Vec<Value> {
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    answer.json().as_array().expect("an array").clone()
}

/// One field of every account.
pub fn field_values(accounts: &[Value], key: &str) -> Vec<Value> {
    accounts.iter().map(|a| a[key].clone()).collect()
}

/// An HTTP client for tests over a socket. The workspace builds reqwest's rustls without a
/// default crypto provider, so the ring provider is installed first (a second time is a no-op).
pub fn http_client_builder() -> reqwest::ClientBuilder {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

/// [`http_client_builder`], built.
pub fn http_client() -> reqwest::Client {
    http_client_builder().build().expect("a client")
}

/// The account fields the schema lets be `null`.
pub fn nullable_fields() -> Vec<String> {
    alliance_schemas::nullable_account_fields().expect("the account schema parses")
}

/// One current-thread runtime (timers on) for property tests that drive the router many times.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
    })
}

/// A mock with the defaults, on a free port.
pub async fn server() -> mock_server::MockServer {
    mock_server::MockServer::builder()
        .start()
        .await
        .expect("the mock starts")
}

/// A lookup of `name` in PLANO, TX 75075 with the demo credentials and the trace id `trace`.
pub fn plano_lookup(
    client: &reqwest::Client,
    server: &mock_server::MockServer,
    name: &str,
    trace: &str,
) -> reqwest::RequestBuilder {
    demo_post(client, server, trace).json(&serde_json::json!({"spId": "1", "accountName": name, "address": {"street": "", "city": "PLANO", "state": "TX", "zipCode": "75075"}}))
}

/// The foundry lookup under `scenario`, with the demo credentials.
pub fn scenario_lookup(
    client: &reqwest::Client,
    server: &mock_server::MockServer,
    scenario: &str,
) -> reqwest::RequestBuilder {
    demo_post(client, server, "fault-1")
        .header("x-mock-scenario", scenario)
        .json(&foundry())
}

fn demo_post(
    client: &reqwest::Client,
    server: &mock_server::MockServer,
    trace: &str,
) -> reqwest::RequestBuilder {
    client
        .post(server.lookup_url())
        .header("client_id", "demo-client")
        .header("client_secret", "demo-secret")
        .header("x-trace-id", trace)
}

/// A book account in PLANO, TX 75075 with this id and name.
pub fn account(id: &str, name: &str) -> Value {
    serde_json::json!({"accountAddress": {"city": "PLANO", "country": "USA", "state": "TX", "street": "1 MAIN ST", "zipCode": "75075"},
           "accountName": name, "accountId": id, "acid": null, "salesSegment": null, "subAccountId": null,
           "contractStatus": null, "parentPartnerAccId": null, "partnerId": null, "loaStatus": "Y",
           "allianceStatus": "ATT ONLY", "accountStatus": null, "exception": "N"})
}

/// The journal of a running mock, `query` its filters (e.g. `?limit=1`).
pub async fn journal_of(server: &mock_server::MockServer, query: &str) -> Value {
    http_client()
        .get(format!("{}/__admin/requests{query}", server.uri()))
        .send()
        .await
        .expect("the journal")
        .json()
        .await
        .expect("JSON")
}

/// A mock on a free loopback port with `config` (whose own address is replaced).
pub async fn on_loopback(mut config: mock_server::Config) -> mock_server::MockServer {
    config.listen = "127.0.0.1:0".parse().expect("an address");
    mock_server::MockServer::builder()
        .config(config)
        .start()
        .await
        .expect("the mock starts")
}

/// An empty scratch folder path for this test process (not made; removed if it was there).
pub fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mock-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}
