//! Open enumerations: the values the documentation lists for a field, read from the schema's
//! `x-known-values` annotations. A value outside the list is valid but worth a warning.

use serde_json::Value;

use crate::finding::{Finding, Severity};

/// For each annotated field, its pointer relative to an account and the known values.
#[derive(Debug, Clone, Default)]
pub(crate) struct KnownValues {
    fields: Vec<(String, Vec<String>)>,
}

impl KnownValues {
    /// Collects every `x-known-values` list under the schema's `properties`, nested objects
    /// included.
    pub(crate) fn from_schema(schema: &Value) -> Self {
        let mut fields = Vec::new();
        collect(schema, "", &mut fields);
        KnownValues { fields }
    }

    /// Warnings for the string values of `account` outside their known lists; `prefix` is the
    /// account's pointer in the answer.
    pub(crate) fn check(&self, account: &Value, prefix: &str) -> Vec<Finding> {
        self.fields
            .iter()
            .filter_map(|(pointer, known)| {
                let value = account.pointer(pointer)?.as_str()?;
                (!known.iter().any(|k| k == value)).then(|| Finding {
                    severity: Severity::Warning,
                    assumed: false,
                    pointer: format!("{prefix}{pointer}"),
                    rule: "x-known-values".to_owned(),
                    message: format!(
                        "{value:?} is not one of the known values {}",
                        known
                            .iter()
                            .map(|k| format!("{k:?}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                })
            })
            .collect()
    }
}

fn collect(schema: &Value, pointer: &str, fields: &mut Vec<(String, Vec<String>)>) {
    if let Some(Value::Array(known)) = schema.get("x-known-values") {
        let values = known
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        fields.push((pointer.to_owned(), values));
    }
    // A property defined in another schema file (`account-address.schema.json`) is read there.
    if let Some(name) = schema.get("$ref").and_then(Value::as_str).and_then(|file| {
        alliance_schemas::SchemaName::from_file_name(file.trim_start_matches("./"))
    }) && let Ok(referenced) = name.to_value()
    {
        collect(&referenced, pointer, fields);
    }
    if let Some(Value::Object(properties)) = schema.get("properties") {
        for (name, property) in properties {
            collect(property, &format!("{pointer}/{name}"), fields);
        }
    }
}
