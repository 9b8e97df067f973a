//! Recording: one mock as the "real" upstream, a second recording in front of it, a third
//! started with the recorded folder answering the same requests with the same bodies; no
//! secret and no e-mail address of the traffic on disk.

use std::path::Path;

use mock_server::{Config, DataMode, MockServer, ProxyConfig};
use serde_json::{Value, json};

use crate::common::{http_client, journal_of, on_loopback, scratch};

/// A request as sent, and what the recorder answered.
struct Exchange {
    operation: String,
    method: String,
    /// The path and query.
    path: String,
    /// The body, or the query as an object.
    request: Value,
    status: u16,
    body: String,
}

/// Sends `request` (a body, or for a GET the query) to `operation` at `base`.
async fn send(base: &str, operation: &str, method: &str, path: &str, request: &Value) -> Exchange {
    let client = http_client();
    let mut path = path.to_owned();
    let builder = if method == "GET" {
        let query: Vec<(String, String)> = request
            .as_object()
            .into_iter()
            .flatten()
            .map(|(key, value)| (key.clone(), value.as_str().unwrap_or_default().to_owned()))
            .collect();
        path = format!(
            "{path}?{}",
            serde_urlencoded::to_string(&query).expect("a query")
        );
        client.get(format!("{base}{path}"))
    } else {
        let builder = if method == "PUT" {
            client.put(format!("{base}{path}"))
        } else {
            client.post(format!("{base}{path}"))
        };
        builder.json(request)
    };
    let answer = builder
        .header("client_id", "demo-client")
        .header("client_secret", "demo-secret")
        .header("x-trace-id", format!("record-{operation}"))
        .send()
        .await
        .expect("an answer");
    Exchange {
        operation: operation.to_owned(),
        method: method.to_owned(),
        path,
        request: request.clone(),
        status: answer.status().as_u16(),
        body: answer.text().await.expect("a body"),
    }
}

