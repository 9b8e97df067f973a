//! Scenarios: named behaviours QA can switch on without changing a client, defined as data in
//! `scenarios/*.json` (one file per scenario, named after it).
//!
//! A scenario does exactly one of five things:
//! - `accounts`: answers the lookup as usual, then reshapes the accounts (a forced count, fields
//!   set, cycled, removed or renamed), for data shapes and contract drift;
//! - `answer`: answers any other operation as usual, then sets or removes fields of the answer
//!   (a declined credit check);
//! - `flow`: changes what the flow records (an eSign envelope that is declined, an order whose
//!   status gets stuck or fails);
//! - `error`: answers an error status with the mock's error body, after the credential check;
//! - `fault`: misbehaves at the transport level (latency, a reset, a close, a truncated or
//!   dripping body, a body that is not JSON).
//!
//! A scenario applies to the operations its file names in `operations`; without that list,
//! `accounts` applies to the lookup, `flow` to the operations that make contracts and orders, and
//! the others to every operation. A request whose scenario does not apply to its operation is
//! answered as usual.
//!
//! How a request picks its scenario is in [`select`]; what a scenario does to an answer is in
//! [`shape`] and [`fault`].

pub(crate) mod fault;
pub(crate) mod select;
pub(crate) mod shape;

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::domain::flow::records::EsignOutcome;
use crate::domain::operation::Operation;

/// The largest delay a scenario may ask for: a scenario stays bounded, whatever the file says.
pub const MAX_DELAY_MS: u64 = 300_000;
/// The largest forced count: enough to break the cap of five, not enough to hurt.
pub const MAX_COUNT: usize = 50;

/// A scenario as written in its file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ScenarioFile {
    /// One line saying what the scenario does, listed by `/__admin/scenarios`.
    pub description: String,
    /// The `operationId`s it applies to; see the module's documentation when absent.
    pub operations: Option<Vec<String>>,
    /// Reshape the accounts of the answer.
    pub accounts: Option<AccountsShape>,
    /// Set or remove fields of another operation's answer.
    pub answer: Option<AnswerShape>,
    /// Change what the flow records.
    pub flow: Option<FlowChange>,
    /// Answer an error.
    pub error: Option<ErrorAnswer>,
    /// Misbehave at the transport level.
    pub fault: Option<Fault>,
}

/// How a scenario reshapes the accounts of an answer. Applied in this order: count, set, cycle,
/// remove, rename. Paths are JSON pointers into one account (`/accountAddress/zipCode`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AccountsShape {
    /// Exactly this many accounts, generated to match the request (0 is "No customer found").
    pub count: Option<usize>,
    /// Values given to every account.
    #[serde(default)]
    pub set: BTreeMap<String, Value>,
    /// Values given in turn: the first account gets the first value, and so on, round the list.
    #[serde(default)]
    pub cycle: BTreeMap<String, Vec<Value>>,
    /// Keys removed from every account.
    #[serde(default)]
    pub remove: Vec<String>,
    /// Keys renamed in every account: path → new key name.
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
}

/// How a scenario changes an answer other than the lookup's: values set (added or replaced),
/// then keys removed. Paths are JSON pointers into the answer (`/approvalStatus`,
/// `/0/BillingAccountName`); a path whose parent is missing is left alone.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AnswerShape {
    /// Values given.
    #[serde(default)]
    pub set: BTreeMap<String, Value>,
    /// Keys removed.
    #[serde(default)]
    pub remove: Vec<String>,
}

/// How a scenario changes what the flow records.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FlowChange {
    /// How the eSign envelope of a contract made now ends.
    pub esign: Option<EsignOutcome>,
    /// The statuses an order placed now goes through (it stays in the last).
    pub order_statuses: Option<Vec<String>>,
}

/// An error answer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ErrorAnswer {
    /// The HTTP status, 400 to 599.
    pub status: u16,
    /// The error body's `message`; the status's reason phrase when absent.
    pub message: Option<String>,
    /// The error body's `description`.
    pub description: String,
    /// Seconds for a `Retry-After` header.
    pub retry_after: Option<u32>,
    /// Violations listed in the body, as for an invalid request.
    pub violations: Option<Vec<ViolationEntry>>,
}

