//! The `mock-server` binary as a user runs it: what it prints, how it refuses bad configuration,
//! and that secrets stay out of its output.

mod config;
mod fixtures;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

const BINARY: &str = env!("CARGO_BIN_EXE_mock-server");

/// A scratch folder for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("mock-server-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Scratch(dir)
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("dirs");
        std::fs::write(&path, text).expect("write");
        path
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the binary to completion (for arguments that make it refuse to start).
/// How long a run that should end by itself (a refusal, `--help`) may take: a refusal that
/// regressed would start the server, and the test must fail rather than hang.
const RUN_LIMIT: Duration = Duration::from_secs(20);

/// Runs the binary to its end. It listens on a free port unless the arguments say otherwise
/// (`MOCK_LISTEN`, which a flag overrides), so that no run needs port 8080.
fn run(args: &[&str]) -> Output {
    let mut child = Command::new(BINARY)
        .args(args)
        .env_remove("MOCK_CLIENTS")
        .env("MOCK_LISTEN", "127.0.0.1:0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = read(Box::new(child.stdout.take().expect("piped")));
    let stderr = read(Box::new(child.stderr.take().expect("piped")));
    let deadline = std::time::Instant::now() + RUN_LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("mock-server {args:?} did not end within {RUN_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: stdout.join().expect("stdout read"),
        stderr: stderr.join().expect("stderr read"),
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A running server and the first line it printed.
struct Running {
    child: Child,
    address: String,
    stdout_lines: Vec<String>,
}

fn start(args: &[&str]) -> Running {
    start_with(args, &[], 2)
}

/// Starts the binary with `args` and the variables `env` (and no other `MOCK_*` variable of the
/// test's environment), and reads the first `lines` lines it prints.
fn start_with(args: &[&str], env: &[(&str, &str)], lines: usize) -> Running {
    let listen: &[&str] = if args.contains(&"--listen") {
        &[]
    } else {
        &["--listen", "127.0.0.1:0"]
    };
    let mut command = Command::new(BINARY);
    for (name, _) in std::env::vars() {
        if name.starts_with("MOCK_") {
            command.env_remove(name);
        }
    }
    let mut child = command
        .envs(env.iter().copied())
        .args(listen)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("piped");
    let mut reader = BufReader::new(stdout);
    let mut first = String::new();
    reader.read_line(&mut first).expect("a first line");
    let address = first
        .trim()
        .strip_prefix("mock-server listening on http://")
        .or_else(|| {
            first
                .trim()
                .strip_prefix("mock-server listening on https://")
        })
        .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
        .to_owned();
    let mut stdout_lines = vec![first.trim_end().to_owned()];
    for _ in 1..lines {
        let mut line = String::new();
        reader.read_line(&mut line).expect("another line");
        stdout_lines.push(line.trim_end().to_owned());
    }
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = reader.read_to_string(&mut rest);
    });
    Running {
        child,
        address,
        stdout_lines,
    }
}

impl Running {
    /// Sends a raw HTTP/1.1 request and returns the whole response text.
    fn request(&self, headers: &[(&str, &str)], body: &str) -> String {
        let mut stream = TcpStream::connect(&self.address).expect("connects");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let mut text = format!(
            "POST /api/v1/customerAccountLookup HTTP/1.1\r\nhost: {}\r\nconnection: close\r\n\
             content-type: application/json\r\ncontent-length: {}\r\n",
            self.address,
            body.len()
        );
        for (name, value) in headers {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        text.push_str("\r\n");
        text.push_str(body);
        stream.write_all(text.as_bytes()).expect("sends");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("reads");
        response
    }

    /// Stops the server with SIGTERM and returns its exit status and everything it logged.
    fn stop(mut self) -> (std::process::ExitStatus, String) {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let status = self.child.wait().expect("exits");
        let mut logged = String::new();
        if let Some(mut err) = self.child.stderr.take() {
            let _ = err.read_to_string(&mut logged);
        }
        (status, logged)
    }
}

const FOUNDRY: &str = r#"{"spId":"10006","accountName":"AT&T CLOUD TEST FOUNDRY","address":{"street":"2900 W PLANO PKWY","city":"PLANO","state":"TX","zipCode":"75075"}}"#;

#[test]
fn prints_the_listening_line_with_the_real_port_and_the_demo_credentials() {
    let server = start_with(&[], &[], 6);
    let port: u16 = server
        .address
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("a port");
    assert_ne!(port, 0);
    assert_eq!(
        server.stdout_lines[0],
        format!("mock-server listening on http://127.0.0.1:{port}")
    );
    assert_eq!(
        server.stdout_lines[1],
        "demo credentials: client_id=demo-client client_secret=demo-secret"
    );
    assert_eq!(
        server.stdout_lines[5],
        format!(
            "console: http://127.0.0.1:{port}/__admin/ (requests live, scenarios, data, flow, \
             Try it; docs/console.md)"
        )
    );
    let response = server.request(
        &[
            ("client_id", "demo-client"),
            ("client_secret", "demo-secret"),
            ("x-trace-id", "cli-1"),
        ],
        FOUNDRY,
    );
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(
        response.contains("\"subAccountId\":\"U8GOM4\""),
        "{response}"
    );
    let (status, _) = server.stop();
    assert!(
        status.success(),
        "SIGTERM ends the server with exit 0, got {status}"
    );
}

#[test]
fn secrets_never_reach_stdout_stderr_or_a_response() {
    let secret = "Sup3r-S3cret-Value-4711";
    let wrong = "Wr0ng-Guess-Value-0815";
    let server = start(&[
        "--client",
        &format!("sp-10006:{secret}"),
        "--log-level",
        "trace",
    ]);
    assert_eq!(
        server.stdout_lines[1],
        "accepted client ids: sp-10006 (secrets as configured)"
    );
    let ok = server.request(
        &[
            ("client_id", "sp-10006"),
            ("client_secret", secret),
            ("x-trace-id", "s-1"),
        ],
        FOUNDRY,
    );
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    let refused = server.request(
        &[
            ("client_id", "sp-10006"),
            ("client_secret", wrong),
            ("x-trace-id", "s-2"),
        ],
        FOUNDRY,
    );
    assert!(refused.starts_with("HTTP/1.1 401"), "{refused}");
    let journal = {
        let mut stream = TcpStream::connect(&server.address).expect("connects");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        stream
            .write_all(b"GET /__admin/requests HTTP/1.1\r\nhost: mock\r\nconnection: close\r\n\r\n")
            .expect("sends");
        let mut journal = String::new();
        stream.read_to_string(&mut journal).expect("reads");
        journal
    };
    assert!(
        journal.contains("\"s-2\""),
        "both requests are journaled: {journal}"
    );
    let printed = server.stdout_lines.join("\n");
    let (_, logged) = server.stop();
    assert!(
        logged.contains("status=200"),
        "the request log is on: {logged}"
    );
    assert!(logged.contains("status=401"), "{logged}");
    for text in [&ok, &refused, &journal, &logged, &printed] {
        assert!(!text.contains(secret), "secret leaked: {text}");
        assert!(!text.contains(wrong), "wrong secret leaked: {text}");
    }
}

#[test]
fn json_logs_have_one_line_per_request_with_trace_id_and_status() {
    let server = start(&["--log-format", "json"]);
    server.request(
        &[
            ("client_id", "demo-client"),
            ("client_secret", "demo-secret"),
            ("x-trace-id", "json-1"),
        ],
        FOUNDRY,
    );
    let (_, logged) = server.stop();
    let line = logged
        .lines()
        .find(|line| line.contains("json-1"))
        .unwrap_or_else(|| panic!("no request line in {logged}"));
    let entry: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
    assert_eq!(entry["status"], 200);
    assert_eq!(entry["method"], "POST");
    assert_eq!(entry["path"], "/api/v1/customerAccountLookup");
    assert_eq!(entry["trace_id"], "json-1");
    assert_eq!(entry["client_id"], "demo-client");
}

#[test]
fn an_address_in_use_is_reported() {
    let holder = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = holder.local_addr().expect("addr").to_string();
    let output = run(&["--listen", &address]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains(&format!("cannot listen on {address}")),
        "{}",
        stderr(&output)
    );
}

#[test]
fn help_documents_every_flag_with_its_environment_variable() {
    let output = run(&["--help"]);
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for (flag, env) in [
        ("--config", "MOCK_CONFIG"),
        ("--listen", "MOCK_LISTEN"),
        ("--client", "MOCK_CLIENTS"),
        ("--fixtures", "MOCK_FIXTURES"),
        ("--require-sp-id", "MOCK_REQUIRE_SP_ID"),
        ("--not-found", "MOCK_NOT_FOUND"),
        ("--base-path", "MOCK_BASE_PATHS"),
        ("--max-body-bytes", "MOCK_MAX_BODY_BYTES"),
        ("--log-format", "MOCK_LOG_FORMAT"),
        ("--log-level", "MOCK_LOG"),
        ("--data", "MOCK_DATA"),
        ("--seed", "MOCK_SEED"),
        ("--scenario", "MOCK_SCENARIO"),
        ("--failure-rate", "MOCK_FAILURE_RATE"),
        ("--failure-scenarios", "MOCK_FAILURE_SCENARIOS"),
        ("--journal-size", "MOCK_JOURNAL_SIZE"),
        ("--admin-token", "MOCK_ADMIN_TOKEN"),
        ("--watch", "MOCK_WATCH"),
        ("--max-connections", "MOCK_MAX_CONNECTIONS"),
        ("--max-header-bytes", "MOCK_MAX_HEADER_BYTES"),
        ("--read-timeout", "MOCK_READ_TIMEOUT"),
        ("--tls-cert", "MOCK_TLS_CERT"),
        ("--tls-key", "MOCK_TLS_KEY"),
        ("--tls-self-signed", "MOCK_TLS_SELF_SIGNED"),
        ("--tls-write-cert", "MOCK_TLS_WRITE_CERT"),
        ("--flow", "MOCK_FLOW"),
        ("--esign-after", "MOCK_ESIGN_AFTER"),
        ("--order-statuses", "MOCK_ORDER_STATUSES"),
        ("--order-status-every", "MOCK_ORDER_STATUS_EVERY"),
        ("--flow-capacity", "MOCK_FLOW_CAPACITY"),
    ] {
        assert!(
            help.contains(flag) && help.contains(env),
            "{flag} / {env} missing from --help"
        );
    }
}

#[test]
fn print_openapi_writes_the_self_contained_document_and_exits() {
    let output = run(&["--print-openapi"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let document: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("the document is JSON");
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(
        document["paths"].as_object().map(|paths| paths.len()),
        Some(12)
    );
    assert!(!String::from_utf8_lossy(&output.stdout).contains(".schema.json"));
}

#[test]
fn an_unusable_flow_setting_is_refused_with_what_was_expected() {
    let output = run(&["--order-statuses", "IN PROGRESS"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(
            "order-statuses: expected 1 to 20 statuses of 1 to 64 printable characters without spaces"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn base_path_root_serves_the_lookup_without_api_v1() {
    let server = start(&["--base-path", "/api/v1", "--base-path", "/"]);
    let mut stream = TcpStream::connect(&server.address).expect("connects");
    let request = format!(
        "POST /customerAccountLookup HTTP/1.1\r\nhost: x\r\nconnection: close\r\nclient_id: demo-client\r\n\
         client_secret: demo-secret\r\ncontent-type: application/json\r\nx-trace-id: root\r\n\
         content-length: {}\r\n\r\n{FOUNDRY}",
        FOUNDRY.len()
    );
    stream.write_all(request.as_bytes()).expect("sends");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("reads");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let (status, _) = server.stop();
    assert!(status.success());
}

#[test]
fn tls_self_signed_prints_an_https_address_and_writes_the_certificate() {
    let scratch = Scratch::new("tls-banner");
    let cert = scratch.path().join("mock.pem");
    let server = start(&[
        "--tls-self-signed",
        "--tls-write-cert",
        cert.to_str().expect("utf-8"),
    ]);
    assert!(
        server.stdout_lines[0].starts_with("mock-server listening on https://127.0.0.1:"),
        "{:?}",
        server.stdout_lines
    );
    assert_eq!(
        server.stdout_lines[1],
        format!(
            "tls: self-signed certificate for localhost, 127.0.0.1 and ::1, written to {}",
            cert.display()
        )
    );
    let pem = std::fs::read_to_string(&cert).expect("the certificate was written");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    // Plain HTTP on the HTTPS port gets no HTTP answer.
    let mut stream = TcpStream::connect(&server.address).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    stream
        .write_all(b"GET /__admin/health HTTP/1.1\r\nhost: mock\r\n\r\n")
        .expect("sends");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    assert!(!answer.starts_with(b"HTTP/1.1 200"));
    let (status, _) = server.stop();
    assert!(status.success());
}

/// Beyond loopback without a token, the start-up log says that only the health check answers,
/// and how to open the rest; nothing is sent to the wildcard address.
#[test]
fn listening_beyond_loopback_says_the_admin_api_is_closed() {
    let server = start(&["--listen", "0.0.0.0:0"]);
    assert!(server.address.starts_with("0.0.0.0:"), "{}", server.address);
    let (status, logged) = server.stop();
    assert!(status.success());
    assert!(
        logged.contains(
            "listening beyond this machine without --admin-token: the admin API answers only \
             GET /__admin/health (--admin-token TOKEN, or --admin-open, opens it)"
        ),
        "{logged}"
    );
    let server = start(&["--listen", "0.0.0.0:0", "--admin-open"]);
    let (_, logged) = server.stop();
    assert!(
        logged.contains("with an open admin API (--admin-open)"),
        "{logged}"
    );
}

#[test]
fn a_flag_wins_over_the_environment_which_wins_over_the_config_file() {
    let scratch = Scratch::new("precedence");
    let file = scratch.write(
        "mock.toml",
        "seed = 3\ndata = \"generated\"\nflow = \"lenient\"\nesign-after = 9\n",
    );
    let running = start_with(
        &["--config", file.to_str().expect("a path"), "--seed", "7"],
        &[
            ("MOCK_SEED", "5"),
            ("MOCK_DATA", "hybrid"),
            ("MOCK_ESIGN_AFTER", "2"),
            ("MOCK_CLIENTS", "alpha:one-secret,beta:two-secret"),
        ],
        4,
    );
    assert_eq!(
        running.stdout_lines[1..],
        [
            "accepted client ids: alpha, beta (secrets as configured)",
            // The flag's seed (7), the environment's mode (hybrid).
            "data: hybrid (seed 7); ZIP 00000 finds no customer, ZIP 99999 finds five",
            // The file's flow mode, the environment's eSign delay.
            "flow: lenient (docs/flow.md); eSign signs after 2 s; orders go IN_PROGRESS → COMPLETED every 30 s",
        ]
    );
    let body = r#"{"spId":"1","accountName":"AT&T CLOUD TEST FOUNDRY","address":{"street":"","city":"PLANO","state":"TX","zipCode":"75075"}}"#;
    let as_beta = running.request(
        &[
            ("client_id", "beta"),
            ("client_secret", "two-secret"),
            ("x-trace-id", "env"),
        ],
        body,
    );
    assert!(as_beta.starts_with("HTTP/1.1 200 "), "{as_beta}");
    let (status, _) = running.stop();
    assert!(status.success());
}
