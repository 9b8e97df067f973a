//! The mock's own answers fit the contract in strict mode, errors included.

use contract_tests::{Contract, Mode, Severity};
use mock_server::MockServer;
use serde_json::{Value, json};

/// A request to send: its name, headers and body, and the status it must get.
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, String, u16);

fn foundry() -> Value {
    json!({"spId": "10006", "accountName": "AT&T CLOUD TEST FOUNDRY",
           "address": {"street": "2900 W PLANO PKWY", "city": "PLANO", "state": "TX", "zipCode": "75075"}})
}

#[tokio::test]
async fn every_kind_of_answer_of_the_mock_passes_the_strict_contract() {
    let server = MockServer::builder()
        .start()
        .await
        .expect("the mock starts");
    let contract = Contract::load().expect("the contract loads");
    // reqwest's rustls is built without a default crypto provider in this workspace.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let valid = [
        ("client_id", "demo-client"),
        ("client_secret", "demo-secret"),
        ("content-type", "application/json"),
        ("x-trace-id", "contract-1"),
    ];
    let without = |name: &str| -> Vec<(&str, &str)> {
        valid.iter().copied().filter(|(n, _)| *n != name).collect()
    };
    let acme = json!({"spId": "1", "accountName": "ACME", "address": {"street": "", "city": "Dallas", "state": "TX", "zipCode": "75201"}});
    let nobody = json!({"spId": "1", "accountName": "NOBODY", "address": {"street": "", "city": "Dallas", "state": "TX", "zipCode": "00000"}});
    let cases: Vec<Case> = vec![
        ("found", valid.to_vec(), foundry().to_string(), 200),
        ("five", valid.to_vec(), acme.to_string(), 200),
        ("not found", valid.to_vec(), nobody.to_string(), 404),
        (
            "no client id",
            without("client_id"),
            foundry().to_string(),
            401,
        ),
        (
            "no content type",
            without("content-type"),
            foundry().to_string(),
            415,
        ),
        (
            "no trace id",
            without("x-trace-id"),
            foundry().to_string(),
            400,
        ),
        ("not json", valid.to_vec(), "{".to_owned(), 400),
        (
            "invalid",
            valid.to_vec(),
            json!({"accountName": "A"}).to_string(),
            400,
        ),
        (
            "too large",
            valid.to_vec(),
            format!("{{\"x\":\"{}\"}}", "a".repeat(70_000)),
            413,
        ),
    ];
    for (name, headers, body, status) in cases {
        let mut request = client.post(server.lookup_url()).body(body);
        for (header, value) in headers {
            request = request.header(header, value);
        }
        let answer = request.send().await.expect("the mock answers");
        assert_eq!(answer.status().as_u16(), status, "{name}");
        let bytes = answer.bytes().await.expect("a body");
        let violations: Vec<_> = contract
            .check_lookup_answer(status, &bytes, Mode::Strict)
            .into_iter()
            .filter(|f| f.severity == Severity::Violation)
            .collect();
        assert!(violations.is_empty(), "{name}: {violations:?}");
    }
}
