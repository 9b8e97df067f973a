//! The `contract-tests` binary: exit codes 0, 1 and 2, the closing `N passed, N failed` line,
//! reports on disk, secrets redacted, `validate`, `diff` and the help text.

mod common;

use std::process::Command;

use common::binary::*;
use mock_server::NotFoundStyle;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_strict_run_against_the_mock_exits_0_and_writes_both_reports() {
    let server = mock().await;
    let (junit, json) = (temp("pass.xml"), temp("pass.json"));
    let output = run_binary(run_args(
        &server.uri(),
        SECRET,
        &[
            "--strict",
            "--junit",
            &junit.display().to_string(),
            "--json",
            &json.display().to_string(),
        ],
    ))
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(last_line(&output), "64 passed, 0 failed, 0 skipped");
    let junit = std::fs::read_to_string(&junit).expect("a JUnit file");
    assert!(junit.contains(
        r#"<testsuites name="contract-tests" tests="64" skipped="0" failures="0" errors="0">"#
    ));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("a JSON file")).expect("JSON");
    assert_eq!(json["summary"]["passed"], 64);
    assert_eq!(json["mode"], "strict");
    // The run reached every operation of the flow, and saw every documented field of each.
    let coverage = json["coverage"]["operations"].as_array().expect("coverage");
    assert_eq!(coverage.len(), 12);
    for operation in coverage {
        assert!(operation.get("notReached").is_none(), "{operation}");
        assert!(
            operation["statuses"]["401"].as_u64() >= Some(1),
            "{operation}"
        );
        let unseen: Vec<&serde_json::Value> = operation["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .filter(|f| f["basis"] != "assumed" && f["seen"] == false)
            .collect();
        // The order's sub-order is answered as an object; the array form is never seen.
        let allowed = unseen.iter().all(|f| {
            f["pointer"]
                .as_str()
                .is_some_and(|p| p.starts_with("/subOrder/*"))
        });
        assert!(allowed, "{}: {unseen:?}", operation["operation"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_strict_run_against_the_https_mock_trusting_its_certificate_passes() {
    let server = common::mock()
        .client("sp-10006", SECRET)
        .tls(mock_server::config::TlsSource::SelfSigned { write_cert: None })
        .start()
        .await
        .expect("the mock starts");
    assert!(server.uri().starts_with("https://"));
    let certificate = temp("mock.pem");
    std::fs::write(
        &certificate,
        server.certificate_pem().expect("a certificate"),
    )
    .expect("writes");

    let untrusted = run_binary(run_args(&server.uri(), SECRET, &["--strict"])).await;
    assert_eq!(untrusted.status.code(), Some(2), "{}", stdout(&untrusted));

    let ca = certificate.display().to_string();
    let output = run_binary(run_args(
        &server.uri(),
        SECRET,
        &["--strict", "--ca-cert", &ca],
    ))
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(last_line(&output), "64 passed, 0 failed, 0 skipped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_violated_contract_exits_1_and_never_shows_the_secret() {
    let server = mock().await;
    let lookups = temp("lookups.json");
    std::fs::write(
        &lookups,
        r#"[{"request":{"accountName":"AT&T CLOUD TEST FOUNDRY","address":{"street":"","city":"PLANO","state":"TX","zipCode":"75075"}},
             "expectAccountIds":["0000000000NOTTHERE"]}]"#,
    )
    .expect("a lookups file");
    let (junit, json) = (temp("fail.xml"), temp("fail.json"));
    let output = run_binary(run_args(
        &server.uri(),
        SECRET,
        &[
            "--only",
            "lookups",
            "--lookups",
            &lookups.display().to_string(),
            "--junit",
            &junit.display().to_string(),
            "--json",
            &json.display().to_string(),
        ],
    ))
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(last_line(&output), "0 passed, 1 failed, 0 skipped");
    let text = stdout(&output);
    assert!(
        text.contains("---- lookups::entry_0_is_found ----"),
        "{text}"
    );
    assert!(text.contains("    client_secret: ***\n"), "{text}");
    assert!(text.contains("expected accountId \"0000000000NOTTHERE\" among the results"));
    for report in [
        text,
        std::fs::read_to_string(&junit).expect("JUnit"),
        std::fs::read_to_string(&json).expect("JSON"),
    ] {
        assert!(!report.contains(SECRET), "the secret leaked: {report}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_credentials_fail_the_cases_that_need_them() {
    let server = mock().await;
    let output = run_binary(run_args(&server.uri(), "not-it", &["--only", "auth"])).await;
    assert_eq!(output.status.code(), Some(1));
    // The lookup's four auth cases and one per other operation: only the valid call fails.
    assert_eq!(last_line(&output), "14 passed, 1 failed, 0 skipped");
    assert!(stdout(&output).contains("case auth::valid_credentials_are_accepted ... FAILED"));
}

#[test]
fn an_unreachable_endpoint_exits_2_and_says_so() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let args = run_args(&url, "x", &[]);
    let output = contract_tests(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(&format!(
            "contract-tests: cannot reach {url}/api/v1/customerAccountLookup; is the endpoint running and the --base-url right?"
        )),
        "{stderr}"
    );
}

#[test]
fn contract_strict_takes_the_usual_spellings_of_yes_and_no() {
    let url = "http://127.0.0.1:9";
    let args = run_args(url, "x", &[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let with_strict = |value: &str| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_contract-tests"));
        for var in ENV {
            command.env_remove(var);
        }
        let output = command
            .env("CONTRACT_STRICT", value)
            .args(&args)
            .output()
            .expect("the binary runs");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    for value in ["1", "true", "yes", "on", "0", "false", "no", "off"] {
        let stderr = with_strict(value);
        // Parsed: the run goes on and finds nothing listening.
        assert!(stderr.contains("cannot reach"), "{value}: {stderr}");
    }
    let stderr = with_strict("maybe");
    assert!(stderr.contains("invalid value 'maybe'"), "{stderr}");
}

#[test]
fn a_usage_error_exits_2() {
    let output = contract_tests(&["run", "--client-id", "a", "--client-secret", "b"]);
    assert_eq!(output.status.code(), Some(2));
    let output = contract_tests(&[
        "run",
        "--base-url",
        "http://127.0.0.1:9",
        "--client-id",
        "a",
        "--client-secret",
        "b",
        "--only",
        "nonsense",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown tag 'nonsense'"));
}

#[test]
fn validate_prints_every_violation_and_exits_1() {
    let body = temp("body.json");
    std::fs::write(&body, r#"{"code":"400","message":"Bad Request"}"#).expect("a body");
    let path = body.display().to_string();
    let output = contract_tests(&["validate", "--schema", "error", &path]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        format!(
            "{path}: (root): \"description\" is a required property (rule /required)\n\
             {path}: (root): \"traceId\" is a required property (rule /required)\n\
             {path}: (root): \"transactionId\" is a required property (rule /required)\n\
             {path}: /code: \"400\" is not of type \"integer\" (rule /properties/code/type)\n\
             4 violations\n"
        )
    );
}

#[test]
fn validate_accepts_a_valid_body_and_exits_0() {
    let body = temp("ok.json");
    std::fs::write(&body, "[]").expect("a body");
    let output = contract_tests(&[
        "validate",
        "--schema",
        "lookup-response",
        &body.display().to_string(),
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).ends_with("valid against lookup-response\n"));
    let missing = contract_tests(&["validate", "--schema", "account", "/nonexistent/body.json"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn validate_reads_standard_input_and_warns_of_unknown_values_as_a_run_does() {
    use std::io::Write as _;
    let account = r#"{"accountAddress":{"city":"PLANO","country":"USA","state":"TX",
        "street":"2900 W PLANO PKWY","zipCode":"750758004"},"accountName":"AT&T CLOUD TEST FOUNDRY",
        "accountId":"0013g00000cUIRtAAO","acid":null,"salesSegment":null,"subAccountId":"U8GOM4",
        "contractStatus":null,"parentPartnerAccId":null,"partnerId":null,"loaStatus":"N",
        "allianceStatus":"PARTNER EXCLUSIVE","accountStatus":"Inactive","exception":"N"}"#;
    let mut child = Command::new(env!("CARGO_BIN_EXE_contract-tests"))
        .args(["validate", "--schema", "lookup-response", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("a pipe")
        .write_all(format!("[{account}]").as_bytes())
        .expect("written");
    let output = child.wait_with_output().expect("it ends");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "(stdin): /0/allianceStatus: warning: \"PARTNER EXCLUSIVE\" is not one of the known values \"ATT ONLY\", \"OPPORTUNITY\" (rule x-known-values)\n\
         (stdin): valid against lookup-response, 1 warning\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diff_reports_where_two_endpoints_answer_differently() {
    let a = mock().await;
    let b = common::mock()
        .client("sp-10006", SECRET)
        .not_found(NotFoundStyle::Empty)
        .start()
        .await
        .expect("the mock starts");
    let args: Vec<String> = [
        "diff",
        "--base-url",
        &a.uri(),
        "--base-url",
        &b.uri(),
        "--client-id",
        "sp-10006",
        "--client-secret",
        SECRET,
        "--only",
        "behaviour",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let output = run_binary(args).await;
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(
        text.contains(
            "differs: behaviour::no_customer_found_is_reported (call 1): status: A 404, B 200\n"
        ),
        "{text}"
    );
    assert!(text.contains("differs: behaviour::no_customer_found_is_reported (call 1): type at (root): A object, B array\n"), "{text}");
    assert_eq!(last_line(&output), "10 passed, 1 failed, 0 not compared");

    let same: Vec<String> = [
        "diff",
        "--base-url",
        &a.uri(),
        "--base-url",
        &a.uri(),
        "--client-id",
        "sp-10006",
        "--client-secret",
        SECRET,
        "--generative-cases",
        "4",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let output = run_binary(same).await;
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn help_names_the_environment_variable_of_every_flag_and_hides_secrets() {
    let diff_only = [
        "CONTRACT_DIFF_BASE_URLS",
        "CONTRACT_DIFF_CLIENT_IDS",
        "CONTRACT_DIFF_CLIENT_SECRETS",
        "CONTRACT_DIFF_JSON",
    ];
    let run_only = [
        "CONTRACT_TARGET",
        "CONTRACT_STEP_URLS",
        "CONTRACT_EVIDENCE",
        "CONTRACT_BASE_URL",
        "CONTRACT_CLIENT_ID",
        "CONTRACT_CLIENT_SECRET",
        "CONTRACT_JUNIT",
        "CONTRACT_JSON",
        "CONTRACT_STRICT",
    ];
    for (command, skip) in [("run", &diff_only[..]), ("diff", &run_only[..])] {
        let output = contract_tests(&[command, "--help"]);
        let help = stdout(&output);
        for var in ENV.iter().filter(|v| !skip.contains(v)) {
            assert!(
                help.contains(&format!("[env: {var}")),
                "{command} --help lacks {var}:\n{help}"
            );
        }
    }
    let output = Command::new(env!("CARGO_BIN_EXE_contract-tests"))
        .args(["run", "--help"])
        .env("CONTRACT_CLIENT_SECRET", SECRET)
        .output()
        .expect("the binary runs");
    assert!(!stdout(&output).contains(SECRET));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endpoint_slower_than_timeout_secs_counts_as_unreachable() {
    // A server that takes 30 s to answer anything: the slowness is what is under test.
    let slow = common::serve(axum::Router::new().fallback(|| async {
        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
        "late"
    }))
    .await;
    let started = std::time::Instant::now();
    let output = run_binary(run_args(
        &slow,
        SECRET,
        &["--only", "smoke", "--timeout-secs", "1"],
    ))
    .await;
    let took = started.elapsed();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("did not answer within 1 s; raise --timeout-secs"),
        "{stderr}"
    );
    assert!(
        took < std::time::Duration::from_secs(10),
        "gave up after {took:?}, not after about a second"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diff_sends_each_endpoint_its_own_credentials() {
    let a = mock().await;
    let b = common::mock()
        .client("other-client", "other-secret")
        .start()
        .await
        .expect("the mock starts");
    let diff = |ids: &[&str], secrets: &[&str]| {
        let mut args = vec!["diff".to_owned()];
        for url in [a.uri(), b.uri()] {
            args.extend(["--base-url".to_owned(), url]);
        }
        for id in ids {
            args.extend(["--client-id".to_owned(), (*id).to_owned()]);
        }
        for secret in secrets {
            args.extend(["--client-secret".to_owned(), (*secret).to_owned()]);
        }
        args.extend(["--only".to_owned(), "auth".to_owned()]);
        run_binary(args)
    };
    // One pair per endpoint: both accept the valid calls, so nothing differs.
    let paired = diff(&["sp-10006", "other-client"], &[SECRET, "other-secret"]).await;
    assert_eq!(paired.status.code(), Some(0), "{}", stdout(&paired));
    // One pair for both: the second endpoint refuses it, and the report says so.
    let shared = diff(&["sp-10006"], &[SECRET]).await;
    assert_eq!(shared.status.code(), Some(1));
    assert!(
        stdout(&shared).contains(
            "differs: auth::valid_credentials_are_accepted (call 1): status: A 200, B 401"
        ),
        "{}",
        stdout(&shared)
    );
    let three = diff(&["x", "y", "z"], &[SECRET]).await;
    assert_eq!(three.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&three.stderr)
            .contains("give --client-id once (for both) or twice (one per endpoint), got 3")
    );
}
