//! `generative`: arbitrary valid and invalid requests, drawn with proptest strategies from a
//! fixed seed so a run is reproducible and two endpoints get the same requests.
//!
//! For the lookup: every valid request must get a 200 that validates (and fits the query) or
//! "No customer found."; every invalid one a 4xx, never a 5xx. For the other operations, valid
//! bodies are drawn from the request schema itself ([`from_schema`]) and invalid ones break one
//! rule of it ([`broken`]). The requests go over the network, so a failing one is reported as it
//! is rather than shrunk.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};

use alliance_schemas::SchemaName;

use crate::basis::Basis;
use crate::case::{Body, Call, Case, Tag};
use crate::expectation::{Expectation, Presence};

/// USPS codes the valid requests draw their state from.
const STATES: [&str; 10] = ["TX", "CA", "NY", "IL", "WA", "GA", "FL", "CO", "OH", "NV"];

/// A valid lookup body with this `spId`: a name of letters, digits and spaces, an optional
/// street, a city, a state code and a five-digit ZIP.
pub fn valid_request(sp_id: String) -> impl Strategy<Value = Value> {
    (
        "[A-Z][A-Z0-9]{2,10}( [A-Z][A-Z0-9]{1,8}){0,2}",
        prop_oneof![
            Just(String::new()),
            "[1-9][0-9]{0,3} [A-Z]{3,10} (ST|AVE|BLVD)"
        ],
        "[A-Z]{3,12}( [A-Z]{3,8})?",
        proptest::sample::select(STATES.to_vec()),
        "[0-9]{5}",
    )
        .prop_map(move |(name, street, city, state, zip)| {
            json!({
                "spId": sp_id,
                "accountName": name,
                "address": {"street": street, "city": city, "state": state, "zipCode": zip},
            })
        })
}

/// A lookup body that breaks one documented rule: a name under 3 characters, a required key
/// missing, a field of the wrong type, or a body that is not an object.
pub fn invalid_request(sp_id: String) -> impl Strategy<Value = Value> {
    let valid = valid_request(sp_id);
    (valid, 0..12usize, "[A-Z]{0,2}").prop_map(|(mut body, mutation, short)| {
        match mutation {
            0 => body["accountName"] = Value::String(short),
            1 => remove(&mut body, "/address", "city"),
            2 => remove(&mut body, "/address", "state"),
            3 => remove(&mut body, "/address", "zipCode"),
            4 => remove(&mut body, "/address", "street"),
            5 => remove(&mut body, "", "address"),
            6 => remove(&mut body, "", "accountName"),
            7 => remove(&mut body, "", "spId"),
            8 => body["accountName"] = json!(12345),
            9 => body["address"]["zipCode"] = json!(75075),
            10 => body = json!([body]),
            _ => body = Value::String("accountName".to_owned()),
        }
        body
    })
}

fn remove(body: &mut Value, parent: &str, key: &str) {
    if let Some(Value::Object(map)) = body.pointer_mut(parent) {
        map.remove(key);
    }
}

