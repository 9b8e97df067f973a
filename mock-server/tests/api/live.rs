//! The live journal: `GET /__admin/requests/stream` sends each request as it is journaled, as
//! server-sent events, with the listing's filters, and ends when the server stops.

use std::time::{Duration, Instant};

use mock_server::MockServer;
use serde_json::Value;

use crate::common::{foundry, http_client};

/// Reads server-sent events from `response` until one whose data has `traceId` equal to
/// `trace`, or the deadline; gives that event's `event:` name and data.
async fn next_event_for(response: &mut reqwest::Response, trace: &str) -> (String, Value) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut text = String::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let chunk = tokio::time::timeout(left, response.chunk())
            .await
            .unwrap_or_else(|_| panic!("no event for {trace} within 10 s; got {text:?}"))
            .expect("the stream reads")
            .unwrap_or_else(|| panic!("the stream ended before an event for {trace}: {text:?}"));
        text.push_str(&String::from_utf8_lossy(&chunk));
        while let Some((event, rest)) = text.split_once("\n\n") {
            let (event, rest) = (event.to_owned(), rest.to_owned());
            text = rest;
            let field = |name: &str| {
                event
                    .lines()
                    .find_map(|line| line.strip_prefix(&format!("{name}:")))
                    .map(|value| value.trim_start().to_owned())
            };
            let (Some(kind), Some(data)) = (field("event"), field("data")) else {
                continue; // a keep-alive comment
            };
            let data: Value = serde_json::from_str(&data).unwrap_or(Value::String(data));
            if data["traceId"] == trace {
                return (kind, data);
            }
        }
    }
}

async fn lookup(client: &reqwest::Client, server: &MockServer, trace: &str) -> u16 {
    client
        .post(server.lookup_url())
        .header("client_id", "demo-client")
        .header("client_secret", "demo-secret")
        .header("x-trace-id", trace)
        .json(&foundry())
        .send()
        .await
        .expect("answers")
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_request_appears_on_the_stream_as_it_is_journaled_filters_apply_and_a_stop_ends_it() {
    let server = MockServer::builder().start().await.expect("starts");
    let client = http_client();
    let stream_url = format!("{}/__admin/requests/stream", server.uri());
    let mut everything = client.get(&stream_url).send().await.expect("a stream");
    assert_eq!(everything.status(), 200);
    assert_eq!(everything.headers()["content-type"], "text/event-stream");
    let mut only_errors = client
        .get(format!("{stream_url}?status=401"))
        .send()
        .await
        .expect("a stream");

    assert_eq!(lookup(&client, &server, "live-1").await, 200);
    let (kind, entry) = next_event_for(&mut everything, "live-1").await;
    assert_eq!(kind, "request");
    assert_eq!(
        (&entry["status"], &entry["clientId"], &entry["source"]),
        (
            &Value::from(200),
            &Value::from("demo-client"),
            &Value::from("book")
        )
    );
    assert!(
        entry["headers"]
            .as_array()
            .is_some_and(|h| h.contains(&serde_json::json!(["client_secret", "***"]))),
        "{entry}"
    );

    // A wrong secret: on both streams; the 200 before it never reached the filtered one.
    let refused = client
        .post(server.lookup_url())
        .header("client_id", "demo-client")
        .header("client_secret", "not-it")
        .header("x-trace-id", "live-2")
        .json(&foundry())
        .send()
        .await
        .expect("answers");
    assert_eq!(refused.status(), 401);
    let (_, first_error) = next_event_for(&mut only_errors, "live-2").await;
    assert_eq!(first_error["status"], 401);
    let (_, same) = next_event_for(&mut everything, "live-2").await;
    assert_eq!(same["id"], first_error["id"]);

    // Stopping ends both streams, so the stop does not wait for them.
    let started = Instant::now();
    server.shutdown().await.expect("a clean stop");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the stop took {:?}",
        started.elapsed()
    );
    let rest = tokio::time::timeout(Duration::from_secs(5), everything.bytes())
        .await
        .expect("the stream ends");
    assert!(rest.is_ok(), "the stream ended cleanly: {rest:?}");
}

#[tokio::test]
async fn the_stream_is_behind_the_admin_token_and_refuses_an_unknown_filter() {
    let server = MockServer::builder()
        .config(mock_server::Config {
            // A whole configuration names its address: a free port, never 8080.
            listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            admin_token: Some("live-token".to_owned().into()),
            ..mock_server::Config::default()
        })
        .start()
        .await
        .expect("starts");
    let client = http_client();
    let url = format!("{}/__admin/requests/stream", server.uri());
    let anonymous = client.get(&url).send().await.expect("answers");
    assert_eq!(anonymous.status(), 401);
    let wrong = client
        .get(format!("{url}?nonsense=1"))
        .header("authorization", "Bearer live-token")
        .send()
        .await
        .expect("answers");
    assert_eq!(wrong.status(), 400);
}
