//! What one answer must show, and the checks that judge it.
//!
//! Every answer first goes through [`Contract::check_answer`] (the operation's schemas); the
//! checks here add what a schema cannot say: the status, ids carried from earlier steps, and for
//! the lookup the documented exact match of city, state and ZIP, the "No customer found."
//! message, and that names relate to the query. A check that rests on behaviour the real API
//! does not document is *assumed*: a warning in [`Mode::Tolerant`], a violation in
//! [`Mode::Strict`].

use std::collections::BTreeMap;

use serde_json::Value;

use crate::api::Operation;
use crate::basis::{self, Basis};
use crate::finding::{Finding, Severity};
use crate::{Contract, Mode};

/// The text the portal documents for a lookup that finds nobody.
pub const NO_CUSTOMER_FOUND: &str = "No customer found.";

/// How sure a case is that its lookup finds someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Not found is a fine answer.
    Optional,
    /// The portal's reference example: the mock's fixture book has it, a real endpoint or a mock
    /// with generated data may not. Not found skips the call, saying why.
    Reference,
    /// The caller says the customer exists (`--lookups`): not found fails.
    Known,
}

/// What the answer to one call must show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expectation {
    /// Refused with a 4xx, never accepted and never a 5xx.
    Rejected {
        /// The status this API answers, or is assumed to answer.
        status: u16,
        /// Whether AT&T documents that status (401) or the project assumes it (400, 415).
        documented: bool,
        /// What makes the request wrong, for the report: `a missing x-trace-id`.
        reason: String,
        /// What the broken rule rests on: accepting a request that breaks an assumed rule is
        /// only an assumed finding.
        rule: Basis,
    },
    /// A valid request of a flow: a 2xx whose answer validates, with values at some pointers.
    Success {
        /// Values the answer must hold.
        fields: Vec<Field>,
    },
    /// A valid lookup: 200 with accounts that fit the query, or "No customer found.".
    Answer {
        /// Whether not found is acceptable.
        presence: Presence,
        /// `accountId`s that must be among the results.
        expected_ids: Vec<String>,
    },
    /// A lookup that must find nobody.
    NotFound,
}

/// A value an answer must hold at a pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Where, in the answer.
    pub pointer: String,
    /// What it must be.
    pub is: Is,
}

/// What a [`Field`] must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Is {
    /// The value captured earlier under this name: an id carried through.
    Captured(String),
    /// This value.
    Value(Value),
}

impl Field {
    /// The answer carries the captured `name` at `pointer`.
    pub fn carries(pointer: &str, name: &str) -> Self {
        Field {
            pointer: pointer.to_owned(),
            is: Is::Captured(name.to_owned()),
        }
    }

    /// The answer holds `value` at `pointer`.
    pub fn equals(pointer: &str, value: Value) -> Self {
        Field {
            pointer: pointer.to_owned(),
            is: Is::Value(value),
        }
    }
}

/// The result of checking one answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checked {
    /// Everything the checks found.
    pub findings: Vec<Finding>,
    /// Set when the answer cannot be judged against this endpoint.
    pub skipped: Option<String>,
}

impl Expectation {
    /// The undocumented behaviours this expectation's checks rest on, in words.
    pub fn assumptions(&self) -> Vec<String> {
        let error_body = "the error body shape of schemas/error.schema.json".to_owned();
        let not_found = format!("status 404 for \"{NO_CUSTOMER_FOUND}\"");
        match self {
            Expectation::Rejected {
                status,
                documented,
                reason,
                rule,
            } => {
                let mut assumed = vec![error_body];
                if !documented {
                    assumed.push(format!("status {status} for {reason}"));
                }
                if !rule.is_contract() {
                    assumed.push(format!("{reason} is refused"));
                }
                assumed
            }
            Expectation::Success { .. } => Vec::new(),
            Expectation::Answer { .. } => vec![
                "account names contain the requested name (fuzzy matching is undocumented)"
                    .to_owned(),
                error_body,
                not_found,
            ],
            Expectation::NotFound => vec![error_body, not_found],
        }
    }

