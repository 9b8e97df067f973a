//! `mock-server --review DIR`: what a recording folder (or any fixture folder) holds, checked
//! as the start checks it: the accounts, the canned examples per operation and status, what
//! the recorder scrubbed and left out, and the shipped scenarios its answers could seed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use alliance_schemas::Schemas;
use serde_json::Value;

use super::record::REPORT_FILE;
use crate::config::FixtureSource;
use crate::domain::operation::Operation;
use crate::fixtures::Fixtures;
use crate::scenario::Behaviour;

/// The review as text, and whether the folder loads.
pub fn review(dir: &Path) -> (String, bool) {
    let mut text = format!("fixture folder: {}\n", dir.display());
    let schemas = match Schemas::compile() {
        Ok(schemas) => schemas,
        Err(error) => {
            return (
                format!("{text}the schemas cannot be compiled: {error}\n"),
                false,
            );
        }
    };
    let fixtures = match Fixtures::load(&FixtureSource::Dir(dir.to_path_buf()), &schemas) {
        Ok(fixtures) => fixtures,
        Err(error) => {
            let _ = writeln!(text, "refused, as the start would refuse it: {error}");
            return (text, false);
        }
    };
    let _ = writeln!(text, "checked as the start checks it: loads");
    if let Ok(report) = std::fs::read_to_string(dir.join(REPORT_FILE))
        && let Ok(report) = serde_json::from_str::<Value>(&report)
    {
        let scrubbed: usize = report["scrubbed"].as_object().map_or(0, |files| {
            files
                .values()
                .filter_map(Value::as_array)
                .map(Vec::len)
                .sum()
        });
        let _ = writeln!(
            text,
            "recorded from {}: {} exchanges, {} repeats not written again, {} values scrubbed in \
             {} files, {} left out (see {REPORT_FILE})",
            report["upstream"].as_str().unwrap_or("?"),
            report["recorded"],
            report["duplicates"],
            scrubbed,
            report["scrubbed"]
                .as_object()
                .map_or(0, serde_json::Map::len),
            report["skipped"].as_array().map_or(0, Vec::len),
        );
    }
    let _ = writeln!(text, "accounts: {}", fixtures.book.len());

    let mut by_operation: BTreeMap<usize, (Operation, BTreeMap<u16, usize>)> = BTreeMap::new();
    for canned in &fixtures.canned {
        let order = Operation::ALL
            .iter()
            .position(|op| *op == canned.operation)
            .unwrap_or(usize::MAX);
        let (_, statuses) = by_operation
            .entry(order)
            .or_insert_with(|| (canned.operation, BTreeMap::new()));
        *statuses.entry(canned.example.response.status).or_default() += 1;
    }
    let _ = writeln!(text, "canned examples: {}", fixtures.canned.len());
    for (operation, statuses) in by_operation.values() {
        let counts: Vec<String> = statuses
            .iter()
            .map(|(status, count)| format!("{status} ×{count}"))
            .collect();
        let _ = writeln!(text, "  {:<24} {}", operation.id(), counts.join(", "));
    }

    let seeds = seeds(&fixtures, &schemas);
    if seeds.is_empty() {
        let _ = writeln!(text, "scenarios it could seed: none");
    } else {
        let _ = writeln!(
            text,
            "scenarios it could seed (shipped scenarios with the same kind of answer):"
        );
        for (name, why) in seeds {
            let _ = writeln!(text, "  {name:<24} {why}");
        }
    }
    let _ = writeln!(
        text,
        "serve it: mock-server --fixtures {} --data fixtures",
        dir.display()
    );
    (text, true)
}

/// The shipped scenarios whose answers the folder's examples resemble, with why.
fn seeds(fixtures: &Fixtures, schemas: &Schemas) -> BTreeMap<String, String> {
    let shipped = Fixtures::load(&FixtureSource::Bundled, schemas)
        .map(|bundled| bundled.scenarios)
        .unwrap_or_default();
    let mut seeds = BTreeMap::new();
    let mut error_statuses = BTreeSet::new();
    for canned in &fixtures.canned {
        let status = canned.example.response.status;
        let nobody = status == 404 || canned.example.response.body == serde_json::json!([]);
        if canned.operation == Operation::CustomerAccountLookup
            && nobody
            && shipped.get("no-customer-found").is_some()
        {
            seeds
                .entry("no-customer-found".to_owned())
                .or_insert_with(|| format!("no customer found (canned/{}.json)", canned.name));
        } else if status >= 400 {
            error_statuses.insert((status, canned.operation.id(), canned.name.clone()));
        }
    }
    for (status, operation, name) in error_statuses {
        for scenario in shipped.iter() {
            if let Behaviour::Error(error) = &scenario.behaviour
                && error.status == status
            {
                seeds
                    .entry(scenario.name.clone())
                    .or_insert_with(|| format!("{status} from {operation} (canned/{name}.json)"));
            }
        }
    }
    for entry in fixtures.book.entries() {
        let account = &entry.account;
        let mut resembles = Vec::new();
        if [
            &account.acid,
            &account.sales_segment,
            &account.sub_account_id,
            &account.contract_status,
            &account.parent_partner_acc_id,
            &account.partner_id,
            &account.account_status,
        ]
        .iter()
        .any(|field| field.is_none())
        {
            resembles.push("null-fields");
        }
        if account.exception != "N" {
            resembles.push("exception-codes");
        }
        if account.loa_status == "Y" {
            resembles.push("loa-on-file");
        }
        if account.alliance_status == "OPPORTUNITY" {
            resembles.push("opportunity");
        }
        if account.account_status.as_deref() == Some("Inactive") {
            resembles.push("inactive-accounts");
        }
        for name in resembles {
            if shipped.get(name).is_some() {
                seeds.entry(name.to_owned()).or_insert_with(|| {
                    format!("accounts like {} ({})", account.account_id, entry.origin)
                });
            }
        }
    }
    seeds
}
