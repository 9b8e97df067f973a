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
    /// Whether the mock had no answer of its own (no canned example, no book match, an id the
    /// flow does not know): a proxy in fall-through mode forwards such a request.
    pub(crate) unanswered: bool,
    /// Whether the mock answered or its upstream did.
    pub(crate) route: Route,
}

/// Who answered a request: the mock, or the upstream it forwarded the request to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Route {
    /// The mock.
    #[default]
    Local,
    /// The upstream.
    Proxied,
    /// The upstream, and the exchange was recorded.
    Recorded,
}

impl Route {
    /// The name the journal gives it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Route::Local => "local",
            Route::Proxied => "proxied",
            Route::Recorded => "recorded",
        }
    }
}
