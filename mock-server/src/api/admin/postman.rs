//! `GET /__admin/postman.json`: a Postman collection (v2.1) made from the served OpenAPI
//! document, for tools that import collections rather than OpenAPI documents, or lose headers on
//! the way (both credential headers are on every request, as collection variables).
//!
//! One folder per step, one request per operation in the order of the flow (the AIAB
//! configuration after the credit check); each request body is
//! its operation's example with the ids of earlier answers as variables (`{{quoteId}}`), and each
//! request's test script checks the status and keeps the ids its answer carries. The contract's
//! `GET` waits (polling, a second apart, at most 30 times) until eSign has signed it, so the order
//! that follows is accepted whatever `--esign-after` is.

use serde_json::{Map, Value, json};

use crate::domain::operation::Operation;

/// The ids carried from one answer to later requests, by the key that holds them.
const CARRIED: [&str; 5] = ["subAccountId", "quoteId", "siteId", "orderId", "subOrderId"];

/// The collection for `document` (the served OpenAPI document, its first server this mock).
pub(super) fn collection(document: &Value) -> Value {
    let base_url = document["servers"][0]["url"]
        .as_str()
        .unwrap_or("http://127.0.0.1:8080");
    let mut folders: Vec<(String, Vec<Value>)> = Vec::new();
    for operation in Operation::ALL {
        let Some(found) = find(document, operation) else {
            continue;
        };
        let tag = found["tags"][0].as_str().unwrap_or("Ordering").to_owned();
        let item = request(operation, found);
        // Consecutive operations of a step share a folder; the AIAB configuration, which comes
        // after the credit check, gets a quote folder of its own.
        match folders.last_mut() {
            Some((name, items)) if *name == tag => items.push(item),
            _ => folders.push((tag, vec![item])),
        }
    }
    let mut variables = vec![
        json!({"key": "baseUrl", "value": base_url}),
        json!({"key": "clientId", "value": "demo-client"}),
        json!({"key": "clientSecret", "value": "demo-secret"}),
    ];
    variables.extend(CARRIED.iter().map(|key| json!({"key": key, "value": ""})));
    json!({
        "info": {
            "name": document["info"]["title"],
            "description": "The Ordering flow, step by step, made from the mock's OpenAPI document. \
                Run the folders in order: each request keeps the ids of its answer for the next. \
                Set clientId and clientSecret to your own credentials for another endpoint.",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "variable": variables,
        "item": folders
            .into_iter()
            .enumerate()
            .map(|(at, (name, items))| json!({"name": format!("{}. {name}", at + 1), "item": items}))
            .collect::<Vec<_>>(),
    })
}

/// The operation object of `operation` in the document.
fn find(document: &Value, operation: Operation) -> Option<&Value> {
    let path = format!("/api/v1{}", operation.path());
    document["paths"]
        .get(&path)?
        .get(operation.method().to_ascii_lowercase())
}

fn request(operation: Operation, found: &Value) -> Value {
    let id = operation.id();
    let mut headers = vec![
        json!({"key": "client_id", "value": "{{clientId}}"}),
        json!({"key": "client_secret", "value": "{{clientSecret}}"}),
        json!({"key": "x-trace-id", "value": "{{$guid}}"}),
        json!({"key": "accept", "value": "application/json"}),
    ];
    let path: Vec<String> = format!("api/v1{}", operation.path())
        .split('/')
        .map(str::to_owned)
        .collect();
    let query: Vec<Value> = found["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|parameter| parameter["in"] == "query" && parameter.get("example").is_some())
        .map(|parameter| {
            let name = parameter["name"].as_str().unwrap_or_default();
            let value = match name {
                "externalIdentifierId" => "{{orderId}}".to_owned(),
                _ if CARRIED.contains(&name) => format!("{{{{{name}}}}}"),
                _ => parameter["example"]
                    .as_str()
                    .map_or_else(|| parameter["example"].to_string(), str::to_owned),
            };
            json!({"key": name, "value": value})
        })
        .collect();
    let raw_query = query
        .iter()
        .map(|pair| {
            format!(
                "{}={}",
                pair["key"].as_str().unwrap_or_default(),
                pair["value"].as_str().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    let raw = format!(
        "{{{{baseUrl}}}}/{}{}{}",
        path.join("/"),
        if raw_query.is_empty() { "" } else { "?" },
        raw_query
    );
    let mut request = json!({
        "method": operation.method(),
        "header": [],
        "url": {"raw": raw, "host": ["{{baseUrl}}"], "path": path, "query": query},
        "description": found["summary"],
    });
    let example = found["requestBody"]["content"]["application/json"]["examples"]
        .as_object()
        .and_then(|examples| examples.values().next())
        .map(|example| example["value"].clone());
    if let Some(mut body) = example {
        carry(&mut body);
        headers.push(json!({"key": "content-type", "value": "application/json"}));
        request["body"] = json!({
            "mode": "raw",
            "raw": serde_json::to_string_pretty(&body).unwrap_or_default(),
            "options": {"raw": {"language": "json"}},
        });
    }
    request["header"] = Value::Array(headers);
    let mut item = json!({
        "name": found["summary"].as_str().unwrap_or(id),
        "request": request,
        "event": [{"listen": "test", "script": {"type": "text/javascript", "exec": test_script(operation)}}],
    });
    if operation == Operation::GetContract {
        let wait = json!({"listen": "prerequest", "script": {"type": "text/javascript", "exec": [
            "// eSign completes on its own after a while: wait a second between polls.",
            "if (Number(pm.collectionVariables.get('contractPolls') || 0) > 0) { setTimeout(() => {}, 1000); }",
        ]}});
        if let Some(events) = item["event"].as_array_mut() {
            events.push(wait);
        }
    }
    item
}

/// Puts `{{key}}` in place of each carried id in an example body.
fn carry(body: &mut Value) {
    match body {
        Value::Object(map) => carry_map(map),
        Value::Array(items) => items.iter_mut().for_each(carry),
        _ => {}
    }
}

fn carry_map(map: &mut Map<String, Value>) {
    for (key, value) in map.iter_mut() {
        if CARRIED.contains(&key.as_str()) && value.is_string() {
            *value = json!(format!("{{{{{key}}}}}"));
        } else {
            carry(value);
        }
    }
}

/// The test script of a request: the status, the ids kept, and for the contract's `GET` the poll
/// until it is signed.
fn test_script(operation: Operation) -> Vec<String> {
    let mut lines = vec![
        format!("pm.test('{} answers 200', () => pm.response.to.have.status(200));", operation.id()),
        "const body = pm.response.json();".to_owned(),
        "const first = Array.isArray(body) ? body[0] : body;".to_owned(),
        format!(
            "{}.forEach((key) => {{ if (first && typeof first[key] === 'string') pm.collectionVariables.set(key, first[key]); }});",
            serde_json::to_string(&CARRIED[..4]).unwrap_or_default()
        ),
        "if (first && first.subOrder && first.subOrder.subOrderId) pm.collectionVariables.set('subOrderId', first.subOrder.subOrderId);".to_owned(),
    ];
    if operation == Operation::GetContract {
        lines.extend([
            "const polls = Number(pm.collectionVariables.get('contractPolls') || 0);".to_owned(),
            "if (body.contractStatus === 'Sent' && polls < 30) {".to_owned(),
            "  pm.collectionVariables.set('contractPolls', polls + 1);".to_owned(),
            "  postman.setNextRequest(pm.info.requestName);".to_owned(),
            "} else {".to_owned(),
            "  pm.collectionVariables.set('contractPolls', 0);".to_owned(),
            "  pm.test('the contract is signed', () => pm.expect(body.contractStatus).to.eql('Signed'));".to_owned(),
            "}".to_owned(),
        ]);
    }
    lines
}
