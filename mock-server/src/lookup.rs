//! `POST /api/v1/customerAccountLookup`: the request's path through the mock, in order.
//!
//! auth → rate limit → choose a scenario → (an error or a cut connection answers now) →
//! validate headers, body size, JSON → canned example? → validate the body → find accounts
//! (the book, the generator, or both; reshaped by a scenario) → respond (late, dripping or cut
//! short by a fault scenario).
//!
//! A plainly valid body skips the JSON tree, the canned comparison and the full validation (see
//! [`validate::quick_request`]); every answer is the one the full path would give.

use std::borrow::Cow;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::Value;

use crate::config::{DataMode, NotFoundStyle};
use crate::error::ApiError;
use crate::fixtures::{BookEntry, Fixtures, response_body};
use crate::headers::LookupHeaders;
use crate::ids::RequestIds;
use crate::scenario::select::{self, Source};
use crate::scenario::{AccountsShape, Behaviour, Scenario, shape};
use crate::search::Query;
use crate::state::AppState;
use crate::transport::Connection;
use crate::{account::Account, fault, respond, validate};

/// Who asked and what answered, attached to the response for the request log and the journal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answered {
    /// The authenticated client id, once authenticated.
    pub client_id: Option<String>,
    /// `book`, `generated`, `scenario`, `none` (an empty answer), `canned:<name>`; empty when
    /// nothing answered.
    pub source: Cow<'static, str>,
    /// The scenario applied, if any.
    pub scenario: Option<String>,
    /// How the scenario was chosen.
    pub scenario_source: Option<Source>,
    /// The request body as read.
    pub body: Option<Bytes>,
}

/// The lookup handler, with its own bookkeeping (see [`crate::observe::observed`]).
pub async fn lookup(State(state): State<Arc<AppState>>, request: Request) -> Response {
    crate::observe::observed(&state, request, |request| handle(&state, request)).await
}

async fn handle(state: &AppState, request: Request) -> (Response, Option<Answered>) {
    let (parts, body) = request.into_parts();
    let connection = crate::transport::current_connection();
    let mut answered = Answered::default();
    let result = answer(state, &parts.headers, body, connection, &mut answered).await;
    let response = match result {
        Ok(response) => response,
        Err(error) => respond::error(&error, &RequestIds::from_headers(&parts.headers)),
    };
    (response, Some(answered))
}

async fn answer(
    state: &AppState,
    headers: &HeaderMap,
    body: axum::body::Body,
    connection: Option<Arc<Connection>>,
    answered: &mut Answered,
) -> Result<Response, ApiError> {
    let fixtures = state.fixtures.load_full();
    let found = LookupHeaders::of(headers);
    let client = state
        .credentials
        .verify_pair(found.client_id, found.client_secret)?;
    answered.client_id = Some(client.id.clone());
    state.rate_limits.admit(&client.id)?;

    // The body is read before the header checks so a body marker can choose the scenario; a
    // read error is reported in its usual place, after the header checks.
    let read = validate::read_body(
        body,
        state.settings.max_body_bytes,
        state.settings.read_timeout,
    )
    .await;
    // The quick path reads a plainly valid body straight into a request; anything else is
    // parsed as JSON and goes the full way (markers, canned examples, every violation).
    let quick = read.as_ref().ok().and_then(|bytes| {
        validate::quick_request(state.quick_check.as_ref(), bytes, |name| {
            fixtures.canned_might_match(name)
        })
    });
    let mut parsed: Option<Value> = match (&quick, &read) {
        (None, Ok(bytes)) => serde_json::from_slice(bytes).ok(),
        _ => None,
    };
    if let Ok(bytes) = &read
        && state.journal.capacity() > 0
    {
        // A copy: a slice would pin the connection's whole read buffer for as long as the
        // journal keeps the entry.
        answered.body = Some(Bytes::copy_from_slice(bytes));
    }
    let chosen = choose_scenario(
        state,
        &fixtures,
        found.scenario,
        client.scenario.as_deref(),
        parsed.as_mut(),
    )?;
    if let Some((scenario, source)) = chosen {
        answered.scenario = Some(scenario.name.clone());
        answered.scenario_source = Some(source);
    }
    let behaviour = chosen.map(|(scenario, _)| &scenario.behaviour);
    match behaviour {
        Some(Behaviour::Error(error)) => return Err(scenario_error(error)),
        Some(Behaviour::Fault(f)) if fault::is_immediate(f) => {
            answered.source = Cow::Borrowed("scenario");
            return fault::immediate(f, connection.as_ref());
        }
        _ => {}
    }

    validate::headers(&found)?;
    let bytes = match &read {
        Ok(bytes) => bytes,
        Err(error) => return Err(error.clone()),
    };
    let shape = match behaviour {
        Some(Behaviour::Accounts(shape)) => Some(shape),
        _ => None,
    };
    let next = match quick {
        Some(fields) => Next::Search(fields.query()),
        None => {
            let value = match parsed {
                Some(value) => value,
                None => validate::parse_json(bytes)?,
            };
            let canned = if shape.is_none() {
                fixtures.canned_for(&value)
            } else {
                None
            };
            match canned {
                Some(canned) => Next::Canned(canned),
                None => Next::Search(Query::new(&validate::body(
                    &state.schemas,
                    value,
                    state.settings.require_sp_id,
                )?)),
            }
        }
    };
    let response = match next {
        Next::Canned(canned) => {
            let status = StatusCode::from_u16(canned.example.response.status)
                .map_err(|_| ApiError::Internal)?;
            answered.source = Cow::Owned(format!("canned:{}", canned.name));
            respond::json(status, canned.body.clone())
        }
        Next::Search(query) => {
            let (body, source) = match shape {
                Some(shape) => {
                    let (body, source) = shaped_accounts(state, &fixtures, &query, shape)?;
                    (Bytes::from(body), source)
                }
                None => usual_accounts(state, &fixtures, &query)?,
            };
            answered.source = Cow::Borrowed(source);
            respond::json(StatusCode::OK, body)
        }
    };
    Ok(match behaviour {
        Some(Behaviour::Fault(f)) => {
            fault::deliver(f, response, connection, state.chaos.draw()).await
        }
        _ => response,
    })
}