    /// Checks one answer of `operation` to `request` (the body sent, when it was JSON), with
    /// the values captured so far.
    pub fn check(&self, contract: &Contract, mode: Mode, answer: &Answer<'_>) -> Checked {
        let Answer {
            operation,
            request,
            captured,
            status,
            body,
        } = *answer;
        let mut checked = Checked {
            findings: contract.check_answer(operation, status, body, mode),
            skipped: None,
        };
        let json: Option<Value> = serde_json::from_slice(body).ok();
        match self {
            Expectation::Rejected {
                status: expected,
                documented,
                reason,
                rule,
            } => check_rejected(
                &mut checked,
                mode,
                status,
                (*expected, *documented),
                reason,
                *rule,
            ),
            Expectation::Success { fields } => {
                if !(200..300).contains(&status) {
                    checked.findings.push(documented_violation(
                        "status",
                        "",
                        format!(
                            "expected a 2xx for a valid {} request, got {status}",
                            operation.id
                        ),
                    ));
                } else if let Some(json) = &json {
                    check_fields(&mut checked, mode, operation, json, captured, fields);
                }
            }
            Expectation::Answer {
                presence,
                expected_ids,
            } => {
                if status == 200 {
                    if let Some(Value::Array(accounts)) = &json {
                        if accounts.is_empty() {
                            empty_list(&mut checked, mode);
                            not_found(&mut checked, mode, *presence);
                        } else {
                            check_accounts(
                                &mut checked,
                                mode,
                                request,
                                accounts,
                                (expected_ids, *presence),
                            );
                        }
                    }
                } else if is_not_found(status, body) {
                    check_not_found_answer(&mut checked, mode, status, body, json.as_ref());
                    not_found(&mut checked, mode, *presence);
                } else {
                    checked.findings.push(documented_violation(
                        "status",
                        "",
                        format!(
                            "expected 200 with accounts or \"{NO_CUSTOMER_FOUND}\", got {status}"
                        ),
                    ));
                }
            }
            Expectation::NotFound => match (status, &json) {
                (200, Some(Value::Array(accounts))) if accounts.is_empty() => {
                    empty_list(&mut checked, mode);
                }
                (200, Some(Value::Array(accounts))) => {
                    checked.findings.push(documented_violation(
                        "no-customer-found",
                        "",
                        format!(
                            "expected \"{NO_CUSTOMER_FOUND}\", found {} account(s)",
                            accounts.len()
                        ),
                    ));
                }
                _ if is_not_found(status, body) => {
                    check_not_found_answer(&mut checked, mode, status, body, json.as_ref());
                }
                _ => checked.findings.push(documented_violation(
                    "status",
                    "",
                    format!("expected \"{NO_CUSTOMER_FOUND}\" (404, assumed), got {status}"),
                )),
            },
        }
        checked
    }
}

/// An answer to judge.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    /// The operation called.
    pub operation: &'a Operation,
    /// The body sent, when it was JSON.
    pub request: Option<&'a Value>,
    /// The values captured so far in the case.
    pub captured: &'a BTreeMap<String, Value>,
    /// The answer's status.
    pub status: u16,
    /// The answer's body.
    pub body: &'a [u8],
}

fn check_fields(
    checked: &mut Checked,
    mode: Mode,
    operation: &Operation,
    json: &Value,
    captured: &BTreeMap<String, Value>,
    fields: &[Field],
) {
    let schema = operation.success_schema();
    for field in fields {
        let (expected, what) = match &field.is {
            Is::Captured(name) => match captured.get(name) {
                Some(value) => (value, format!("the {name} of an earlier step")),
                None => continue,
            },
            Is::Value(value) => (value, "the value of a settled answer".to_owned()),
        };
        let found = json.pointer(&field.pointer);
        if found == Some(expected) {
            continue;
        }
        let message = match found {
            Some(found) => format!("expected {expected} ({what}), found {found}"),
            None => format!("expected {expected} ({what}), found nothing"),
        };
        let basis = schema.map_or(Basis::Assumed, |s| basis::at(s, &field.pointer));
        checked
            .findings
            .push(if basis.is_contract() && found.is_some() {
                documented_violation("carried-value", &field.pointer, message)
            } else {
                assumed_finding(mode, "carried-value", &field.pointer, message)
            });
    }
}

