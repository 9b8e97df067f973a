//! The End-Customer Lookup wire format, as JSON Schemas (draft 2020-12).
//!
//! The `.schema.json` files beside this crate are the single source of truth for the wire
//! format: the mock server validates requests and its own fixtures with them, and the contract
//! tests validate answers from any endpoint with them. They are embedded in the binary, so
//! nothing here reads the file system, and compiled once by [`Schemas::compile`].
//!
//! Two derived variants are compiled from the same files rather than written out again:
//! - the request schema without `spId` in `required`, for servers that accept the older
//!   examples that have no `spId`;
//! - a *strict* variant of every schema that refuses unknown keys, for the project's own data
//!   (a misspelt key in a fixture is a mistake; an extra key from the real API is not).

mod bundle;
mod violation;

use std::fmt;

use jsonschema::{Registry, Validator};
use serde_json::Value;

pub use bundle::openapi_json;
pub use violation::Violation;

/// The OpenAPI 3.1 description of the endpoint, as written (with relative file `$ref`s to the
/// schema files). [`openapi_json`] gives a self-contained version.
pub const OPENAPI_YAML: &str = include_str!("../openapi.yaml");

/// One of the wire-format schemas: a `*.schema.json` file of `schemas/`. Every file has a
/// constant named after it (`lookup-request.schema.json` is [`SchemaName::LOOKUP_REQUEST`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SchemaName(usize);

include!(concat!(env!("OUT_DIR"), "/files.rs"));

impl SchemaName {
    /// Every schema, in file-name order.
    pub fn all() -> impl ExactSizeIterator<Item = SchemaName> + Clone {
        (0..FILES.len()).map(SchemaName)
    }

    /// The short name used on command lines: the file name without `.schema.json`
    /// (`lookup-request`, `account`, `error`, ...).
    pub fn as_str(self) -> &'static str {
        FILES[self.0].0
    }

    /// The schema's file name in `schemas/`, which is also how other schemas `$ref` it.
    pub fn file_name(self) -> &'static str {
        FILES[self.0].1
    }

    /// The schema file's text.
    pub fn source(self) -> &'static str {
        FILES[self.0].2
    }

    /// The schema named by its file name (`account.schema.json`), if there is one.
    pub fn from_file_name(file: &str) -> Option<SchemaName> {
        SchemaName::all().find(|name| name.file_name() == file)
    }

    /// The schema as a JSON value.
    ///
    /// # Errors
    ///
    /// [`SchemaError::Parse`] if the embedded file is not JSON (a build of a broken checkout).
    pub fn to_value(self) -> Result<Value, SchemaError> {
        serde_json::from_str(self.source()).map_err(|source| SchemaError::Parse {
            file: self.file_name(),
            source,
        })
    }
}

/// The account fields the schema lets be `null` (typed `["string", "null"]`), in schema order.
///
/// # Errors
///
/// [`SchemaError::Parse`] if the embedded account schema is not JSON.
pub fn nullable_account_fields() -> Result<Vec<String>, SchemaError> {
    let schema = SchemaName::ACCOUNT.to_value()?;
    let nullable = |property: &Value| {
        property["type"]
            .as_array()
            .is_some_and(|types| types.iter().any(|t| t == "null"))
    };
    Ok(schema["properties"]
        .as_object()
        .map(|properties| {
            properties
                .iter()
                .filter(|(_, property)| nullable(property))
                .map(|(name, _)| name.clone())
                .collect()
        })
        .unwrap_or_default())
}

impl fmt::Display for SchemaName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for SchemaName {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SchemaName::all()
            .find(|name| name.as_str() == s)
            .ok_or_else(|| {
                let known: Vec<_> = SchemaName::all().map(SchemaName::as_str).collect();
                format!("unknown schema '{s}'; expected one of {}", known.join(", "))
            })
    }
}

