//! The steps every operation takes before its own, in the gateway's order: auth → rate limit →
//! the body read (its errors reported later) → the scenario chosen → an error or a cut
//! connection answers now → the headers checked → the body within its limits and JSON (or, for
//! an operation without a body, the query as an object).
//!
//! The lookup calls [`admit`] and goes on with what it returns. The other operations go through
//! [`serve`]: admit → the request validated against its schema → the operation's own answer →
//! an `answer` scenario's changes → the answer, late, dripping or cut short by a fault scenario.

use std::borrow::Cow;
use std::sync::Arc;

use alliance_schemas::{SchemaName, Strictness};
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::domain::flow::error::{FlowError, Refusal};
use crate::domain::flow::ledger::{Ledger, Rules};
use crate::domain::flow::records::Moment;
use crate::domain::operation::Operation;
use crate::fixtures::Fixtures;
use crate::http::body;
use crate::http::connection::Connection;
use crate::http::error::ApiError;
use crate::http::headers::SCENARIO;
use crate::http::respond;
use crate::observe::Answered;
use crate::scenario::select::{self, Sources};
use crate::scenario::{Behaviour, FlowChange, Scenario, fault, shape};
use crate::state::AppState;

/// What a request brings once admitted.
#[derive(Debug)]
pub(crate) enum Admitted<'f> {
    /// The scenario answered already (a cut connection, a body that is not JSON).
    Answered(Response),
    /// The operation answers, given the parsed body and the scenario, if any.
    Body {
        /// The request body as JSON (a scenario marker in it already taken out), or the query
        /// as an object of strings.
        value: Value,
        /// The body (or the query) as sent.
        raw: Bytes,
        /// The scenario of this request.
        scenario: Option<&'f Scenario>,
    },
}

/// Runs the shared steps for a request of `operation` (see the module's documentation), writing
/// who asked and which scenario applies into `answered`.
///
/// # Errors
///
/// The [`ApiError`] of the first step that refuses the request, or of an `error` scenario.
pub(crate) async fn admit<'f>(
    state: &AppState,
    fixtures: &'f Fixtures,
    operation: Operation,
    parts: &Parts,
    body: Body,
    answered: &mut Answered,
) -> Result<Admitted<'f>, ApiError> {
    answered.operation = Some(operation.id());
    let headers = &parts.headers;
    let client = state.credentials.verify(headers)?;
    answered.client_id = Some(client.id.clone());
    state.rate_limits.admit(&client.id)?;

    // The body is read before the header checks so that a body marker can choose the scenario;
    // a read error is reported in its usual place, after the header checks.
    let (read, mut parsed) = if operation.has_body() {
        let read = body::read(
            body,
            state.settings.max_body_bytes,
            state.settings.read_timeout,
        )
        .await;
        if let Ok(bytes) = &read {
            answered.body = state.observer.journal.kept_body(bytes);
        }
        let parsed: Option<Value> = read
            .as_ref()
            .ok()
            .and_then(|bytes| serde_json::from_slice(bytes).ok());
        (read, parsed)
    } else {
        let query = parts.uri.query().unwrap_or_default();
        (
            Ok(Bytes::copy_from_slice(query.as_bytes())),
            Some(body::query_object(Some(query))?),
        )
    };
    let server_wide = state.active_scenario.load();
    let chosen = select::choose(
        &fixtures.scenarios,
        &state.chaos,
        operation,
        Sources {
            header: headers.get(SCENARIO),
            bound: client.scenario.as_deref(),
            body: parsed.as_mut().filter(|_| operation.has_body()),
            server_wide: server_wide.as_deref().map(String::as_str),
        },
    )?;
    if let Some((scenario, source)) = chosen {
        answered.scenario = Some(scenario.name.clone());
        answered.scenario_source = Some(source);
        match &scenario.behaviour {
            Behaviour::Error(error) => return Err(error.to_api_error()),
            Behaviour::Fault(f) if fault::is_immediate(f) => {
                answered.source = Cow::Borrowed("scenario");
                let connection = parts.extensions.get::<Arc<Connection>>();
                return fault::immediate(f, connection).map(Admitted::Answered);
            }
            _ => {}
        }
    }

    if operation.has_body() {
        body::check_headers(headers)?;
    } else {
        body::check_trace_id(headers)?;
    }
    let raw = read?;
    let value = match parsed {
        Some(value) => value,
        None => body::parse_json(&raw)?,
    };
    Ok(Admitted::Body {
        value,
        raw,
        scenario: chosen.map(|(scenario, _)| scenario),
    })
}

