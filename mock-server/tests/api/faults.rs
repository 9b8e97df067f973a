//! Transport faults as a real client sees them, over a socket (reloading is in `reload.rs`,
//! stopping and connection slots in `shutdown.rs`).

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{foundry, scenario_lookup as lookup, server};

fn client() -> reqwest::Client {
    crate::common::http_client()
}

/// Sends a lookup for `scenario` over a plain socket and returns what came back, or the error
/// that reading ended with.
fn raw_exchange(address: SocketAddr, scenario: &str) -> (Vec<u8>, Option<ErrorKind>) {
    let body = foundry().to_string();
    let mut stream = TcpStream::connect(address).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let request = format!(
        "POST /api/v1/customerAccountLookup HTTP/1.1\r\nhost: mock\r\nconnection: close\r\nclient_id: demo-client\r\n\
         client_secret: demo-secret\r\ncontent-type: application/json\r\nx-trace-id: raw\r\n\
         x-mock-scenario: {scenario}\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("sends");
    let mut received = Vec::new();
    let mut buffer = [0_u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return (received, None),
            Ok(n) => received.extend_from_slice(&buffer[..n]),
            Err(error) => return (received, Some(error.kind())),
        }
    }
}

/// [`raw_exchange`] on a blocking thread.
pub(crate) async fn raw(
    address: SocketAddr,
    scenario: &'static str,
) -> (Vec<u8>, Option<ErrorKind>) {
    tokio::task::spawn_blocking(move || raw_exchange(address, scenario))
        .await
        .expect("joins")
}

#[tokio::test]
async fn connection_reset_resets_the_connection_without_an_answer() {
    let server = server().await;
    let address = server.address();
    let (received, error) = raw(address, "connection-reset").await;
    assert!(
        received.is_empty(),
        "{}",
        String::from_utf8_lossy(&received)
    );
    assert_eq!(error, Some(ErrorKind::ConnectionReset));
    let via_client = lookup(&client(), &server, "connection-reset").send().await;
    assert!(via_client.is_err(), "a real client sees a failed request");
}

#[tokio::test]
async fn empty_response_closes_without_a_byte() {
    let server = server().await;
    let address = server.address();
    let (received, error) = raw(address, "empty-response").await;
    assert!(
        received.is_empty(),
        "{}",
        String::from_utf8_lossy(&received)
    );
    assert_eq!(error, None, "a clean end of stream, not a reset");
    assert!(
        lookup(&client(), &server, "empty-response")
            .send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn truncated_body_announces_more_than_it_sends() {
    let server = server().await;
    let address = server.address();
    let (received, _) = raw(address, "truncated-body").await;
    let text = String::from_utf8_lossy(&received).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a head");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let announced: usize = head
        .lines()
        .find_map(|line| {
            line.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(str::to_owned)
        })
        .and_then(|n| n.trim().parse().ok())
        .expect("a content-length");
    assert!(
        body.len() < announced,
        "{} of {announced} bytes",
        body.len()
    );
    assert!(!body.is_empty(), "part of the body arrives");

    let response = lookup(&client(), &server, "truncated-body")
        .send()
        .await
        .expect("the head arrives");
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.is_err(), "reading the body fails");
}

#[tokio::test]
async fn malformed_json_is_a_200_whose_body_does_not_parse() {
    let server = server().await;
    let response = lookup(&client(), &server, "malformed-json")
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let text = response.text().await.expect("a body");
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
}

#[tokio::test]
async fn slow_answers_after_its_delay() {
    let server = server().await;
    let started = Instant::now();
    let response = lookup(&client(), &server, "slow")
        .send()
        .await
        .expect("answers");
    let elapsed = started.elapsed();
    assert_eq!(response.status(), 200);
    assert!(elapsed >= Duration::from_millis(1500), "{elapsed:?}");
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body[0]["subAccountId"], "U8GOM4");
}

#[tokio::test]
async fn timeout_outlasts_a_client_timeout() {
    let server = server().await;
    let client = crate::common::http_client_builder()
        .timeout(Duration::from_millis(500))
        .build()
        .expect("a client");
    let error = lookup(&client, &server, "timeout")
        .send()
        .await
        .expect_err("times out");
    assert!(error.is_timeout(), "{error}");
}

#[tokio::test]
async fn slow_drip_sends_the_usual_answer_in_many_small_pieces() {
    let server = server().await;
    let started = Instant::now();
    let mut response = lookup(&client(), &server, "slow-drip")
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    let mut chunks = 0;
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.expect("reads") {
        chunks += 1;
        body.extend_from_slice(&chunk);
    }
    let elapsed = started.elapsed();
    let value: Value = serde_json::from_slice(&body).expect("the whole answer arrives");
    assert_eq!(value[0]["subAccountId"], "U8GOM4");
    // The server paces the pieces (16 bytes, then 100 ms): however late this reader is, the
    // whole answer cannot come sooner than the pauses add up to. How many pieces the reader
    // sees depends on how fast it reads, so only "more than one" is asserted of them.
    let pieces = body.len().div_ceil(16) as u64;
    assert!(
        elapsed >= Duration::from_millis(100 * (pieces - 1)),
        "{} bytes in {elapsed:?}",
        body.len()
    );
    assert!(chunks > 1, "{chunks} chunks for {} bytes", body.len());
}

#[tokio::test]
async fn a_connection_fault_leaves_the_server_serving_others() {
    let server = server().await;
    let _ = lookup(&client(), &server, "connection-reset").send().await;
    let response = client()
        .post(server.lookup_url())
        .header("client_id", "demo-client")
        .header("client_secret", "demo-secret")
        .header("x-trace-id", "after")
        .json(&foundry())
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
}