/// Values valid against `schema` (a schema file's JSON): every required property and some of
/// the optional ones, strings from their `enum`, `pattern` or length bounds, arrays of one to
/// three items. Other files are followed through `$ref`.
pub fn from_schema(schema: &Value) -> BoxedStrategy<Value> {
    let schema = match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|file| SchemaName::from_file_name(file.trim_start_matches("./")))
        .and_then(|name| name.to_value().ok())
    {
        Some(referenced) => referenced,
        None => schema.clone(),
    };
    if let Some(Value::Array(values)) = schema.get("enum") {
        return proptest::sample::select(values.clone()).boxed();
    }
    if let Some(value) = schema.get("const") {
        return Just(value.clone()).boxed();
    }
    if schema.get("properties").is_none() {
        for key in ["oneOf", "anyOf"] {
            if let Some(first) = schema.get(key).and_then(|b| b.get(0)) {
                return from_schema(first);
            }
        }
    }
    let kind = match schema.get("type") {
        Some(Value::String(kind)) => kind.as_str(),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null")
            .unwrap_or("null"),
        _ if schema.get("properties").is_some() => "object",
        _ => "string",
    };
    match kind {
        "object" => object(&schema),
        "array" => {
            let items = from_schema(schema.get("items").unwrap_or(&Value::Bool(true)));
            let min = bound(&schema, "minItems").unwrap_or(1).max(1);
            let max = bound(&schema, "maxItems").unwrap_or(3).clamp(min, 3);
            proptest::collection::vec(items, min..=max)
                .prop_map(Value::Array)
                .boxed()
        }
        "boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
        "integer" | "number" => {
            let min = schema.get("minimum").and_then(Value::as_i64).unwrap_or(0);
            let max = schema
                .get("maximum")
                .and_then(Value::as_i64)
                .unwrap_or(min + 1000);
            (min..=max.max(min)).prop_map(Value::from).boxed()
        }
        "null" => Just(Value::Null).boxed(),
        _ => string(&schema),
    }
}

fn bound(schema: &Value, key: &str) -> Option<usize> {
    schema
        .get(key)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
}

fn object(schema: &Value) -> BoxedStrategy<Value> {
    // Its own required keys, and those of the first branch of a choice between them (an order
    // names `quoteId` or `quoteID`).
    let choice = ["oneOf", "anyOf"]
        .iter()
        .find_map(|key| schema.get(*key).and_then(|b| b.get(0)));
    let required: Vec<&str> = [
        schema.get("required"),
        choice.and_then(|c| c.get("required")),
    ]
    .into_iter()
    .flatten()
    .filter_map(Value::as_array)
    .flatten()
    .filter_map(Value::as_str)
    .collect();
    let members: Vec<BoxedStrategy<Option<(String, Value)>>> = schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, property)| {
            let name = name.clone();
            let value = from_schema(property);
            if required.contains(&name.as_str()) {
                value.prop_map(move |v| Some((name.clone(), v))).boxed()
            } else {
                proptest::option::of(value.prop_map(move |v| (name.clone(), v))).boxed()
            }
        })
        .collect();
    members
        .prop_map(|members| Value::Object(members.into_iter().flatten().collect()))
        .boxed()
}

fn string(schema: &Value) -> BoxedStrategy<Value> {
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        let bare = pattern.trim_start_matches('^').trim_end_matches('$');
        if let Ok(strategy) = proptest::string::string_regex(bare) {
            return strategy.prop_map(Value::String).boxed();
        }
    }
    if schema.get("format").and_then(Value::as_str) == Some("email") {
        return "[a-z]{3,8}\\.[a-z]{3,8}@example\\.com"
            .prop_map(Value::String)
            .boxed();
    }
    let min = bound(schema, "minLength").unwrap_or(1).max(1);
    let max = bound(schema, "maxLength").unwrap_or(24).clamp(min, 24);
    let pattern = format!("[A-Z][A-Za-z0-9 ]{{{},{}}}", min - 1, max - 1);
    match proptest::string::string_regex(&pattern) {
        Ok(strategy) => strategy.prop_map(Value::String).boxed(),
        Err(_) => Just(Value::String("A".repeat(min))).boxed(),
    }
}

