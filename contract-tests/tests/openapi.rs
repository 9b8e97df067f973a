//! `schemas/openapi.yaml` agrees with the JSON Schemas and with the mock: its examples validate,
//! its statuses are the mock's, and its request examples get its response examples.

use std::collections::BTreeSet;

use alliance_schemas::{OPENAPI_YAML, SchemaName, Schemas, Strictness};
use mock_server::MockServer;
use mock_server::internals::ApiError;
use serde_json::Value;

fn document() -> Value {
    yaml_serde::from_str(OPENAPI_YAML).expect("openapi.yaml is YAML")
}

fn lookup_operation(document: &Value) -> &Value {
    &document["paths"]["/api/v1/customerAccountLookup"]["post"]
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

/// The mock's message for an error status of the lookup.
fn message_for(status: u16) -> String {
    lookup_errors()
        .into_iter()
        .find(|error| error.status().as_u16() == status)
        .map_or_else(
            || "(no such error)".to_owned(),
            |error| error.message().to_owned(),
        )
}

/// Every error the lookup itself can answer (405 and the unknown-path 404 are answers for
/// operations that do not exist, so an OpenAPI document cannot list them).
fn lookup_errors() -> Vec<ApiError> {
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
        ApiError::NoCustomerFound,
        ApiError::Internal,
        ApiError::RateLimited { retry_after: 1 },
        ApiError::UnknownScenario {
            name: String::new(),
            known: String::new(),
        },
        scenario_error(502, "Bad Gateway"),
        scenario_error(503, "Service Unavailable"),
        scenario_error(504, "Gateway Timeout"),
    ]
}

/// An error status only a scenario answers, with the message its shipped scenario gives.
fn scenario_error(status: u16, message: &str) -> ApiError {
    ApiError::Scenario {
        status: mock_server::internals::StatusCode::from_u16(status).expect("a status"),
        message: message.to_owned(),
        description: String::new(),
        violations: None,
        retry_after: None,
    }
}

#[test]
fn every_component_refers_to_an_existing_schema_file() {
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
    let operation = lookup_operation(&document);
    let mut checked = 0;

    let request = &operation["requestBody"]["content"]["application/json"];
    assert_eq!(
        schema_of(&document, &request["schema"]),
        SchemaName::LOOKUP_REQUEST
    );
    for (name, example) in examples(request) {
        // Examples without spId are the portal's older samples, answered by canned examples.
        let require_sp_id = example.get("spId").is_some();
        let violations = schemas.validate_request(&example, require_sp_id);
        assert!(
            violations.is_empty(),
            "request example {name}: {violations:?}"
        );
        checked += 1;
    }

    let responses = operation["responses"].as_object().expect("responses");
    for (status, response) in responses {
        let media = &response["content"]["application/json"];
        let schema = schema_of(&document, &media["schema"]);
        let found = examples(media);
        assert!(!found.is_empty(), "response {status} has no example");
        for (name, example) in found {
            let violations = schemas.validate(schema, Strictness::Strict, &example);
            assert!(
                violations.is_empty(),
                "{status} example {name}: {violations:?}"
            );
            if schema == SchemaName::ERROR {
                assert_eq!(
                    example["code"].to_string(),
                    *status,
                    "{status} example {name}"
                );
                assert_eq!(
                    example["message"].as_str(),
                    Some(message_for(status.parse().expect("numeric")).as_str()),
                    "{status} example {name}: the mock's message"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} examples found");
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
    let errors = lookup_errors();
    let mut answered: BTreeSet<u16> = errors.iter().map(|e| e.status().as_u16()).collect();
    answered.insert(200);
    assert_eq!(documented, answered);
}

#[test]
fn security_schemes_are_the_two_credential_headers() {
    let document = document();
    let schemes = &document["components"]["securitySchemes"];
    assert_eq!(schemes["clientId"]["in"], "header");
    assert_eq!(schemes["clientId"]["name"], "client_id");
    assert_eq!(schemes["clientSecret"]["name"], "client_secret");
    let trace = &document["components"]["parameters"]["xTraceId"];
    assert_eq!(trace["name"], "x-trace-id");
    assert_eq!(trace["required"], true);
}

#[tokio::test]
async fn the_mock_answers_each_request_example_with_the_response_example_of_the_same_name() {
    let server = MockServer::builder()
        .start()
        .await
        .expect("the mock starts");
    let document = document();
    let operation = lookup_operation(&document);
    let requests = examples(&operation["requestBody"]["content"]["application/json"]);
    let responses = examples(&operation["responses"]["200"]["content"]["application/json"]);
    assert!(!requests.is_empty());
    // reqwest's rustls is built without a default crypto provider in this workspace.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
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
