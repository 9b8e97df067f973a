//! `schemas/openapi.yaml` agrees with the JSON Schemas and with the mock: its examples validate,
//! its statuses are the mock's, its request examples get its response examples, and a flow
//! built only from the served document runs from the lookup to the order's status.

use std::collections::{BTreeMap, BTreeSet};

use alliance_schemas::{OPENAPI_YAML, SchemaName, Schemas, Strictness};
use mock_server::MockServer;
use mock_server::internals::{ApiError, StatusCode};
use serde_json::{Value, json};

fn document() -> Value {
    yaml_serde::from_str(OPENAPI_YAML).expect("openapi.yaml is YAML")
}

const METHODS: [&str; 4] = ["get", "post", "put", "delete"];

/// Every operation of the document: (method, path, operation).
fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                found.push((method.to_owned(), path.clone(), operation.clone()));
            }
        }
    }
    found
}

fn lookup_operation(document: &Value) -> &Value {
    &document["paths"]["/api/v1/customerAccountLookup"]["post"]
}

/// A response, with a `#/components/responses/X` reference followed.
fn resolved<'a>(document: &'a Value, response: &'a Value) -> &'a Value {
    match response["$ref"].as_str() {
        Some(target) => {
            let name = target
                .strip_prefix("#/components/responses/")
                .expect("a response reference");
            &document["components"]["responses"][name]
        }
        None => response,
    }
}

