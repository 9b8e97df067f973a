//! The in-process server on a real socket.

use mock_server::MockServer;
use serde_json::Value;

use crate::common::foundry;

#[tokio::test]
async fn a_started_server_answers_over_http_and_stops_on_shutdown() {
    let server = MockServer::builder()
        .client("sp-10006", "s3cret")
        .start()
        .await
        .expect("starts on a free port");
    assert!(server.uri().starts_with("http://127.0.0.1:"));
    assert_ne!(server.address().port(), 0);

    let client = crate::common::http_client();
    let response = client
        .post(server.lookup_url())
        .header("client_id", "sp-10006")
        .header("client_secret", "s3cret")
        .header("x-trace-id", "socket-1")
        .json(&foundry())
        .send()
        .await
        .expect("the server answers");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-trace-id"], "socket-1");
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body[0]["subAccountId"], "U8GOM4");

    let address = server.address();
    server.shutdown().await.expect("a clean stop");
    assert!(
        tokio::net::TcpStream::connect(address).await.is_err(),
        "nothing listens after shutdown"
    );
}

#[tokio::test]
async fn the_builder_refuses_an_invalid_client() {
    let error = MockServer::builder()
        .client("", "x")
        .start()
        .await
        .expect_err("refused");
    assert_eq!(
        error.to_string(),
        "invalid client: the client id must be non-empty printable ASCII"
    );
}

#[tokio::test]
async fn the_builder_reports_a_bad_fixture_folder() {
    let error = MockServer::builder()
        .fixtures_dir("/nonexistent/fixtures")
        .start()
        .await
        .expect_err("refused");
    assert_eq!(error.exit_code(), 2);
}

#[tokio::test]
async fn a_server_can_serve_the_lookup_at_the_root() {
    let server = MockServer::builder()
        .base_paths(&["/"])
        .start()
        .await
        .expect("'/' is a valid base path");
    assert!(
        server.lookup_url().ends_with(
            ":{}/customerAccountLookup"
                .replace("{}", &server.address().port().to_string())
                .as_str()
        )
    );
    let response = crate::common::http_client()
        .post(server.lookup_url())
        .header("client_id", "demo-client")
        .header("client_secret", "demo-secret")
        .header("x-trace-id", "root")
        .json(&foundry())
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
}

/// The builder's configuration is checked as the command line's is: one check for both.
#[tokio::test]
async fn the_builder_refuses_what_the_command_line_refuses() {
    let refused = |result: Result<MockServer, mock_server::StartError>| match result {
        Ok(_) => panic!("the server started"),
        Err(error) => (error.exit_code(), error.to_string()),
    };
    let zero_body = MockServer::builder().max_body_bytes(0).start().await;
    assert_eq!(
        refused(zero_body),
        (2, "max-body-bytes must be at least 1".to_owned())
    );
    let small_heads = MockServer::builder().max_header_bytes(10).start().await;
    assert_eq!(
        refused(small_heads),
        (2, "max-header-bytes must be at least 1024".to_owned())
    );
    let base_path = MockServer::builder().base_paths(&["api"]).start().await;
    assert_eq!(refused(base_path).0, 2);
    let twice = MockServer::builder()
        .client("a", "1")
        .client("a", "2")
        .start()
        .await;
    assert_eq!(refused(twice).0, 2);
}
