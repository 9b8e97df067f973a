//! Transport faults as a real client sees them, over a socket; and reload over the admin API.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use mock_server::MockServer;
use serde_json::{Value, json};

use crate::common::{app_with, foundry, send};

async fn server() -> MockServer {
    MockServer::builder()
        .start()
        .await
        .expect("the mock starts")
}

fn client() -> reqwest::Client {
    crate::common::http_client()
}

/// A lookup of `name` in PLANO, TX 75075 with the demo credentials and the trace id `trace`.
fn plano_lookup(
    client: &reqwest::Client,
    server: &MockServer,
    name: &str,
    trace: &str,
) -> reqwest::RequestBuilder {
    client
        .post(server.lookup_url())
        .header("client_id", "demo-client")
        .header("client_secret", "demo-secret")
        .header("x-trace-id", trace)
        .json(&json!({"spId": "1", "accountName": name, "address": {"street": "", "city": "PLANO", "state": "TX", "zipCode": "75075"}}))
}

fn lookup(
    client: &reqwest::Client,
    server: &MockServer,
    scenario: &str,
) -> reqwest::RequestBuilder {
    client
        .post(server.lookup_url())
        .header("client_id", "demo-client")
        .header("client_secret", "demo-secret")
        .header("x-trace-id", "fault-1")
        .header("x-mock-scenario", scenario)
        .json(&foundry())
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
async fn raw(address: SocketAddr, scenario: &'static str) -> (Vec<u8>, Option<ErrorKind>) {
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

fn account(id: &str, name: &str) -> Value {
    json!({"accountAddress": {"city": "PLANO", "country": "USA", "state": "TX", "street": "1 MAIN ST", "zipCode": "75075"},
           "accountName": name, "accountId": id, "acid": null, "salesSegment": null, "subAccountId": null,
           "contractStatus": null, "parentPartnerAccId": null, "partnerId": null, "loaStatus": "Y",
           "allianceStatus": "ATT ONLY", "accountStatus": null, "exception": "N"})
}

#[tokio::test]
async fn reload_serves_new_files_and_keeps_the_old_data_when_a_file_is_broken() {
    let dir = std::env::temp_dir().join(format!("mock-reload-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("accounts")).expect("dirs");
    let book = dir.join("accounts/book.json");
    std::fs::write(&book, json!([account("A-1", "FIRST NAME CO")]).to_string()).expect("write");
    let server = MockServer::builder()
        .fixtures_dir(&dir)
        .data(mock_server::DataMode::Fixtures)
        .start()
        .await
        .expect("starts");
    let client = client();
    let names = |name: &'static str| {
        let request = plano_lookup(&client, &server, name, "reload");
        async move { request.send().await.expect("answers").status().as_u16() }
    };
    let reload = || {
        client
            .post(format!("{}/__admin/reload", server.uri()))
            .send()
    };
    assert_eq!(names("FIRST NAME").await, 200);

    std::fs::write(&book, json!([account("A-2", "SECOND NAME CO")]).to_string()).expect("write");
    // A canned example and a scenario, in folders that did not exist at start.
    std::fs::create_dir_all(dir.join("canned")).expect("dirs");
    std::fs::create_dir_all(dir.join("scenarios")).expect("dirs");
    let canned = json!({"description": "a pinned answer",
        "request": {"body": {"accountName": "PINNED", "address": {"street": "", "city": "PLANO", "state": "TX", "zipCode": "75075"}}},
        "response": {"status": 200, "body": [account("C-1", "PINNED CO")]}});
    std::fs::write(dir.join("canned/pinned.json"), canned.to_string()).expect("write");
    let scenario = json!({"description": "one account with acid null",
        "accounts": {"count": 1, "set": {"/acid": null}}});
    std::fs::write(dir.join("scenarios/one-null.json"), scenario.to_string()).expect("write");
    let reloaded = reload().await.expect("answers");
    assert_eq!(reloaded.status(), 200);
    let reloaded: Value = reloaded.json().await.expect("json");
    assert_eq!(
        (
            &reloaded["accounts"],
            &reloaded["cannedExamples"],
            &reloaded["scenarios"],
            &reloaded["changed"]
        ),
        (&json!(1), &json!(1), &json!(1), &json!(true))
    );
    assert_eq!(names("PINNED").await, 200, "the new canned example answers");
    let with_scenario = plano_lookup(&client, &server, "SECOND NAME", "reload")
        .header("x-mock-scenario", "one-null")
        .send()
        .await
        .expect("answers");
    assert_eq!(with_scenario.status(), 200, "the new scenario is loaded");
    // The same files again: nothing to check, and it says so.
    let again: Value = reload().await.expect("answers").json().await.expect("json");
    assert_eq!(
        (&again["accounts"], &again["changed"]),
        (&json!(1), &json!(false))
    );
    assert_eq!(names("SECOND NAME").await, 200);
    assert_eq!(names("FIRST NAME").await, 404);

    let mut broken = account("A-3", "THIRD NAME CO");
    broken["accountAddress"]["zipCode"] = json!(75075);
    std::fs::write(&book, json!([broken]).to_string()).expect("write");
    let refused = reload().await.expect("answers");
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.expect("json");
    let description = body["description"].as_str().unwrap_or_default();
    assert!(
        description
            .contains("book.json: /0/accountAddress/zipCode: 75075 is not of type \"string\""),
        "{description}"
    );
    assert_eq!(
        names("SECOND NAME").await,
        200,
        "the old data stays in service"
    );
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[tokio::test]
async fn watch_reloads_a_changed_folder_and_ignores_a_broken_file() {
    let dir = std::env::temp_dir().join(format!("mock-watch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("accounts")).expect("dirs");
    let book = dir.join("accounts/book.json");
    std::fs::write(&book, json!([account("W-1", "BEFORE CO")]).to_string()).expect("write");
    let server = MockServer::builder()
        .fixtures_dir(&dir)
        .data(mock_server::DataMode::Fixtures)
        .watch(true)
        .start()
        .await
        .expect("starts");
    let client = client();
    let status_for = |name: &'static str| {
        let request = plano_lookup(&client, &server, name, "watch");
        async move { request.send().await.expect("answers").status().as_u16() }
    };
    // Polls the health check until `done` holds for it: the watcher's own report of its
    // reloads (`lastReload`), not a guess at its timing.
    let health_until = |what: &'static str, done: fn(&Value) -> bool| {
        let request = client.get(format!("{}/__admin/health", server.uri()));
        async move {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
            loop {
                let health: Value = request
                    .try_clone()
                    .expect("a plain request")
                    .send()
                    .await
                    .expect("answers")
                    .json()
                    .await
                    .expect("json");
                if done(&health) {
                    return health;
                }
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "not {what} within 10 s: {health}"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    assert_eq!(status_for("AFTER").await, 404);
    std::fs::write(&book, json!([account("W-2", "AFTER CO")]).to_string()).expect("write");
    let health = health_until("reloaded", |h| h["lastReload"]["outcome"] == "reloaded").await;
    assert_eq!(health["accounts"], 1);
    assert_eq!(status_for("AFTER").await, 200);
    // A new scenario file is picked up as well.
    std::fs::create_dir_all(dir.join("scenarios")).expect("dirs");
    let scenario = json!({"description": "one account", "accounts": {"count": 1}});
    std::fs::write(dir.join("scenarios/watched.json"), scenario.to_string()).expect("write");
    health_until("a scenario loaded", |h| h["scenarios"] == 1).await;
    std::fs::write(&book, "[{").expect("write");
    let refused = health_until("refused", |h| h["lastReload"]["outcome"] == "refused").await;
    assert!(
        refused["lastReload"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("book.json")),
        "{refused}"
    );
    assert_eq!(refused["accounts"], 1, "{refused}");
    assert_eq!(
        status_for("AFTER").await,
        200,
        "a broken file leaves the data in service"
    );
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

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

/// A reload reads and checks the files on a thread of its own: on a runtime with a single
/// thread, a request sent while a reload of a large folder runs is answered before the reload
/// ends (a reload on the request workers would end first, since it would never yield).
#[tokio::test(flavor = "current_thread")]
async fn a_reload_runs_off_the_request_workers() {
    let dir = std::env::temp_dir().join(format!("mock-reload-big-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("accounts")).expect("dirs");
    let accounts: Vec<Value> = (0..20_000)
        .map(|n| account(&format!("BIG-{n}"), &format!("ACCOUNT {n} CO")))
        .collect();
    std::fs::write(
        dir.join("accounts/big.json"),
        Value::Array(accounts).to_string(),
    )
    .expect("write");
    let app = app_with(|config| {
        config.fixtures = mock_server::config::FixtureSource::Dir(dir.clone());
    });
    let reload = Request::post("/__admin/reload")
        .body(Body::empty())
        .expect("a request");
    let reloading = tokio::spawn({
        let app = app.clone();
        async move { send(&app, reload).await }
    });
    // Let the reload start: it is waiting for its thread now.
    tokio::task::yield_now().await;
    let health = send(
        &app,
        Request::get("/__admin/health")
            .body(Body::empty())
            .expect("a request"),
    )
    .await;
    assert_eq!(health.status, StatusCode::OK);
    assert!(
        !reloading.is_finished(),
        "the reload ended before a request sent during it was answered"
    );
    let reloaded = reloading.await.expect("the reload's task");
    assert_eq!(reloaded.status, StatusCode::OK);
    assert_eq!(reloaded.json()["accounts"], 20_000);
    std::fs::remove_dir_all(&dir).expect("cleanup");
}
