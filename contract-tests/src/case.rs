//! A contract case: a named, tagged set of calls to the lookup, each with what its answer must
//! show; and the outcome of running one.
//!
//! Cases are data. The [`crate::catalogue`] builds them, the [`crate::runner`] sends their calls
//! and checks each answer with [`crate::expectation`], and a reporter renders the results.

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
}

impl Tag {
    /// Every tag, in the order the help text lists them.
    pub const ALL: [Tag; 7] = [
        Tag::Smoke,
        Tag::Auth,
        Tag::Validation,
        Tag::Schema,
        Tag::Behaviour,
        Tag::Generative,
        Tag::Lookups,
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

/// One request to the lookup and what its answer must show.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Which credentials to send.
    pub credentials: Credentials,
    /// Headers of a valid request to leave out, e.g. `x-trace-id`.
    pub omit_headers: Vec<&'static str>,
    /// Headers to send instead of a valid request's, e.g. `content-type: text/plain`.
    pub replace_headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Body,
    /// What the answer must show.
    pub expect: Expectation,
}

impl Call {
    /// A valid request with this body.
    pub fn new(body: Body, expect: Expectation) -> Self {
        Call {
            credentials: Credentials::Valid,
            omit_headers: Vec::new(),
            replace_headers: Vec::new(),
            body,
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

    /// Whether the case carries `tag`.
    pub fn has_tag(&self, tag: Tag) -> bool {
        self.tags.contains(&tag)
    }
}

/// A request as sent, for a report: the secret is already `***`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentRequest {
    /// `POST`.
    pub method: String,
    /// The URL.
    pub url: String,
    /// The headers sent, in order, `client_secret` redacted.
    pub headers: Vec<(String, String)>,
    /// The body sent.
    pub body: String,
}

/// One call of a case as it happened: the request, the answer, and what the checks found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exchange {
    /// The request, secrets redacted.
    pub request: SentRequest,
    /// The answer's HTTP status.
    pub status: u16,
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
    /// The undocumented behaviours the case's checks rest on.
    pub assumptions: Vec<String>,
}

impl CaseResult {
    /// Judges a case from its exchanges: failed on any violation, skipped when every call was
    /// skipped or a call that found nothing to check was skipped, passed otherwise.
    pub fn new(case: &Case, exchanges: Vec<Exchange>) -> Self {
        let failed = exchanges
            .iter()
            .flat_map(|e| &e.findings)
            .any(|f| f.severity == Severity::Violation);
        let skipped = exchanges.iter().find_map(|e| e.skipped.clone());
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
        CaseResult {
            name: case.name.clone(),
            tags: case.tags.clone(),
            outcome,
            exchanges,
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
