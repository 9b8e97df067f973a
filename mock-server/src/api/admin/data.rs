//! `GET /__admin/accounts`: the account book searched as the lookup searches it, with each
//! record's verdict rule by rule, so that QA sees why an account answers a lookup or not.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::reply::ok;
use crate::config::DataMode;
use crate::domain::book::MAX_RESULTS;
use crate::domain::search::{Explanation, NameMatch, Query as Search};
use crate::http::error::ApiError;
use crate::state::AppState;

/// The lookup's fields, any of them empty (an empty field is not compared), and a page size.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct AccountSearch {
    account_name: String,
    street: String,
    city: String,
    state: String,
    zip_code: String,
    limit: Option<usize>,
}

/// Records listed when no `limit` is given, and the most a page holds.
const DEFAULT_LIMIT: usize = 25;
const MAX_LIMIT: usize = 500;

impl AccountSearch {
    /// The fields given, by their names in a lookup request.
    fn given(&self) -> Vec<&'static str> {
        [
            ("accountName", &self.account_name),
            ("street", &self.street),
            ("city", &self.city),
            ("state", &self.state),
            ("zipCode", &self.zip_code),
        ]
        .into_iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(name, _)| name)
        .collect()
    }

    /// Whether a lookup could be sent with these fields: the request schema requires all but
    /// the street.
    fn is_a_lookup(&self) -> bool {
        let given = self.given();
        ["accountName", "city", "state", "zipCode"]
            .iter()
            .all(|field| given.contains(field))
    }
}

/// One rule's verdict, as the page shows it: `null` when the field was not given.
fn verdict(given: &[&str], field: &str, passed: bool) -> Value {
    if given.contains(&field) {
        Value::Bool(passed)
    } else {
        Value::Null
    }
}

fn rank_name(rank: NameMatch) -> &'static str {
    match rank {
        NameMatch::Exact => "exact",
        NameMatch::Prefix => "prefix",
        NameMatch::Contains => "contains",
    }
}

/// Whether a record passes every rule that was given, and how its name ranks when it does.
fn passes(given: &[&str], explanation: &Explanation) -> Option<Option<NameMatch>> {
    let rule = |field: &str, passed: bool| !given.contains(&field) || passed;
    let others = rule("zipCode", explanation.zip_code)
        && rule("state", explanation.state)
        && rule("city", explanation.city)
        && rule("street", explanation.street);
    let name = explanation.name;
    (others && rule("accountName", name.is_some())).then_some(name)
}

pub(super) async fn accounts(
    State(state): State<Arc<AppState>>,
    search: Result<Query<AccountSearch>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Ok(Query(search)) = search else {
        let detail = "Search fields are accountName, street, city, state and zipCode (each may \
                      be empty), and limit (a number)."
            .to_owned();
        return Err(ApiError::AdminBadRequest { detail });
    };
    let limit = search.limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT);
    let given = search.given();
    let query = Search::of(
        &search.account_name,
        &search.street,
        &search.city,
        &search.state,
        &search.zip_code,
    );
    let fixtures = state.fixtures.load();
    let book = &fixtures.book;

    // Matches first, ranked as the lookup ranks them (ties in book order), then the records
    // that miss, those that pass the most rules first.
    let mut records: Vec<(usize, u8, &_, Explanation)> = book
        .explain(&query)
        .enumerate()
        .map(|(at, (entry, explanation))| {
            let order = match passes(&given, &explanation) {
                Some(rank) => rank.map_or(0, |rank| rank as u8),
                None => {
                    let failed = [
                        explanation.zip_code,
                        explanation.state,
                        explanation.city,
                        explanation.street,
                        explanation.name.is_some(),
                    ]
                    .iter()
                    .zip(["zipCode", "state", "city", "street", "accountName"])
                    .filter(|(passed, field)| !**passed && given.contains(field))
                    .count();
                    10 + u8::try_from(failed).unwrap_or(u8::MAX)
                }
            };
            (at, order, entry, explanation)
        })
        .collect();
    records.sort_by_key(|&(at, order, _, _)| (order, at));
    let matching = records.iter().filter(|record| record.1 < 10).count();

    let listed: Vec<Value> = records
        .iter()
        .take(limit)
        .map(|(_, order, entry, explanation)| {
            let matched = *order < 10;
            let ranked = matched && given.contains(&"accountName");
            json!({
                "origin": entry.origin,
                "matches": matched,
                "nameMatch": ranked.then(|| explanation.name.map(rank_name)).flatten(),
                "rules": {
                    "accountName": verdict(&given, "accountName", explanation.name.is_some()),
                    "street": verdict(&given, "street", explanation.street),
                    "city": verdict(&given, "city", explanation.city),
                    "state": verdict(&given, "state", explanation.state),
                    "zipCode": verdict(&given, "zipCode", explanation.zip_code),
                },
                "account": entry.account,
            })
        })
        .collect();

    Ok(ok(&json!({
        "book": book.len(),
        "compared": given,
        "matching": matching,
        "lookup": lookup_answer(&state, &search, &query, book),
        "records": listed,
    })))
}

/// What a lookup with these fields would answer, by the data mode: the book's accounts (their
/// ids, best first), generated ones, or none; `null` when the fields do not make a lookup.
fn lookup_answer(
    state: &AppState,
    search: &AccountSearch,
    query: &Search,
    book: &crate::domain::book::AccountBook,
) -> Value {
    if !search.is_a_lookup() {
        return Value::Null;
    }
    let found = book.search(query);
    let ids: Vec<&str> = found
        .iter()
        .map(|entry| entry.account.account_id.as_str())
        .collect();
    let from = match (state.settings.data, ids.is_empty()) {
        (DataMode::Generated, _) | (DataMode::Hybrid, true) => "generated",
        (DataMode::Fixtures | DataMode::Hybrid, false) => "book",
        (DataMode::Fixtures, true) => "none",
    };
    json!({
        "answeredBy": from,
        "accountIds": if from == "book" { json!(ids) } else { json!([]) },
        "atMost": MAX_RESULTS,
    })
}