/// Why the embedded schemas could not be loaded. Every variant is a defect of the checkout, not
/// of user input, and is caught by the crate's tests.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// A schema file is not JSON.
    #[error("schemas/{file} is not valid JSON")]
    Parse {
        /// The schema's file name.
        file: &'static str,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// A schema is valid JSON but not a valid schema, or a `$ref` does not resolve.
    #[error("schemas/{file} does not compile: {message}")]
    Compile {
        /// The schema's file name.
        file: &'static str,
        /// What the schema compiler said.
        message: String,
    },
    /// `openapi.yaml` is not valid YAML.
    #[error("schemas/openapi.yaml is not valid YAML")]
    OpenApi(#[source] yaml_serde::Error),
}

/// Whether unknown keys are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// The schemas as written: unknown keys are accepted, as a tolerant reader of the real API
    /// must.
    AsWritten,
    /// Every object that lists its properties refuses any other key. For the project's own data.
    Strict,
}

/// Every schema, compiled once. Cheap to share behind an `Arc`; validation takes `&self`.
pub struct Schemas {
    request_without_sp_id: Validator,
    as_written: Vec<Validator>,
    strict: Vec<Validator>,
}

impl fmt::Debug for Schemas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Schemas").finish_non_exhaustive()
    }
}

/// The base URI relative `$ref`s between the schema files resolve against: the default base of
/// the schema compiler, so `account.schema.json` means `json-schema:///account.schema.json`.
const BASE_URI: &str = "json-schema:///";

impl Schemas {
    /// Parses and compiles every schema and its derived variants.
    ///
    /// # Errors
    ///
    /// A [`SchemaError`] when an embedded schema is broken.
    pub fn compile() -> Result<Self, SchemaError> {
        let sources: Vec<Value> = SchemaName::all()
            .map(SchemaName::to_value)
            .collect::<Result<_, _>>()?;
        let strict_sources: Vec<Value> = sources.iter().cloned().map(make_strict).collect();

        let registry = registry_of(&sources)?;
        let as_written = compile_all(&sources, &registry)?;
        let strict = compile_all(&strict_sources, &registry_of(&strict_sources)?)?;

        let lookup = SchemaName::LOOKUP_REQUEST;
        let mut without_sp_id = sources[lookup.0].clone();
        if let Some(Value::Array(required)) = without_sp_id.get_mut("required") {
            required.retain(|key| key != "spId");
        }
        let request_without_sp_id = compile_one(lookup, &without_sp_id, &registry)?;

        Ok(Schemas {
            request_without_sp_id,
            as_written,
            strict,
        })
    }

    /// Validates `instance` against one schema and returns every violation (empty when valid).
    pub fn validate(
        &self,
        name: SchemaName,
        strictness: Strictness,
        instance: &Value,
    ) -> Vec<Violation> {
        let validator = match strictness {
            Strictness::AsWritten => &self.as_written[name.0],
            Strictness::Strict => &self.strict[name.0],
        };
        collect(validator, instance)
    }

    /// Validates a lookup request body; `require_sp_id` decides whether a missing `spId` is a
    /// violation (the current portal requires it, older examples omit it).
    pub fn validate_request(&self, instance: &Value, require_sp_id: bool) -> Vec<Violation> {
        let validator = if require_sp_id {
            &self.as_written[SchemaName::LOOKUP_REQUEST.0]
        } else {
            &self.request_without_sp_id
        };
        collect(validator, instance)
    }
}

fn collect(validator: &Validator, instance: &Value) -> Vec<Violation> {
    // The common case first: a valid instance costs a yes/no walk, not an error collection.
    if validator.is_valid(instance) {
        return Vec::new();
    }
    validator
        .iter_errors(instance)
        .map(|error| Violation::from_error(&error))
        .collect()
}

/// Every schema registered under its file name, so relative `$ref`s between files resolve.
fn registry_of(sources: &[Value]) -> Result<Registry<'_>, SchemaError> {
    Registry::new()
        .extend(
            SchemaName::all()
                .zip(sources)
                .map(|(name, value)| (format!("{BASE_URI}{}", name.file_name()), value)),
        )
        .and_then(|builder| builder.prepare())
        .map_err(|error| SchemaError::Compile {
            file: "(registry)",
            message: error.to_string(),
        })
}

/// Compiles every schema, in [`SchemaName::all`] order.
fn compile_all(sources: &[Value], registry: &Registry<'_>) -> Result<Vec<Validator>, SchemaError> {
    SchemaName::all()
        .zip(sources)
        .map(|(name, value)| compile_one(name, value, registry))
        .collect()
}

