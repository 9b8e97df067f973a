//! A self-contained OpenAPI document: `openapi.yaml` with the schema files it `$ref`s inlined.
//!
//! `openapi.yaml` refers to the schema files by relative path, which tools that read it from a
//! checkout resolve. A document served over HTTP cannot rely on that, so the served version
//! carries each schema under `components/schemas` and every file `$ref` points there instead.

use std::collections::HashMap;

use serde_json::Value;

use crate::{OPENAPI_YAML, SchemaError, SchemaName};

/// `openapi.yaml` as JSON, with every schema file inlined under `components/schemas`.
///
/// # Errors
///
/// A [`SchemaError`] when `openapi.yaml` or a schema file is broken.
pub fn openapi_json() -> Result<Value, SchemaError> {
    let mut document: Value = yaml_serde::from_str(OPENAPI_YAML).map_err(SchemaError::OpenApi)?;

    // Which component stands for which file: `Account: {$ref: ./account.schema.json}`.
    let mut component_of_file: HashMap<&'static str, String> = HashMap::new();
    if let Some(Value::Object(components)) = document.pointer_mut("/components/schemas") {
        for (component, schema) in components.iter_mut() {
            let Some(file) = file_ref(schema) else {
                continue;
            };
            *schema = inlined(file)?;
            component_of_file.insert(file.file_name(), component.clone());
        }
        // A file that only other files refer to becomes a component named after its title.
        for file in SchemaName::all() {
            if component_of_file.contains_key(file.file_name()) {
                continue;
            }
            let schema = inlined(file)?;
            let component = schema["title"]
                .as_str()
                .map_or_else(|| file.as_str().to_owned(), str::to_owned);
            components.insert(component.clone(), schema);
            component_of_file.insert(file.file_name(), component);
        }
    }
    rewrite_file_refs(&mut document, &component_of_file);
    Ok(document)
}

/// A schema file as a component: without `$schema` and `$id`, which inside a component would
/// change how the document resolves.
fn inlined(file: SchemaName) -> Result<Value, SchemaError> {
    let mut schema = file.to_value()?;
    if let Value::Object(map) = &mut schema {
        map.remove("$schema");
        map.remove("$id");
    }
    Ok(schema)
}

/// The schema a `{"$ref": "./x.schema.json"}` object points to, if it is one.
fn file_ref(schema: &Value) -> Option<SchemaName> {
    let target = schema.get("$ref")?.as_str()?;
    let file = target.trim_start_matches("./");
    SchemaName::from_file_name(file)
}

fn rewrite_file_refs(value: &mut Value, component_of_file: &HashMap<&'static str, String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get_mut("$ref")
                && let Some(component) = component_of_file.get(target.trim_start_matches("./"))
            {
                *target = format!("#/components/schemas/{component}");
            }
            map.values_mut()
                .for_each(|v| rewrite_file_refs(v, component_of_file));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| rewrite_file_refs(v, component_of_file)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn served_document_has_no_file_refs_left() -> Result<(), SchemaError> {
        let document = openapi_json()?;
        let text = document.to_string();
        assert!(!text.contains(".schema.json"), "a file $ref survived");
        assert_eq!(
            document.pointer("/components/schemas/Account/properties/accountName/type"),
            Some(&Value::String("string".to_owned()))
        );
        assert_eq!(
            document.pointer("/components/schemas/LookupResponse/items/$ref"),
            Some(&Value::String("#/components/schemas/Account".to_owned()))
        );
        Ok(())
    }
}
