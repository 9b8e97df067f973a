//! The drift report: the same cases against two endpoints (typically the mock and the real one),
//! over every operation the cases call, and every way their answers differ: status codes, error
//! shapes, field presence and types, nullability, result counts, and the shape of ids (length and
//! characters: an 18-character Salesforce id against a 15-character one). Values are not
//! compared: two endpoints hold different data, and a flow makes new ids on each.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};

use serde::Serialize;
use serde_json::Value;

use crate::case::{CaseResult, Exchange};

/// One way the two endpoints answered the same call differently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// The case.
    pub case: String,
    /// The call within the case, from 1.
    pub call: usize,
    /// `status`, `body`, `calls`, `result count`, `field presence`, `type`, `nullability`,
    /// `id shape`.
    pub aspect: &'static str,
    /// Where in the body, as a pattern (`/*/acid`: `acid` of every account); empty for the whole.
    pub pointer: String,
    /// What the first endpoint answered.
    pub left: String,
    /// What the second endpoint answered.
    pub right: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = match (self.pointer.as_str(), self.aspect) {
            ("", "status" | "body" | "result count" | "calls") => String::new(),
            ("", _) => " at (root)".to_owned(),
            (pointer, _) => format!(" at {pointer}"),
        };
        write!(
            f,
            "{} (call {}): {}{pointer}: A {}, B {}",
            self.case, self.call, self.aspect, self.left, self.right
        )
    }
}

/// Compares the results of the same cases run against two endpoints.
pub fn compare(left: &[CaseResult], right: &[CaseResult]) -> Vec<Difference> {
    let mut differences = Vec::new();
    for (a, b) in left.iter().zip(right) {
        if not_run(a) || not_run(b) {
            continue;
        }
        for (index, (x, y)) in a.exchanges.iter().zip(&b.exchanges).enumerate() {
            compare_exchange(&a.name, index + 1, x, y, &mut differences);
        }
        if a.exchanges.len() != b.exchanges.len() {
            // A flow that stopped early on one side (a missing id, writes not allowed).
            let calls = |r: &CaseResult| match &r.stopped {
                Some(reason) => format!("{} call(s), then stopped: {reason}", r.exchanges.len()),
                None => format!("{} call(s)", r.exchanges.len()),
            };
            differences.push(Difference {
                case: a.name.clone(),
                call: a.exchanges.len().min(b.exchanges.len()) + 1,
                aspect: "calls",
                pointer: String::new(),
                left: calls(a),
                right: calls(b),
            });
        }
    }
    differences
}

fn compare_exchange(
    case: &str,
    call: usize,
    a: &Exchange,
    b: &Exchange,
    differences: &mut Vec<Difference>,
) {
    let mut push = |aspect, pointer: &str, left: String, right: String| {
        differences.push(Difference {
            case: case.to_owned(),
            call,
            aspect,
            pointer: pointer.to_owned(),
            left,
            right,
        });
    };
    if a.status != b.status {
        push("status", "", a.status.to_string(), b.status.to_string());
    }
    let (x, y) = (
        serde_json::from_str::<Value>(&a.body).ok(),
        serde_json::from_str::<Value>(&b.body).ok(),
    );
    let (x, y) = match (x, y) {
        (Some(x), Some(y)) => (x, y),
        (None, None) => return,
        (x, y) => {
            let kind = |v: &Option<Value>| if v.is_some() { "JSON" } else { "not JSON" }.to_owned();
            push("body", "", kind(&x), kind(&y));
            return;
        }
    };
    if let (Value::Array(xs), Value::Array(ys)) = (&x, &y)
        && xs.len() != ys.len()
    {
        push(
            "result count",
            "",
            xs.len().to_string(),
            ys.len().to_string(),
        );
    }
    let (sx, sy) = (shape(&x), shape(&y));
    for pointer in sx.keys().chain(sy.keys()).collect::<BTreeSet<_>>() {
        match (sx.get(pointer), sy.get(pointer)) {
            (Some(_), None) => push("field presence", pointer, "present".into(), "absent".into()),
            (None, Some(_)) => push("field presence", pointer, "absent".into(), "present".into()),
            (Some(tx), Some(ty)) if tx != ty && !(is_id_shape(tx) || is_id_shape(ty)) => {
                fn without_null(t: &BTreeSet<String>) -> BTreeSet<&String> {
                    t.iter().filter(|k| *k != "null").collect()
                }
                let (nx, ny) = (without_null(tx), without_null(ty));
                // `null` on one side where the other has a value, or null only on one side.
                let aspect = if nx == ny || nx.is_empty() || ny.is_empty() {
                    "nullability"
                } else {
                    "type"
                };
                push(aspect, pointer, join(tx), join(ty));
            }
            (Some(tx), Some(ty)) if tx != ty => {
                // Both strings: the ids differ in shape.
                if is_id_shape(tx) && is_id_shape(ty) {
                    push("id shape", pointer, join(tx), join(ty));
                } else {
                    let as_type = |t: &BTreeSet<String>| {
                        let types: BTreeSet<String> = t
                            .iter()
                            .map(|k| {
                                if k.starts_with("id: ") {
                                    "string".to_owned()
                                } else {
                                    k.clone()
                                }
                            })
                            .collect();
                        join(&types)
                    };
                    push("type", pointer, as_type(tx), as_type(ty));
                }
            }
            _ => {}
        }
    }
}

