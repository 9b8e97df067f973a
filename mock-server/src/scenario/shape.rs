//! Reshaping the accounts of a lookup's answer, and the fields of another operation's answer,
//! for data-shape and contract-drift scenarios.

use serde_json::{Map, Value};

use super::{AccountsShape, AnswerShape};

/// Applies an `answer` scenario to an answer: set, then remove. A path whose parent the answer
/// lacks is skipped. Applying it twice gives what applying it once gives.
pub fn change_answer(answer: &mut Value, shape: &AnswerShape) {
    for (path, value) in &shape.set {
        put(answer, path, value.clone());
    }
    for path in &shape.remove {
        if let Some((parent, key)) = parent_of(answer, path) {
            parent.shift_remove(&key);
        }
    }
}

/// Applies `shape` (except its count, which decides how many accounts there are) to every
/// account: set, then cycle, then remove, then rename. A path whose parent an account lacks is
/// skipped for that account.
pub fn reshape(accounts: &mut [Value], shape: &AccountsShape) {
    for (index, account) in accounts.iter_mut().enumerate() {
        for (path, value) in &shape.set {
            put(account, path, value.clone());
        }
        for (path, values) in &shape.cycle {
            put(account, path, values[index % values.len()].clone());
        }
        for path in &shape.remove {
            if let Some((parent, key)) = parent_of(account, path) {
                parent.shift_remove(&key);
            }
        }
        for (path, new_key) in &shape.rename {
            if let Some((parent, key)) = parent_of(account, path) {
                rename(parent, &key, new_key);
            }
        }
    }
}

fn put(account: &mut Value, path: &str, value: Value) {
    if let Some((parent, key)) = parent_of(account, path) {
        parent.insert(key, value);
    }
}

/// The object holding the last segment of `path`, and that segment.
fn parent_of<'a>(
    account: &'a mut Value,
    path: &str,
) -> Option<(&'a mut Map<String, Value>, String)> {
    let (parent, last) = path.rsplit_once('/')?;
    let key = last.replace("~1", "/").replace("~0", "~");
    match account.pointer_mut(parent)? {
        Value::Object(map) => Some((map, key)),
        _ => None,
    }
}

/// Renames `key` where it stands, so the key order of the answer is kept.
fn rename(map: &mut Map<String, Value>, key: &str, new_key: &str) {
    if !map.contains_key(key) {
        return;
    }
    let entries = std::mem::take(map);
    for (k, v) in entries {
        if k == key {
            map.insert(new_key.to_owned(), v);
        } else {
            map.insert(k, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_cycle_remove_and_rename_apply_in_order() {
        let mut accounts = vec![
            json!({"accountName": "A", "acid": "1", "accountAddress": {"zipCode": "75075"}, "exception": "N"}),
            json!({"accountName": "B", "acid": "2", "accountAddress": {"zipCode": "75076"}, "exception": "N"}),
        ];
        let shape = AccountsShape {
            set: [("/accountAddress/zipCode".to_owned(), json!(75075))].into(),
            cycle: [("/exception".to_owned(), vec![json!("Y"), json!("NA")])].into(),
            remove: vec!["/acid".to_owned()],
            rename: [("/accountName".to_owned(), "account_name".to_owned())].into(),
            ..AccountsShape::default()
        };
        reshape(&mut accounts, &shape);
        assert_eq!(
            accounts[1],
            json!({"account_name": "B", "accountAddress": {"zipCode": 75075}, "exception": "NA"})
        );
        let keys: Vec<_> = accounts[0]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            ["account_name", "accountAddress", "exception"],
            "rename keeps the place"
        );
    }

    #[test]
    fn a_path_whose_parent_is_missing_is_skipped() {
        let mut accounts = vec![json!({"accountName": "A"})];
        let shape = AccountsShape {
            set: [("/nowhere/deep".to_owned(), json!(1))].into(),
            ..AccountsShape::default()
        };
        reshape(&mut accounts, &shape);
        assert_eq!(accounts[0], json!({"accountName": "A"}));
    }
}
