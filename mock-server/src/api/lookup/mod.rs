//! `POST /api/v1/customerAccountLookup`: End-Customer Lookup, the first step of the Ordering
//! flow.
//!
//! The shared steps ([`super::call::admit`]: auth, rate limit, scenario, headers, JSON) → a canned
//! example? → the body validated against `schemas/lookup-request.schema.json` → the accounts
//! found (the book, the generator, or both; reshaped by a scenario, see [`find`]) → the answer,
//! late, dripping or cut short by a fault scenario.

use std::borrow::Cow;
use std::sync::Arc;

use alliance_schemas::Violation;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;

use super::call::{self, Admitted};
use crate::domain::operation::Operation;
use crate::domain::request::LookupRequest;
use crate::domain::search::Query;
use crate::fixtures::Fixtures;
use crate::http::error::ApiError;
use crate::http::respond;
use crate::observe::Answered;
use crate::scenario::{Behaviour, Scenario};
use crate::state::AppState;

mod find;

/// The lookup handler. What answered goes into the response's extensions for the journal.
pub(crate) async fn lookup(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let mut answered = Answered::default();
    let fixtures = state.fixtures.load_full();
    let operation = Operation::CustomerAccountLookup;
    let admitted = call::admit(&state, &fixtures, operation, &parts, body, &mut answered).await;
    let mut response = match admitted {
        Ok(Admitted::Answered(response)) => response,
        Ok(Admitted::Body {
            value, scenario, ..
        }) => match answer(&state, &fixtures, value, scenario, &mut answered) {
            Ok(response) => call::deliver(&state, &parts, scenario, response).await,
            Err(error) => error.into_response(),
        },
        Err(error) => error.into_response(),
    };
    response.extensions_mut().insert(answered);
    response
}

/// The usual answer to an admitted body: a canned example, or the accounts found.
fn answer(
    state: &AppState,
    fixtures: &Fixtures,
    value: Value,
    scenario: Option<&Scenario>,
    answered: &mut Answered,
) -> Result<Response, ApiError> {
    let shape = match scenario.map(|scenario| &scenario.behaviour) {
        Some(Behaviour::Accounts(shape)) => Some(shape),
        _ => None,
    };
    // A canned example answers before the spId rule, so that the portal's own samples (which
    // have no spId) answer what the portal shows; a reshaping scenario wants the search.
    if shape.is_none()
        && let Some(canned) = fixtures.canned_for(Operation::CustomerAccountLookup, &value)
    {
        let status =
            StatusCode::from_u16(canned.example.response.status).map_err(|_| ApiError::Internal)?;
        answered.source = Cow::Owned(format!("canned:{}", canned.name));
        return Ok(respond::json(status, canned.body.clone()));
    }
    let request = validate(state, &value)?;
    let query = Query::new(&request);
    let found = match shape {
        Some(shape) => find::shaped(state, fixtures, &query, shape),
        None => find::usual(state, fixtures, &query),
    };
    // Without a canned example or a book match, the mock's answer is its own invention (or
    // nobody): a proxy in fall-through mode asks its upstream instead.
    answered.unanswered = shape.is_none() && !matches!(&found, Ok((_, "book")));
    let (body, source) = found?;
    answered.source = Cow::Borrowed(source);
    Ok(respond::json(StatusCode::OK, body))
}

/// Checks the body against the request schema and reads it.
///
/// # Errors
///
/// [`ApiError::InvalidBody`] listing every violation.
fn validate(state: &AppState, value: &Value) -> Result<LookupRequest, ApiError> {
    let violations = state
        .schemas
        .validate_request(value, state.settings.require_sp_id);
    if !violations.is_empty() {
        return Err(ApiError::InvalidBody { violations });
    }
    // The schema has accepted the shape, so this only fails if the type and the schema disagree;
    // the caller still gets a 400 that says why.
    LookupRequest::deserialize(value).map_err(|error| ApiError::InvalidBody {
        violations: vec![Violation {
            pointer: String::new(),
            schema_path: String::new(),
            message: error.to_string(),
        }],
    })
}
