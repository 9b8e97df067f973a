//! A contract case: a named, tagged sequence of calls to the API's operations, each with what
//! its answer must show; and the outcome of running one.
//!
//! Cases are data. The [`crate::catalogue`] builds them, the [`crate::runner`] sends their calls
//! and checks each answer with [`crate::expectation`], and a reporter renders the results. A
//! case can be a flow: a call [`Capture`]s values from its answer by JSON pointer, and a later
//! call [`Fill`]s them into its body or query.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::expectation::Expectation;
use crate::finding::{Finding, Severity};

/// A group of cases, selected on the command line with `--only TAG`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tag {
    /// A handful of quick cases that show the endpoint answers at all.
    Smoke,
    /// Client id enforcement.
    Auth,
    /// Documented request rules that must be refused.
    Validation,
    /// Answers against the response and error schemas.
    Schema,
    /// Rules beyond the schema: the cap of five, exact matches, "No customer found.".
    Behaviour,
    /// Arbitrary valid and invalid requests, generated with a fixed seed.
    Generative,
    /// Lookups supplied with `--lookups FILE`.
    Lookups,
    /// The Ordering flow from the lookup to the order's status, with ids carried between steps.
    Flow,
}

impl Tag {
    /// Every tag, in the order the help text lists them.
    pub const ALL: [Tag; 8] = [
        Tag::Smoke,
        Tag::Auth,
        Tag::Validation,
        Tag::Schema,
        Tag::Behaviour,
        Tag::Generative,
        Tag::Lookups,
        Tag::Flow,
    ];

    /// The tag as written on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Tag::Smoke => "smoke",
            Tag::Auth => "auth",
            Tag::Validation => "validation",
            Tag::Schema => "schema",
            Tag::Behaviour => "behaviour",
            Tag::Generative => "generative",
            Tag::Lookups => "lookups",
            Tag::Flow => "flow",
        }
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Tag {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Tag::ALL
            .into_iter()
            .find(|tag| tag.as_str() == s)
            .ok_or_else(|| {
                let known: Vec<_> = Tag::ALL.iter().map(|t| t.as_str()).collect();
                format!("unknown tag '{s}'; expected one of {}", known.join(", "))
            })
    }
}

/// Which credentials a call sends. The real values come from the target when the call is sent,
/// so a case never holds a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credentials {
    /// The target's client id and secret.
    Valid,
    /// The secret without a `client_id` header.
    MissingClientId,
    /// The client id without a `client_secret` header.
    MissingClientSecret,
    /// The client id with a secret that is not the target's.
    WrongSecret,
}

/// The body a call sends.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// A JSON value, serialised compactly.
    Json(Value),
    /// Bytes sent as they are, e.g. text that is not JSON.
    Raw(String),
}

impl Body {
    /// The bytes on the wire.
    pub fn to_text(&self) -> String {
        match self {
            Body::Json(value) => value.to_string(),
            Body::Raw(text) => text.clone(),
        }
    }

    /// The JSON value, when the body is one.
    pub fn as_json(&self) -> Option<&Value> {
        match self {
            Body::Json(value) => Some(value),
            Body::Raw(_) => None,
        }
    }
}

/// Where a captured value goes in a later call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// At this JSON pointer of the body (the key is added when missing).
    Body(String),
    /// As this query parameter.
    Query(String),
}

/// A captured value put into a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fill {
    /// Where it goes.
    pub place: Place,
    /// The name it was captured under.
    pub name: String,
}

/// A value taken from a call's answer for later calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    /// The name later calls use.
    pub name: String,
    /// JSON pointers into the answer, tried in order (an answer may nest it either way).
    pub pointers: Vec<String>,
}

/// A call repeated until its answer settles, e.g. a contract waiting for its signature.
#[derive(Debug, Clone, PartialEq)]
pub enum Wait {
    /// Ask again while the value at `pointer` is one of `values`.
    While {
        /// Where the value is.
        pointer: String,
        /// The values that mean "not yet".
        values: Vec<Value>,
    },
    /// Ask again until the value at `pointer` differs from the first answer's; reaching the time
    /// limit without a change is not a failure.
    UntilChanged {
        /// Where the value is.
        pointer: String,
    },
}

