//! Open enumerations: the values the documentation lists for a field, read from the schemas'
//! `x-known-values` annotations. A value outside the list is valid but worth a warning.

use alliance_schemas::SchemaName;
use serde_json::Value;

use crate::basis;
use crate::finding::{Finding, Severity};

/// For each annotated field of one schema, its pointer pattern (`*` for any array index) and
/// the known values.
#[derive(Debug, Clone, Default)]
pub(crate) struct KnownValues {
    fields: Vec<(String, Vec<String>)>,
}

impl KnownValues {
    /// Collects every `x-known-values` list of `schema`, nested objects, arrays and other files
    /// included.
    pub(crate) fn of(schema: SchemaName) -> Self {
        let mut fields = Vec::new();
        if let Ok(root) = schema.to_value() {
            collect(&root, "", &mut fields);
        }
        KnownValues { fields }
    }

    /// Warnings for the string values of `body` outside their known lists.
    pub(crate) fn check(&self, body: &Value) -> Vec<Finding> {
        let mut findings = Vec::new();
        for (pattern, known) in &self.fields {
            for (pointer, value) in basis::matching(body, pattern) {
                let Some(value) = value.as_str() else {
                    continue;
                };
                if known.iter().any(|k| k == value) {
                    continue;
                }
                findings.push(Finding {
                    severity: Severity::Warning,
                    assumed: false,
                    pointer,
                    rule: "x-known-values".to_owned(),
                    message: format!(
                        "{value:?} is not one of the known values {}",
                        known
                            .iter()
                            .map(|k| format!("{k:?}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
            }
        }
        findings
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
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|file| SchemaName::from_file_name(file.trim_start_matches("./")))
        && let Ok(referenced) = name.to_value()
    {
        collect(&referenced, pointer, fields);
    }
    if let Some(items) = schema.get("items").filter(|i| i.is_object()) {
        collect(items, &format!("{pointer}/*"), fields);
    }
    for branch in basis::branches(schema) {
        collect(branch, pointer, fields);
    }
    if let Some(Value::Object(properties)) = schema.get("properties") {
        for (name, property) in properties {
            collect(property, &format!("{pointer}/{name}"), fields);
        }
    }
}
