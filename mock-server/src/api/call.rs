//! The steps every operation takes before its own, in the gateway's order: auth → rate limit →
//! the body read (its errors reported later) → the scenario chosen → an error or a cut
//! connection answers now → the headers checked → the body within its limits and JSON.
//!
//! An operation's handler calls [`admit`] and goes on with what it returns: the parsed body and
//! the scenario that reshapes or delays its answer.

use std::borrow::Cow;
use std::sync::Arc;

use axum::body::Body;
use axum::http::request::Parts;
use axum::response::Response;
use serde_json::Value;

use crate::fixtures::Fixtures;
use crate::http::body;
use crate::http::connection::Connection;
use crate::http::error::ApiError;
use crate::http::headers::SCENARIO;
use crate::observe::Answered;
use crate::scenario::select::{self, Sources};
use crate::scenario::{Behaviour, Scenario, fault};
use crate::state::AppState;

/// What a request brings once admitted.
#[derive(Debug)]
pub(crate) enum Admitted<'f> {
    /// The scenario answered already (a cut connection, a body that is not JSON).
    Answered(Response),
    /// The operation answers, given the parsed body and the scenario, if any.
    Body {
        /// The request body as JSON (a scenario marker in it already taken out).
        value: Value,
        /// The scenario of this request.
        scenario: Option<&'f Scenario>,
    },
}

/// Runs the shared steps for a request (see the module's documentation), writing who asked and
/// which scenario applies into `answered`.
///
/// # Errors
///
/// The [`ApiError`] of the first step that refuses the request, or of an `error` scenario.
pub(crate) async fn admit<'f>(
    state: &AppState,
    fixtures: &'f Fixtures,
    parts: &Parts,
    body: Body,
    answered: &mut Answered,
) -> Result<Admitted<'f>, ApiError> {
    let headers = &parts.headers;
    let client = state.credentials.verify(headers)?;
    answered.client_id = Some(client.id.clone());
    state.rate_limits.admit(&client.id)?;

    // The body is read before the header checks so that a body marker can choose the scenario;
    // a read error is reported in its usual place, after the header checks.
    let read = body::read(
        body,
        state.settings.max_body_bytes,
        state.settings.read_timeout,
    )
    .await;
    if let Ok(bytes) = &read {
        answered.body = state.observer.journal.kept_body(bytes);
    }
    let mut parsed: Option<Value> = read
        .as_ref()
        .ok()
        .and_then(|bytes| serde_json::from_slice(bytes).ok());
    let server_wide = state.active_scenario.load();
    let chosen = select::choose(
        &fixtures.scenarios,
        &state.chaos,
        Sources {
            header: headers.get(SCENARIO),
            bound: client.scenario.as_deref(),
            body: parsed.as_mut(),
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

    body::check_headers(headers)?;
    let bytes = read?;
    let value = match parsed {
        Some(value) => value,
        None => body::parse_json(&bytes)?,
    };
    Ok(Admitted::Body {
        value,
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
