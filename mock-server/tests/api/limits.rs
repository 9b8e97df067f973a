//! The limits that keep a slow or greedy client from holding the server: the request head size,
//! the time for headers, for a body and between requests on a kept-alive connection.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use mock_server::MockServer;
use serde_json::Value;

use crate::common::*;

/// Writes `request` on a fresh connection, then reads until the server closes it (or 10 s pass).
/// Returns what came back and how long the server took to close.
fn exchange(address: SocketAddr, request: &[u8]) -> (String, Duration) {
    let mut stream = TcpStream::connect(address).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let started = Instant::now();
    stream.write_all(request).expect("sends");
    let mut received = Vec::new();
    let _ = stream.read_to_end(&mut received);
    (
        String::from_utf8_lossy(&received).into_owned(),
        started.elapsed(),
    )
}

async fn exchange_async(address: SocketAddr, request: Vec<u8>) -> (String, Duration) {
    tokio::task::spawn_blocking(move || exchange(address, &request))
        .await
        .expect("joins")
}

fn head_with(extra_header_bytes: usize) -> Vec<u8> {
    let body = foundry().to_string();
    format!(
        "POST /api/v1/customerAccountLookup HTTP/1.1\r\nhost: mock\r\nconnection: close\r\n\
         client_id: demo-client\r\nclient_secret: demo-secret\r\ncontent-type: application/json\r\n\
         x-trace-id: limits\r\nx-padding: {}\r\ncontent-length: {}\r\n\r\n{body}",
        "p".repeat(extra_header_bytes),
        body.len()
    )
    .into_bytes()
}

fn json_body(answer: &str) -> Value {
    serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap_or_default()).expect("a JSON body")
}

#[tokio::test]
async fn a_request_head_over_the_limit_gets_431_with_the_error_body() {
    let server = MockServer::builder()
        .max_header_bytes(2048)
        .start()
        .await
        .expect("starts");
    let (fits, _) = exchange_async(server.address(), head_with(1000)).await;
    assert!(fits.starts_with("HTTP/1.1 200 "), "{fits}");

    let (over, _) = exchange_async(server.address(), head_with(3000)).await;
    assert!(over.starts_with("HTTP/1.1 431 "), "{over}");
    let body = json_body(&over);
    assert_eq!(body["code"], 431);
    assert_eq!(body["message"], "Request Header Fields Too Large");
    assert_eq!(body["traceId"], "limits");

    // Beyond twice the limit the head is not even buffered: a bare 431, then the end, even on
    // a connection the client wanted kept alive.
    let kept_alive = String::from_utf8(head_with(10_000))
        .expect("text")
        .replace("connection: close\r\n", "");
    let (far_over, took) = exchange_async(server.address(), kept_alive.into_bytes()).await;
    assert!(far_over.starts_with("HTTP/1.1 431 "), "{far_over}");
    assert_eq!(far_over.split("\r\n\r\n").nth(1), Some(""), "{far_over}");
    assert!(took < Duration::from_secs(5), "closed after {took:?}");
}

#[tokio::test]
async fn more_than_a_hundred_headers_get_a_bare_431_and_the_end() {
    let server = MockServer::builder().start().await.expect("starts");
    let head = |count: usize| {
        let mut head = String::from(
            "POST /api/v1/customerAccountLookup HTTP/1.1\r\nhost: mock\r\n\
             client_id: demo-client\r\nclient_secret: demo-secret\r\n\
             content-type: application/json\r\nx-trace-id: many\r\nconnection: close\r\n",
        );
        // Six headers above; short ones up to `count` in all.
        for index in 6..count {
            head.push_str(&format!("x-h{index}: 1\r\n"));
        }
        let body = foundry().to_string();
        format!("{head}content-length: {}\r\n\r\n{body}", body.len()).into_bytes()
    };
    // 100 headers with content-length: still served.
    let (fits, _) = exchange_async(server.address(), head(99)).await;
    assert!(fits.starts_with("HTTP/1.1 200 "), "{fits}");
    let (over, took) = exchange_async(server.address(), head(101)).await;
    assert!(over.starts_with("HTTP/1.1 431 "), "{over}");
    assert_eq!(over.split("\r\n\r\n").nth(1), Some(""), "{over}");
    assert!(took < Duration::from_secs(5), "closed after {took:?}");
}

#[test]
fn the_head_limit_holds_for_every_route_in_process() {
    let app = app_with(|config| config.max_header_bytes = 1024);
    let runtime = runtime();
    for path in [
        "/api/v1/customerAccountLookup",
        "/__admin/health",
        "/nowhere",
    ] {
        let request = axum::http::Request::get(path)
            .header("x-padding", "p".repeat(1100))
            .body(axum::body::Body::empty())
            .expect("a request");
        let answer = runtime.block_on(send(&app, request));
        assert_eq!(
            answer.status,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "{path}"
        );
        assert_eq!(answer.json()["code"], 431, "{path}");
    }
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_gets_408() {
    let server = MockServer::builder()
        .read_timeout_secs(1)
        .start()
        .await
        .expect("starts");
    // The head promises 200 bytes; only 10 come.
    let request = b"POST /api/v1/customerAccountLookup HTTP/1.1\r\nhost: mock\r\n\
        client_id: demo-client\r\nclient_secret: demo-secret\r\ncontent-type: application/json\r\n\
        x-trace-id: slow-body\r\ncontent-length: 200\r\n\r\n{\"spId\":\"";
    let (answer, took) = exchange_async(server.address(), request.to_vec()).await;
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
    assert_eq!(json_body(&answer)["traceId"], "slow-body");
    assert!(
        took >= Duration::from_millis(900),
        "answered after {took:?}"
    );
}

#[tokio::test]
async fn headers_that_never_end_and_idle_connections_are_closed_after_the_read_timeout() {
    let server = MockServer::builder()
        .read_timeout_secs(1)
        .start()
        .await
        .expect("starts");
    // Half a head, then silence: the server closes without an answer.
    let (answer, took) = exchange_async(
        server.address(),
        b"POST /api/v1/customerAccountLookup HTTP/1.1\r\nhost: mock\r\n".to_vec(),
    )
    .await;
    assert_eq!(answer, "", "no answer to a head that never ended");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(8),
        "closed after {took:?}"
    );

    // A complete request on a kept-alive connection, then silence: answered, then closed.
    let request = crate::common::foundry_on_the_wire();
    let (answer, took) = exchange_async(server.address(), request.into_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(8),
        "the idle connection closed after {took:?}"
    );
}

#[tokio::test]
async fn an_answer_that_drips_for_longer_than_the_read_timeout_is_not_cut() {
    let server = MockServer::builder()
        .read_timeout_secs(1)
        .start()
        .await
        .expect("starts");
    // 16 bytes every 100 ms: the foundry's answer takes about 3 s.
    let request = String::from_utf8(head_with(0)).expect("ASCII").replacen(
        "\r\n\r\n",
        "\r\nx-mock-scenario: slow-drip\r\n\r\n",
        1,
    );
    let (answer, took) = exchange_async(server.address(), request.into_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
    assert_eq!(
        json_body(&answer)[0]["accountName"],
        "AT&T CLOUD TEST FOUNDRY"
    );
    assert!(took >= Duration::from_secs(2), "answered in {took:?}");
}
