//! A quick "yes" for request bodies that are plainly valid, derived from the request schema
//! itself so that it cannot disagree with it.
//!
//! Full validation walks a parsed `serde_json::Value`, which costs a tree of allocations and a
//! hashed map per object. A caller that has already read the body's string fields into a typed
//! struct can ask [`QuickCheck::accepts`] instead: it applies the schema's own rules (`type`,
//! `required`, `properties`, `minLength`, `maxLength`, `pattern`) to those fields. It answers
//! `true` only when the schema surely accepts the body; on `false` the caller validates in full,
//! which also yields the violations. A schema that uses any other validation keyword gets no
//! quick check at all ([`QuickCheck::from_schema`] returns `None`), so a schema change can make
//! the quick path unavailable, never wrong.

use regex::Regex;
use serde_json::{Map, Value};

/// Keywords that do not validate and can be ignored.
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$id",
    "$comment",
    "title",
    "description",
    "examples",
    "default",
    "x-known-values",
];

/// The rules of one object of the schema: each property with its full JSON pointer (computed
/// once) and whether it is required.
#[derive(Debug, Clone)]
struct ObjectRule {
    properties: Vec<Property>,
}

#[derive(Debug, Clone)]
struct Property {
    pointer: String,
    required: bool,
    rule: Rule,
}

#[derive(Debug, Clone)]
enum Rule {
    String {
        min_chars: Option<usize>,
        max_chars: Option<usize>,
        pattern: Option<Regex>,
    },
    Object(ObjectRule),
}

/// The request schema's rules for string fields, as a quick check.
#[derive(Debug, Clone)]
pub struct QuickCheck {
    /// Every property of the schema, depth first in the schema's order: the conjunction of
    /// their checks is the schema's answer for the fields it describes.
    checks: Vec<Property>,
}

impl QuickCheck {
    /// The quick check of `schema`, or `None` when the schema uses a keyword it does not know.
    pub fn from_schema(schema: &Value) -> Option<Self> {
        match rule(schema, "")? {
            Rule::Object(root) => {
                let mut checks = Vec::new();
                flatten(root, &mut checks);
                Some(QuickCheck { checks })
            }
            Rule::String { .. } => None,
        }
    }

    /// Whether the schema surely accepts a body whose fields are `fields`: JSON pointers
    /// (`/accountName`, `/address/zipCode`) with the string found there, or `None` when the key
    /// is absent. The caller vouches that the body and every object on the way to a listed
    /// field are JSON objects, and that each listed field holds a string when `Some`. Every
    /// field the schema describes must be listed; otherwise the answer is `false`. A caller that
    /// asks often binds its fields once instead ([`QuickCheck::for_fields`]).
    pub fn accepts(&self, fields: &[(&str, Option<&str>)]) -> bool {
        let pointers: Vec<&str> = fields.iter().map(|(pointer, _)| *pointer).collect();
        let values: Vec<Option<&str>> = fields.iter().map(|(_, value)| *value).collect();
        self.for_fields(&pointers)
            .is_some_and(|check| check.accepts(&values))
    }

    /// The check for a caller whose fields are always the ones at `pointers`, in that order (the
    /// same promises as for [`QuickCheck::accepts`]): each rule is tied to its field once, here,
    /// so that a check costs only the rules themselves. `None` when the fields do not cover
    /// every property the schema describes, for then no body gets a quick yes.
    pub fn for_fields(&self, pointers: &[&str]) -> Option<FieldsCheck> {
        let mut strings = Vec::new();
        for property in &self.checks {
            let pointer = property.pointer.as_str();
            match &property.rule {
                Rule::Object(_) => {
                    // Present as an object exactly when the caller has fields below it.
                    let below = |p: &&str| {
                        p.strip_prefix(pointer)
                            .is_some_and(|rest| rest.starts_with('/'))
                    };
                    if !pointers.iter().any(below) {
                        return None;
                    }
                }
                Rule::String {
                    min_chars,
                    max_chars,
                    pattern,
                } => strings.push(StringCheck {
                    field: pointers.iter().position(|p| *p == pointer)?,
                    required: property.required,
                    min_chars: *min_chars,
                    max_chars: *max_chars,
                    pattern: pattern.clone(),
                }),
            }
        }
        Some(FieldsCheck {
            strings,
            fields: pointers.len(),
        })
    }
}

/// A [`QuickCheck`] tied to a caller's fields (see [`QuickCheck::for_fields`]).
#[derive(Debug, Clone)]
pub struct FieldsCheck {
    strings: Vec<StringCheck>,
    /// How many fields the caller has.
    fields: usize,
}

