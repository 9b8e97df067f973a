//! Reporters: a run's results rendered for people ([`human`]), CI test views ([`junit`]), tools
//! ([`json`]) and HTTP tools ([`har`], every exchange). Reporters only render; the findings are values made by the checks.

pub mod har;
pub mod human;
pub mod json;
pub mod junit;

use std::fmt::Write as _;

use serde::Serialize;

use crate::Mode;
use crate::case::{CaseResult, Exchange};
use crate::finding::Severity;

/// What a report says about the run as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunInfo {
    /// The endpoint's base URL.
    pub target: String,
    /// `strict` or `tolerant`.
    pub mode: &'static str,
}

impl RunInfo {
    /// Describes a run against `target` in `mode`.
    pub fn new(target: impl Into<String>, mode: Mode) -> Self {
        RunInfo {
            target: target.into(),
            mode: match mode {
                Mode::Strict => "strict",
                Mode::Tolerant => "tolerant",
            },
        }
    }
}

/// The undocumented behaviours the run's cases rest on, sorted, each once.
pub fn assumptions(results: &[CaseResult]) -> Vec<String> {
    let mut all: Vec<String> = results
        .iter()
        .flat_map(|r| r.assumptions.iter().cloned())
        .collect();
    all.sort();
    all.dedup();
    all
}

/// The longest answer body quoted in a report, in characters.
const BODY_EXCERPT: usize = 300;

/// Every call of `result` that has a violation: the request (secret already redacted), the
/// status, the answer, and each violation with its pointer and rule.
pub fn failure_text(result: &CaseResult) -> String {
    let calls = result.exchanges.len();
    let mut text = String::new();
    for (index, exchange) in result.exchanges.iter().enumerate() {
        if !exchange
            .findings
            .iter()
            .any(|f| f.severity == Severity::Violation)
        {
            continue;
        }
        let _ = writeln!(text, "call {} of {calls}: {}", index + 1, exchange.step);
        exchange_text(&mut text, exchange);
    }
    if let Some(reason) = &result.stopped {
        let _ = writeln!(text, "stopped: {reason}");
    }
    text
}

fn exchange_text(text: &mut String, exchange: &Exchange) {
    let request = &exchange.request;
    if !exchange.captured.is_empty() {
        let captured: Vec<String> = exchange
            .captured
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        let _ = writeln!(text, "  captured: {}", captured.join(", "));
    }
    let _ = writeln!(text, "  request: {} {}", request.method, request.url);
    for (name, value) in &request.headers {
        let _ = writeln!(text, "    {name}: {value}");
    }
    let _ = writeln!(text, "    body: {}", request.body);
    let _ = writeln!(text, "  status: {}", exchange.status);
    let _ = writeln!(text, "  answer: {}", excerpt(&exchange.body));
    for finding in exchange
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Violation)
    {
        let pointer = if finding.pointer.is_empty() {
            "(root)"
        } else {
            &finding.pointer
        };
        let assumed = if finding.assumed { " (assumed)" } else { "" };
        let _ = writeln!(text, "  violation at {pointer}{assumed}");
        let _ = writeln!(text, "    rule: {}", finding.rule);
        let _ = writeln!(text, "    {}", finding.message);
    }
}

fn excerpt(body: &str) -> String {
    let flat: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > BODY_EXCERPT {
        let cut: String = flat.chars().take(BODY_EXCERPT).collect();
        format!("{cut}...")
    } else if flat.is_empty() {
        "(empty)".to_owned()
    } else {
        flat
    }
}
