//! The records that answer a lookup: from the account book, the generator or both, as the data
//! mode says, and reshaped when an `accounts` scenario applies.

use axum::body::Bytes;
use serde_json::Value;

use crate::config::{DataMode, NotFoundStyle};
use crate::domain::account::Account;
use crate::domain::book::{BookEntry, response_body};
use crate::domain::search::Query;
use crate::fixtures::Fixtures;
use crate::http::error::ApiError;
use crate::scenario::{AccountsShape, shape};
use crate::state::AppState;

/// The accounts found for a query before any scenario reshapes them.
enum Found<'a> {
    Book(Vec<&'a BookEntry>),
    Generated(Vec<Account>),
}

/// The accounts answering `query` from the book, the generator, or both, as the data mode says.
fn find<'a>(state: &AppState, fixtures: &'a Fixtures, query: &Query) -> Option<Found<'a>> {
    let from_book = || {
        let found = fixtures.book.search(query);
        (!found.is_empty()).then_some(Found::Book(found))
    };
    let generated = || {
        let accounts = state.generator.accounts(query);
        (!accounts.is_empty()).then_some(Found::Generated(accounts))
    };
    match state.settings.data {
        DataMode::Fixtures => from_book(),
        DataMode::Generated => generated(),
        DataMode::Hybrid => from_book().or_else(generated),
    }
}

fn not_found(state: &AppState) -> Result<(Bytes, &'static str), ApiError> {
    match state.settings.not_found {
        NotFoundStyle::Error => Err(ApiError::NoCustomerFound),
        NotFoundStyle::Empty => Ok((Bytes::from_static(b"[]"), "none")),
    }
}

/// The usual answer: the book's accounts, or generated ones (kept for the next time the same
/// question is asked), or "nobody", as the data mode says.
pub(super) fn usual(
    state: &AppState,
    fixtures: &Fixtures,
    query: &Query,
) -> Result<(Bytes, &'static str), ApiError> {
    let from_book = || {
        let found = fixtures.book.search(query);
        (!found.is_empty()).then(|| Bytes::from(response_body(&found)))
    };
    let generated = || {
        state
            .generated_answers
            .get_or_make(query, || {
                let accounts = state.generator.accounts(query);
                if accounts.is_empty() {
                    return Ok(Bytes::new());
                }
                serde_json::to_vec(&accounts)
                    .map(Bytes::from)
                    .map_err(|_| ApiError::Internal)
            })
            .map(|body| (!body.is_empty()).then_some(body))
    };
    let found = match state.settings.data {
        DataMode::Fixtures => from_book().map(|body| (body, "book")),
        DataMode::Generated => generated()?.map(|body| (body, "generated")),
        DataMode::Hybrid => match from_book() {
            Some(body) => Some((body, "book")),
            None => generated()?.map(|body| (body, "generated")),
        },
    };
    match found {
        Some(found) => Ok(found),
        None => not_found(state),
    }
}

/// The usual accounts, topped up with generated ones or cut to the scenario's count, then
/// reshaped.
pub(super) fn shaped(
    state: &AppState,
    fixtures: &Fixtures,
    query: &Query,
    shape_spec: &AccountsShape,
) -> Result<(Bytes, &'static str), ApiError> {
    let to_value =
        |account: &Account| serde_json::to_value(account).map_err(|_| ApiError::Internal);
    let mut accounts: Vec<Value> = match find(state, fixtures, query) {
        Some(Found::Book(entries)) => entries
            .iter()
            .map(|entry| to_value(&entry.account))
            .collect::<Result<_, _>>()?,
        Some(Found::Generated(found)) => found.iter().map(to_value).collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    if let Some(count) = shape_spec.count {
        accounts.truncate(count);
        let missing = count - accounts.len();
        if missing > 0 {
            let extra = state.generator.exactly(query, count);
            for account in extra.iter().rev().take(missing).rev() {
                accounts.push(to_value(account)?);
            }
        }
    }
    if accounts.is_empty() {
        return not_found(state);
    }
    shape::reshape(&mut accounts, shape_spec);
    serde_json::to_vec(&accounts)
        .map(|body| (Bytes::from(body), "scenario"))
        .map_err(|_| ApiError::Internal)
}