fn check_rejected(
    checked: &mut Checked,
    mode: Mode,
    status: u16,
    (expected, documented): (u16, bool),
    reason: &str,
    rule: Basis,
) {
    if (200..300).contains(&status) && !rule.is_contract() {
        checked.findings.push(assumed_finding(
            mode,
            "status",
            "",
            format!("expected a 4xx ({expected}) for {reason}, got {status}"),
        ));
    } else if !(400..500).contains(&status) {
        checked.findings.push(documented_violation(
            "status",
            "",
            format!("expected a 4xx ({expected}) for {reason}, got {status}"),
        ));
    } else if status != expected {
        let message = format!("expected {expected} for {reason}, got {status}");
        checked.findings.push(if documented {
            documented_violation("status", "", message)
        } else {
            assumed_finding(mode, "status", "", message)
        });
    }
}

/// A 404, or any answer that carries the documented message.
fn is_not_found(status: u16, body: &[u8]) -> bool {
    let needle = NO_CUSTOMER_FOUND.trim_end_matches('.').to_ascii_lowercase();
    status == 404
        || String::from_utf8_lossy(body)
            .to_lowercase()
            .contains(&needle)
}

/// The documented message must be there; that the status is 404 is assumed.
fn check_not_found_answer(
    checked: &mut Checked,
    mode: Mode,
    status: u16,
    body: &[u8],
    json: Option<&Value>,
) {
    let needle = NO_CUSTOMER_FOUND.trim_end_matches('.').to_ascii_lowercase();
    if !String::from_utf8_lossy(body)
        .to_lowercase()
        .contains(&needle)
    {
        let pointer = match json.and_then(|v| v.get("message")) {
            Some(_) => "/message",
            None => "",
        };
        let found = json
            .and_then(|v| v.get("message"))
            .map_or_else(|| "a body without it".to_owned(), Value::to_string);
        checked.findings.push(documented_violation(
            "no-customer-found",
            pointer,
            format!("expected the message \"{NO_CUSTOMER_FOUND}\", found {found}"),
        ));
    }
    if status != 404 {
        checked.findings.push(assumed_finding(
            mode,
            "status",
            "",
            format!("expected 404 for \"{NO_CUSTOMER_FOUND}\", got {status}"),
        ));
    }
}

fn empty_list(checked: &mut Checked, mode: Mode) {
    checked.findings.push(assumed_finding(
        mode,
        "no-customer-found",
        "",
        format!("expected \"{NO_CUSTOMER_FOUND}\" (404), found an empty list"),
    ));
}

fn not_found(checked: &mut Checked, mode: Mode, presence: Presence) {
    match (presence, mode) {
        (Presence::Optional, _) => {}
        (Presence::Known, _) => {
            checked.findings.push(documented_violation(
                "expected-account",
                "",
                "expected the customer to be found, got \"No customer found.\"".to_owned(),
            ));
        }
        (Presence::Reference, _) => {
            checked.skipped = Some(
                "the portal's reference customer is not on this endpoint (a mock with --data generated has none); pass --lookups FILE"
                    .to_owned(),
            );
        }
    }
}

