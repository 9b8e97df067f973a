//! The families of the lookup, for every other operation of the document: `auth` (each way of
//! getting the credentials wrong), `validation` (each required field or query parameter missing,
//! a body that is not JSON, a content type that is not JSON, no `x-trace-id`) and `generative`
//! (bodies drawn from the request schema, valid and broken, with a fixed seed).
//!
//! The bodies are the document's examples, so nothing here names a field: a new required field
//! in a schema is a new validation call. Accepting a request that breaks a documented rule is a
//! violation; one that breaks an assumed rule is an assumed finding, as is every exact status.

use serde_json::Value;

use crate::api::{Api, LOOKUP, Operation};
use crate::basis::{self, Basis};
use crate::case::{Body, Call, Case, Credentials, Tag};
use crate::expectation::Expectation;
use crate::generative;

use super::flow::example_call;

fn rejected(status: u16, documented: bool, reason: String, rule: Basis) -> Expectation {
    Expectation::Rejected {
        status,
        documented,
        reason,
        rule,
    }
}

fn auth(api: &Api, operation: &Operation, sp_id: &str) -> Case {
    let calls = [
        (Credentials::MissingClientId, "a missing client_id"),
        (Credentials::MissingClientSecret, "a missing client_secret"),
        (Credentials::WrongSecret, "a wrong client_secret"),
    ]
    .into_iter()
    .map(|(credentials, reason)| {
        let mut call = example_call(api, &operation.id, sp_id).with_credentials(credentials);
        call.expect = rejected(401, true, reason.to_owned(), Basis::Documented);
        call
    })
    .collect();
    Case::flow(
        format!("auth::{}::credentials_are_enforced", operation.id),
        &[Tag::Auth],
        calls,
    )
}

fn validation(api: &Api, operation: &Operation, sp_id: &str) -> Case {
    let valid = || example_call(api, &operation.id, sp_id);
    let bad = |mut call: Call, status: u16, reason: String, rule: Basis| {
        call.expect = rejected(status, false, reason, rule);
        call
    };
    let mut calls = Vec::new();
    if let Some(schema) = operation.request {
        let required: Vec<String> = schema
            .to_value()
            .ok()
            .and_then(|s| s.get("required").cloned())
            .and_then(|r| serde_json::from_value(r).ok())
            .unwrap_or_default();
        for field in required {
            let mut call = valid();
            if let Some(Body::Json(Value::Object(body))) = &mut call.body {
                body.remove(&field);
            }
            let rule = basis::at(schema, &format!("/{field}"));
            calls.push(bad(call, 400, format!("a body without {field}"), rule));
        }
        let mut not_json = valid();
        not_json.body = Some(Body::Raw("{\"quoteId\": ".to_owned()));
        calls.push(bad(
            not_json,
            400,
            "a body that is not JSON".to_owned(),
            Basis::Documented,
        ));
        calls.push(bad(
            valid().with_header("content-type", "text/plain"),
            415,
            "a content-type that is not JSON".to_owned(),
            Basis::Documented,
        ));
    }
    for parameter in operation.query.iter().filter(|p| p.required) {
        let mut call = valid();
        call.query.retain(|(name, _)| *name != parameter.name);
        calls.push(bad(
            call,
            400,
            format!("a query without {}", parameter.name),
            parameter.basis,
        ));
    }
    calls.push(bad(
        valid().without_header("x-trace-id"),
        400,
        "a missing x-trace-id".to_owned(),
        Basis::Documented,
    ));
    Case::flow(
        format!(
            "validation::{}::invalid_requests_are_rejected",
            operation.id
        ),
        &[Tag::Validation],
        calls,
    )
}

fn broken_bodies(api: &Api, operation: &Operation, sp_id: &str, count: u32) -> Option<Case> {
    let schema = operation.request?;
    let source = schema.to_value().ok()?;
    let example = operation.example.clone()?;
    let calls = generative::draw(&generative::broken(&source, &example), count)
        .into_iter()
        .map(|(body, key)| {
            let (reason, rule) = if key.is_empty() {
                ("a body that is not an object".to_owned(), Basis::Documented)
            } else {
                (
                    format!("a body with {key} missing or of the wrong type"),
                    basis::at(schema, &format!("/{key}")),
                )
            };
            let mut call = example_call(api, &operation.id, sp_id);
            call.body = Some(Body::Json(body));
            call.expect = rejected(400, false, reason, rule);
            call
        })
        .collect();
    Some(Case::flow(
        format!("generative::{}::invalid_requests_get_a_4xx", operation.id),
        &[Tag::Generative],
        calls,
    ))
}

/// Valid bodies drawn from the request schemas of the steps that need only a quote: the quote
/// itself, sites and credit checks (after one quote made from the example, whose id fills them).
fn valid_bodies(api: &Api, sp_id: &str, count: u32) -> Vec<Case> {
    let draw = |operation: &str| -> Vec<Value> {
        let schema = api
            .expect(operation)
            .request
            .and_then(|s| s.to_value().ok())
            .unwrap_or_default();
        generative::draw(&generative::from_schema(&schema), count)
    };
    let quote_example = example_call(api, "createOpportunityQuote", sp_id);
    let sub_account = quote_example
        .body
        .as_ref()
        .and_then(Body::as_json)
        .and_then(|b| b.get("subAccountId").cloned())
        .unwrap_or(Value::Null);
    let call = |operation: &str, body: Value| {
        let mut call = example_call(api, operation, sp_id);
        call.body = Some(Body::Json(body));
        call
    };
    let quotes = draw("createOpportunityQuote")
        .into_iter()
        .map(|body| call("createOpportunityQuote", body))
        .collect();
    let first = quote_example.capture("quoteId", &["/quoteId"]);
    let mut sites = vec![first.clone()];
    sites.extend(
        draw("addSite")
            .into_iter()
            .map(|body| call("addSite", body).fill("/quoteId", "quoteId")),
    );
    let mut checks = vec![first];
    checks.extend(draw("creditCheckAiab").into_iter().map(|mut body| {
        // The credit check must name the quote's account (a mismatch is refused).
        body["subAccountId"] = sub_account.clone();
        call("creditCheckAiab", body).fill("/quoteId", "quoteId")
    }));
    let case = |operation: &str, calls| {
        Case::flow(
            format!("generative::{operation}::valid_requests_get_a_valid_answer"),
            &[Tag::Generative],
            calls,
        )
    };
    vec![
        case("createOpportunityQuote", quotes),
        case("addSite", sites),
        case("creditCheckAiab", checks),
    ]
}

/// The `auth`, `validation` and `generative` cases of every operation but the lookup.
pub(super) fn cases(api: &Api, sp_id: &str, generative_cases: u32) -> Vec<Case> {
    let operations: Vec<&Operation> = api
        .operations()
        .iter()
        .filter(|op| op.id != LOOKUP)
        .collect();
    let mut cases: Vec<Case> = operations.iter().map(|op| auth(api, op, sp_id)).collect();
    cases.extend(operations.iter().map(|op| validation(api, op, sp_id)));
    if generative_cases > 0 {
        cases.extend(
            operations
                .iter()
                .filter_map(|op| broken_bodies(api, op, sp_id, generative_cases)),
        );
        cases.extend(valid_bodies(api, sp_id, generative_cases));
    }
    cases
}
