//! What each field of the wire format rests on: AT&T's documentation, only a published example,
//! or an assumption of the mock. Read from the schemas: a field's description starts with
//! `Documented`, `Example` or `Assumed`, and a schema file's `x-basis` is the default for the
//! fields it does not mark.
//!
//! A check against a documented or example field fails a real endpoint; a check against an
//! assumed one is a warning unless the run is strict.

use std::collections::BTreeSet;

use alliance_schemas::SchemaName;
use serde::Serialize;
use serde_json::Value;

/// What a field or a rule rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// Written in AT&T's documentation.
    Documented,
    /// Seen only in a published example.
    Example,
    /// Chosen by the mock where the portal says nothing.
    Assumed,
}

impl Basis {
    /// Whether a real endpoint that breaks it is at fault.
    pub fn is_contract(self) -> bool {
        self != Basis::Assumed
    }

    /// The basis a description states with its first word, if it does.
    pub fn from_description(text: &str) -> Option<Basis> {
        let word: String = text.chars().take_while(char::is_ascii_alphabetic).collect();
        match word.as_str() {
            "Documented" => Some(Basis::Documented),
            "Example" => Some(Basis::Example),
            "Assumed" => Some(Basis::Assumed),
            _ => None,
        }
    }

    fn from_tag(schema: &Value) -> Option<Basis> {
        match schema.get("x-basis").and_then(Value::as_str)? {
            "documented" => Some(Basis::Documented),
            "example" => Some(Basis::Example),
            "assumed" => Some(Basis::Assumed),
            _ => None,
        }
    }
}

/// The schema a `$ref` to another file names.
fn referenced(schema: &Value) -> Option<Value> {
    let file = schema.get("$ref").and_then(Value::as_str)?;
    SchemaName::from_file_name(file.trim_start_matches("./"))?
        .to_value()
        .ok()
}

/// The basis of `schema` itself: its description's first word, its `x-basis`, the file it
/// refers to, or `inherited`.
fn own(schema: &Value, inherited: Basis) -> Basis {
    schema
        .get("description")
        .and_then(Value::as_str)
        .and_then(Basis::from_description)
        .or_else(|| Basis::from_tag(schema))
        .or_else(|| referenced(schema).as_ref().and_then(Basis::from_tag))
        .unwrap_or(inherited)
}

/// `schema` with a file `$ref` followed.
fn followed(schema: &Value) -> Value {
    referenced(schema).unwrap_or_else(|| schema.clone())
}

/// The schema for `segment` under `schema`: a property, an array's items, or the first branch of
/// a `oneOf`/`anyOf` that has it.
fn child(schema: &Value, segment: &str) -> Option<Value> {
    let schema = followed(schema);
    if let Some(property) = schema.pointer(&format!("/properties/{segment}")) {
        return Some(property.clone());
    }
    if let Some(items) = schema.get("items").filter(|i| i.is_object())
        && (segment == "*" || segment.parse::<usize>().is_ok())
    {
        return Some(items.clone());
    }
    branches(&schema).find_map(|branch| child(branch, segment))
}

/// The branches of the `oneOf` and `anyOf` of `schema`.
pub(crate) fn branches(schema: &Value) -> impl Iterator<Item = &Value> {
    ["oneOf", "anyOf"].into_iter().flat_map(move |key| {
        schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
    })
}

/// The basis of the value at `pointer` in an instance of `schema`: the deepest field the schema
/// describes on the way, or the file's default.
pub fn at(schema: SchemaName, pointer: &str) -> Basis {
    let Ok(mut current) = schema.to_value() else {
        return Basis::Assumed;
    };
    let mut basis = own(&current, Basis::Assumed);
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        let Some(next) = child(&current, &segment) else {
            break;
        };
        basis = own(&next, basis);
        current = next;
    }
    basis
}

/// Every field a schema describes, as a pointer pattern (`*` for any array index) with its
/// basis, parents before children.
pub fn fields(schema: SchemaName) -> Vec<(String, Basis)> {
    let mut found = Vec::new();
    if let Ok(root) = schema.to_value() {
        let basis = own(&root, Basis::Assumed);
        walk(&root, "", basis, &mut found, &mut BTreeSet::new());
    }
    found
}

