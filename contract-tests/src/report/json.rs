//! The JSON report: the run, its summary, and every case with its calls and findings. Secrets
//! are already redacted in the results.

use serde::Serialize;

use crate::case::{CaseResult, Summary};
use crate::coverage::Coverage;

use super::{RunInfo, assumptions};

#[derive(Serialize)]
struct JsonReport<'a> {
    target: &'a str,
    mode: &'a str,
    summary: Summary,
    assumptions: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage: Option<&'a Coverage>,
    cases: &'a [CaseResult],
}

/// Renders the results of a run (and its coverage, when given) as pretty-printed JSON.
///
/// # Errors
///
/// The serialiser's error (it does not fail for these types).
pub fn render(
    info: &RunInfo,
    results: &[CaseResult],
    coverage: Option<&Coverage>,
) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(&JsonReport {
        target: &info.target,
        mode: info.mode,
        summary: Summary::of(results),
        assumptions: assumptions(results),
        coverage,
        cases: results,
    })
}
