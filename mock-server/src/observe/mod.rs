//! What the mock tells about each request: the bookkeeping layer around every route ([`layer`]),
//! the journal of recent requests ([`journal`]) and the log ([`log`]).
//!
//! Handlers say what answered by putting an [`Answered`] in the response's extensions; the
//! layer reads it from there, so it never imports an endpoint.

use std::borrow::Cow;

use axum::body::Bytes;

use crate::scenario::select::Source;

pub(crate) mod journal;
pub(crate) mod layer;
pub(crate) mod log;

/// Who asked and what answered, attached by a handler to its response for the request log and
/// the journal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Answered {
    /// The authenticated client id, once authenticated.
    pub(crate) client_id: Option<String>,
    /// The `operationId` of the operation asked for.
    pub(crate) operation: Option<&'static str>,
    /// `book`, `generated`, `scenario`, `none` (an empty answer), `canned:<name>`; empty when
    /// nothing answered.
    pub(crate) source: Cow<'static, str>,
    /// The scenario applied, if any.
    pub(crate) scenario: Option<String>,
    /// How the scenario was chosen.
    pub(crate) scenario_source: Option<Source>,
    /// The request body as read.
    pub(crate) body: Option<Bytes>,
}