#[derive(Debug, Clone)]
struct StringCheck {
    /// Where the caller's value is.
    field: usize,
    required: bool,
    min_chars: Option<usize>,
    max_chars: Option<usize>,
    pattern: Option<Regex>,
}

impl FieldsCheck {
    /// Whether the schema surely accepts a body whose fields hold `values`, in the order of the
    /// pointers the check was made for (`None` for an absent key). Always `false` when the
    /// number of values is not the number of fields.
    pub fn accepts(&self, values: &[Option<&str>]) -> bool {
        values.len() == self.fields
            && self.strings.iter().all(|check| match values[check.field] {
                None => !check.required,
                Some(text) => {
                    chars_within(text, check.min_chars, check.max_chars)
                        && check.pattern.as_ref().is_none_or(|p| p.is_match(text))
                }
            })
    }
}

/// Whether `text` has at least `min` and at most `max` characters. A character takes one to
/// four bytes in UTF-8, so the byte length often answers without counting.
fn chars_within(text: &str, min: Option<usize>, max: Option<usize>) -> bool {
    let bytes = text.len();
    if min.is_none_or(|min| bytes.div_ceil(4) >= min) && max.is_none_or(|max| bytes <= max) {
        return true;
    }
    let chars = text.chars().count();
    min.is_none_or(|min| chars >= min) && max.is_none_or(|max| chars <= max)
}

/// The properties of `rule`, each followed by its own properties when it is an object.
fn flatten(rule: ObjectRule, into: &mut Vec<Property>) {
    for mut property in rule.properties {
        let inner = match &mut property.rule {
            Rule::Object(inner) => Some(std::mem::take(&mut inner.properties)),
            Rule::String { .. } => None,
        };
        into.push(property);
        if let Some(properties) = inner {
            flatten(ObjectRule { properties }, into);
        }
    }
}

fn rule(schema: &Value, pointer: &str) -> Option<Rule> {
    let schema = schema.as_object()?;
    let known = |key: &str| {
        ANNOTATIONS.contains(&key)
            || matches!(
                key,
                "type" | "required" | "properties" | "minLength" | "maxLength" | "pattern"
            )
    };
    if !schema.keys().all(|key| known(key)) {
        return None;
    }
    match schema.get("type")?.as_str()? {
        "string" => {
            if schema.contains_key("required") || schema.contains_key("properties") {
                return None;
            }
            let length = |key: &str| match schema.get(key) {
                None => Some(None),
                Some(value) => value
                    .as_u64()
                    .and_then(|n| usize::try_from(n).ok())
                    .map(Some),
            };
            let pattern = match schema.get("pattern") {
                None => None,
                Some(value) => Some(Regex::new(value.as_str()?).ok()?),
            };
            Some(Rule::String {
                min_chars: length("minLength")?,
                max_chars: length("maxLength")?,
                pattern,
            })
        }
        "object" => object_rule(schema, pointer).map(Rule::Object),
        _ => None,
    }
}