impl ErrorAnswer {
    /// The answer as the mock's error, with its body and headers.
    pub(crate) fn to_api_error(&self) -> crate::http::error::ApiError {
        use crate::http::error::StatusCode;
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        crate::http::error::ApiError::Scenario {
            status,
            message: self
                .message
                .clone()
                .unwrap_or_else(|| status.canonical_reason().unwrap_or("Error").to_owned()),
            description: self.description.clone(),
            violations: self.violations.as_ref().map(|all| {
                all.iter()
                    .map(|v| alliance_schemas::Violation {
                        pointer: v.pointer.clone(),
                        schema_path: String::new(),
                        message: v.message.clone(),
                    })
                    .collect()
            }),
            retry_after: self.retry_after,
        }
    }
}

/// One violation of an error answer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViolationEntry {
    /// JSON pointer into the request body.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

/// A transport-level fault.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Fault {
    /// Answers as usual after `delay_ms`, plus up to `jitter_ms` more.
    #[serde(rename_all = "camelCase")]
    Slow {
        /// The fixed part of the delay.
        delay_ms: u64,
        /// The random part, drawn per request (reproducible with the seed).
        #[serde(default)]
        jitter_ms: u64,
    },
    /// Answers as usual, but only after longer than any sane client waits (bounded).
    #[serde(rename_all = "camelCase")]
    Timeout {
        /// How long to wait.
        delay_ms: u64,
    },
    /// Resets the connection (RST) without answering.
    ConnectionReset,
    /// Closes the connection (FIN) without a byte.
    EmptyResponse,
    /// 200 with a JSON content type and a body that is not JSON.
    MalformedJson,
    /// Headers announce the whole body; about half of it is sent, then the connection closes.
    TruncatedBody,
    /// The usual answer, sent `chunk_bytes` at a time every `interval_ms`.
    #[serde(rename_all = "camelCase")]
    SlowDrip {
        /// Bytes per chunk.
        chunk_bytes: usize,
        /// Pause between chunks.
        interval_ms: u64,
    },
}

/// A loaded scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Its name: the file name without `.json`.
    pub name: String,
    /// What it does.
    pub description: String,
    /// The operations it applies to, when its file names them.
    pub operations: Option<Vec<Operation>>,
    /// How.
    pub behaviour: Behaviour,
}

impl Scenario {
    /// Whether the scenario applies to a request of `operation`.
    pub fn applies_to(&self, operation: Operation) -> bool {
        match &self.operations {
            Some(operations) => operations.contains(&operation),
            None => match &self.behaviour {
                Behaviour::Accounts(_) => operation == Operation::CustomerAccountLookup,
                Behaviour::Flow(_) => matches!(
                    operation,
                    Operation::InitiateContractAiab | Operation::CreateOrder
                ),
                Behaviour::Answer(_) | Behaviour::Error(_) | Behaviour::Fault(_) => true,
            },
        }
    }
}

/// What a scenario does: exactly one of the five.
#[derive(Debug, Clone, PartialEq)]
pub enum Behaviour {
    /// Reshape the accounts.
    Accounts(AccountsShape),
    /// Set or remove fields of another operation's answer.
    Answer(AnswerShape),
    /// Change what the flow records.
    Flow(FlowChange),
    /// Answer an error.
    Error(ErrorAnswer),
    /// Misbehave at the transport level.
    Fault(Fault),
}

/// Every loaded scenario, by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scenarios {
    by_name: BTreeMap<String, Scenario>,
}

impl Scenarios {
    /// A set of scenarios; later ones with the same name replace earlier ones.
    pub fn new(scenarios: impl IntoIterator<Item = Scenario>) -> Self {
        Scenarios {
            by_name: scenarios
                .into_iter()
                .map(|scenario| (scenario.name.clone(), scenario))
                .collect(),
        }
    }

    /// The scenario called `name`.
    pub fn get(&self, name: &str) -> Option<&Scenario> {
        self.by_name.get(name)
    }

    /// Every scenario, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Scenario> {
        self.by_name.values()
    }

    /// The number of scenarios.
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// The names, comma-separated, for messages.
    pub fn names(&self) -> String {
        self.by_name.keys().cloned().collect::<Vec<_>>().join(", ")
    }
}

/// Whether `name` can name a scenario: lower-case letters, digits and hyphens, as a header value
/// and a file name both allow.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

