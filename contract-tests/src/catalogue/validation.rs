//! `validation`: every documented request rule, broken one at a time, must be refused with a
//! 4xx. That the status is exactly 400 (or 415 for a content type that is not JSON) is assumed.

use serde_json::Value;

use crate::basis::Basis;
use crate::case::{Body, Call, Case, Tag};
use crate::expectation::Expectation;

use super::KnownCustomer;

fn rejected(reason: &'static str) -> Expectation {
    Expectation::Rejected {
        status: 400,
        documented: false,
        reason: reason.to_owned(),
        rule: Basis::Documented,
    }
}

/// The known customer's body with `pointer` removed (`/address/street`) or replaced.
fn changed(known: &KnownCustomer, pointer: &str, value: Option<Value>) -> Body {
    let mut body = known.body.clone();
    let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    if let Some(Value::Object(map)) = body.pointer_mut(parent) {
        match value {
            Some(value) => {
                map.insert(key.to_owned(), value);
            }
            None => {
                map.remove(key);
            }
        }
    }
    Body::Json(body)
}

pub(super) fn cases(known: &KnownCustomer) -> Vec<Case> {
    let tags = &[Tag::Validation];
    let mut cases = vec![Case::new(
        "validation::account_name_shorter_than_three_chars_is_rejected",
        &[Tag::Smoke, Tag::Validation],
        Call::new(
            changed(known, "/accountName", Some(Value::from("AB"))),
            rejected("an accountName under 3 characters"),
        ),
    )];
    for (field, reason) in [
        ("city", "a missing address.city"),
        ("state", "a missing address.state"),
        ("zipCode", "a missing address.zipCode"),
        ("street", "a missing address.street key"),
    ] {
        let name = match field {
            "zipCode" => "zip_code",
            other => other,
        };
        let suffix = if field == "street" { "_key" } else { "" };
        cases.push(Case::new(
            format!("validation::missing_{name}{suffix}_is_rejected"),
            tags,
            Call::new(
                changed(known, &format!("/address/{field}"), None),
                rejected(reason),
            ),
        ));
    }
    cases.extend([
        Case::new(
            "validation::missing_address_is_rejected",
            tags,
            Call::new(
                changed(known, "/address", None),
                rejected("a missing address"),
            ),
        ),
        Case::new(
            "validation::missing_sp_id_is_rejected",
            tags,
            Call::new(changed(known, "/spId", None), rejected("a missing spId")),
        ),
        Case::new(
            "validation::missing_trace_id_is_rejected",
            tags,
            Call::new(
                Body::Json(known.body.clone()),
                rejected("a missing x-trace-id"),
            )
            .without_header("x-trace-id"),
        ),
        Case::new(
            "validation::body_that_is_not_json_is_rejected",
            tags,
            Call::new(
                Body::Raw("{\"accountName\": ".to_owned()),
                rejected("a body that is not JSON"),
            ),
        ),
        Case::new(
            "validation::content_type_that_is_not_json_is_rejected",
            tags,
            Call::new(
                Body::Json(known.body.clone()),
                Expectation::Rejected {
                    status: 415,
                    documented: false,
                    reason: "a content-type that is not JSON".to_owned(),
                    rule: Basis::Documented,
                },
            )
            .with_header("content-type", "text/plain"),
        ),
    ]);
    cases
}
