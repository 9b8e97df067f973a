//! Stopping and connection slots over real sockets: a shutdown answers what is in flight (for
//! at most ten seconds) and refuses new connections; connections beyond the cap get 503.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use mock_server::MockServer;
use serde_json::{Value, json};

use super::faults::raw;
use crate::common::{
    account, http_client as client, plano_lookup, scenario_lookup as lookup, server,
};

#[tokio::test]
async fn shutdown_lets_a_request_in_flight_finish_and_refuses_new_connections() {
    let server = server().await;
    let address = server.address();
    // `slow-drip` sends the head at once and the body 16 bytes every 100 ms: once the head is
    // here, the request is in flight, for about three seconds more.
    let response = lookup(&client(), &server, "slow-drip")
        .send()
        .await
        .expect("the head arrives");
    assert_eq!(response.status(), 200);
    let stopping = tokio::spawn(server.shutdown());
    let deadline = Instant::now() + Duration::from_secs(5);
    while tokio::net::TcpStream::connect(address).await.is_ok() {
        assert!(
            Instant::now() < deadline,
            "new connections are refused while stopping"
        );
        tokio::task::yield_now().await;
    }
    let body = response.bytes().await.expect("the whole body arrives");
    let accounts: Value = serde_json::from_slice(&body).expect("the body is whole JSON");
    assert_eq!(accounts[0]["accountId"], "0013g00000cUIRtAAO");
    stopping.await.expect("joins").expect("a clean stop");
}

#[tokio::test]
async fn shutdown_waits_at_most_ten_seconds_for_a_request_in_flight() {
    // An answer that drips for about half a minute: longer than the shutdown's cap.
    let dir = std::env::temp_dir().join(format!("mock-cap-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("accounts")).expect("dirs");
    std::fs::create_dir_all(dir.join("scenarios")).expect("dirs");
    std::fs::write(
        dir.join("accounts/book.json"),
        json!([account("CAP-1", "AT&T CLOUD TEST FOUNDRY")]).to_string(),
    )
    .expect("write");
    let drip = json!({"description": "16 bytes a second",
        "fault": {"kind": "slow-drip", "chunkBytes": 16, "intervalMs": 1000}});
    std::fs::write(dir.join("scenarios/long-drip.json"), drip.to_string()).expect("write");
    let server = MockServer::builder()
        .fixtures_dir(&dir)
        .data(mock_server::DataMode::Fixtures)
        .start()
        .await
        .expect("starts");
    let response = plano_lookup(&client(), &server, "FOUNDRY", "cap")
        .header("x-mock-scenario", "long-drip")
        .send()
        .await
        .expect("the head arrives");
    assert_eq!(response.status(), 200);
    let started = Instant::now();
    let stopped = server.shutdown().await;
    let took = started.elapsed();
    assert!(stopped.is_ok(), "{stopped:?}");
    // Half a second of lingering, then at most ten seconds of grace.
    assert!(
        (Duration::from_secs(10)..Duration::from_secs(13)).contains(&took),
        "the stop took {took:?}"
    );
    assert!(
        response.bytes().await.is_err(),
        "the answer still dripping is cut"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn shutdown_closes_an_idle_kept_alive_connection_at_once() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = server().await;
    let mut stream = tokio::net::TcpStream::connect(server.address())
        .await
        .expect("connects");
    let request = crate::common::foundry_on_the_wire();
    stream.write_all(request.as_bytes()).await.expect("sends");
    // The whole answer, after which the connection is idle and kept alive.
    let mut answer = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        let read = stream.read(&mut chunk).await.expect("reads");
        assert!(read > 0, "the connection is kept alive after the answer");
        answer.extend_from_slice(&chunk[..read]);
        let text = String::from_utf8_lossy(&answer);
        if let Some((head, rest)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length: "))
                .expect("a content-length")
                .parse()
                .expect("a number");
            if rest.len() >= length {
                assert!(head.starts_with("HTTP/1.1 200"), "{head}");
                break;
            }
        }
    }
    // The read timeout (30 s) is far beyond the wait below: only the shutdown can close it.
    let stopping = tokio::spawn(server.shutdown());
    let closed = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut chunk)).await;
    assert!(
        matches!(closed, Ok(Ok(0))),
        "the idle connection is closed by the shutdown: {closed:?}"
    );
    stopping.await.expect("joins").expect("a clean stop");
}

/// Whether `bytes` hold a whole answer: a head and as many body bytes as it announces.
fn is_whole_answer(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let Some((head, rest)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    head.lines()
        .find_map(|line| line.strip_prefix("content-length: "))
        .and_then(|length| length.parse::<usize>().ok())
        .is_some_and(|length| rest.len() >= length)
}

#[tokio::test]
async fn connections_beyond_the_cap_get_503_and_a_freed_slot_is_reused() {
    let server = MockServer::builder()
        .max_connections(1)
        .start()
        .await
        .expect("starts");
    let address = server.address();
    let (first, refused) = tokio::task::spawn_blocking(move || {
        let mut first = TcpStream::connect(address).expect("the first connection");
        // Once the first connection has its answer (and stays open, kept alive), it holds the
        // only slot.
        first
            .write_all(crate::common::foundry_on_the_wire().as_bytes())
            .expect("sends");
        first
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        let mut seen = Vec::new();
        let mut chunk = [0; 4096];
        while !is_whole_answer(&seen) {
            let read = first.read(&mut chunk).expect("the first answer");
            assert!(read > 0, "the first connection is answered");
            seen.extend_from_slice(&chunk[..read]);
        }
        let mut second = TcpStream::connect(address).expect("the second connection");
        second
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        let mut answer = String::new();
        second
            .read_to_string(&mut answer)
            .expect("an answer, then the end");
        (first, answer)
    })
    .await
    .expect("joins");
    assert!(
        refused.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
        "{refused}"
    );
    assert!(refused.contains("retry-after: 1\r\n"), "{refused}");
    let body: Value =
        serde_json::from_str(refused.split("\r\n\r\n").nth(1).expect("a body")).expect("JSON");
    assert_eq!(body["code"], 503);
    assert_eq!(body["message"], "Service Unavailable");
    // A client that writes its request in two parts, the second after a pause (as many HTTP and
    // TLS clients do), still gets the 503 rather than a broken pipe.
    let two_writes = tokio::task::spawn_blocking(move || {
        let mut late = TcpStream::connect(address).expect("a connection beyond the cap");
        late.set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        late.write_all(b"POST /api/v1/customerAccountLookup HTTP/1.1\r\nhost: x\r\n")
            .expect("the first part");
        // The client's own pause between its two writes: the behaviour under test.
        std::thread::sleep(Duration::from_millis(200));
        let second = late.write_all(b"content-length: 2\r\n\r\n{}");
        let mut answer = String::new();
        let read = late.read_to_string(&mut answer);
        (
            second.map_err(|e| e.kind()),
            read.map_err(|e| e.kind()),
            answer,
        )
    })
    .await
    .expect("joins");
    assert_eq!(two_writes.0, Ok(()), "the second write went through");
    assert!(two_writes.1.is_ok(), "{:?}", two_writes.1);
    assert!(
        two_writes
            .2
            .starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
        "{}",
        two_writes.2
    );
    drop(first);
    let mut served = false;
    for _ in 0..50 {
        let answer = raw(address, "single-result").await;
        if String::from_utf8_lossy(&answer.0).starts_with("HTTP/1.1 200") {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(served, "the slot of the closed connection is free again");
}