impl Scenario {
    /// Checks a scenario file and names it.
    ///
    /// # Errors
    ///
    /// A JSON pointer into the file and what was expected, when the file sets none or several of
    /// `accounts`, `answer`, `flow`, `error` and `fault`, names an operation that does not
    /// exist, or a value is out of range.
    pub fn from_file(name: &str, file: ScenarioFile) -> Result<Self, (String, String)> {
        let mut behaviours = [
            file.accounts.map(Behaviour::Accounts),
            file.answer.map(Behaviour::Answer),
            file.flow.map(Behaviour::Flow),
            file.error.map(Behaviour::Error),
            file.fault.map(Behaviour::Fault),
        ]
        .into_iter()
        .flatten();
        let (Some(behaviour), None) = (behaviours.next(), behaviours.next()) else {
            return Err((
                String::new(),
                "expected exactly one of \"accounts\", \"answer\", \"flow\", \"error\" and \
                 \"fault\""
                    .to_owned(),
            ));
        };
        check(&behaviour)?;
        let operations = match file.operations {
            None => None,
            Some(ids) => Some(
                ids.iter()
                    .enumerate()
                    .map(|(at, id)| {
                        Operation::from_id(id).ok_or_else(|| {
                            (
                                format!("/operations/{at}"),
                                format!(
                                    "expected an operationId ({}), found {id:?}",
                                    Operation::ids()
                                ),
                            )
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        Ok(Scenario {
            name: name.to_owned(),
            description: file.description,
            operations,
            behaviour,
        })
    }
}

fn check(behaviour: &Behaviour) -> Result<(), (String, String)> {
    let out_of_range = |pointer: &str, expected: String| Err((pointer.to_owned(), expected));
    match behaviour {
        Behaviour::Accounts(shape) => {
            if shape.count.is_some_and(|n| n > MAX_COUNT) {
                return out_of_range("/accounts/count", format!("expected at most {MAX_COUNT}"));
            }
            let paths = shape
                .set
                .keys()
                .chain(shape.cycle.keys())
                .chain(&shape.remove)
                .chain(shape.rename.keys());
            for path in paths {
                if !path.starts_with('/') || path.len() < 2 {
                    return out_of_range(
                        "/accounts",
                        format!("expected JSON pointers such as /accountName, found {path:?}"),
                    );
                }
            }
            if let Some((path, _)) = shape.cycle.iter().find(|(_, values)| values.is_empty()) {
                return out_of_range(
                    "/accounts/cycle",
                    format!("{path}: expected at least one value"),
                );
            }
        }
        Behaviour::Answer(shape) => {
            for path in shape.set.keys().chain(&shape.remove) {
                if !path.starts_with('/') || path.len() < 2 {
                    return out_of_range(
                        "/answer",
                        format!("expected JSON pointers such as /approvalStatus, found {path:?}"),
                    );
                }
            }
        }
        Behaviour::Flow(change) => {
            if change.esign.is_none() && change.order_statuses.is_none() {
                return out_of_range(
                    "/flow",
                    "expected \"esign\" or \"orderStatuses\"".to_owned(),
                );
            }
            if let Some(statuses) = &change.order_statuses {
                let fine = |status: &String| !status.trim().is_empty() && status.len() <= 64;
                if statuses.is_empty() || statuses.len() > 20 || !statuses.iter().all(fine) {
                    return out_of_range(
                        "/flow/orderStatuses",
                        "expected 1 to 20 statuses of 1 to 64 characters".to_owned(),
                    );
                }
            }
        }
        Behaviour::Error(error) => {
            if !(400..=599).contains(&error.status) {
                return out_of_range(
                    "/error/status",
                    format!(
                        "expected an error status from 400 to 599, found {}",
                        error.status
                    ),
                );
            }
        }
        Behaviour::Fault(Fault::Slow {
            delay_ms,
            jitter_ms,
        }) => {
            if delay_ms.saturating_add(*jitter_ms) > MAX_DELAY_MS {
                return out_of_range(
                    "/fault",
                    format!("expected delayMs + jitterMs ≤ {MAX_DELAY_MS}"),
                );
            }
        }
        Behaviour::Fault(Fault::Timeout { delay_ms }) if *delay_ms > MAX_DELAY_MS => {
            return out_of_range("/fault/delayMs", format!("expected at most {MAX_DELAY_MS}"));
        }
        Behaviour::Fault(Fault::SlowDrip {
            chunk_bytes,
            interval_ms,
        }) => {
            if *chunk_bytes == 0 || *interval_ms > 10_000 {
                return out_of_range(
                    "/fault",
                    "expected chunkBytes ≥ 1 and intervalMs ≤ 10000".to_owned(),
                );
            }
        }
        Behaviour::Fault(_) => {}
    }
    Ok(())
}
