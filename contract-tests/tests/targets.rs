//! The `contract-tests` binary against real deployments' shapes: an evidence bundle, steps on
//! another host kept from writing, and a target file with credentials from the environment.

mod common;

use std::process::Command;

use common::binary::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_evidence_bundle_holds_the_reports_and_a_redacted_har_of_every_exchange() {
    let server = mock().await;
    let dir = temp("evidence");
    let output = run_binary(run_args(
        &server.uri(),
        SECRET,
        &["--strict", "--evidence", &dir.display().to_string()],
    ))
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect(name);
    let (junit, report, har) = (
        read("junit.xml"),
        read("report.json"),
        read("exchanges.har"),
    );
    assert!(junit.contains(r#"tests="64""#));
    let report: serde_json::Value = serde_json::from_str(&report).expect("JSON");
    let exchanges: usize = report["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|case| case["exchanges"].as_array().map_or(0, Vec::len))
        .sum();
    let har: serde_json::Value = serde_json::from_str(&har).expect("HAR is JSON");
    assert_eq!(har["log"]["version"], "1.2");
    let entries = har["log"]["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), exchanges);
    let order = entries
        .iter()
        .find(|e| {
            e["request"]["url"]
                .as_str()
                .is_some_and(|u| u.ends_with("/api/v1/order"))
        })
        .expect("an order in the HAR");
    assert_eq!(order["request"]["method"], "POST");
    assert!(order["request"]["postData"]["text"].is_string());
    let status = entries
        .iter()
        .find(|e| {
            e["request"]["url"]
                .as_str()
                .is_some_and(|u| u.contains("/api/v1/orders?"))
        })
        .expect("a status search in the HAR");
    assert!(
        status["request"]["queryString"]
            .as_array()
            .expect("a query")
            .iter()
            .any(|p| p["name"] == "externalIdentifierType" && p["value"] == "OrderNumber")
    );
    for entry in entries {
        let secret = entry["request"]["headers"]
            .as_array()
            .expect("headers")
            .iter()
            .find(|h| h["name"] == "client_secret");
        if let Some(secret) = secret {
            assert!(secret["value"] == "***" || secret["value"] == "contract-tests-wrong-secret");
        }
    }
    for name in ["junit.xml", "report.json", "exchanges.har"] {
        assert!(
            !read(name).contains(SECRET),
            "the secret leaked into {name}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn steps_on_another_host_that_create_records_are_skipped_unless_writes_are_allowed() {
    let server = mock().await;
    // A documentation address (TEST-NET-1): nothing may be sent there.
    let output = run_binary(run_args(
        &server.uri(),
        SECRET,
        &[
            "--step-url",
            "createOrder=http://192.0.2.1:9",
            "--timeout-secs",
            "1",
        ],
    ))
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(
        text.contains(
            "case flow::quote_to_order_status_carries_every_id ... skipped: it would create records on an endpoint that is not on this machine (createOrder); pass --allow-writes to run it\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("  createOrder: never reached: it would create records on an endpoint"),
        "{text}"
    );
    // The lookup, the other steps and the reads still ran.
    assert!(text.contains("case auth::initiateContractAiab::credentials_are_enforced ... ok"));
    // Allowed, the order goes to the unreachable host: the run cannot be carried out.
    let allowed = run_binary(run_args(
        &server.uri(),
        SECRET,
        &[
            "--step-url",
            "createOrder=http://192.0.2.1:9",
            "--timeout-secs",
            "1",
            "--allow-writes",
        ],
    ))
    .await;
    assert_eq!(allowed.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&allowed.stderr)
            .contains("cannot reach http://192.0.2.1:9/api/v1/order"),
        "{}",
        String::from_utf8_lossy(&allowed.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_file_names_the_steps_and_the_variables_holding_the_credentials() {
    let server = mock().await;
    let file = temp("target.toml");
    std::fs::write(
        &file,
        format!(
            "base-url = \"{}\"\nclient-id-env = \"TARGET_TEST_ID\"\nclient-secret-env = \"TARGET_TEST_SECRET\"\n\n[steps]\ngetOrderStatus = \"{}\"\n",
            server.uri(),
            server.uri()
        ),
    )
    .expect("written");
    let output = tokio::task::spawn_blocking({
        let file = file.clone();
        move || {
            let mut command = Command::new(env!("CARGO_BIN_EXE_contract-tests"));
            for var in ENV {
                command.env_remove(var);
            }
            command
                .env("TARGET_TEST_ID", "sp-10006")
                .env("TARGET_TEST_SECRET", SECRET)
                .args([
                    "run",
                    "--target",
                    &file.display().to_string(),
                    "--only",
                    "flow",
                ])
                .output()
                .expect("the binary runs")
        }
    })
    .await
    .expect("the binary's thread");
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(last_line(&output), "6 passed, 0 failed, 0 skipped");
    assert!(stdout(&output).contains("(1 step(s) elsewhere)"));
    // A flag wins over the file: its variable need not even be set. And `allow-writes = true`
    // in the file is turned off by `--allow-writes false`.
    std::fs::write(
        &file,
        format!(
            "base-url = \"{}\"\nclient-secret-env = \"TARGET_TEST_UNSET\"\nallow-writes = true\n\n[steps]\ncreateOrder = \"http://192.0.2.1:9\"\n",
            server.uri()
        ),
    )
    .expect("written");
    let overruled = contract_tests(&[
        "run",
        "--target",
        &file.display().to_string(),
        "--client-id",
        "sp-10006",
        "--client-secret",
        SECRET,
        "--allow-writes",
        "false",
        "--only",
        "flow",
    ]);
    assert_eq!(overruled.status.code(), Some(0), "{}", stdout(&overruled));
    assert!(
        stdout(&overruled).contains("(createOrder); pass --allow-writes to run it"),
        "{}",
        stdout(&overruled)
    );
    std::fs::write(&file, "[steps]\ncreateOrdr = \"http://127.0.0.1:1\"\n").expect("written");
    let wrong = contract_tests(&["run", "--target", &file.display().to_string()]);
    assert_eq!(wrong.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        stderr.contains("target.toml: steps.createOrdr: no operation is called \"createOrdr\""),
        "{stderr}"
    );
    let _ = std::fs::remove_file(&file);
}
