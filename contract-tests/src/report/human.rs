//! The report for people, shaped like `cargo test`'s: a line per case, the failures in detail,
//! the warnings, the assumed checks, and a closing `N passed, N failed, N skipped`.

use std::fmt::Write as _;

use crate::case::{CaseResult, Outcome, Summary};
use crate::coverage::Coverage;

use super::{RunInfo, assumptions, failure_text};

/// Renders the results of a run, with its coverage when given.
pub fn render(info: &RunInfo, results: &[CaseResult], coverage: Option<&Coverage>) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "running {} contract cases against {} ({} mode)",
        results.len(),
        info.target,
        info.mode
    );
    for result in results {
        let outcome = match &result.outcome {
            Outcome::Passed => "ok".to_owned(),
            Outcome::Failed => "FAILED".to_owned(),
            Outcome::Skipped { reason } => format!("skipped: {reason}"),
        };
        let _ = writeln!(text, "case {} ... {outcome}", result.name);
    }
    let failed: Vec<&CaseResult> = results
        .iter()
        .filter(|r| r.outcome == Outcome::Failed)
        .collect();
    if !failed.is_empty() {
        text.push_str("\nfailures:\n");
        for result in &failed {
            let _ = write!(
                text,
                "\n---- {} ----\n{}",
                result.name,
                failure_text(result)
            );
        }
    }
    let warnings: Vec<String> = results
        .iter()
        .flat_map(|r| {
            r.warnings()
                .map(move |(call, finding)| format!("  {} (call {}): {finding}", r.name, call + 1))
        })
        .collect();
    if !warnings.is_empty() {
        let _ = writeln!(text, "\nwarnings:\n{}", warnings.join("\n"));
    }
    let assumed = assumptions(results);
    if !assumed.is_empty() {
        text.push_str(
            "\nassumed checks (not documented by AT&T: a mismatch is a warning, a failure with --strict):\n",
        );
        for assumption in assumed {
            let _ = writeln!(text, "  - {assumption}");
        }
    }
    if let Some(coverage) = coverage {
        text.push('\n');
        text.push_str(&coverage.render());
    }
    if !failed.is_empty() {
        text.push_str("\nfailures:\n");
        for result in &failed {
            let _ = writeln!(text, "    {}", result.name);
        }
    }
    let summary = Summary::of(results);
    let verdict = if summary.is_success() { "ok" } else { "FAILED" };
    let _ = writeln!(
        text,
        "\ncontract result: {verdict}. {} warning(s)\n{summary}",
        summary.warnings
    );
    text
}
