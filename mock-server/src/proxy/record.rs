//! The recorder: each exchange forwarded to the upstream written into a folder as fixtures in
//! the mock's own formats, ready for `--fixtures DIR`:
//!
//! - `canned/<operationId>-<hash>.json`: a canned example per distinct request (the request's
//!   body, or its query, as the pattern; the status and body answered);
//! - `accounts/recorded.json`: the accounts the lookups answered, each once (by `accountId`);
//! - `RECORDING.json`: what was recorded, what was scrubbed where, and what was left out.
//!
//! Bodies are scrubbed before they reach the disk, and no header is written at all. Every file
//! is written whole to a temporary name and renamed, one exchange at a time, so a reader never
//! sees half a file and concurrent requests never interleave.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use alliance_schemas::{SchemaName, Schemas, Strictness};
use axum::body::Bytes;
use ring::digest;
use serde::Serialize;
use serde_json::{Value, json};

use super::scrub::Scrubber;
use crate::domain::operation::Operation;
use crate::fixtures::response_schema;

/// The file of a recording that says what it holds.
pub(crate) const REPORT_FILE: &str = "RECORDING.json";
/// The account-book file of a recording.
const ACCOUNTS_FILE: &str = "accounts/recorded.json";

/// One exchange with the upstream, as the recorder takes it.
#[derive(Debug)]
pub(crate) struct Exchange {
    pub(crate) operation: Operation,
    pub(crate) method: String,
    pub(crate) path: String,
    /// The request's body (or its query as an object of strings).
    pub(crate) request: Value,
    pub(crate) status: u16,
    pub(crate) body: Bytes,
}

/// What became of an exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Written.
    Recorded,
    /// The same request was recorded before.
    Duplicate,
    /// Not written, and why (also in the report).
    Skipped(String),
}

/// What the report says.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    upstream: String,
    recorded: usize,
    duplicates: usize,
    accounts: usize,
    /// File → the JSON pointers scrubbed in it.
    scrubbed: BTreeMap<String, Vec<String>>,
    skipped: Vec<Value>,
}

#[derive(Debug, Default)]
struct Recording {
    files: HashSet<String>,
    accounts: Vec<Value>,
    account_ids: HashSet<String>,
    report: Report,
}

/// Writes exchanges into a recording folder.
#[derive(Debug)]
pub(crate) struct Recorder {
    dir: PathBuf,
    scrubber: Scrubber,
    schemas: Arc<Schemas>,
    held: Mutex<Recording>,
}

impl Recorder {
    /// A recorder into `dir` (made if absent). Accounts and examples already there are kept:
    /// a recording can go on in a later run.
    ///
    /// # Errors
    ///
    /// Why the folder cannot be used, in words.
    pub(crate) fn new(
        dir: &Path,
        scrubber: Scrubber,
        schemas: Arc<Schemas>,
        upstream: &str,
    ) -> Result<Self, String> {
        for sub in ["canned", "accounts"] {
            std::fs::create_dir_all(dir.join(sub))
                .map_err(|error| format!("{}: cannot be made: {error}", dir.join(sub).display()))?;
        }
        let mut held = Recording::default();
        held.report.upstream = upstream.to_owned();
        if let Ok(text) = std::fs::read_to_string(dir.join(ACCOUNTS_FILE)) {
            let accounts: Vec<Value> = serde_json::from_str(&text).map_err(|error| {
                format!(
                    "{}: not an array of accounts: {error}",
                    dir.join(ACCOUNTS_FILE).display()
                )
            })?;
            for account in accounts {
                if let Some(id) = account["accountId"].as_str() {
                    held.account_ids.insert(id.to_owned());
                }
                held.accounts.push(account);
            }
        }
        Ok(Recorder {
            dir: dir.to_path_buf(),
            scrubber,
            schemas,
            held: Mutex::new(held),
        })
    }