/// Keys whose values identify a record of the flow (a request's own ids excluded).
fn capture(value: &Value, ids: &mut serde_json::Map<String, Value>) {
    match value {
        Value::Object(object) => {
            for (key, inner) in object {
                let is_id = (key.ends_with("Id") || key.ends_with("Number"))
                    && !["traceId", "transactionId"].contains(&key.as_str());
                match inner {
                    Value::String(text) if is_id && !text.is_empty() => {
                        ids.insert(key.clone(), inner.clone());
                    }
                    _ => capture(inner, ids),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| capture(item, ids)),
        _ => {}
    }
}

fn fill(value: &mut Value, ids: &serde_json::Map<String, Value>) {
    match value {
        Value::Object(object) => {
            for (key, inner) in object.iter_mut() {
                match (ids.get(key), &*inner) {
                    (Some(id), Value::String(_)) => *inner = id.clone(),
                    _ => fill(inner, ids),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| fill(item, ids)),
        _ => {}
    }
}

/// Lookups (a book match, generated accounts, no customer), then the whole flow from the
/// OpenAPI document's examples with the ids of earlier answers; the contract signed through
/// the upstream's admin API.
async fn traffic(recorder: &str, upstream: &str) -> Vec<Exchange> {
    let document = alliance_schemas::openapi_json().expect("the document");
    let mut exchanges = Vec::new();
    for (name, zip) in [
        ("AT&T CLOUD TEST FOUNDRY", "75075"),
        ("RIVERBEND DENTAL", "99999"),
        ("NOBODY", "00000"),
    ] {
        let body = json!({"spId": "10006", "accountName": name, "address": {"street": "", "city": "PLANO", "state": "TX", "zipCode": zip}});
        exchanges.push(
            send(
                recorder,
                "customerAccountLookup",
                "POST",
                "/api/v1/customerAccountLookup",
                &body,
            )
            .await,
        );
    }
    let mut ids = serde_json::Map::new();
    capture(
        &serde_json::from_str(&exchanges[0].body).expect("JSON"),
        &mut ids,
    );
    let order = [
        "createOpportunityQuote",
        "addSite",
        "creditCheckAiab",
        "addConfigAiab",
        "initiateContractAiab",
        "getContract",
        "createOrder",
        "enrichInstallation",
        "enrichShippingAiab",
        "enrichBilling",
        "getOrderStatus",
    ];
    for operation in order {
        let (path, method, spec) = document["paths"]
            .as_object()
            .expect("paths")
            .iter()
            .find_map(|(path, item)| {
                ["get", "post", "put"].into_iter().find_map(|method| {
                    (item[method]["operationId"] == operation)
                        .then(|| (path.clone(), method.to_uppercase(), item[method].clone()))
                })
            })
            .expect("the operation is in the document");
        let mut request = match spec["requestBody"]["content"]["application/json"]["examples"]
            .as_object()
            .and_then(|examples| examples.values().next())
        {
            Some(example) => example["value"].clone(),
            None => {
                let query: serde_json::Map<String, Value> = spec["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|parameter| {
                        parameter["in"] == "query" && !parameter["example"].is_null()
                    })
                    .map(|parameter| {
                        let example = &parameter["example"];
                        let text = example
                            .as_str()
                            .map_or_else(|| example.to_string(), str::to_owned);
                        (
                            parameter["name"].as_str().unwrap_or_default().to_owned(),
                            json!(text),
                        )
                    })
                    .collect();
                Value::Object(query)
            }
        };
        fill(&mut request, &ids);
        if operation == "getOrderStatus" {
            request["externalIdentifierId"] = ids["orderId"].clone();
        }
        if operation == "getContract" {
            let quote = ids["quoteId"].as_str().expect("a quote id").to_owned();
            let signed = http_client()
                .post(format!("{upstream}/__admin/flow/contracts/{quote}/esign"))
                .send()
                .await
                .expect("the upstream signs");
            assert_eq!(signed.status(), 200);
        }
        let exchange = send(recorder, operation, &method, &path, &request).await;
        assert!(
            exchange.status < 300,
            "{operation}: {} {}",
            exchange.status,
            exchange.body
        );
        if let Ok(answer) = serde_json::from_str::<Value>(&exchange.body) {
            capture(&answer, &mut ids);
        }
        exchanges.push(exchange);
    }
    exchanges
}

/// Every string of `value` that looks like an e-mail address.
fn emails(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::String(text) if text.contains('@') => found.push(text.clone()),
        Value::Object(object) => object.values().for_each(|inner| emails(inner, found)),
        Value::Array(items) => items.iter().for_each(|inner| emails(inner, found)),
        _ => {}
    }
}

/// `value` without the values at `pointers`.
fn without(mut value: Value, pointers: &[&str]) -> Value {
    for pointer in pointers {
        if let Some(at) = value.pointer_mut(pointer) {
            *at = Value::Null;
        }
    }
    value
}

/// An upstream mock, and a mock in front of it recording into `dir` (with a fixed scrub key).
async fn recording_into(dir: &Path) -> (MockServer, MockServer) {
    let upstream = MockServer::builder()
        .start()
        .await
        .expect("the upstream starts");
    let mut proxy = ProxyConfig::to(upstream.uri());
    proxy.record = Some(dir.to_path_buf());
    proxy.scrub_key = Some("a recording key, kept".to_owned());
    let recorder = on_loopback(Config {
        proxy: Some(proxy),
        ..Config::default()
    })
    .await;
    (upstream, recorder)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("a file")).expect("JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recording_through_a_second_mock_answers_the_same_from_a_third_and_keeps_no_secret() {
    let dir = scratch("recording");
    let (upstream, recorder) = recording_into(&dir).await;
    let exchanges = traffic(&recorder.uri(), &upstream.uri()).await;
    // The same lookup again is proxied, not recorded twice.
    let again = send(
        &recorder.uri(),
        "customerAccountLookup",
        "POST",
        "/api/v1/customerAccountLookup",
        &exchanges[0].request,
    )
    .await;
    assert_eq!(again.body, exchanges[0].body);

    let journal = journal_of(&recorder, "?limit=1000").await;
    let routes: Vec<&str> = journal["requests"]
        .as_array()
        .expect("entries")
        .iter()
        .rev()
        .map(|entry| entry["route"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(routes.len(), exchanges.len() + 1);
    assert!(
        routes[..exchanges.len()]
            .iter()
            .all(|route| *route == "recorded"),
        "{routes:?}"
    );
    assert_eq!(
        routes.last(),
        Some(&"proxied"),
        "a repeat is not recorded again"
    );

    // Nothing secret on disk: no client secret, no e-mail address of the traffic.
    let mut traffic_emails = Vec::new();
    for exchange in &exchanges {
        emails(&exchange.request, &mut traffic_emails);
        emails(
            &serde_json::from_str(&exchange.body).unwrap_or(Value::Null),
            &mut traffic_emails,
        );
    }
    assert!(
        !traffic_emails.is_empty(),
        "the flow sends e-mail addresses"
    );
    let mut files = Vec::new();
    for sub in ["", "canned", "accounts"] {
        for entry in std::fs::read_dir(dir.join(sub)).expect("the folder") {
            let path = entry.expect("an entry").path();
            if path.is_file() {
                files.push(path);
            }
        }
    }
    for path in &files {
        let text = std::fs::read_to_string(path).expect("a file");
        assert!(!text.contains("demo-secret"), "{}", path.display());
        assert!(!text.contains("client_secret"), "{}", path.display());
        for email in &traffic_emails {
            assert!(
                !text.contains(email.as_str()),
                "{} holds {email}",
                path.display()
            );
        }
    }

    // Each exchange has its canned example: byte for byte where nothing was scrubbed, equal
    // outside the scrubbed places otherwise.
    let report = read_json(&dir.join("RECORDING.json"));
    assert_eq!(report["recorded"], json!(exchanges.len()), "{report}");
    assert_eq!(report["duplicates"], json!(1));
    assert_eq!(report["skipped"], json!([]));
    let canned: Vec<(String, Value)> = files
        .iter()
        .filter(|path| {
            path.parent()
                .is_some_and(|parent| parent.ends_with("canned"))
        })
        .map(|path| {
            (
                format!(
                    "canned/{}",
                    path.file_name().expect("a name").to_string_lossy()
                ),
                read_json(path),
            )
        })
        .collect();
    assert_eq!(canned.len(), exchanges.len());
    let third = MockServer::builder()
        .fixtures_dir(&dir)
        .data(DataMode::Fixtures)
        .start()
        .await
        .expect("a mock starts on the recording");
    let mut scrubbed_exchanges = 0;
    for exchange in &exchanges {
        let (name, example) = canned
            .iter()
            .find(|(name, example)| {
                let pointers: Vec<String> = report["scrubbed"][name.as_str()]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.as_str())
                    .filter_map(|p| p.strip_prefix("/request/body"))
                    .map(str::to_owned)
                    .collect();
                let pointers: Vec<&str> = pointers.iter().map(String::as_str).collect();
                example["request"]["operation"] == exchange.operation.as_str()
                    && without(example["request"]["body"].clone(), &pointers)
                        == without(exchange.request.clone(), &pointers)
            })
            .unwrap_or_else(|| {
                panic!(
                    "no canned example for {} {}",
                    exchange.method, exchange.path
                )
            });
        assert_eq!(
            example["response"]["status"],
            json!(exchange.status),
            "{name}"
        );
        let scrubbed: Vec<&str> = report["scrubbed"][name.as_str()]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p.as_str())
            .collect();
        let answer_scrubbed: Vec<&str> = scrubbed
            .iter()
            .filter_map(|p| p.strip_prefix("/response/body"))
            .collect();
        let recorded_body = example["response"]["body"].to_string();
        if answer_scrubbed.is_empty() {
            assert_eq!(recorded_body, exchange.body, "{name}: byte for byte");
        } else {
            let original: Value = serde_json::from_str(&exchange.body).expect("JSON");
            assert_eq!(
                without(example["response"]["body"].clone(), &answer_scrubbed),
                without(original, &answer_scrubbed),
                "{name}"
            );
        }
        // The third mock answers what was recorded; a request whose personal data was
        // scrubbed is sent as recorded.
        let request = if scrubbed.iter().any(|p| p.starts_with("/request/body")) {
            scrubbed_exchanges += 1;
            example["request"]["body"].clone()
        } else {
            exchange.request.clone()
        };
        let path = exchange.path.split('?').next().unwrap_or_default();
        let replayed = send(
            &third.uri(),
            &exchange.operation,
            &exchange.method,
            path,
            &request,
        )
        .await;
        assert_eq!(
            (replayed.status, &replayed.body),
            (exchange.status, &recorded_body),
            "{name}"
        );
    }
    assert!(scrubbed_exchanges >= 3, "the flow's contacts were scrubbed");
    let accounts = read_json(&dir.join("accounts/recorded.json"));
    assert!(
        accounts
            .as_array()
            .is_some_and(|accounts| accounts.len() >= 2),
        "the book and generated accounts: {accounts}"
    );

    let (review, loads) = mock_server::review(&dir);
    assert!(loads, "{review}");
    for expected in [
        "loads",
        "canned examples: 14",
        "customerAccountLookup    200 ×2, 404 ×1",
        "no-customer-found",
        "scrubbed",
    ] {
        assert!(review.contains(expected), "{expected}: {review}");
    }
    for server in [third, recorder, upstream] {
        server.shutdown().await.expect("the mock stops");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_are_recorded_once_each_in_whole_files() {
    let dir = scratch("concurrent");
    let (upstream, recorder) = recording_into(&dir).await;
    // Eight distinct lookups (generated accounts), each sent four times at once.
    let names: Vec<String> = (0..8).map(|n| format!("CONCURRENT CLINIC {n}")).collect();
    let mut sends = Vec::new();
    for round in 0..4 {
        for name in &names {
            let body = json!({"spId": "1", "accountName": name, "address": {"street": "", "city": "PLANO", "state": "TX", "zipCode": "99999"}});
            let base = recorder.uri();
            sends.push(tokio::spawn(async move {
                send(
                    &base,
                    &format!("lookup-{round}"),
                    "POST",
                    "/api/v1/customerAccountLookup",
                    &body,
                )
                .await
                .status
            }));
        }
    }
    for sent in sends {
        assert_eq!(sent.await.expect("a task"), 200);
    }
    let report = read_json(&dir.join("RECORDING.json"));
    assert_eq!(
        (&report["recorded"], &report["duplicates"]),
        (&json!(8), &json!(24)),
        "{report}"
    );
    let files: Vec<_> = std::fs::read_dir(dir.join("canned"))
        .expect("the folder")
        .map(|entry| entry.expect("an entry").path())
        .collect();
    assert_eq!(files.len(), 8, "{files:?}");
    for path in &files {
        assert_eq!(
            read_json(path)["response"]["status"],
            json!(200),
            "{}",
            path.display()
        );
    }
    let accounts = read_json(&dir.join("accounts/recorded.json"));
    let ids: std::collections::BTreeSet<&str> = accounts
        .as_array()
        .expect("accounts")
        .iter()
        .filter_map(|account| account["accountId"].as_str())
        .collect();
    assert_eq!(
        ids.len(),
        accounts.as_array().map_or(0, Vec::len),
        "each account once"
    );
    assert!(ids.len() >= 8);
    // What is left is exactly what a mock can load.
    let (review, loads) = mock_server::review(&dir);
    assert!(loads, "{review}");
    for server in [recorder, upstream] {
        server.shutdown().await.expect("the mock stops");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
