//! The proxy with real sockets: fall-through to the upstream only when the mock has no answer
//! of its own, a shared upstream credential, and the upstream's failures (refused, timeout,
//! TLS, 5xx) told plainly, with nothing recorded for them.

use mock_server::config::TlsSource;
use mock_server::{Config, DataMode, MockServer, ProxyConfig, ProxyMode};
use serde_json::{Value, json};

use crate::common::*;

/// A mock on a free loopback port in front of `proxy`, answering from its book alone.
async fn proxy_mock(proxy: ProxyConfig, change: impl FnOnce(&mut Config)) -> MockServer {
    let mut config = Config {
        data: DataMode::Fixtures,
        proxy: Some(proxy),
        ..Config::default()
    };
    change(&mut config);
    on_loopback(config).await
}

/// A lookup of the foundry through `target` as client `id`.
fn lookup_as(target: &MockServer, id: &str, secret: &str, trace: &str) -> reqwest::RequestBuilder {
    http_client()
        .post(target.lookup_url())
        .header("client_id", id)
        .header("client_secret", secret)
        .header("x-trace-id", trace)
        .json(&foundry())
}

/// The last journal entry of `server`.
async fn last_entry(server: &MockServer) -> Value {
    journal_of(server, "?limit=1").await["requests"][0].clone()
}