fn object_rule(schema: &Map<String, Value>, pointer: &str) -> Option<ObjectRule> {
    if ["minLength", "maxLength", "pattern"]
        .iter()
        .any(|key| schema.contains_key(*key))
    {
        return None;
    }
    let required: Vec<&str> = match schema.get("required") {
        None => Vec::new(),
        Some(value) => value
            .as_array()?
            .iter()
            .map(Value::as_str)
            .collect::<Option<_>>()?,
    };
    let empty = Map::new();
    let described = match schema.get("properties") {
        None => &empty,
        Some(value) => value.as_object()?,
    };
    // A required key the schema does not describe cannot be vouched for by the caller; nor can
    // a key that needs escaping in a pointer.
    if !required.iter().all(|key| described.contains_key(*key))
        || described.keys().any(|key| key.contains(['/', '~']))
    {
        return None;
    }
    let properties = described
        .iter()
        .map(|(key, property)| {
            let pointer = format!("{pointer}/{key}");
            Some(Property {
                rule: rule(property, &pointer)?,
                required: required.contains(&key.as_str()),
                pointer,
            })
        })
        .collect::<Option<_>>()?;
    Some(ObjectRule { properties })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check() -> QuickCheck {
        QuickCheck::from_schema(&json!({
            "type": "object",
            "required": ["name", "address"],
            "properties": {
                "name": {"type": "string", "minLength": 3, "pattern": "\\S"},
                "nick": {"type": "string", "maxLength": 4},
                "address": {
                    "type": "object",
                    "required": ["zip"],
                    "properties": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}}
                }
            }
        }))
        .expect("a quick check")
    }

    #[test]
    fn accepts_only_what_the_rules_accept() {
        let check = check();
        let valid = [
            ("/name", Some("ACME")),
            ("/nick", None),
            ("/address/zip", Some("75201")),
        ];
        assert!(check.accepts(&valid));
        assert!(!check.accepts(&[("/name", Some("AC")), valid[1], valid[2]]));
        assert!(!check.accepts(&[("/name", Some("   ")), valid[1], valid[2]]));
        assert!(!check.accepts(&[valid[0], ("/nick", Some("toolong")), valid[2]]));
        assert!(!check.accepts(&[valid[0], valid[1], ("/address/zip", Some("7520"))]));
        assert!(!check.accepts(&[("/name", None), valid[1], valid[2]]));
        // A field the schema describes but the caller does not list: no quick yes.
        assert!(!check.accepts(&[valid[0], valid[2]]));
        // Characters, not bytes: "ÄÖ" is 2 characters.
        assert!(!check.accepts(&[("/name", Some("ÄÖ")), valid[1], valid[2]]));
    }

    #[test]
    fn the_order_of_the_fields_does_not_change_the_answer() {
        let check = check();
        let cases: [[(&str, Option<&str>); 3]; 4] = [
            [
                ("/name", Some("ACME")),
                ("/nick", None),
                ("/address/zip", Some("75201")),
            ],
            [
                ("/name", Some("AC")),
                ("/nick", None),
                ("/address/zip", Some("75201")),
            ],
            [
                ("/name", Some("ACME")),
                ("/nick", Some("toolong")),
                ("/address/zip", Some("75201")),
            ],
            [
                ("/name", Some("ACME")),
                ("/nick", None),
                ("/address/zip", Some("7520")),
            ],
        ];
        for (i, fields) in cases.into_iter().enumerate() {
            let in_order = check.accepts(&fields);
            assert_eq!(in_order, i == 0, "{fields:?}");
            for order in [[2, 1, 0], [1, 2, 0], [0, 2, 1], [2, 0, 1]] {
                let shuffled = order.map(|at| fields[at]);
                assert_eq!(check.accepts(&shuffled), in_order, "{shuffled:?}");
            }
        }
    }

    #[test]
    fn bound_fields_give_the_same_answers() {
        let check = check();
        let pointers = ["/address/zip", "/name", "/nick"];
        let bound = check.for_fields(&pointers).expect("every field is there");
        for values in [
            [Some("75201"), Some("ACME"), None],
            [Some("75201"), Some("AC"), None],
            [Some("7520"), Some("ACME"), Some("nick")],
            [Some("75201"), None, None],
        ] {
            let fields: Vec<_> = pointers.iter().copied().zip(values).collect();
            assert_eq!(bound.accepts(&values), check.accepts(&fields), "{fields:?}");
        }
        assert!(
            !bound.accepts(&[Some("75201"), Some("ACME")]),
            "too few values"
        );
        assert!(
            check.for_fields(&["/name", "/nick"]).is_none(),
            "no address"
        );
        assert!(
            check.for_fields(&["/name", "/address/zip"]).is_none(),
            "no nick"
        );
    }

    #[test]
    fn lengths_count_characters_whatever_their_bytes() {
        for text in [
            "",
            "a",
            "ab",
            "abcd",
            "abcde",
            "Ä",
            "ÄÖ",
            "ÄÖÜ",
            "😀",
            "😀😀a",
        ] {
            let chars = text.chars().count();
            for min in [None, Some(0), Some(1), Some(2), Some(3)] {
                for max in [None, Some(0), Some(1), Some(2), Some(4)] {
                    let expected =
                        min.is_none_or(|min| chars >= min) && max.is_none_or(|max| chars <= max);
                    assert_eq!(
                        chars_within(text, min, max),
                        expected,
                        "{text} {min:?} {max:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_schema_with_other_keywords_gets_no_quick_check() {
        for schema in [
            json!({"type": "object", "additionalProperties": false}),
            json!({"type": "object", "properties": {"a": {"type": "string", "enum": ["x"]}}}),
            json!({"type": "object", "properties": {"a": {"type": ["string", "null"]}}}),
            json!({"type": "object", "required": ["undescribed"]}),
            json!({"type": "object", "properties": {"a": {"$ref": "#/x"}}}),
        ] {
            assert!(QuickCheck::from_schema(&schema).is_none(), "{schema}");
        }
    }
}