/// One request to an operation and what its answer must show.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The `operationId` of the operation called.
    pub operation: String,
    /// Which credentials to send.
    pub credentials: Credentials,
    /// Headers of a valid request to leave out, e.g. `x-trace-id`.
    pub omit_headers: Vec<&'static str>,
    /// Headers to send instead of a valid request's, e.g. `content-type: text/plain`.
    pub replace_headers: Vec<(&'static str, String)>,
    /// The query parameters, in order.
    pub query: Vec<(String, String)>,
    /// The body, for operations that take one.
    pub body: Option<Body>,
    /// Captured values put into the body or the query before the call is sent.
    pub fills: Vec<Fill>,
    /// Values to capture from the answer.
    pub captures: Vec<Capture>,
    /// Whether to ask again until the answer settles.
    pub wait: Option<Wait>,
    /// What the answer must show.
    pub expect: Expectation,
}

impl Call {
    /// A valid lookup with this body.
    pub fn new(body: Body, expect: Expectation) -> Self {
        Call::to(crate::api::LOOKUP, Some(body), expect)
    }

    /// A valid request to the operation `operation` with this body (`None` for a `GET`).
    pub fn to(operation: &str, body: Option<Body>, expect: Expectation) -> Self {
        Call {
            operation: operation.to_owned(),
            credentials: Credentials::Valid,
            omit_headers: Vec::new(),
            replace_headers: Vec::new(),
            query: Vec::new(),
            body,
            fills: Vec::new(),
            captures: Vec::new(),
            wait: None,
            expect,
        }
    }

    /// The same call with other credentials.
    pub fn with_credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// The same call without the header `name`.
    pub fn without_header(mut self, name: &'static str) -> Self {
        self.omit_headers.push(name);
        self
    }

    /// The same call with `name: value` instead of the valid request's header.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.replace_headers.push((name, value.into()));
        self
    }

    /// The same call with the query parameter `name=value`.
    pub fn with_query(mut self, name: &str, value: impl Into<String>) -> Self {
        self.query.push((name.to_owned(), value.into()));
        self
    }

    /// The same call with the captured value `name` at `pointer` of the body.
    pub fn fill(mut self, pointer: &str, name: &str) -> Self {
        self.fills.push(Fill {
            place: Place::Body(pointer.to_owned()),
            name: name.to_owned(),
        });
        self
    }

    /// The same call with the captured value `name` as the query parameter `parameter`.
    pub fn fill_query(mut self, parameter: &str, name: &str) -> Self {
        self.fills.push(Fill {
            place: Place::Query(parameter.to_owned()),
            name: name.to_owned(),
        });
        self
    }

    /// The same call capturing `name` from the first of `pointers` its answer has.
    pub fn capture(mut self, name: &str, pointers: &[&str]) -> Self {
        self.captures.push(Capture {
            name: name.to_owned(),
            pointers: pointers.iter().map(|p| (*p).to_owned()).collect(),
        });
        self
    }

    /// The same call, asked again until its answer settles.
    pub fn waiting(mut self, wait: Wait) -> Self {
        self.wait = Some(wait);
        self
    }
}

/// A named, tagged case of the catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// `tag::behaviour`, e.g. `auth::wrong_client_secret_is_rejected`.
    pub name: String,
    /// The groups it belongs to.
    pub tags: Vec<Tag>,
    /// The requests it sends, in order.
    pub calls: Vec<Call>,
}

impl Case {
    /// A case with one call.
    pub fn new(name: impl Into<String>, tags: &[Tag], call: Call) -> Self {
        Case {
            name: name.into(),
            tags: tags.to_vec(),
            calls: vec![call],
        }
    }

    /// A case with several calls, run in order.
    pub fn flow(name: impl Into<String>, tags: &[Tag], calls: Vec<Call>) -> Self {
        Case {
            name: name.into(),
            tags: tags.to_vec(),
            calls,
        }
    }

    /// Whether the case carries `tag`.
    pub fn has_tag(&self, tag: Tag) -> bool {
        self.tags.contains(&tag)
    }

    /// Whether the case calls the operation `id`.
    pub fn calls_operation(&self, id: &str) -> bool {
        self.calls.iter().any(|call| call.operation == id)
    }
}

/// A request as sent, for a report: the secret is already `***`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentRequest {
    /// `POST`, `GET` or `PUT`.
    pub method: String,
    /// The URL, query included.
    pub url: String,
    /// The headers sent, in order, `client_secret` redacted.
    pub headers: Vec<(String, String)>,
    /// The body sent.
    pub body: String,
}

