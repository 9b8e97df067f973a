//! The contract suite of the AT&T Alliance Ordering API, from End-Customer Lookup to the order's
//! status, the same against the mock and a real endpoint: a library, the `contract-tests`
//! command and a cargo test suite.
//!
//! - [`Contract`] checks one answer against the schemas in `schemas/` (through
//!   `alliance-schemas`); [`api`] reads the operations from `schemas/openapi.yaml`, and
//!   [`basis`] says which fields are documented, seen in an example, or assumed.
//! - [`catalogue`] holds the default [`Case`]s, tagged ([`Tag`]); [`lookups`] reads the cases a
//!   partner supplies; [`generative`] draws arbitrary valid and invalid requests.
//! - [`runner`] sends the cases to a [`Target`] (one base URL, or one per step: [`target`]) and
//!   checks every answer ([`expectation`]), giving a [`CaseResult`] per case. A case can be a
//!   flow: later calls are built from values captured from earlier answers.
//! - [`coverage`] says which operations, statuses and fields a run saw.
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

pub mod api;
pub mod basis;
mod case;
pub mod catalogue;
pub mod cli;
pub mod coverage;
pub mod diff;
pub mod expectation;
mod finding;
pub mod generative;
mod known_values;
pub mod lookups;
pub mod report;
pub mod runner;
pub mod target;

use std::collections::HashMap;

pub use alliance_schemas::{SchemaError, SchemaName, Schemas, Strictness, Violation};
pub use api::{Api, Operation};
pub use basis::Basis;
pub use case::{
    Body, Call, Capture, Case, CaseResult, Credentials, Exchange, Fill, Outcome, Place,
    SentRequest, Summary, Tag, Wait,
};
pub use catalogue::CatalogueOptions;
pub use finding::{Finding, Severity};
pub use runner::{RunError, Runner};
pub use target::Target;

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

impl Mode {
    /// The severity of a finding that rests on an assumption.
    pub(crate) fn assumed_severity(self) -> Severity {
        match self {
            Mode::Tolerant => Severity::Warning,
            Mode::Strict => Severity::Violation,
        }
    }
}

/// Why the contract could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    /// The embedded schemas are broken.
    #[error("the schemas cannot be loaded")]
    Schemas(#[from] SchemaError),
    /// The embedded OpenAPI document cannot be read as operations.
    #[error("the operations cannot be read")]
    Api(#[from] api::ApiError),
}

/// The compiled contract: the schemas, the operations, and the known values of every schema.
#[derive(Debug)]
pub struct Contract {
    schemas: Schemas,
    api: Api,
    known_values: HashMap<SchemaName, KnownValues>,
}

impl Contract {
    /// Compiles the schemas, reads the operations and the schemas' lists of known values.
    ///
    /// # Errors
    ///
    /// A [`ContractError`] when an embedded schema or the document is broken.
    pub fn load() -> Result<Self, ContractError> {
        let schemas = Schemas::compile()?;
        let api = Api::load()?;
        let known_values = SchemaName::all()
            .map(|name| (name, KnownValues::of(name)))
            .collect();
        Ok(Contract {
            schemas,
            api,
            known_values,
        })
    }

    /// The compiled schemas.
    pub fn schemas(&self) -> &Schemas {
        &self.schemas
    }

    /// The operations.
    pub fn api(&self) -> &Api {
        &self.api
    }

    /// Checks one body against one schema as the checks of a 200 do: each violation a violation
    /// where the field is documented or seen in an example and an assumed finding otherwise,
    /// values outside a field's known values a warning.
    pub fn check_body(&self, schema: SchemaName, value: &Value, mode: Mode) -> Vec<Finding> {
        let mut findings: Vec<Finding> = self
            .schemas
            .validate(schema, Strictness::AsWritten, value)
            .into_iter()
            .map(|violation| {
                let basis = basis::at(schema, &violated_field(&violation));
                let severity = if basis.is_contract() {
                    Severity::Violation
                } else {
                    mode.assumed_severity()
                };
                Finding::from_violation(violation, severity, !basis.is_contract())
            })
            .collect();
        if let Some(known) = self.known_values.get(&schema) {
            findings.extend(known.check(value));
        }
        findings
    }

    /// Checks one answer of `operation`: a 2xx body against the operation's response schema
    /// (see [`Contract::check_body`]); an error body against the error schema (an assumed
    /// shape); a 2xx status the document does not list is an assumed finding.
    pub fn check_answer(
        &self,
        operation: &Operation,
        status: u16,
        body: &[u8],
        mode: Mode,
    ) -> Vec<Finding> {
        let success = (200..300).contains(&status);
        let value: Value = match serde_json::from_slice(body) {
            Ok(value) => value,
            Err(error) => {
                // A 200 must be JSON (documented); that errors are JSON is assumed.
                let severity = if success {
                    Severity::Violation
                } else {
                    mode.assumed_severity()
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
        if !success {
            return self
                .schemas
                .validate(SchemaName::ERROR, Strictness::AsWritten, &value)
                .into_iter()
                .map(|violation| Finding::from_violation(violation, mode.assumed_severity(), true))
                .collect();
        }
        let mut findings = Vec::new();
        if !operation.responses.contains_key(&status) {
            let listed: Vec<String> = operation
                .responses
                .keys()
                .filter(|s| (200..300).contains(*s))
                .map(u16::to_string)
                .collect();
            findings.push(Finding {
                severity: mode.assumed_severity(),
                assumed: true,
                pointer: String::new(),
                rule: "status".to_owned(),
                message: format!(
                    "{} answers {} by the document, got {status}",
                    operation.id,
                    listed.join(" or ")
                ),
            });
        }
        findings.extend(self.check_body(operation.schema_for(status), &value, mode));
        findings
    }

    /// Checks one answer of `POST /api/v1/customerAccountLookup`, as [`Contract::check_answer`].
    pub fn check_lookup_answer(&self, status: u16, body: &[u8], mode: Mode) -> Vec<Finding> {
        self.check_answer(self.api.expect(api::LOOKUP), status, body, mode)
    }
}

/// The field a violation is about: the missing key of a `required` violation, the violating
/// value otherwise.
fn violated_field(violation: &Violation) -> String {
    if violation.schema_path.ends_with("/required") {
        // The message starts with the missing key as a JSON string: `"creditCheckId" is a ...`.
        let key = serde_json::Deserializer::from_str(&violation.message)
            .into_iter::<String>()
            .next()
            .and_then(Result::ok);
        if let Some(key) = key {
            return format!(
                "{}/{}",
                violation.pointer,
                key.replace('~', "~0").replace('/', "~1")
            );
        }
    }
    violation.pointer.clone()
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
