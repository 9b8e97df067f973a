//! The default case catalogue: what the contract suite asks of any endpoint of the Ordering API.
//!
//! For the lookup, split by tag: [`auth`], [`validation`], [`behaviour`] (the schema and
//! behaviour cases), and the generative cases from [`crate::generative`]. Then the Ordering
//! flow ([`flow`]: the happy path and the prerequisites of each step) and the same families for
//! every other operation ([`operations`]). Cases that need a customer who exists use the first
//! `--lookups` entry when there is one, otherwise the portal's reference example, which the
//! mock's fixture book holds and a real endpoint (or a mock with generated data) may not: those
//! calls are then skipped, saying why.

mod auth;
mod behaviour;
mod flow;
mod operations;
mod validation;

use serde_json::{Value, json};

use crate::api::Api;
use crate::case::{Case, Tag};
use crate::expectation::Presence;
use crate::generative;
use crate::lookups::Lookup;

/// The Solution Provider id the catalogue's bodies carry unless told otherwise: the one of the
/// portal's reference example.
pub const DEFAULT_SP_ID: &str = "10006";

/// The `accountId` of the portal's reference example.
pub const REFERENCE_ACCOUNT_ID: &str = "0013g00000cUIRtAAO";

/// What the catalogue is built from.
#[derive(Debug, Clone)]
pub struct CatalogueOptions {
    /// The `spId` of every body the catalogue makes.
    pub sp_id: String,
    /// Lookups of customers the caller knows exist (`--lookups FILE`).
    pub lookups: Vec<Lookup>,
    /// How many valid and how many invalid requests the generative cases send.
    pub generative_cases: u32,
}

impl Default for CatalogueOptions {
    fn default() -> Self {
        CatalogueOptions {
            sp_id: DEFAULT_SP_ID.to_owned(),
            lookups: Vec::new(),
            generative_cases: 16,
        }
    }
}

/// A customer the cases can expect to find.
#[derive(Debug, Clone)]
pub(crate) struct KnownCustomer {
    pub(crate) body: Value,
    pub(crate) expected_ids: Vec<String>,
    pub(crate) presence: Presence,
}

/// Every case of the default catalogue: the lookup's, the flow's, the other operations', and
/// the `--lookups` cases last.
pub fn default_cases(api: &Api, options: &CatalogueOptions) -> Vec<Case> {
    let known = match options.lookups.first() {
        Some(lookup) => KnownCustomer {
            body: lookup.request.clone(),
            expected_ids: lookup.expect_account_ids.clone(),
            presence: Presence::Known,
        },
        None => KnownCustomer {
            body: reference_request(&options.sp_id),
            expected_ids: vec![REFERENCE_ACCOUNT_ID.to_owned()],
            presence: Presence::Reference,
        },
    };
    let mut cases = Vec::new();
    cases.extend(auth::cases(&known));
    cases.extend(validation::cases(&known));
    cases.extend(behaviour::cases(&options.sp_id, &known));
    cases.extend(generative::cases(&options.sp_id, options.generative_cases));
    cases.extend(flow::cases(api, &options.sp_id, &known));
    cases.extend(operations::cases(
        api,
        &options.sp_id,
        options.generative_cases,
    ));
    cases.extend(lookup_cases(&options.lookups));
    cases
}

/// Keeps the cases tagged `tag` (all when `None`) that call `operation` (all when `None`).
pub fn select(cases: Vec<Case>, tag: Option<Tag>, operation: Option<&str>) -> Vec<Case> {
    cases
        .into_iter()
        .filter(|case| tag.is_none_or(|tag| case.has_tag(tag)))
        .filter(|case| operation.is_none_or(|id| case.calls_operation(id)))
        .collect()
}

/// The portal's reference example: `AT&T CLOUD TEST FOUNDRY`, 2900 W PLANO PKWY, PLANO, TX 75075.
pub fn reference_request(sp_id: &str) -> Value {
    lookup_body(
        sp_id,
        "AT&T CLOUD TEST FOUNDRY",
        "2900 W PLANO PKWY",
        "PLANO",
        "TX",
        "75075",
    )
}

/// A lookup body.
pub(crate) fn lookup_body(
    sp_id: &str,
    account_name: &str,
    street: &str,
    city: &str,
    state: &str,
    zip_code: &str,
) -> Value {
    json!({
        "spId": sp_id,
        "accountName": account_name,
        "address": {"street": street, "city": city, "state": state, "zipCode": zip_code},
    })
}

fn lookup_cases(lookups: &[Lookup]) -> Vec<Case> {
    use crate::case::{Body, Call};
    use crate::expectation::Expectation;
    lookups
        .iter()
        .enumerate()
        .map(|(index, lookup)| {
            Case::new(
                format!("lookups::entry_{index}_is_found"),
                &[Tag::Lookups],
                Call::new(
                    Body::Json(lookup.request.clone()),
                    Expectation::Answer {
                        presence: Presence::Known,
                        expected_ids: lookup.expect_account_ids.clone(),
                    },
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cases() -> Vec<Case> {
        default_cases(
            &Api::load().expect("the document reads"),
            &CatalogueOptions::default(),
        )
    }

    #[test]
    fn case_names_are_unique_and_carry_their_first_tag() {
        let cases = cases();
        let mut names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
        for case in &cases {
            let prefix = case.name.split("::").next().unwrap_or_default();
            assert!(
                case.tags.iter().any(|t| t.as_str() == prefix),
                "{} is not tagged {prefix}",
                case.name
            );
        }
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }

    #[test]
    fn every_documented_tag_but_lookups_has_cases_by_default() {
        let cases = cases();
        for tag in Tag::ALL.into_iter().filter(|t| *t != Tag::Lookups) {
            assert!(cases.iter().any(|c| c.has_tag(tag)), "no case tagged {tag}");
        }
    }

    #[test]
    fn every_operation_of_the_document_is_called_and_in_the_flow() {
        let api = Api::load().expect("the document reads");
        let cases = cases();
        let flow = select(cases.clone(), Some(Tag::Flow), None);
        for operation in api.operations() {
            assert!(
                flow.iter().any(|c| c.calls_operation(&operation.id)),
                "no flow case calls {}",
                operation.id
            );
            for tag in [Tag::Auth, Tag::Validation] {
                assert!(
                    cases
                        .iter()
                        .any(|c| c.has_tag(tag) && c.calls_operation(&operation.id)),
                    "no {tag} case calls {}",
                    operation.id
                );
            }
        }
    }
}