fn check_accounts(
    checked: &mut Checked,
    mode: Mode,
    request: Option<&Value>,
    accounts: &[Value],
    (expected_ids, presence): (&[String], Presence),
) {
    let address = request.and_then(|r| r.get("address"));
    let requested = |key: &str| address.and_then(|a| a.get(key)).and_then(Value::as_str);
    for (index, account) in accounts.iter().enumerate() {
        let found = |key: &str| {
            account
                .pointer(&format!("/accountAddress/{key}"))
                .and_then(Value::as_str)
        };
        for key in ["city", "state", "zipCode"] {
            let (Some(asked), Some(got)) = (requested(key), found(key)) else {
                continue; // a missing or mistyped field is the schema's finding
            };
            let matches = match key {
                "zipCode" => zip_matches(asked, got),
                "state" => state_matches(asked, got),
                _ => normalize(asked) == normalize(got),
            };
            if !matches {
                checked.findings.push(documented_violation(
                    "exact-match",
                    &format!("/{index}/accountAddress/{key}"),
                    format!(
                        "expected {asked:?} (the request's {key}, an exact match), found {got:?}"
                    ),
                ));
            }
        }
        let asked_name = request
            .and_then(|r| r.get("accountName"))
            .and_then(Value::as_str);
        let got_name = account.get("accountName").and_then(Value::as_str);
        if let (Some(asked), Some(got)) = (asked_name, got_name)
            && !name_relates(asked, got)
        {
            checked.findings.push(assumed_finding(
                mode,
                "fuzzy-match",
                &format!("/{index}/accountName"),
                format!("expected a name containing {asked:?} (the request's accountName), found {got:?}"),
            ));
        }
    }
    let ids: Vec<&str> = accounts
        .iter()
        .filter_map(|a| a.get("accountId").and_then(Value::as_str))
        .collect();
    for expected in expected_ids {
        if ids.contains(&expected.as_str()) {
            continue;
        }
        if presence == Presence::Reference {
            // Others match the reference query (a mock with generated data), not the reference.
            checked.skipped = Some(format!(
                "the portal's reference customer ({expected}) is not on this endpoint, which answered other accounts (a mock with --data generated does); pass --lookups FILE"
            ));
        } else {
            checked.findings.push(documented_violation(
                "expected-account",
                "",
                format!("expected accountId {expected:?} among the results, found {ids:?}"),
            ));
        }
    }
}

/// Upper case, runs of white space as one, trimmed.
fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

/// The first five digits are equal; when both sides carry nine, all of them are.
fn zip_matches(asked: &str, got: &str) -> bool {
    let digits = |z: &str| z.chars().filter(char::is_ascii_digit).collect::<String>();
    let (asked, got) = (digits(asked), digits(got));
    if asked.len() == 9 && got.len() == 9 {
        return asked == got;
    }
    asked.get(..5).is_some() && asked.get(..5) == got.get(..5)
}

/// Equal, ignoring case. A full state name asked for (`Texas`, seen in older examples) cannot be
/// compared with a code without a table of states, so it is not judged.
fn state_matches(asked: &str, got: &str) -> bool {
    let (asked, got) = (normalize(asked), normalize(got));
    asked == got || (asked.len() > 2 && got.len() == 2)
}

/// The account's name contains every `*`-separated part of the requested name, in order.
fn name_relates(asked: &str, got: &str) -> bool {
    let got = normalize(got);
    let mut rest = got.as_str();
    for part in normalize(asked).split('*').map(str::trim) {
        if part.is_empty() {
            continue;
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

fn documented_violation(rule: &str, pointer: &str, message: String) -> Finding {
    Finding {
        severity: Severity::Violation,
        assumed: false,
        pointer: pointer.to_owned(),
        rule: rule.to_owned(),
        message,
    }
}

fn assumed_finding(mode: Mode, rule: &str, pointer: &str, message: String) -> Finding {
    Finding {
        severity: match mode {
            Mode::Tolerant => Severity::Warning,
            Mode::Strict => Severity::Violation,
        },
        assumed: true,
        pointer: pointer.to_owned(),
        rule: rule.to_owned(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_plus_four_answers_a_five_digit_request() {
        assert!(zip_matches("75075", "750758004"));
        assert!(zip_matches("75075-8004", "750758004"));
        assert!(!zip_matches("75075", "750768004"));
        assert!(!zip_matches("750758004", "750758005"));
    }

    #[test]
    fn wildcard_parts_must_appear_in_order() {
        assert!(name_relates("acm*inc", "ACME HOLDINGS INC"));
        assert!(name_relates("acme", "The  Acme Group"));
        assert!(!name_relates("inc*acme", "ACME HOLDINGS INC"));
    }

    #[test]
    fn state_codes_compare_exactly_and_names_are_not_judged() {
        assert!(state_matches("tx", "TX"));
        assert!(!state_matches("TX", "OK"));
        assert!(state_matches("Texas", "TX"));
    }
}