    /// Records one exchange (blocking file I/O: call it off the async threads).
    pub(crate) fn record(&self, exchange: Exchange) -> Outcome {
        let mut held = self
            .held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let outcome = self.write(&mut held, exchange);
        match &outcome {
            Outcome::Recorded => held.report.recorded += 1,
            Outcome::Duplicate => held.report.duplicates += 1,
            Outcome::Skipped(_) => {}
        }
        held.report.accounts = held.accounts.len();
        if let Err(error) = write_atomically(&self.dir.join(REPORT_FILE), &pretty(&held.report)) {
            tracing::warn!(%error, "the recording's report cannot be written");
        }
        outcome
    }

    fn write(&self, held: &mut Recording, exchange: Exchange) -> Outcome {
        let skip = |held: &mut Recording, reason: String| {
            held.report.skipped.push(json!({
                "operation": exchange.operation.id(),
                "method": exchange.method,
                "path": exchange.path,
                "status": exchange.status,
                "reason": reason,
            }));
            Outcome::Skipped(reason)
        };
        let Ok(mut answer) = serde_json::from_slice::<Value>(&exchange.body) else {
            return skip(held, "the answer is not JSON".to_owned());
        };
        let mut request = exchange.request.clone();
        let mut scrubbed = Vec::new();
        self.scrubber
            .scrub(&mut request, "/request/body", &mut scrubbed);
        self.scrubber
            .scrub(&mut answer, "/response/body", &mut scrubbed);

        let schema = if (200..300).contains(&exchange.status) {
            response_schema(exchange.operation)
        } else {
            SchemaName::ERROR
        };
        let violations = self.schemas.validate(schema, Strictness::Strict, &answer);
        if let Some(first) = violations.first() {
            let reason = format!(
                "the answer breaks the schema the mock loads it with ({} violations; first at \
                 {:?}: {})",
                violations.len(),
                first.pointer,
                first.message
            );
            return skip(held, reason);
        }

        let key = format!("{}\u{0}{}", exchange.operation.id(), canonical(&request));
        let hash = digest::digest(&digest::SHA256, key.as_bytes());
        let hex: String = hash.as_ref()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let name = format!("canned/{}-{hex}.json", exchange.operation.id());
        let path = self.dir.join(&name);
        if !held.files.insert(name.clone()) || path.exists() {
            return Outcome::Duplicate;
        }
        let example = json!({
            "description": format!(
                "Recorded: {} {} answered {}.",
                exchange.method, exchange.path, exchange.status
            ),
            "request": {"operation": exchange.operation.id(), "body": request},
            "response": {"status": exchange.status, "body": answer},
        });
        if let Err(error) = write_atomically(&path, &pretty(&example)) {
            held.files.remove(&name);
            return skip(held, format!("{name} cannot be written: {error}"));
        }
        if !scrubbed.is_empty() {
            held.report.scrubbed.insert(name, scrubbed);
        }
        if exchange.operation == Operation::CustomerAccountLookup {
            self.keep_accounts(held, &answer);
        }
        Outcome::Recorded
    }

    /// Adds the lookup's accounts the book lacks to `accounts/recorded.json`.
    fn keep_accounts(&self, held: &mut Recording, answer: &Value) {
        let Some(accounts) = answer.as_array() else {
            return;
        };
        let before = held.accounts.len();
        for account in accounts {
            let Some(id) = account["accountId"].as_str() else {
                continue;
            };
            let fits = self
                .schemas
                .validate(SchemaName::ACCOUNT, Strictness::Strict, account)
                .is_empty();
            if fits && held.account_ids.insert(id.to_owned()) {
                held.accounts.push(account.clone());
            }
        }
        if held.accounts.len() > before {
            let path = self.dir.join(ACCOUNTS_FILE);
            if let Err(error) = write_atomically(&path, &pretty(&held.accounts)) {
                tracing::warn!(%error, file = %path.display(), "the recorded accounts cannot be written");
            }
        }
    }
}

fn pretty(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// JSON with every object's keys in order: two requests that differ only in key order are one.
fn canonical(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(object) => {
                let ordered: BTreeMap<&String, Value> = object
                    .iter()
                    .map(|(key, inner)| (key, sorted(inner)))
                    .collect();
                json!(ordered)
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}

/// Writes `text` to a temporary file beside `path`, then renames it over `path`.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, path)
}