/// What answers a request once its body is read: a canned example, or the search.
enum Next<'a> {
    Canned(&'a crate::fixtures::Canned),
    Search(Query),
}

/// The scenario of this request, most specific source first (see [`select`]).
fn choose_scenario<'a>(
    state: &AppState,
    fixtures: &'a Fixtures,
    scenario_header: Option<&HeaderValue>,
    bound: Option<&str>,
    body: Option<&mut Value>,
) -> Result<Option<(&'a Scenario, Source)>, ApiError> {
    let scenarios = &fixtures.scenarios;
    let more_specific = match select::from_header(scenario_header, scenarios)? {
        Some(scenario) => Some((scenario, Source::Header)),
        None => bound
            .and_then(|name| scenarios.get(name))
            .map(|scenario| (scenario, Source::Client)),
    };
    if let Some(chosen) = more_specific {
        // A marker in the body is overruled, but still not searched for as a name.
        if let Some(body) = body {
            select::strip_marker(body);
        }
        return Ok(Some(chosen));
    }
    if let Some(body) = body
        && let Some(scenario) = select::from_body(body, scenarios)?
    {
        return Ok(Some((scenario, Source::BodyMarker)));
    }
    let active = state.active_scenario.load();
    if let Some(scenario) = active.as_deref().and_then(|name| scenarios.get(name)) {
        return Ok(Some((scenario, Source::ServerWide)));
    }
    Ok(state
        .chaos
        .next(scenarios)
        .map(|scenario| (scenario, Source::Chaos)))
}

fn scenario_error(error: &crate::scenario::ErrorAnswer) -> ApiError {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    ApiError::Scenario {
        status,
        message: error
            .message
            .clone()
            .unwrap_or_else(|| status.canonical_reason().unwrap_or("Error").to_owned()),
        description: error.description.clone(),
        violations: error.violations.as_ref().map(|all| {
            all.iter()
                .map(|v| alliance_schemas::Violation {
                    pointer: v.pointer.clone(),
                    schema_path: String::new(),
                    message: v.message.clone(),
                })
                .collect()
        }),
        retry_after: error.retry_after,
    }
}

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

fn not_found(state: &AppState) -> Result<(String, &'static str), ApiError> {
    match state.settings.not_found {
        NotFoundStyle::Error => Err(ApiError::NoCustomerFound),
        NotFoundStyle::Empty => Ok(("[]".to_owned(), "none")),
    }
}

/// The usual answer: the book's accounts, or generated ones (kept for the next time the same
/// question is asked), or "nobody", as the data mode says.
fn usual_accounts(
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
        None => not_found(state).map(|(body, source)| (Bytes::from(body), source)),
    }
}

/// The usual accounts, topped up with generated ones or cut to the scenario's count, then
/// reshaped.
fn shaped_accounts(
    state: &AppState,
    fixtures: &Fixtures,
    query: &Query,
    shape_spec: &AccountsShape,
) -> Result<(String, &'static str), ApiError> {
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
    serde_json::to_string(&accounts)
        .map(|body| (body, "scenario"))
        .map_err(|_| ApiError::Internal)
}
