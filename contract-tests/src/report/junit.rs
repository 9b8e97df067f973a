//! JUnit XML: one test suite, one test case per contract case, failures carrying the violation
//! text, skipped cases with their reason, warnings in `system-out`.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::case::{CaseResult, Outcome};

use super::{RunInfo, failure_text};

/// Renders the results of a run as JUnit XML.
///
/// # Errors
///
/// The XML writer's error (it does not fail for any text this crate produces).
pub fn render(
    info: &RunInfo,
    results: &[CaseResult],
) -> Result<String, quick_junit::SerializeError> {
    let mut report = Report::new("contract-tests");
    let mut suite = TestSuite::new(format!("contract-tests ({} mode)", info.mode));
    suite.add_property(("target", info.target.as_str()));
    for result in results {
        let status = match &result.outcome {
            Outcome::Passed => TestCaseStatus::success(),
            Outcome::Failed => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                let first = result
                    .violations()
                    .next()
                    .map(|(_, finding)| finding.to_string())
                    .unwrap_or_default();
                status
                    .set_message(first)
                    .set_type("contract violation")
                    .set_description(failure_text(result));
                status
            }
            Outcome::Skipped { reason } => {
                let mut status = TestCaseStatus::skipped();
                status.set_message(reason.as_str());
                status
            }
        };
        let (classname, name) = result
            .name
            .split_once("::")
            .unwrap_or(("contract", result.name.as_str()));
        let mut case = TestCase::new(name, status);
        case.set_classname(format!("contract.{classname}"));
        let warnings: Vec<String> = result
            .warnings()
            .map(|(call, finding)| format!("call {}: {finding}", call + 1))
            .collect();
        if !warnings.is_empty() {
            case.set_system_out(warnings.join("\n"));
        }
        suite.add_test_case(case);
    }
    report.add_test_suite(suite);
    report.to_string()
}
