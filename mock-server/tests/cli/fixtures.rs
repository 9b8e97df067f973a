//! Fixture folders the binary refuses at start: exit code 2, with the file, the JSON pointer and
//! what was expected.

use super::{Scratch, run, stderr};

#[test]
fn a_fixture_with_a_wrong_type_is_refused_with_file_pointer_and_expectation() {
    let scratch = Scratch::new("bad-fixture");
    let mut account: serde_json::Value = serde_json::from_str(
        r#"{"accountAddress":{"city":"PLANO","country":"USA","state":"TX","street":"1 MAIN ST","zipCode":75075},
            "accountName":"X","accountId":"1","acid":null,"salesSegment":null,"subAccountId":null,
            "contractStatus":null,"parentPartnerAccId":null,"partnerId":null,"loaStatus":"Y",
            "allianceStatus":"ATT ONLY","accountStatus":null,"exception":"N"}"#,
    )
    .expect("json");
    let good = {
        let mut good = account.clone();
        good["accountAddress"]["zipCode"] = "75075".into();
        good["accountId"] = "0".into();
        good
    };
    account["acountName"] = "typo".into();
    let file = scratch.write(
        "accounts/book.json",
        &serde_json::to_string_pretty(&vec![good, account]).expect("json"),
    );
    let output = run(&["--fixtures", scratch.path().to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    let file = file.display();
    assert!(
        message.contains(&format!(
            "{file}: /1/accountAddress/zipCode: 75075 is not of type \"string\""
        )),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "{file}: /1: Additional properties are not allowed"
        )),
        "{message}"
    );
}

#[test]
fn a_fixture_that_is_not_json_is_refused_with_line_and_column() {
    let scratch = Scratch::new("not-json");
    let file = scratch.write("accounts/book.json", "[\n  {\"accountName\": }\n]\n");
    let output = run(&["--fixtures", scratch.path().to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains(&format!("{}: not valid JSON: ", file.display())),
        "{message}"
    );
    assert!(message.contains("line 2 column"), "{message}");
}

#[test]
fn a_canned_example_with_an_unknown_key_is_refused() {
    let scratch = Scratch::new("bad-canned");
    scratch.write("accounts/book.json", "[]");
    let file = scratch.write(
        "canned/x.json",
        r#"{"description": "d", "request": {"body": {}}, "response": {"status": 200, "body": [], "headers": {}}}"#,
    );
    let output = run(&["--fixtures", scratch.path().to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains(&format!(
            "{}: /response/headers: unknown field `headers`",
            file.display()
        )),
        "{message}"
    );
}

#[test]
fn a_folder_without_accounts_is_refused() {
    let scratch = Scratch::new("empty");
    let output = run(&["--fixtures", scratch.path().to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("expected a fixture folder with an accounts/ folder"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn duplicate_account_ids_are_refused() {
    let scratch = Scratch::new("dup");
    let record = r#"{"accountAddress":{"city":"A","country":"USA","state":"TX","street":"","zipCode":"75075"},
        "accountName":"X","accountId":"ID-1","acid":null,"salesSegment":null,"subAccountId":null,
        "contractStatus":null,"parentPartnerAccId":null,"partnerId":null,"loaStatus":"Y",
        "allianceStatus":"ATT ONLY","accountStatus":null,"exception":"N"}"#;
    scratch.write("accounts/a.json", &format!("[{record}]"));
    scratch.write("accounts/b.json", &format!("[{record}]"));
    let output = run(&["--fixtures", scratch.path().to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("accountId \"ID-1\" is already used by"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_broken_scenario_file_is_refused_with_its_pointer() {
    let scratch = Scratch::new("bad-scenario");
    scratch.write("accounts/book.json", "[]");
    let file = scratch.write(
        "scenarios/too-slow.json",
        r#"{"description": "d", "fault": {"kind": "slow", "delayMs": 900000}}"#,
    );
    let output = run(&["--fixtures", scratch.path().to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(&format!(
            "{}: /fault: expected delayMs + jitterMs ≤ 300000",
            file.display()
        )),
        "{}",
        stderr(&output)
    );
    let both = scratch.write(
        "scenarios/too-slow.json",
        r#"{"description": "d", "fault": {"kind": "empty-response"}, "error": {"status": 500, "description": "x"}}"#,
    );
    let output = run(&["--fixtures", scratch.path().to_str().expect("utf-8")]);
    assert!(
        stderr(&output).contains(&format!(
            "{}: (root): expected exactly one of",
            both.display()
        )),
        "{}",
        stderr(&output)
    );
}