/// Whether a case was not run at all on an endpoint (writes not allowed there): nothing to
/// compare, and not a difference.
fn not_run(result: &CaseResult) -> bool {
    result.exchanges.is_empty() && result.stopped.is_some()
}

/// Whether a set of kinds is an id's shape (`id: 18 letters and digits`).
fn is_id_shape(kinds: &BTreeSet<String>) -> bool {
    kinds.iter().any(|k| k.starts_with("id: "))
}

/// The shape of an id: its length and what it is made of.
fn id_shape(id: &str) -> String {
    let length = id.chars().count();
    let class = if id.chars().all(|c| c.is_ascii_digit()) {
        "digits"
    } else if length == 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        "GUID"
    } else if id.chars().all(|c| c.is_ascii_alphanumeric()) {
        "letters and digits"
    } else {
        "other characters"
    };
    format!("id: {length} {class}")
}

/// Whether the key at the end of `pointer` names an id (`quoteId`, `subOrderID`).
fn names_an_id(pointer: &str) -> bool {
    let key = pointer.rsplit('/').next().unwrap_or_default();
    key.ends_with("Id") || key.ends_with("ID")
}

fn join(types: &BTreeSet<String>) -> String {
    types.iter().cloned().collect::<Vec<_>>().join(" or ")
}

