//! What a run saw of the API, per operation: how many calls reached it, which statuses it
//! answered, and which fields of its successful answer appeared, each with what it rests on.
//! An operation no call reached is listed with the reason, e.g. writes not allowed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::api::Api;
use crate::basis::{self, Basis};
use crate::case::CaseResult;

/// One field of an operation's successful answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldCoverage {
    /// Its pointer pattern, `*` for any array index.
    pub pointer: String,
    /// What it rests on.
    pub basis: Basis,
    /// Whether a 2xx answer of the run carried it.
    pub seen: bool,
}

/// What a run saw of one operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationCoverage {
    /// The `operationId`.
    pub operation: String,
    /// `POST /api/v1/order`.
    pub endpoint: String,
    /// How many answers it gave (a waiting call counts once).
    pub calls: usize,
    /// How many answers of each status.
    pub statuses: BTreeMap<u16, usize>,
    /// The fields of its successful answer.
    pub fields: Vec<FieldCoverage>,
    /// Why no call reached it, when none did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_reached: Option<String>,
}

impl OperationCoverage {
    /// Documented and example fields seen, of all of them.
    pub fn contract_fields(&self) -> (usize, usize) {
        let contract = self.fields.iter().filter(|f| f.basis.is_contract());
        let total = contract.clone().count();
        (contract.filter(|f| f.seen).count(), total)
    }
}

/// The coverage of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Every operation of the document, in its order.
    pub operations: Vec<OperationCoverage>,
}

impl Coverage {
    /// What `results` saw of `api`.
    pub fn of(api: &Api, results: &[CaseResult]) -> Self {
        let operations = api
            .operations()
            .iter()
            .map(|operation| {
                let exchanges: Vec<_> = results
                    .iter()
                    .flat_map(|r| &r.exchanges)
                    .filter(|e| e.step == operation.id)
                    .collect();
                let mut statuses = BTreeMap::new();
                for exchange in &exchanges {
                    *statuses.entry(exchange.status).or_insert(0) += 1;
                }
                let answers: Vec<Value> = exchanges
                    .iter()
                    .filter(|e| (200..300).contains(&e.status))
                    .filter_map(|e| serde_json::from_str(&e.body).ok())
                    .collect();
                // A field the schema allows as an object or an array of them (`subOrder`) is one
                // field, under its first form.
                let mut forms = std::collections::BTreeSet::new();
                let fields = operation
                    .success_schema()
                    .map(basis::fields)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|(pointer, _)| {
                        let collapsed = pointer.replace("/*", "");
                        forms.insert(collapsed)
                    })
                    .map(|(pointer, basis)| FieldCoverage {
                        seen: answers.iter().any(|a| basis::present(a, &pointer)),
                        pointer,
                        basis,
                    })
                    .collect();
                let not_reached = exchanges.is_empty().then(|| {
                    let reasons: Vec<&str> = results
                        .iter()
                        .filter(|r| r.operations.contains(&operation.id))
                        .filter_map(|r| r.stopped.as_deref())
                        .collect();
                    match reasons.first() {
                        Some(reason) => (*reason).to_owned(),
                        None => "no selected case calls it".to_owned(),
                    }
                });
                OperationCoverage {
                    operation: operation.id.clone(),
                    endpoint: format!("{} {}", operation.method, operation.path),
                    calls: exchanges.len(),
                    statuses,
                    fields,
                    not_reached,
                }
            })
            .collect();
        Coverage { operations }
    }

    /// The operations no call reached.
    pub fn not_reached(&self) -> impl Iterator<Item = &OperationCoverage> {
        self.operations.iter().filter(|op| op.not_reached.is_some())
    }

    /// The coverage as a few lines per operation, for the report for people.
    pub fn render(&self) -> String {
        let mut text = String::from(
            "coverage (answers per status; documented and example fields of the 2xx answer seen):\n",
        );
        for op in &self.operations {
            if let Some(reason) = &op.not_reached {
                let _ = writeln!(text, "  {}: never reached: {reason}", op.operation);
                continue;
            }
            let statuses: Vec<String> = op
                .statuses
                .iter()
                .map(|(status, count)| format!("{status}×{count}"))
                .collect();
            let (seen, total) = op.contract_fields();
            let _ = writeln!(
                text,
                "  {}: {} answer(s): {}; fields {seen}/{total}",
                op.operation,
                op.calls,
                statuses.join(" ")
            );
            let unseen: Vec<&str> = op
                .fields
                .iter()
                .filter(|f| f.basis.is_contract() && !f.seen)
                .map(|f| f.pointer.as_str())
                .collect();
            if !unseen.is_empty() {
                let _ = writeln!(text, "    never seen: {}", unseen.join(", "));
            }
        }
        text
    }
}
