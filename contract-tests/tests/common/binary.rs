//! Running the `contract-tests` binary: its environment cleared, its output read, a mock with
//! a client of its own.

use std::path::PathBuf;
use std::process::{Command, Output};

use mock_server::MockServer;

pub const SECRET: &str = "top-secret-4711";

pub const ENV: [&str; 22] = [
    "CONTRACT_CA_CERT",
    "CONTRACT_TARGET",
    "CONTRACT_STEP_URLS",
    "CONTRACT_EVIDENCE",
    "CONTRACT_OPERATION",
    "CONTRACT_WAIT_SECS",
    "CONTRACT_ALLOW_WRITES",
    "CONTRACT_BASE_URL",
    "CONTRACT_CLIENT_ID",
    "CONTRACT_CLIENT_SECRET",
    "CONTRACT_SP_ID",
    "CONTRACT_LOOKUPS",
    "CONTRACT_JUNIT",
    "CONTRACT_JSON",
    "CONTRACT_ONLY",
    "CONTRACT_STRICT",
    "CONTRACT_GENERATIVE_CASES",
    "CONTRACT_TIMEOUT_SECS",
    "CONTRACT_DIFF_BASE_URLS",
    "CONTRACT_DIFF_CLIENT_IDS",
    "CONTRACT_DIFF_CLIENT_SECRETS",
    "CONTRACT_DIFF_JSON",
];

/// Runs the binary with `args` and none of its variables from the test's environment.
pub fn contract_tests(args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_contract-tests"));
    for var in ENV {
        command.env_remove(var);
    }
    command.args(args).output().expect("the binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn last_line(output: &Output) -> String {
    stdout(output).lines().last().unwrap_or_default().to_owned()
}

pub fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("contract-tests-cli-{}-{name}", std::process::id()))
}

pub async fn mock() -> MockServer {
    super::mock()
        .client("sp-10006", SECRET)
        .start()
        .await
        .expect("the mock starts")
}

pub async fn run_binary(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        contract_tests(&args)
    })
    .await
    .expect("the binary's thread")
}

pub fn run_args(base_url: &str, secret: &str, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "run",
        "--base-url",
        base_url,
        "--client-id",
        "sp-10006",
        "--client-secret",
        secret,
        "--generative-cases",
        "4",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args
}