/// Every position of a JSON value with the types seen there; array items collapse into `*`, so
/// the accounts of an answer share one pattern.
fn shape(value: &Value) -> BTreeMap<String, BTreeSet<String>> {
    fn walk(value: &Value, pointer: String, out: &mut BTreeMap<String, BTreeSet<String>>) {
        let kind = match value {
            Value::Null => "null".to_owned(),
            Value::Bool(_) => "boolean".to_owned(),
            Value::Number(_) => "number".to_owned(),
            Value::String(id) if names_an_id(&pointer) => id_shape(id),
            Value::String(_) => "string".to_owned(),
            Value::Array(_) => "array".to_owned(),
            Value::Object(_) => "object".to_owned(),
        };
        out.entry(pointer.clone()).or_default().insert(kind);
        match value {
            Value::Array(items) => {
                for item in items {
                    walk(item, format!("{pointer}/*"), out);
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    walk(item, format!("{pointer}/{key}"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    walk(value, String::new(), &mut out);
    out
}

/// The drift report for people, ending in `N passed, N failed, N not compared` (a case passes
/// when its answers do not differ; a case not run on one endpoint, for writes not allowed there,
/// is not compared).
pub fn render(
    left: &str,
    right: &str,
    (results, right_results): (&[CaseResult], &[CaseResult]),
    differences: &[Difference],
) -> String {
    let mut text = format!(
        "comparing {} contract cases\n  A: {left}\n  B: {right}\n",
        results.len()
    );
    for difference in differences {
        let _ = writeln!(text, "differs: {difference}");
    }
    let skipped: Vec<(&CaseResult, &CaseResult)> = results
        .iter()
        .zip(right_results)
        .filter(|(a, b)| not_run(a) || not_run(b))
        .collect();
    for (a, b) in &skipped {
        let (side, reason) = if not_run(a) {
            ("A", a.stopped.as_deref())
        } else {
            ("B", b.stopped.as_deref())
        };
        let _ = writeln!(
            text,
            "not compared: {} (not run on {side}: {})",
            a.name,
            reason.unwrap_or_default()
        );
    }
    let differing: BTreeSet<&str> = differences.iter().map(|d| d.case.as_str()).collect();
    let _ = writeln!(
        text,
        "\n{} difference(s)\n{} passed, {} failed, {} not compared",
        differences.len(),
        results.len() - differing.len() - skipped.len(),
        differing.len(),
        skipped.len()
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::SentRequest;

    fn exchange(status: u16, body: &str) -> Exchange {
        Exchange {
            step: "customerAccountLookup".into(),
            captured: BTreeMap::new(),
            started: String::new(),
            elapsed_us: 0,
            asked: None,
            response_headers: Vec::new(),
            request: SentRequest {
                method: "POST".into(),
                url: String::new(),
                headers: Vec::new(),
                body: String::new(),
            },
            status,
            body: body.to_owned(),
            findings: Vec::new(),
            skipped: None,
        }
    }

    fn differences(a: &Exchange, b: &Exchange) -> Vec<Difference> {
        let mut out = Vec::new();
        compare_exchange("c", 1, a, b, &mut out);
        out
    }

    #[test]
    fn reports_status_count_presence_type_and_nullability() {
        let a = exchange(200, r#"[{"acid":null,"accountId":"1","loaStatus":"N"}]"#);
        let b = exchange(
            200,
            r#"[{"acid":"X","accountId":1},{"acid":"Y","accountId":2}]"#,
        );
        let found: Vec<String> = differences(&a, &b)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            vec![
                "c (call 1): result count: A 1, B 2",
                "c (call 1): type at /*/accountId: A string, B number",
                "c (call 1): nullability at /*/acid: A null, B string",
                "c (call 1): field presence at /*/loaStatus: A present, B absent",
            ]
        );
    }

    #[test]
    fn ids_are_compared_by_shape_not_value() {
        let a = exchange(
            200,
            r#"{"quoteId":"0Q0KQ000000CvYs0AK","orderId":"801Kf000004FnicIAC"}"#,
        );
        let b = exchange(
            200,
            r#"{"quoteId":"0Q0KQ000001AbCd1AK","orderId":"801Kf000004Fnic"}"#,
        );
        let found: Vec<String> = differences(&a, &b)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            vec![
                "c (call 1): id shape at /orderId: A id: 18 letters and digits, B id: 15 letters and digits"
            ]
        );
    }

    #[test]
    fn a_case_not_run_on_one_side_is_not_compared_but_listed() {
        let ran = CaseResult {
            name: "flow::x".to_owned(),
            tags: Vec::new(),
            outcome: crate::case::Outcome::Passed,
            exchanges: vec![exchange(200, "{}")],
            stopped: None,
            operations: Vec::new(),
            assumptions: Vec::new(),
        };
        let not_run = CaseResult {
            exchanges: Vec::new(),
            stopped: Some("writes not allowed".to_owned()),
            outcome: crate::case::Outcome::Skipped {
                reason: "writes not allowed".to_owned(),
            },
            ..ran.clone()
        };
        let (left, right) = ([ran], [not_run]);
        let differences = compare(&left, &right);
        assert_eq!(differences, vec![]);
        let text = render("a", "b", (&left, &right), &differences);
        assert!(text.contains("not compared: flow::x (not run on B: writes not allowed)\n"));
        assert!(
            text.ends_with("0 passed, 0 failed, 1 not compared\n"),
            "{text}"
        );
    }

    #[test]
    fn the_same_shape_with_other_values_does_not_differ() {
        let a = exchange(404, r#"{"code":404,"message":"No customer found."}"#);
        let b = exchange(404, r#"{"code":404,"message":"something else"}"#);
        assert_eq!(differences(&a, &b), vec![]);
    }
}
