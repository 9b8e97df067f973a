//! Configuration the binary refuses: exit code 2 and a message with the place and what was
//! expected, never a secret.

use super::{Scratch, run, stderr};

#[test]
fn a_bad_config_file_is_refused_with_file_line_and_key() {
    let scratch = Scratch::new("bad-toml");
    let file = scratch.write(
        "mock.toml",
        "listen = \"127.0.0.1:0\"\nnot-found = \"maybe\"\n",
    );
    let output = run(&["--config", file.to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert_eq!(
        message.trim(),
        format!(
            "mock-server: {}:2:13: invalid configuration: unknown variant `maybe`, expected `error` or `empty`",
            file.display()
        )
    );
}

#[test]
fn a_wrongly_typed_secret_in_the_config_file_is_not_quoted_back() {
    let scratch = Scratch::new("typed-secret");
    let file = scratch.write(
        "mock.toml",
        "[[clients]]\nclient-id = \"a\"\nclient-secret = 98765432\n",
    );
    let output = run(&["--config", file.to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains(":3:17: invalid configuration: invalid type: integer"),
        "{message}"
    );
    assert!(!message.contains("98765432"), "{message}");
}

#[test]
fn an_unknown_config_key_is_refused() {
    let scratch = Scratch::new("unknown-key");
    let file = scratch.write("mock.toml", "lissen = \"127.0.0.1:0\"\n");
    let output = run(&["--config", file.to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("unknown field `lissen`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_missing_config_file_is_refused() {
    let output = run(&["--config", "/nonexistent/mock.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("mock-server: /nonexistent/mock.toml: cannot be read: "),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_config_file_secret_is_not_repeated_in_errors() {
    let scratch = Scratch::new("dup-client");
    let file = scratch.write(
        "mock.toml",
        "[[clients]]\nclient-id = \"a\"\nclient-secret = \"Hidden-1\"\n\
         [[clients]]\nclient-id = \"a\"\nclient-secret = \"Hidden-2\"\n",
    );
    let output = run(&["--config", file.to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert_eq!(
        message.trim(),
        "mock-server: client id \"a\" is configured twice; each client id must be unique"
    );
}

#[test]
fn a_client_without_a_colon_is_a_usage_error_that_hides_the_value() {
    let output = run(&["--client", "no-colon-Hidden-3"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("expected ID:SECRET"), "{message}");
    assert!(!message.contains("Hidden-3"), "{message}");
}

#[test]
fn an_invalid_flag_value_is_a_usage_error() {
    let output = run(&["--not-found", "sometimes"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("invalid value 'sometimes' for '--not-found <STYLE>'"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_invalid_log_filter_is_refused() {
    let output = run(&["--log-level", "info,[[["]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("invalid log filter"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_unknown_server_wide_scenario_is_refused_at_start() {
    let output = run(&["--scenario", "no-such-scenario"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.starts_with("mock-server: --scenario names scenario \"no-such-scenario\", which is not loaded; known scenarios: "),
        "{message}"
    );
}

#[test]
fn a_client_bound_to_an_unknown_scenario_is_refused_at_start() {
    let scratch = Scratch::new("bound");
    let file = scratch.write(
        "mock.toml",
        "[[clients]]\nclient-id = \"qa\"\nclient-secret = \"x\"\nscenario = \"nul-fields\"\n",
    );
    let output = run(&["--config", file.to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("client \"qa\" names scenario \"nul-fields\""),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_failure_rate_outside_zero_to_one_is_refused() {
    let output = run(&["--failure-rate", "1.5"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim(),
        "mock-server: failure-rate must be from 0 to 1, found 1.5"
    );
}

#[test]
fn a_connection_cap_of_zero_is_refused() {
    let output = run(&["--max-connections", "0"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim(),
        "mock-server: max-connections must be at least 1"
    );
}

#[test]
fn watch_without_a_fixture_folder_is_refused() {
    let output = run(&["--watch"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim(),
        "mock-server: --watch needs a fixture folder (--fixtures DIR); the bundled fixtures never change"
    );
}

#[test]
fn a_certificate_file_that_is_not_pem_is_refused_with_its_name() {
    let scratch = Scratch::new("bad-cert");
    let cert = scratch.write("cert.pem", "not a certificate\n");
    let key = scratch.write("key.pem", "not a key either\n");
    let output = run(&[
        "--tls-cert",
        cert.to_str().expect("utf-8"),
        "--tls-key",
        key.to_str().expect("utf-8"),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim(),
        format!(
            "mock-server: {}: expected a certificate chain in PEM format: no CERTIFICATE block found",
            cert.display()
        )
    );
}

#[test]
fn a_missing_key_file_is_refused_with_its_name() {
    let scratch = Scratch::new("missing-key");
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("a cert");
    let cert = scratch.write("cert.pem", &made.cert.pem());
    let output = run(&[
        "--tls-cert",
        cert.to_str().expect("utf-8"),
        "--tls-key",
        "/nonexistent/key.pem",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("mock-server: /nonexistent/key.pem: cannot be read: "),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_key_that_does_not_match_the_certificate_is_refused() {
    let scratch = Scratch::new("mismatched-key");
    let one = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("a cert");
    let other = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("a cert");
    let cert = scratch.write("cert.pem", &one.cert.pem());
    let key = scratch.write("key.pem", &other.signing_key.serialize_pem());
    let output = run(&[
        "--tls-cert",
        cert.to_str().expect("utf-8"),
        "--tls-key",
        key.to_str().expect("utf-8"),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("unusable for TLS"), "{message}");
    assert!(!message.contains("PRIVATE KEY"), "{message}");
}

#[test]
fn tls_options_that_do_not_fit_together_are_refused() {
    let output = run(&["--tls-write-cert", "/tmp/cert.pem"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim(),
        "mock-server: tls-write-cert writes the self-signed certificate: it needs tls-self-signed"
    );
    let scratch = Scratch::new("tls-file-options");
    let file = scratch.write("mock.toml", "tls-cert = \"cert.pem\"\n");
    let output = run(&["--config", file.to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim(),
        "mock-server: tls-cert and tls-key go together: give both"
    );
}