/// Delivers an operation's usual answer through the request's fault scenario, if it has one:
/// late, dripping or cut short.
pub(crate) async fn deliver(
    state: &AppState,
    parts: &Parts,
    scenario: Option<&Scenario>,
    response: Response,
) -> Response {
    match scenario.map(|scenario| &scenario.behaviour) {
        Some(Behaviour::Fault(f)) => {
            let connection = parts.extensions.get::<Arc<Connection>>().cloned();
            fault::deliver(f, response, connection, state.chaos.draw()).await
        }
        _ => response,
    }
}

/// An admitted request of an operation other than the lookup, as its handler sees it.
pub(crate) struct Call<'a> {
    /// The shared state.
    pub(crate) state: &'a AppState,
    /// The authenticated client.
    pub(crate) client: &'a str,
    /// The body (or the query object), valid against the operation's request schema.
    pub(crate) value: Value,
    /// The key of the request for the ids it makes.
    pub(crate) key: u64,
    /// The request's headers.
    pub(crate) headers: &'a HeaderMap,
    /// The scenario of the request.
    pub(crate) scenario: Option<&'a Scenario>,
}

impl Call<'_> {
    /// The `flow` scenario of the request, if it has one.
    pub(crate) fn flow_change(&self) -> Option<&FlowChange> {
        match self.scenario.map(|scenario| &scenario.behaviour) {
            Some(Behaviour::Flow(change)) => Some(change),
            _ => None,
        }
    }

    /// Runs a step of the flow on the client's ledger, with the key for the ids the request makes
    /// (the same request made again gets other ids) and the flow's time now.
    ///
    /// # Errors
    ///
    /// The step's refusal, as [`refused`] answers it.
    pub(crate) fn step<T>(
        &self,
        mut step: impl FnMut(&mut Ledger, &Rules, u64, Moment) -> Result<T, FlowError>,
    ) -> Result<T, ApiError> {
        let flow = &self.state.flow;
        let now = flow.now();
        let mut made = None;
        flow.store.update(self.client, &mut |ledger| {
            let key = ledger.occurrence_key(self.key, &flow.rules);
            made = Some(step(ledger, &flow.rules, key, now));
        });
        made.ok_or(ApiError::Internal)?.map_err(refused)
    }

    /// Reads the client's ledger for a step that makes nothing (the `GET`s), with the request's
    /// own key and the flow's time now.
    ///
    /// # Errors
    ///
    /// The step's refusal, as [`refused`] answers it.
    pub(crate) fn look<T>(
        &self,
        mut look: impl FnMut(&Ledger, &Rules, u64, Moment) -> Result<T, FlowError>,
    ) -> Result<T, ApiError> {
        let flow = &self.state.flow;
        let now = flow.now();
        let mut found = None;
        flow.store.update(self.client, &mut |ledger| {
            found = Some(look(ledger, &flow.rules, self.key, now));
        });
        found.ok_or(ApiError::Internal)?.map_err(refused)
    }

    /// Applies the request's `answer` scenario, if any, to an answer (idempotent).
    pub(crate) fn shape(&self, answer: &mut Value) {
        if let Some(Behaviour::Answer(change)) = self.scenario.map(|scenario| &scenario.behaviour) {
            shape::change_answer(answer, change);
        }
    }
}

/// How an operation's handler answers an admitted request: the status and the JSON body.
pub(crate) type Answer = Result<(StatusCode, Value), ApiError>;

