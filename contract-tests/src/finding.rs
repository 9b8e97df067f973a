//! A finding of a contract check, as a plain value for any reporter to render.

use std::fmt;

use alliance_schemas::Violation;
use serde::Serialize;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; does not fail a run.
    Warning,
    /// The answer breaks the contract.
    Violation,
}

/// One thing a check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Whether it fails the check.
    pub severity: Severity,
    /// Whether the rule is the mock's assumption rather than AT&T's documentation.
    pub assumed: bool,
    /// JSON pointer into the answer's body.
    pub pointer: String,
    /// The rule: a JSON pointer into the schema, or a named check such as `json`.
    pub rule: String,
    /// What was expected and what arrived.
    pub message: String,
}

impl Finding {
    pub(crate) fn from_violation(violation: Violation, severity: Severity, assumed: bool) -> Self {
        Finding {
            severity,
            assumed,
            pointer: violation.pointer,
            rule: violation.schema_path,
            message: violation.message,
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Violation => "violation",
        };
        let pointer = if self.pointer.is_empty() {
            "(root)"
        } else {
            &self.pointer
        };
        write!(f, "{severity}: {pointer}: {}", self.message)?;
        if self.assumed {
            f.write_str(" (assumed rule)")?;
        }
        Ok(())
    }
}