/// The canned examples a recording folder holds.
fn recorded(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir.join("canned")).map_or(0, |entries| entries.count())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fall_through_answers_from_the_book_and_asks_the_upstream_for_the_rest() {
    let upstream = server().await;
    let mut config = ProxyConfig::to(upstream.uri());
    config.mode = ProxyMode::FallThrough;
    let proxy = proxy_mock(config, |_| {}).await;
    let client = http_client();

    // The book has the foundry: answered locally.
    let local = plano_lookup(&client, &proxy, "AT&T CLOUD TEST FOUNDRY", "fall-1")
        .send()
        .await
        .expect("an answer");
    assert_eq!(local.status(), 200);
    let entry = last_entry(&proxy).await;
    assert_eq!(
        (&entry["route"], &entry["source"]),
        (&json!("local"), &json!("book")),
        "{entry}"
    );

    // Generated accounts are the upstream's (hybrid), not in this mock's book: proxied.
    let body = json!({"spId": "1", "accountName": "RIVERBEND DENTAL", "address": {"street": "", "city": "PLANO", "state": "TX", "zipCode": "99999"}});
    let ask = |target: &MockServer| {
        client
            .post(target.lookup_url())
            .header("client_id", "demo-client")
            .header("client_secret", "demo-secret")
            .header("x-trace-id", "fall-2")
            .json(&body)
            .send()
    };
    let proxied = ask(&proxy).await.expect("an answer");
    assert_eq!(proxied.status(), 200);
    let direct = ask(&upstream)
        .await
        .expect("an answer")
        .text()
        .await
        .expect("a body");
    assert_eq!(
        proxied.text().await.expect("a body"),
        direct,
        "the upstream's answer, as it gave it"
    );
    let entry = last_entry(&proxy).await;
    assert_eq!(
        (&entry["route"], &entry["source"]),
        (&json!("proxied"), &json!("upstream")),
        "{entry}"
    );
    assert_eq!(entry["clientId"], json!("demo-client"));

    // An id the flow does not know goes upstream too (which does not know it either).
    let contract = client
        .get(format!(
            "{}/api/v1/contract?quoteId=0Q0UNKNOWN000000AA",
            proxy.uri()
        ))
        .header("client_id", "demo-client")
        .header("client_secret", "demo-secret")
        .header("x-trace-id", "fall-3")
        .send()
        .await
        .expect("an answer");
    assert_eq!(contract.status(), 404);
    let entry = last_entry(&proxy).await;
    assert_eq!(
        (&entry["route"], &entry["operation"]),
        (&json!("proxied"), &json!("getContract"))
    );
    // A refusal of the mock's own (credentials) stays local.
    let refused = lookup_as(&proxy, "demo-client", "wrong", "fall-4")
        .send()
        .await
        .expect("an answer");
    assert_eq!(refused.status(), 401);
    assert_eq!(last_entry(&proxy).await["route"], json!("local"));

    // The upstream saw the proxied requests only, with the caller's credentials.
    let seen = journal_of(&upstream, "").await;
    let traces: Vec<&str> = seen["requests"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|entry| entry["traceId"].as_str())
        .collect();
    assert_eq!(
        traces,
        ["fall-3", "fall-2", "fall-2"],
        "newest first; fall-2 once directly"
    );
    for server in [proxy, upstream] {
        server.shutdown().await.expect("stops");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_upstream_client_stands_in_for_the_mocks_own_clients() {
    let upstream = server().await;
    let mut config = ProxyConfig::to(upstream.uri());
    config.upstream_client =
        Some(mock_server::Client::new("demo-client", "demo-secret").expect("a client"));
    let proxy = proxy_mock(config, |config| {
        config.clients =
            vec![mock_server::Client::new("qa-team", "team-secret").expect("a client")];
    })
    .await;
    let as_team = |secret: &str| lookup_as(&proxy, "qa-team", secret, "shared-1").send();
    assert_eq!(
        as_team("team-secret").await.expect("an answer").status(),
        200
    );
    let entry = last_entry(&proxy).await;
    assert_eq!(
        (&entry["route"], &entry["clientId"]),
        (&json!("proxied"), &json!("qa-team"))
    );
    // Upstream, the shared credential arrived in place of the team's.
    let seen = last_entry(&upstream).await;
    assert_eq!(seen["clientId"], json!("demo-client"), "{seen}");
    // A caller without the mock's own credentials never reaches the upstream.
    assert_eq!(as_team("wrong").await.expect("an answer").status(), 401);
    assert_eq!(last_entry(&proxy).await["route"], json!("local"));
    assert_eq!(last_entry(&upstream).await["id"], seen["id"]);
    for server in [proxy, upstream] {
        server.shutdown().await.expect("stops");
    }
}

/// A lookup through `proxy`: its status and error body.
async fn through(proxy: &MockServer) -> (u16, Value) {
    let answer = plano_lookup(&http_client(), proxy, "AT&T CLOUD TEST FOUNDRY", "up-1")
        .send()
        .await
        .expect("an answer");
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_failures_reach_the_caller_as_the_upstreams_and_nothing_is_recorded() {
    let dir = scratch("failures");
    let recording = |upstream: String| {
        let mut config = ProxyConfig::to(upstream);
        config.record = Some(dir.clone());
        config.timeout_secs = 1;
        config
    };

    // Refused: nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let address = closed.local_addr().expect("an address");
    drop(closed);
    let proxy = proxy_mock(recording(format!("http://{address}")), |_| {}).await;
    let (status, body) = through(&proxy).await;
    assert_eq!(status, 502, "{body}");
    let description = body["description"].as_str().unwrap_or_default();
    assert!(
        description.starts_with(&format!(
            "The upstream http://{address} could not be reached: "
        )),
        "{description}"
    );
    assert_eq!(body["traceId"], json!("up-1"));
    let entry = last_entry(&proxy).await;
    assert_eq!(
        (&entry["route"], &entry["source"], &entry["status"]),
        (&json!("proxied"), &json!("upstream-failed"), &json!(502))
    );
    proxy.shutdown().await.expect("stops");

    // Too slow: the upstream answers after 1.5 s, the proxy waits 1 s.
    let upstream = server().await;
    let slow = http_client()
        .put(format!("{}/__admin/scenario", upstream.uri()))
        .json(&json!({"name": "slow"}))
        .send()
        .await
        .expect("the scenario");
    assert_eq!(slow.status(), 200);
    let proxy = proxy_mock(recording(upstream.uri()), |_| {}).await;
    let (status, body) = through(&proxy).await;
    assert_eq!(status, 504, "{body}");
    assert_eq!(
        body["description"],
        json!(format!(
            "The upstream {} did not answer within 1 s.",
            upstream.uri()
        ))
    );

    // A 5xx is the upstream's own answer, passed on as it is, and not recorded.
    let failing = http_client()
        .put(format!("{}/__admin/scenario", upstream.uri()))
        .json(&json!({"name": "server-error"}))
        .send()
        .await
        .expect("the scenario");
    assert_eq!(failing.status(), 200);
    let (status, body) = through(&proxy).await;
    assert_eq!(status, 500);
    assert_eq!(
        body["description"],
        json!("The service failed to answer."),
        "the upstream's words"
    );
    assert_eq!(last_entry(&proxy).await["source"], json!("upstream"));
    proxy.shutdown().await.expect("stops");
    upstream.shutdown().await.expect("stops");

    // TLS: a certificate nobody vouches for is refused; with its CA trusted, it answers.
    let secure = MockServer::builder()
        .tls(TlsSource::SelfSigned { write_cert: None })
        .start()
        .await
        .expect("an HTTPS upstream");
    let proxy = proxy_mock(recording(secure.uri()), |_| {}).await;
    let (status, body) = through(&proxy).await;
    assert_eq!(status, 502, "{body}");
    let description = body["description"].as_str().unwrap_or_default();
    assert!(
        description.starts_with(&format!(
            "The TLS handshake with the upstream {} failed: ",
            secure.uri()
        )),
        "{description}"
    );
    assert!(
        description.ends_with("--proxy-ca FILE if it is a private one."),
        "{description}"
    );
    proxy.shutdown().await.expect("stops");
    assert_eq!(recorded(&dir), 0, "no failure was recorded");

    std::fs::create_dir_all(&dir).expect("a folder");
    let ca = dir.join("upstream-ca.pem");
    std::fs::write(&ca, secure.certificate_pem().expect("a certificate")).expect("written");
    let mut trusting = recording(secure.uri());
    trusting.ca_file = Some(ca);
    let proxy = proxy_mock(trusting, |_| {}).await;
    let (status, body) = through(&proxy).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(last_entry(&proxy).await["route"], json!("recorded"));
    assert_eq!(recorded(&dir), 1);
    for server in [proxy, secure] {
        server.shutdown().await.expect("stops");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_proxy_setting_that_cannot_work_is_refused_at_start_with_the_setting_named() {
    for (proxy, expected) in [
        (
            ProxyConfig::to("ftp://uat.example"),
            "proxy-to: expected an http:// or https:// URL",
        ),
        (
            ProxyConfig::to("not a url"),
            "proxy-to: expected an http:// or https:// URL",
        ),
        (
            ProxyConfig {
                timeout_secs: 0,
                ..ProxyConfig::to("https://uat.example")
            },
            "proxy-timeout: expected from 1 to 600 seconds",
        ),
        (
            ProxyConfig {
                scrub_key: Some("short".to_owned()),
                ..ProxyConfig::to("https://uat.example")
            },
            "scrub-key: expected at least 16 characters",
        ),
        (
            ProxyConfig {
                ca_file: Some("/nonexistent/ca.pem".into()),
                ..ProxyConfig::to("https://uat.example")
            },
            "/nonexistent/ca.pem: cannot be read",
        ),
    ] {
        let config = Config {
            proxy: Some(proxy),
            ..Config::default()
        };
        let error = mock_server::AppState::new(&config).expect_err("refused");
        let text = format!("{error}");
        assert!(text.contains(expected), "{text}");
    }
}