/// The schema a `#/components/schemas/X` reference stands for.
fn schema_of(document: &Value, reference: &Value) -> SchemaName {
    let component = reference["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .expect("a component reference");
    let file = document["components"]["schemas"][component]["$ref"]
        .as_str()
        .expect("the component refers to a schema file")
        .trim_start_matches("./");
    SchemaName::from_file_name(file).unwrap_or_else(|| panic!("{file} is not a schema of schemas/"))
}

/// Every named example (`examples: {name: {value}}`) and single `example` of a media type.
fn examples(media: &Value) -> Vec<(String, Value)> {
    let mut found = Vec::new();
    if let Some(example) = media.get("example") {
        found.push(("example".to_owned(), example.clone()));
    }
    if let Some(Value::Object(named)) = media.get("examples") {
        for (name, example) in named {
            found.push((name.clone(), example["value"].clone()));
        }
    }
    found
}

/// The messages the mock gives for each error status, over every error it can answer.
fn messages() -> BTreeMap<u16, BTreeSet<String>> {
    let mut by_status: BTreeMap<u16, BTreeSet<String>> = BTreeMap::new();
    for error in mock_errors() {
        by_status
            .entry(error.status().as_u16())
            .or_default()
            .insert(error.message().to_owned());
    }
    by_status
}

/// Every error an operation can answer (405 and the unknown-path 404 are answers for
/// operations that do not exist, so an OpenAPI document cannot list them).
fn mock_errors() -> Vec<ApiError> {
    let flow = |status: u16| ApiError::Flow {
        status: StatusCode::from_u16(status).expect("a status"),
        description: String::new(),
    };
    vec![
        ApiError::Unauthorized,
        ApiError::MisnamedCredentials,
        ApiError::UnsupportedMediaType,
        ApiError::MissingTraceId,
        ApiError::PayloadTooLarge { limit: 1 },
        ApiError::UnreadableBody,
        ApiError::InvalidJson {
            detail: String::new(),
        },
        ApiError::InvalidBody { violations: vec![] },
        ApiError::InvalidQuery { violations: vec![] },
        ApiError::NoCustomerFound,
        ApiError::Internal,
        ApiError::RateLimited { retry_after: 1 },
        ApiError::UnknownScenario {
            name: String::new(),
            known: String::new(),
        },
        flow(404),
        flow(409),
        flow(422),
        scenario_error(502, "Bad Gateway"),
        scenario_error(503, "Service Unavailable"),
        scenario_error(504, "Gateway Timeout"),
    ]
}

/// An error status only a scenario answers, with the message its shipped scenario gives.
fn scenario_error(status: u16, message: &str) -> ApiError {
    ApiError::Scenario {
        status: StatusCode::from_u16(status).expect("a status"),
        message: message.to_owned(),
        description: String::new(),
        violations: None,
        retry_after: None,
    }
}

#[test]
fn every_schema_file_is_a_component() {
    let document = document();
    let components = document["components"]["schemas"]
        .as_object()
        .expect("components");
    let files: BTreeSet<&str> = components
        .values()
        .map(|c| {
            c["$ref"]
                .as_str()
                .expect("a file ref")
                .trim_start_matches("./")
        })
        .collect();
    let expected: BTreeSet<&str> = SchemaName::all().map(SchemaName::file_name).collect();
    assert_eq!(files, expected);
}

#[test]
fn every_example_validates_against_its_schema() {
    let schemas = Schemas::compile().expect("schemas compile");
    let document = document();
    let messages = messages();
    let mut checked = 0;
    for (method, path, operation) in operations(&document) {
        let at = format!("{method} {path}");
        let request = &operation["requestBody"]["content"]["application/json"];
        if !request.is_null() {
            let schema = schema_of(&document, &request["schema"]);
            let found = examples(request);
            assert!(!found.is_empty(), "{at}: no request example");
            for (name, example) in found {
                let violations = schemas.validate(schema, Strictness::Strict, &example);
                assert!(
                    violations.is_empty(),
                    "{at} request example {name}: {violations:?}"
                );
                checked += 1;
            }
        }
        for (status, response) in operation["responses"].as_object().expect("responses") {
            let media = &resolved(&document, response)["content"]["application/json"];
            let schema = schema_of(&document, &media["schema"]);
            let found = examples(media);
            assert!(!found.is_empty(), "{at} response {status} has no example");
            for (name, example) in found {
                let violations = schemas.validate(schema, Strictness::Strict, &example);
                assert!(
                    violations.is_empty(),
                    "{at} {status} example {name}: {violations:?}"
                );
                if schema == SchemaName::ERROR {
                    assert_eq!(example["code"].to_string(), *status, "{at} {status} {name}");
                    let code: u16 = status.parse().expect("numeric");
                    let message = example["message"].as_str().expect("a message");
                    assert!(
                        messages
                            .get(&code)
                            .is_some_and(|known| known.contains(message)),
                        "{at} {status} example {name}: {message:?} is not a message of the mock"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 60, "only {checked} examples found");
}

#[test]
fn every_operation_has_an_id_a_tag_and_the_statuses_every_request_can_get() {
    let document = document();
    let tags: BTreeSet<&str> = document["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .map(|tag| tag["name"].as_str().expect("a name"))
        .collect();
    let mut ids = BTreeSet::new();
    for (method, path, operation) in operations(&document) {
        let at = format!("{method} {path}");
        let id = operation["operationId"].as_str().expect("an operationId");
        assert!(ids.insert(id.to_owned()), "{id} twice");
        let served = mock_server::internals::Operation::from_id(id)
            .unwrap_or_else(|| panic!("{at}: {id} is not an operation of the mock"));
        assert_eq!(format!("/api/v1{}", served.path()), path, "{id}");
        assert_eq!(served.method(), method.to_uppercase(), "{id}");
        let tag = operation["tags"][0].as_str().expect("a tag");
        assert!(tags.contains(tag), "{at}: tag {tag} is not declared");
        let statuses: BTreeSet<&str> = operation["responses"]
            .as_object()
            .expect("responses")
            .keys()
            .map(String::as_str)
            .collect();
        let mut every = vec!["200", "400", "401", "429", "500", "502", "503", "504"];
        if served.has_body() {
            every.extend(["413", "415"]);
        }
        for status in every {
            assert!(
                statuses.contains(status),
                "{at}: {status} is not documented"
            );
        }
        let names: Vec<&str> = operation["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .filter_map(|p| p["$ref"].as_str())
            .collect();
        assert!(
            !names.iter().any(|name| name.ends_with("xMockScenario")),
            "{at}: the mock-only scenario header is not a parameter of a partner-facing operation"
        );
    }
    assert_eq!(ids.len(), mock_server::internals::Operation::ALL.len());
}

#[test]
fn the_documented_statuses_are_the_ones_the_lookup_can_answer() {
    let document = document();
    let documented: BTreeSet<u16> = lookup_operation(&document)["responses"]
        .as_object()
        .expect("responses")
        .keys()
        .map(|status| status.parse().expect("a numeric status"))
        .collect();
    let flow_only = [409, 422];
    let mut answered: BTreeSet<u16> = mock_errors()
        .iter()
        .map(|e| e.status().as_u16())
        .filter(|status| !flow_only.contains(status))
        .collect();
    answered.insert(200);
    assert_eq!(documented, answered);
}

#[test]
fn security_schemes_are_the_two_credential_headers_and_a_401_names_them() {
    let document = document();
    let schemes = &document["components"]["securitySchemes"];
    assert_eq!(schemes["clientId"]["in"], "header");
    assert_eq!(schemes["clientId"]["name"], "client_id");
    assert_eq!(schemes["clientSecret"]["name"], "client_secret");
    assert!(
        schemes["clientId"]["description"]
            .as_str()
            .is_some_and(|d| d.contains("demo-client"))
    );
    assert!(
        schemes["clientSecret"]["description"]
            .as_str()
            .is_some_and(|d| d.contains("demo-secret"))
    );
    let trace = &document["components"]["parameters"]["xTraceId"];
    assert_eq!(trace["name"], "x-trace-id");
    assert_eq!(trace["required"], true);
    let unauthorized = &document["components"]["responses"]["Unauthorized"];
    assert!(unauthorized["headers"]["WWW-Authenticate"].is_object());
    assert_eq!(document["info"]["license"]["identifier"], "MIT");
}

#[test]
fn the_scenario_header_lists_the_bundled_scenarios() {
    let document = document();
    let listed: BTreeSet<&str> =
        document["components"]["parameters"]["xMockScenario"]["schema"]["enum"]
            .as_array()
            .expect("an enum")
            .iter()
            .map(|name| name.as_str().expect("a name"))
            .collect();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/scenarios");
    let bundled: BTreeSet<String> = std::fs::read_dir(dir)
        .expect("the bundled scenarios")
        .map(|entry| {
            let name = entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            name.trim_end_matches(".json").to_owned()
        })
        .collect();
    assert_eq!(listed, bundled.iter().map(String::as_str).collect());
}

async fn start() -> (MockServer, reqwest::Client) {
    let server = MockServer::builder()
        .esign_after_secs(0)
        .start()
        .await
        .expect("the mock starts");
    // reqwest's rustls is built without a default crypto provider in this workspace.
    let _ = rustls::crypto::ring::default_provider().install_default();
    (server, reqwest::Client::new())
}

#[tokio::test]
async fn the_mock_answers_each_lookup_request_example_with_the_response_example_of_the_same_name() {
    let (server, client) = start().await;
    let document = document();
    let operation = lookup_operation(&document);
    let requests = examples(&operation["requestBody"]["content"]["application/json"]);
    let responses = examples(&operation["responses"]["200"]["content"]["application/json"]);
    assert!(!requests.is_empty());
    for (name, request) in requests {
        let expected = &responses
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("no 200 example named {name}"))
            .1;
        let answer = client
            .post(server.lookup_url())
            .header("client_id", "demo-client")
            .header("client_secret", "demo-secret")
            .header("x-trace-id", "openapi-examples")
            .json(&request)
            .send()
            .await
            .expect("the mock answers");
        assert_eq!(answer.status(), 200, "example {name}");
        let body: Value = answer.json().await.expect("JSON");
        assert_eq!(&body, expected, "example {name}");
    }
}

/// Replaces, anywhere in `value`, each key named in `captured` with the captured value.
fn substitute(value: &mut Value, captured: &BTreeMap<&str, Value>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match captured.get(key.as_str()) {
                    Some(replacement) => *item = replacement.clone(),
                    None => substitute(item, captured),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| substitute(item, captured)),
        _ => {}
    }
}

/// The flow, built only from the served document: each request body is its operation's
/// example, each query its parameters' examples, with the ids of earlier answers put in; every
/// answer is checked against the document's own response schema for its status.
#[tokio::test]
async fn a_flow_built_from_the_served_document_runs_from_the_lookup_to_the_order_status() {
    let (server, client) = start().await;
    let served: Value = client
        .get(format!("{}/__admin/openapi.json", server.uri()))
        .send()
        .await
        .expect("the document")
        .json()
        .await
        .expect("JSON");
    assert_eq!(served["servers"][0]["url"], server.uri());
    let schemas = Schemas::compile().expect("schemas compile");
    let by_id = |id: &str| {
        operations(&served)
            .into_iter()
            .find(|(_, _, operation)| operation["operationId"] == id)
            .unwrap_or_else(|| panic!("no operation {id}"))
    };
    // The served document's components are inlined schemas: validate with the files' names.
    let component_schema = |media: &Value| {
        let name = media["schema"]["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .expect("a component");
        SchemaName::all()
            .find(|schema| schema.to_value().expect("a schema")["title"].as_str() == Some(name))
            .unwrap_or_else(|| panic!("no schema titled {name}"))
    };
    let mut captured: BTreeMap<&str, Value> = BTreeMap::new();
    let steps = [
        "customerAccountLookup",
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
    for id in steps {
        let (method, path, operation) = by_id(id);
        // Operation-level servers name this mock first, as the top level does.
        assert_eq!(operation["servers"][0]["url"], server.uri(), "{id}");
        let mut url = reqwest::Url::parse(&format!("{}{path}", server.uri())).expect("a URL");
        for parameter in operation["parameters"].as_array().expect("parameters") {
            if parameter["in"] == "query" && parameter.get("example").is_some() {
                let name = parameter["name"].as_str().expect("a name");
                let mut value = json!({ name: parameter["example"].clone() });
                substitute(&mut value, &captured);
                if name == "externalIdentifierId" {
                    value[name] = captured["orderId"].clone();
                }
                let text = value[name]
                    .as_str()
                    .map_or_else(|| value[name].to_string(), str::to_owned);
                url.query_pairs_mut().append_pair(name, &text);
            }
        }
        let mut request = client
            .request(method.to_uppercase().parse().expect("a method"), url)
            .header("client_id", "demo-client")
            .header("client_secret", "demo-secret")
            .header("x-trace-id", format!("document-{id}"));
        if let Some(media) = operation["requestBody"]["content"].get("application/json") {
            let (_, mut body) = examples(media).into_iter().next().expect("an example");
            substitute(&mut body, &captured);
            request = request.json(&body);
        }
        let answer = request.send().await.expect("the mock answers");
        let status = answer.status().as_u16();
        let body: Value = answer.json().await.expect("JSON");
        assert_eq!(status, 200, "{id}: {body}");
        let media =
            &resolved(&served, &operation["responses"]["200"])["content"]["application/json"];
        let schema = component_schema(media);
        let violations = schemas.validate(schema, Strictness::AsWritten, &body);
        assert!(violations.is_empty(), "{id}: {violations:?}\n{body}");
        // Ids carried to the next steps.
        let first = if body.is_array() { &body[0] } else { &body };
        for key in ["subAccountId", "quoteId", "siteId", "orderId"] {
            if let Some(value) = first.get(key).filter(|v| v.is_string()) {
                captured.insert(key, value.clone());
            }
        }
        if let Some(sub_order) = body["subOrder"]["subOrderId"].as_str() {
            captured.insert("subOrderId", json!(sub_order));
        }
        if id == "getOrderStatus" {
            assert_eq!(body["responseData"]["orderStatus"], "IN_PROGRESS");
            assert_eq!(body["responseData"]["orderId"], captured["orderId"]);
        }
    }
    // An order for a quote that was never created gets a 4xx.
    let (_, path, operation) = by_id("createOrder");
    let (_, mut body) = examples(&operation["requestBody"]["content"]["application/json"])
        .into_iter()
        .next()
        .expect("an example");
    body["quoteId"] = json!("0Q0KQ000000NeVeR0AA");
    let answer = client
        .post(format!("{}{path}", server.uri()))
        .header("client_id", "demo-client")
        .header("client_secret", "demo-secret")
        .header("x-trace-id", "never-created")
        .json(&body)
        .send()
        .await
        .expect("the mock answers");
    assert!(answer.status().is_client_error(), "{}", answer.status());
}
