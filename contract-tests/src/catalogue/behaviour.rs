//! `schema` and `behaviour`: answers that must validate against the schemas, and what a schema
//! cannot say: the cap of five, the documented exact match of city, state and ZIP, names that
//! relate to the query, and "No customer found.".
//!
//! The lookups for many accounts (ZIP 75201 ACME, ZIP 99999) find several customers on the mock;
//! on a real endpoint they may find none, which is a fine answer for them.

use crate::basis::Basis;
use crate::case::{Body, Call, Case, Tag};
use crate::expectation::{Expectation, Presence};

use super::{KnownCustomer, lookup_body};

pub(super) fn cases(sp_id: &str, known: &KnownCustomer) -> Vec<Case> {
    let known_call = |expected_ids: Vec<String>| {
        Call::new(
            Body::Json(known.body.clone()),
            Expectation::Answer {
                presence: known.presence,
                expected_ids,
            },
        )
    };
    let optional = |body| {
        Call::new(
            Body::Json(body),
            Expectation::Answer {
                presence: Presence::Optional,
                expected_ids: Vec::new(),
            },
        )
    };
    let acme = lookup_body(sp_id, "ACME", "", "DALLAS", "TX", "75201");
    let five = lookup_body(sp_id, "ZEPHYR WIDGETS", "", "RENO", "NV", "99999");
    let nobody = lookup_body(sp_id, "QXZJ UNLIKELY CUSTOMER", "", "PLANO", "TX", "00000");
    vec![
        Case::new(
            "schema::known_customer_answer_validates",
            &[Tag::Smoke, Tag::Schema],
            known_call(Vec::new()),
        ),
        Case::new(
            "schema::many_accounts_answer_validates",
            &[Tag::Schema],
            optional(five),
        ),
        Case::new(
            "schema::error_answer_validates",
            &[Tag::Schema],
            Call::new(
                Body::Json(serde_json::json!({"spId": sp_id, "accountName": "AB"})),
                Expectation::Rejected {
                    status: 400,
                    documented: false,
                    reason: "an invalid body".to_owned(),
                    rule: Basis::Documented,
                },
            ),
        ),
        Case::new(
            "behaviour::known_customer_is_found",
            &[Tag::Smoke, Tag::Behaviour],
            known_call(known.expected_ids.clone()),
        ),
        Case::new(
            "behaviour::at_most_five_accounts_are_returned",
            &[Tag::Behaviour],
            optional(acme.clone()),
        ),
        Case::new(
            "behaviour::results_match_city_state_and_zip_exactly",
            &[Tag::Behaviour],
            optional(acme),
        ),
        Case::new(
            "behaviour::account_names_relate_to_the_query",
            &[Tag::Behaviour],
            known_call(Vec::new()),
        ),
        Case::new(
            "behaviour::no_customer_found_is_reported",
            &[Tag::Smoke, Tag::Behaviour],
            Call::new(Body::Json(nobody), Expectation::NotFound),
        ),
    ]
}
