//! The `--lookups FILE` format: lookups of customers the caller knows exist on the endpoint.
//!
//! A JSON array. Each entry is either a lookup request body, or an object with the body under
//! `request` and the `accountId`s that must be among the results under `expectAccountIds`:
//!
//! ```json
//! [
//!   {"spId": "10006", "accountName": "AT&T CLOUD TEST FOUNDRY",
//!    "address": {"street": "", "city": "PLANO", "state": "TX", "zipCode": "75075"}},
//!   {"request": {"accountName": "ACME", "address": {"street": "", "city": "DALLAS",
//!                "state": "TX", "zipCode": "75201"}},
//!    "expectAccountIds": ["0015000000ACME0001"]}
//! ]
//! ```
//!
//! A body without `spId` gets the run's `--sp-id`. Every body must be valid against the request
//! schema; an error names the file and the JSON pointer of the offending value.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::Schemas;

/// One lookup of a customer who exists.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    /// The request body.
    pub request: Value,
    /// `accountId`s that must be among the results (may be empty).
    pub expect_account_ids: Vec<String>,
}

/// Why a lookups file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LookupsError {
    /// The file cannot be read.
    #[error("{}: cannot read the lookups file", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not JSON.
    #[error("{}: not JSON: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message, with line and column.
        message: String,
    },
    /// An entry is not what the format asks for.
    #[error("{}: {pointer}: {message}", path.display())]
    Entry {
        /// The file.
        path: PathBuf,
        /// The JSON pointer of the offending value in the file.
        pointer: String,
        /// What was expected and what arrived.
        message: String,
    },
}

/// Reads and checks a lookups file.
///
/// # Errors
///
/// A [`LookupsError`] naming the file, and for a bad entry the JSON pointer.
pub fn load(path: &Path, sp_id: &str, schemas: &Schemas) -> Result<Vec<Lookup>, LookupsError> {
    let text = std::fs::read_to_string(path).map_err(|source| LookupsError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse(&text, path, sp_id, schemas)
}

/// Parses the text of a lookups file; `path` is only for messages.
///
/// # Errors
///
/// A [`LookupsError`] naming `path`, and for a bad entry the JSON pointer.
pub fn parse(
    text: &str,
    path: &Path,
    sp_id: &str,
    schemas: &Schemas,
) -> Result<Vec<Lookup>, LookupsError> {
    let entry_error = |pointer: String, message: String| LookupsError::Entry {
        path: path.to_owned(),
        pointer,
        message,
    };
    let value: Value = serde_json::from_str(text).map_err(|error| LookupsError::Parse {
        path: path.to_owned(),
        message: error.to_string(),
    })?;
    let Value::Array(entries) = value else {
        return Err(entry_error(
            "(root)".to_owned(),
            format!("expected an array of lookups, found {}", kind(&value)),
        ));
    };
    let mut lookups = Vec::with_capacity(entries.len());
    for (index, entry) in entries.into_iter().enumerate() {
        let (mut request, ids, prefix) = match entry {
            Value::Object(mut map) if map.contains_key("request") => {
                let ids = match map.remove("expectAccountIds") {
                    None => Vec::new(),
                    Some(Value::Array(ids)) => ids
                        .into_iter()
                        .enumerate()
                        .map(|(i, id)| match id {
                            Value::String(id) => Ok(id),
                            other => Err(entry_error(
                                format!("/{index}/expectAccountIds/{i}"),
                                format!("expected a string, found {}", kind(&other)),
                            )),
                        })
                        .collect::<Result<_, _>>()?,
                    Some(other) => {
                        return Err(entry_error(
                            format!("/{index}/expectAccountIds"),
                            format!("expected an array of strings, found {}", kind(&other)),
                        ));
                    }
                };
                let request = map.remove("request").unwrap_or(Value::Null);
                (request, ids, format!("/{index}/request"))
            }
            other => (other, Vec::new(), format!("/{index}")),
        };
        if let Value::Object(map) = &mut request {
            map.entry("spId")
                .or_insert_with(|| Value::String(sp_id.to_owned()));
        }
        if let Some(violation) = schemas.validate_request(&request, true).into_iter().next() {
            return Err(entry_error(
                format!("{prefix}{}", violation.pointer),
                violation.message,
            ));
        }
        lookups.push(Lookup {
            request,
            expect_account_ids: ids,
        });
    }
    Ok(lookups)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Vec<Lookup>, LookupsError> {
        let schemas = Schemas::compile().expect("the schemas compile");
        parse(text, Path::new("lookups.json"), "10006", &schemas)
    }

    #[test]
    fn reads_bare_bodies_and_wrapped_entries_and_fills_in_the_sp_id() {
        let lookups = parse_text(
            r#"[{"accountName":"ACME","address":{"street":"","city":"DALLAS","state":"TX","zipCode":"75201"}},
                {"request":{"spId":"7","accountName":"ACME","address":{"street":"","city":"DALLAS","state":"TX","zipCode":"75201"}},
                 "expectAccountIds":["A1"]}]"#,
        )
        .expect("valid");
        assert_eq!(lookups[0].request["spId"], "10006");
        assert_eq!(lookups[1].request["spId"], "7");
        assert_eq!(lookups[1].expect_account_ids, vec!["A1".to_owned()]);
    }

    #[test]
    fn an_invalid_entry_is_named_by_file_and_pointer() {
        let error = parse_text(
            r#"[{"request":{"accountName":"ACME","address":{"street":"","city":"DALLAS","state":"TX","zipCode":75201}}}]"#,
        )
        .expect_err("invalid");
        assert_eq!(
            error.to_string(),
            "lookups.json: /0/request/address/zipCode: 75201 is not of type \"string\""
        );
    }

    #[test]
    fn a_file_that_is_not_an_array_is_refused() {
        let error = parse_text(r#"{"accountName":"ACME"}"#).expect_err("not an array");
        assert_eq!(
            error.to_string(),
            "lookups.json: (root): expected an array of lookups, found an object"
        );
    }
}