fn walk(
    schema: &Value,
    pointer: &str,
    basis: Basis,
    found: &mut Vec<(String, Basis)>,
    seen: &mut BTreeSet<String>,
) {
    let schema = followed(schema);
    let mut children: Vec<(String, Value)> = Vec::new();
    if let Some(Value::Object(properties)) = schema.get("properties") {
        children.extend(properties.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    if let Some(items) = schema.get("items").filter(|i| i.is_object()) {
        // An array is described by its items, under `*`.
        let items = followed(items);
        if let Some(Value::Object(properties)) = items.get("properties") {
            for (name, property) in properties {
                let child = format!("{pointer}/*/{name}");
                let child_basis = own(property, own(&items, basis));
                if seen.insert(child.clone()) {
                    found.push((child.clone(), child_basis));
                    walk(property, &child, child_basis, found, seen);
                }
            }
        }
    }
    for branch in branches(&schema) {
        walk(branch, pointer, basis, found, seen);
    }
    for (name, property) in children {
        let child = format!("{pointer}/{name}");
        let child_basis = own(&property, basis);
        if seen.insert(child.clone()) {
            found.push((child.clone(), child_basis));
            walk(&property, &child, child_basis, found, seen);
        }
    }
}

/// Whether `value` has something at the pattern `pattern` (`*` matches any array index).
pub fn present(value: &Value, pattern: &str) -> bool {
    !matching(value, pattern).is_empty()
}

/// Every value at the pattern `pattern` (`*` matches any array index; an object stands for a
/// one-item array, as `subOrder` may be either), with its concrete pointer.
pub(crate) fn matching<'a>(value: &'a Value, pattern: &str) -> Vec<(String, &'a Value)> {
    fn go<'a>(value: &'a Value, at: String, segments: &[&str], out: &mut Vec<(String, &'a Value)>) {
        let Some((first, rest)) = segments.split_first() else {
            out.push((at, value));
            return;
        };
        match (value, *first) {
            (Value::Array(items), _) => {
                for (index, item) in items.iter().enumerate() {
                    let at = format!("{at}/{index}");
                    if *first == "*" {
                        go(item, at, rest, out);
                    } else {
                        go(item, at, segments, out);
                    }
                }
            }
            (Value::Object(_), "*") => go(value, at, rest, out),
            (Value::Object(map), key) => {
                if let Some(child) = map.get(key) {
                    go(child, format!("{at}/{key}"), rest, out);
                }
            }
            _ => {}
        }
    }
    let segments: Vec<&str> = pattern.split('/').skip(1).collect();
    let mut out = Vec::new();
    go(value, String::new(), &segments, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_field_takes_its_descriptions_word_or_its_files_default() {
        assert_eq!(
            at(SchemaName::CREDIT_CHECK_RESPONSE, "/creditCheckId"),
            Basis::Example
        );
        assert_eq!(
            at(SchemaName::ORDER_RESPONSE, "/orderId"),
            Basis::Documented
        );
        assert_eq!(at(SchemaName::QUOTE_RESPONSE, "/quoteId"), Basis::Assumed);
        assert_eq!(
            at(SchemaName::LOOKUP_RESPONSE, "/0/accountAddress/city"),
            Basis::Documented
        );
        assert_eq!(
            at(
                SchemaName::ORDER_STATUS_RESPONSE,
                "/responseData/orderStatus"
            ),
            Basis::Example
        );
        assert_eq!(at(SchemaName::ERROR, "/code"), Basis::Assumed);
    }

    #[test]
    fn fields_list_nested_and_array_members() {
        let fields = fields(SchemaName::LOOKUP_RESPONSE);
        assert!(fields.contains(&("/*/accountId".to_owned(), Basis::Documented)));
        assert!(fields.contains(&("/*/accountAddress/zipCode".to_owned(), Basis::Documented)));
        let order = super::fields(SchemaName::ORDER_RESPONSE);
        assert!(
            order.iter().any(|(p, _)| p == "/subOrder/subOrderId"),
            "{order:?}"
        );
    }

    #[test]
    fn presence_follows_array_wildcards() {
        let body = json!([{"a": {"b": 1}}, {"a": {}}]);
        assert!(present(&body, "/*/a/b"));
        assert!(!present(&body, "/*/a/c"));
        assert!(present(&json!({"s": {"id": 1}}), "/s/*/id"));
    }
}