/// One call of a case as it happened: the request, the answer, and what the checks found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exchange {
    /// The `operationId` called.
    pub step: String,
    /// The captured values put into this call, by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub captured: BTreeMap<String, String>,
    /// The request, secrets redacted.
    pub request: SentRequest,
    /// When the (last) request was sent, RFC 3339 with milliseconds.
    pub started: String,
    /// How long the (last) answer took, in microseconds.
    pub elapsed_us: u64,
    /// How many times the call was asked, when it waited for its answer to settle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked: Option<u32>,
    /// The answer's HTTP status.
    pub status: u16,
    /// The answer's headers, in order.
    pub response_headers: Vec<(String, String)>,
    /// The answer's body as text (lossy for bytes that are not UTF-8).
    pub body: String,
    /// What the checks found, warnings included.
    pub findings: Vec<Finding>,
    /// Why the call could not be judged, e.g. a reference customer that is not on the endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

/// How a case ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum Outcome {
    /// No violation.
    Passed,
    /// At least one violation.
    Failed,
    /// The case could not be judged against this endpoint; the reason says why.
    Skipped {
        /// Why.
        reason: String,
    },
}

/// A case after it ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// Its tags.
    pub tags: Vec<Tag>,
    /// Passed, failed or skipped.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// Every call as it happened.
    pub exchanges: Vec<Exchange>,
    /// Why the calls after the last exchange were not sent, e.g. a value to capture that an
    /// answer did not carry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// The operations the case calls, in order, each once.
    pub operations: Vec<String>,
    /// The undocumented behaviours the case's checks rest on.
    pub assumptions: Vec<String>,
}

impl CaseResult {
    /// Judges a case from its exchanges: failed on any violation, skipped when every call was
    /// skipped or a call that found nothing to check was skipped, passed otherwise.
    pub fn new(case: &Case, exchanges: Vec<Exchange>) -> Self {
        Self::stopped(case, exchanges, None)
    }

    /// A case none of whose calls were sent, and why.
    pub fn not_run(case: &Case, reason: String) -> Self {
        Self::stopped(case, Vec::new(), Some(reason))
    }

    /// Judges a case whose calls after `exchanges` were not sent for `stopped`: failed on any
    /// violation, skipped when it stopped early or a call could not be judged, passed otherwise.
    pub fn stopped(case: &Case, exchanges: Vec<Exchange>, stopped: Option<String>) -> Self {
        let failed = exchanges
            .iter()
            .flat_map(|e| &e.findings)
            .any(|f| f.severity == Severity::Violation);
        let skipped = stopped
            .clone()
            .or_else(|| exchanges.iter().find_map(|e| e.skipped.clone()));
        let outcome = match (failed, skipped) {
            (true, _) => Outcome::Failed,
            (false, Some(reason)) => Outcome::Skipped { reason },
            (false, None) => Outcome::Passed,
        };
        let mut assumptions: Vec<String> = case
            .calls
            .iter()
            .flat_map(|call| call.expect.assumptions())
            .collect();
        assumptions.sort();
        assumptions.dedup();
        let mut operations: Vec<String> = Vec::new();
        for call in &case.calls {
            if !operations.contains(&call.operation) {
                operations.push(call.operation.clone());
            }
        }
        CaseResult {
            name: case.name.clone(),
            tags: case.tags.clone(),
            outcome,
            exchanges,
            stopped,
            operations,
            assumptions,
        }
    }

    /// Every finding of every call, with the call's index.
    pub fn findings(&self) -> impl Iterator<Item = (usize, &Finding)> {
        self.exchanges
            .iter()
            .enumerate()
            .flat_map(|(index, exchange)| exchange.findings.iter().map(move |f| (index, f)))
    }

    /// The violations of every call, with the call's index.
    pub fn violations(&self) -> impl Iterator<Item = (usize, &Finding)> {
        self.findings()
            .filter(|(_, f)| f.severity == Severity::Violation)
    }

    /// The warnings of every call, with the call's index.
    pub fn warnings(&self) -> impl Iterator<Item = (usize, &Finding)> {
        self.findings()
            .filter(|(_, f)| f.severity == Severity::Warning)
    }
}

/// Counts of a run's outcomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Cases without a violation.
    pub passed: usize,
    /// Cases with at least one violation.
    pub failed: usize,
    /// Cases that could not be judged.
    pub skipped: usize,
    /// Warnings over all cases.
    pub warnings: usize,
}

impl Summary {
    /// Counts the outcomes of `results`.
    pub fn of(results: &[CaseResult]) -> Self {
        let mut summary = Summary::default();
        for result in results {
            match result.outcome {
                Outcome::Passed => summary.passed += 1,
                Outcome::Failed => summary.failed += 1,
                Outcome::Skipped { .. } => summary.skipped += 1,
            }
            summary.warnings += result.warnings().count();
        }
        summary
    }

    /// Whether no case failed.
    pub fn is_success(&self) -> bool {
        self.failed == 0
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}