/// Serves a request of `operation` through the shared steps: see the module's documentation.
/// `request_schema` validates the body (or the query object); `answer` makes the answer.
pub(crate) async fn serve(
    state: Arc<AppState>,
    operation: Operation,
    request_schema: SchemaName,
    request: Request,
    answer: impl FnOnce(Call<'_>) -> Answer,
) -> Response {
    let (parts, body) = request.into_parts();
    let mut answered = Answered::default();
    let fixtures = state.fixtures.load_full();
    let mut response = match admit(&state, &fixtures, operation, &parts, body, &mut answered).await
    {
        Ok(Admitted::Answered(response)) => response,
        Ok(Admitted::Body {
            value,
            raw,
            scenario,
        }) => {
            if let Some(canned) = canned(&fixtures, operation, &value, scenario) {
                answered.source = Cow::Owned(format!("canned:{}", canned.name));
                let status = StatusCode::from_u16(canned.example.response.status);
                let response = respond::json(status.unwrap_or(StatusCode::OK), canned.body.clone());
                deliver(&state, &parts, scenario, response).await
            } else {
                let client = answered.client_id.as_deref().unwrap_or_default();
                let outcome =
                    validate(&state, operation, request_schema, value).and_then(|value| {
                        let call = Call {
                            state: &state,
                            client,
                            key: state.flow.request_key(client, operation.id(), &raw),
                            value,
                            headers: &parts.headers,
                            scenario,
                        };
                        let (status, mut body) = answer(call)?;
                        if let Some(Behaviour::Answer(change)) =
                            scenario.map(|scenario| &scenario.behaviour)
                        {
                            shape::change_answer(&mut body, change);
                        }
                        Ok((status, body))
                    });
                match outcome {
                    Ok((status, body)) => {
                        answered.source = Cow::Borrowed("flow");
                        let response = respond::json(status, body.to_string());
                        deliver(&state, &parts, scenario, response).await
                    }
                    Err(error) => {
                        // An id the flow does not know: a proxy in fall-through mode asks its
                        // upstream instead.
                        answered.unanswered = matches!(
                            &error,
                            ApiError::Flow { status, .. } if *status == StatusCode::NOT_FOUND
                        );
                        error.into_response()
                    }
                }
            }
        }
        Err(error) => error.into_response(),
    };
    response.extensions_mut().insert(answered);
    response
}

/// The canned example that answers the request, unless a `flow` or `answer` scenario wants the
/// operation's own answer. Checked before the request schema, as for the lookup: a recorded
/// exchange answers as it was recorded.
fn canned<'f>(
    fixtures: &'f Fixtures,
    operation: Operation,
    value: &Value,
    scenario: Option<&Scenario>,
) -> Option<&'f crate::fixtures::Canned> {
    let own_answer = matches!(
        scenario.map(|scenario| &scenario.behaviour),
        Some(Behaviour::Flow(_) | Behaviour::Answer(_))
    );
    (!own_answer)
        .then(|| fixtures.canned_for(operation, value))
        .flatten()
}

/// Checks the body (or query object) against the operation's request schema.
///
/// # Errors
///
/// [`ApiError::InvalidBody`] (or [`ApiError::InvalidQuery`]) listing every violation.
fn validate(
    state: &AppState,
    operation: Operation,
    schema: SchemaName,
    value: Value,
) -> Result<Value, ApiError> {
    let violations = state
        .schemas
        .validate(schema, Strictness::AsWritten, &value);
    match (violations.is_empty(), operation.has_body()) {
        (true, _) => Ok(value),
        (false, true) => Err(ApiError::InvalidBody { violations }),
        (false, false) => Err(ApiError::InvalidQuery { violations }),
    }
}

/// The fields an operation reads from a body its schema accepted.
///
/// # Errors
///
/// [`ApiError::InvalidBody`] if the type and the schema disagree (a defect, reported as such).
pub(crate) fn read<T: serde::de::DeserializeOwned>(value: &Value) -> Result<T, ApiError> {
    T::deserialize(value).map_err(|error| ApiError::InvalidBody {
        violations: vec![alliance_schemas::Violation {
            pointer: String::new(),
            schema_path: String::new(),
            message: error.to_string(),
        }],
    })
}

/// A time as answers write it: RFC 3339, in seconds, UTC.
pub(crate) fn rfc3339(time: std::time::SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
}

/// A refusal of the flow as the mock answers it: 404 for an id that names nothing, 409 for a
/// step out of order, 422 for terms not accepted (all assumed).
pub(crate) fn refused(error: FlowError) -> ApiError {
    let status = match error.refusal() {
        Refusal::NotFound => StatusCode::NOT_FOUND,
        Refusal::Conflict => StatusCode::CONFLICT,
        Refusal::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
    };
    ApiError::Flow {
        status,
        description: error.to_string(),
    }
}