fn compile_one(
    name: SchemaName,
    value: &Value,
    registry: &Registry<'_>,
) -> Result<Validator, SchemaError> {
    // The schemas' patterns are plain (no look-around), so the faster linear-time engine does.
    jsonschema::options()
        .offline()
        .with_base_uri(BASE_URI)
        .with_pattern_options(jsonschema::PatternOptions::regex())
        .with_registry(registry)
        .build(value)
        .map_err(|error| SchemaError::Compile {
            file: name.file_name(),
            message: error.to_string(),
        })
}

/// Adds `"additionalProperties": false` to every object schema that lists `properties` and says
/// nothing about other keys.
fn make_strict(mut value: Value) -> Value {
    fn walk(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                    map.insert("additionalProperties".to_owned(), Value::Bool(false));
                }
                map.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut value);
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn foundry() -> Value {
        json!({
            "accountAddress": {"city": "PLANO", "country": "USA", "state": "TX",
                               "street": "2900 W PLANO PKWY", "zipCode": "750758004"},
            "accountName": "AT&T CLOUD TEST FOUNDRY",
            "accountId": "0013g00000cUIRtAAO",
            "acid": null, "salesSegment": null, "subAccountId": "U8GOM4",
            "contractStatus": null, "parentPartnerAccId": null, "partnerId": null,
            "loaStatus": "N", "allianceStatus": "ATT ONLY", "accountStatus": "Inactive",
            "exception": "N"
        })
    }

    #[test]
    fn the_nullable_account_fields_are_the_documented_seven() -> Result<(), SchemaError> {
        assert_eq!(
            nullable_account_fields()?,
            [
                "acid",
                "salesSegment",
                "subAccountId",
                "contractStatus",
                "parentPartnerAccId",
                "partnerId",
                "accountStatus"
            ]
        );
        Ok(())
    }

    #[test]
    fn every_schema_compiles() -> Result<(), SchemaError> {
        Schemas::compile().map(drop)
    }

    #[test]
    fn response_schema_resolves_the_account_schema_by_file_name() -> Result<(), SchemaError> {
        let schemas = Schemas::compile()?;
        let mut bad = foundry();
        bad["accountId"] = json!(12);
        let violations = schemas.validate(
            SchemaName::LOOKUP_RESPONSE,
            Strictness::AsWritten,
            &json!([foundry(), bad]),
        );
        assert_eq!(violations.len(), 1, "{violations:?}");
        assert_eq!(violations[0].pointer, "/1/accountId");
        Ok(())
    }

    #[test]
    fn response_schema_caps_the_array_at_five() -> Result<(), SchemaError> {
        let schemas = Schemas::compile()?;
        let five = Value::Array(vec![foundry(); 5]);
        let six = Value::Array(vec![foundry(); 6]);
        let check =
            |v: &Value| schemas.validate(SchemaName::LOOKUP_RESPONSE, Strictness::Strict, v);
        assert!(check(&five).is_empty());
        assert_eq!(check(&six).len(), 1);
        Ok(())
    }

    #[test]
    fn strict_variant_refuses_unknown_keys_that_the_written_schema_accepts()
    -> Result<(), SchemaError> {
        let schemas = Schemas::compile()?;
        let mut extra = foundry();
        extra["accountAddress"]["county"] = json!("COLLIN");
        assert!(
            schemas
                .validate(SchemaName::ACCOUNT, Strictness::AsWritten, &extra)
                .is_empty()
        );
        let strict = schemas.validate(SchemaName::ACCOUNT, Strictness::Strict, &extra);
        assert_eq!(strict.len(), 1);
        assert_eq!(strict[0].pointer, "/accountAddress");
        Ok(())
    }

    #[test]
    fn sp_id_requirement_can_be_relaxed() -> Result<(), SchemaError> {
        let schemas = Schemas::compile()?;
        let body = json!({"accountName": "Texas", "address": {
            "street": "Pecan", "city": "Houston", "state": "Texas", "zipCode": "70800"}});
        assert_eq!(schemas.validate_request(&body, true).len(), 1);
        assert!(schemas.validate_request(&body, false).is_empty());
        Ok(())
    }

    #[test]
    fn schema_names_round_trip_through_their_command_line_form() {
        for name in SchemaName::all() {
            assert_eq!(name.as_str().parse::<SchemaName>(), Ok(name));
        }
        assert!("accounts".parse::<SchemaName>().is_err());
    }
}
