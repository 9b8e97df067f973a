//! The contract suite of the End-Customer Lookup API, the same against the mock and the real
//! endpoint: a library, the `contract-tests` command and a cargo test suite.
//!
//! - [`Contract`] checks one answer against the schemas in `schemas/` (through
//!   `alliance-schemas`).
//! - [`catalogue`] holds the default [`Case`]s, tagged ([`Tag`]); [`lookups`] reads the cases a
//!   partner supplies; [`generative`] draws arbitrary valid and invalid requests.
//! - [`runner`] sends the cases to a [`Target`] and checks every answer ([`expectation`]),
//!   giving a [`CaseResult`] per case.
//! - [`report`] renders results for people, JUnit and JSON; [`diff`] compares two endpoints.
//!
//! The checks read the wire format from `schemas/` (through `alliance-schemas`) and never
//! restate it. Each finding says whether it rests on the documented contract or on one of the
//! mock's assumptions: in [`Mode::Tolerant`] (for a real endpoint) an assumption that does not
//! hold is a warning, in [`Mode::Strict`] (for the mock) it is a violation.
//!
//! ```
//! use contract_tests::{Contract, Mode};
//!
//! # fn main() -> Result<(), contract_tests::ContractError> {
//! let contract = Contract::load()?;
//! let findings = contract.check_lookup_answer(200, br#"[]"#, Mode::Tolerant);
//! assert!(findings.is_empty());
//! # Ok(())
//! # }
//! ```

mod case;
pub mod catalogue;
pub mod cli;
pub mod diff;
pub mod expectation;
mod finding;
pub mod generative;
mod known_values;
pub mod lookups;
pub mod report;
pub mod runner;

pub use alliance_schemas::{SchemaError, SchemaName, Schemas, Strictness, Violation};
pub use case::{
    Body, Call, Case, CaseResult, Credentials, Exchange, Outcome, SentRequest, Summary, Tag,
};
pub use catalogue::CatalogueOptions;
pub use finding::{Finding, Severity};
pub use runner::{RunError, Runner, Target};

use known_values::KnownValues;
use serde_json::Value;

/// How assumptions of the mock are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// For a real endpoint: an assumption that does not hold is a warning.
    Tolerant,
    /// For the mock: every assumption must hold.
    Strict,
}

/// Why the contract could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    /// The embedded schemas are broken.
    #[error("the schemas cannot be loaded")]
    Schemas(#[from] SchemaError),
}

/// The compiled contract.
#[derive(Debug)]
pub struct Contract {
    schemas: Schemas,
    known_values: KnownValues,
}

impl Contract {
    /// Compiles the schemas and reads their lists of known values.
    ///
    /// # Errors
    ///
    /// [`ContractError::Schemas`] when an embedded schema is broken.
    pub fn load() -> Result<Self, ContractError> {
        let schemas = Schemas::compile()?;
        let known_values = KnownValues::from_schema(&SchemaName::ACCOUNT.to_value()?);
        Ok(Contract {
            schemas,
            known_values,
        })
    }

    /// The compiled schemas.
    pub fn schemas(&self) -> &Schemas {
        &self.schemas
    }

    /// Checks one answer of `POST /api/v1/customerAccountLookup`: a 200 body against the
    /// response schema (documented: violations) and its enumerations against the known values
    /// (warnings); an error body against the error schema (assumed shape).
    pub fn check_lookup_answer(&self, status: u16, body: &[u8], mode: Mode) -> Vec<Finding> {
        let success = (200..300).contains(&status);
        let assumed_severity = match mode {
            Mode::Tolerant => Severity::Warning,
            Mode::Strict => Severity::Violation,
        };
        let value: Value = match serde_json::from_slice(body) {
            Ok(value) => value,
            Err(error) => {
                // A 200 must be JSON (documented); that errors are JSON is assumed.
                let severity = if success {
                    Severity::Violation
                } else {
                    assumed_severity
                };
                return vec![Finding {
                    severity,
                    assumed: !success,
                    pointer: String::new(),
                    rule: "json".to_owned(),
                    message: format!("the body is not JSON: {error}"),
                }];
            }
        };
        if success {
            let mut findings: Vec<Finding> = self
                .schemas
                .validate(SchemaName::LOOKUP_RESPONSE, Strictness::AsWritten, &value)
                .into_iter()
                .map(|violation| Finding::from_violation(violation, Severity::Violation, false))
                .collect();
            if let Value::Array(accounts) = &value {
                for (index, account) in accounts.iter().enumerate() {
                    findings.extend(self.known_values.check(account, &format!("/{index}")));
                }
            }
            findings
        } else {
            self.schemas
                .validate(SchemaName::ERROR, Strictness::AsWritten, &value)
                .into_iter()
                .map(|violation| Finding::from_violation(violation, assumed_severity, true))
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract() -> Contract {
        Contract::load().expect("the embedded schemas load")
    }

    const FOUNDRY: &str = r#"{"accountAddress":{"city":"PLANO","country":"USA","state":"TX",
        "street":"2900 W PLANO PKWY","zipCode":"750758004"},"accountName":"AT&T CLOUD TEST FOUNDRY",
        "accountId":"0013g00000cUIRtAAO","acid":null,"salesSegment":null,"subAccountId":"U8GOM4",
        "contractStatus":null,"parentPartnerAccId":null,"partnerId":null,"loaStatus":"N",
        "allianceStatus":"ATT ONLY","accountStatus":"Inactive","exception":"N"}"#;

    #[test]
    fn a_documented_answer_has_no_findings() {
        let body = format!("[{FOUNDRY}]");
        assert_eq!(
            contract().check_lookup_answer(200, body.as_bytes(), Mode::Strict),
            vec![]
        );
    }

    #[test]
    fn six_accounts_violate_the_documented_cap() {
        let body = format!("[{}]", [FOUNDRY; 6].join(","));
        let findings = contract().check_lookup_answer(200, body.as_bytes(), Mode::Tolerant);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Violation);
        assert_eq!(findings[0].rule, "/maxItems");
    }

    #[test]
    fn an_unknown_alliance_status_is_only_a_warning() {
        let body = format!("[{}]", FOUNDRY.replace("ATT ONLY", "PARTNER EXCLUSIVE"));
        let findings = contract().check_lookup_answer(200, body.as_bytes(), Mode::Strict);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].severity, Severity::Warning);
        assert_eq!(findings[0].pointer, "/0/allianceStatus");
        assert_eq!(
            findings[0].message,
            "\"PARTNER EXCLUSIVE\" is not one of the known values \"ATT ONLY\", \"OPPORTUNITY\""
        );
    }

    #[test]
    fn an_error_body_of_another_shape_fails_only_in_strict_mode() {
        let body = br#"{"error": "unauthorized"}"#;
        let tolerant = contract().check_lookup_answer(401, body, Mode::Tolerant);
        assert!(!tolerant.is_empty());
        assert!(
            tolerant
                .iter()
                .all(|f| f.severity == Severity::Warning && f.assumed)
        );
        let strict = contract().check_lookup_answer(401, body, Mode::Strict);
        assert!(strict.iter().all(|f| f.severity == Severity::Violation));
    }

    #[test]
    fn a_success_that_is_not_json_is_a_violation() {
        let findings = contract().check_lookup_answer(200, b"<html>", Mode::Tolerant);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Violation);
        assert!(!findings[0].assumed);
    }
}

/// The Rust examples of `contract-tests/README.md`, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;
