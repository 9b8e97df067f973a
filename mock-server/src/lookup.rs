//! `POST /api/v1/customerAccountLookup`: the request's path through the mock, in order.
//!
//! auth → validate headers → read and parse the body → canned example? → validate the body →
//! find accounts (the book, the generator, or the book then the generator) → respond.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::config::{DataMode, NotFoundStyle};
use crate::error::ApiError;
use crate::fixtures::response_body;
use crate::ids::RequestIds;
use crate::search::Query;
use crate::state::AppState;
use crate::{respond, validate};

/// Who asked and what answered, attached to the response for the request log (`-` when not
/// known, e.g. before authentication).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    /// The authenticated client id.
    pub client_id: String,
    /// `book`, `generated`, `none` (an empty answer) or `canned:<name>`.
    pub source: String,
}

/// The lookup handler.
pub async fn lookup(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let mut answered = Answered {
        client_id: "-".to_owned(),
        source: "-".to_owned(),
    };
    let mut response = match answer(&state, &headers, body, &mut answered).await {
        Ok(response) => response,
        Err(error) => respond::error(&error, &RequestIds::from_headers(&headers)),
    };
    response.extensions_mut().insert(answered);
    response
}

async fn answer(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    answered: &mut Answered,
) -> Result<Response, ApiError> {
    let client = state.credentials.verify(headers)?;
    answered.client_id.clone_from(&client.id);
    validate::headers(headers)?;
    let bytes = validate::read_body(body, state.settings.max_body_bytes).await?;
    let value = validate::parse_json(&bytes)?;

    let (response, source) = if let Some(canned) = state.fixtures.canned_for(&value) {
        let status =
            StatusCode::from_u16(canned.example.response.status).map_err(|_| ApiError::Internal)?;
        let response = respond::json(status, canned.body.clone());
        (response, format!("canned:{}", canned.name))
    } else {
        let request = validate::body(&state.schemas, value, state.settings.require_sp_id)?;
        let query = Query::new(&request);
        let (body, source) = find_accounts(state, &query)?;
        (respond::json(StatusCode::OK, body), source.to_owned())
    };
    answered.source = source;
    Ok(response)
}

/// The body of the accounts answering `query` from the book, the generator, or both, as the
/// data mode says, and which of them answered.
fn find_accounts(state: &AppState, query: &Query) -> Result<(String, &'static str), ApiError> {
    let from_book = || {
        let found = state.fixtures.book.search(query);
        (!found.is_empty()).then(|| response_body(&found))
    };
    let generated = || {
        let accounts = state.generator.accounts(query);
        if accounts.is_empty() {
            return Ok(None);
        }
        serde_json::to_string(&accounts)
            .map(Some)
            .map_err(|_| ApiError::Internal)
    };
    let found = match state.settings.data {
        DataMode::Fixtures => from_book().map(|body| (body, "book")),
        DataMode::Generated => generated()?.map(|body| (body, "generated")),
        DataMode::Hybrid => match from_book() {
            Some(body) => Some((body, "book")),
            None => generated()?.map(|body| (body, "generated")),
        },
    };
    match (found, state.settings.not_found) {
        (Some(found), _) => Ok(found),
        (None, NotFoundStyle::Error) => Err(ApiError::NoCustomerFound),
        (None, NotFoundStyle::Empty) => Ok(("[]".to_owned(), "none")),
    }
}
