//! `generative`: arbitrary valid and invalid lookups, drawn with proptest strategies from a fixed
//! seed so a run is reproducible and two endpoints get the same requests.
//!
//! Every valid request must get a 200 that validates (and fits the query) or "No customer
//! found."; every invalid one a 4xx, never a 5xx. The requests go over the network, so a failing
//! one is reported as it is rather than shrunk.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};

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

/// `count` values of `strategy`, the same on every run.
fn draw<S: Strategy>(strategy: &S, count: u32) -> Vec<S::Value> {
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
                    reason: "an invalid body",
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