/// A body that breaks one rule of `schema` (a schema file's JSON), starting from the valid
/// `example`: a required key removed, a property of the wrong type, or a body that is not an
/// object. Gives the body and the key it broke (empty for the whole body).
pub fn broken(schema: &Value, example: &Value) -> BoxedStrategy<(Value, String)> {
    let required: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    let typed: Vec<(String, Value)> = schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(name, _)| example.get(name.as_str()).is_some())
        .map(|(name, _)| {
            // A value of another JSON type than the example's.
            let wrong = match example.get(name.as_str()) {
                Some(Value::String(_)) => json!(12345),
                _ => json!("not-the-right-type"),
            };
            (name.clone(), wrong)
        })
        .collect();
    let example = example.clone();
    let choices = required.len() + typed.len() + 2;
    (0..choices)
        .prop_map(move |choice| {
            let mut body = example.clone();
            if let Some(key) = required.get(choice) {
                remove(&mut body, "", key);
                (body, key.clone())
            } else if let Some((key, wrong)) = typed.get(choice - required.len()) {
                body[key.as_str()] = wrong.clone();
                (body, key.clone())
            } else if choice == choices - 1 {
                (json!([example.clone()]), String::new())
            } else {
                (Value::String("not an object".to_owned()), String::new())
            }
        })
        .boxed()
}

/// `count` values of `strategy`, the same on every run.
pub(crate) fn draw<S: Strategy>(strategy: &S, count: u32) -> Vec<S::Value> {
    let mut runner = TestRunner::deterministic();
    (0..count)
        .filter_map(|_| {
            strategy
                .new_tree(&mut runner)
                .ok()
                .map(|tree| tree.current())
        })
        .collect()
}

/// The two generative cases, each with `count` calls; none when `count` is 0.
pub fn cases(sp_id: &str, count: u32) -> Vec<Case> {
    if count == 0 {
        return Vec::new();
    }
    let valid = draw(&valid_request(sp_id.to_owned()), count)
        .into_iter()
        .map(|body| {
            Call::new(
                Body::Json(body),
                Expectation::Answer {
                    presence: Presence::Optional,
                    expected_ids: Vec::new(),
                },
            )
        })
        .collect();
    let invalid = draw(&invalid_request(sp_id.to_owned()), count)
        .into_iter()
        .map(|body| {
            Call::new(
                Body::Json(body),
                Expectation::Rejected {
                    status: 400,
                    documented: false,
                    reason: "an invalid body".to_owned(),
                    rule: Basis::Documented,
                },
            )
        })
        .collect();
    vec![
        Case {
            name: "generative::valid_requests_get_a_valid_answer".to_owned(),
            tags: vec![Tag::Generative],
            calls: valid,
        },
        Case {
            name: "generative::invalid_requests_get_a_4xx".to_owned(),
            tags: vec![Tag::Generative],
            calls: invalid,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Schemas;

    #[test]
    fn bodies_drawn_from_a_schema_validate_and_broken_ones_do_not() {
        let schemas = Schemas::compile().expect("the schemas compile");
        for name in [
            SchemaName::QUOTE_REQUEST,
            SchemaName::SITE_REQUEST,
            SchemaName::CREDIT_CHECK_REQUEST,
            SchemaName::ORDER_REQUEST,
            SchemaName::BILLING_REQUEST,
        ] {
            let schema = name.to_value().expect("a schema");
            let valid = draw(&from_schema(&schema), 32);
            assert_eq!(valid.len(), 32);
            for body in &valid {
                let violations = schemas.validate(name, crate::Strictness::AsWritten, body);
                assert_eq!(violations, vec![], "{name}: {body}");
            }
            for (body, _) in draw(&broken(&schema, &valid[0]), 32) {
                let violations = schemas.validate(name, crate::Strictness::AsWritten, &body);
                assert!(!violations.is_empty(), "{name}: {body}");
            }
        }
    }

    #[test]
    fn the_same_count_draws_the_same_requests() {
        assert_eq!(cases("1", 8), cases("1", 8));
    }

    #[test]
    fn valid_requests_validate_and_invalid_ones_do_not() {
        let schemas = Schemas::compile().expect("the schemas compile");
        for body in draw(&valid_request("1".to_owned()), 64) {
            assert_eq!(schemas.validate_request(&body, true), vec![], "{body}");
        }
        for body in draw(&invalid_request("1".to_owned()), 64) {
            assert!(!schemas.validate_request(&body, true).is_empty(), "{body}");
        }
    }
}
