//! HTTPS with a real client: a self-signed certificate made at start, and one from PEM files.

use mock_server::MockServer;
use mock_server::config::TlsSource;

use crate::common::*;

fn trusting(pem: &str) -> reqwest::Client {
    let certificate = reqwest::Certificate::from_pem(pem.as_bytes()).expect("a PEM certificate");
    http_client_builder()
        .tls_certs_only([certificate])
        .build()
        .expect("a client")
}

async fn lookup_status(client: &reqwest::Client, url: &str) -> reqwest::Result<u16> {
    let response = client
        .post(url)
        .header("client_id", "demo-client")
        .header("client_secret", "demo-secret")
        .header("x-trace-id", "tls-1")
        .json(&foundry())
        .send()
        .await?;
    Ok(response.status().as_u16())
}

#[tokio::test]
async fn a_self_signed_server_answers_a_client_that_trusts_its_certificate() {
    let server = MockServer::builder()
        .tls(TlsSource::SelfSigned { write_cert: None })
        .start()
        .await
        .expect("starts");
    assert!(server.uri().starts_with("https://127.0.0.1:"));
    let pem = server.certificate_pem().expect("a certificate");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));

    let client = trusting(pem);
    assert_eq!(
        lookup_status(&client, &server.lookup_url()).await.ok(),
        Some(200)
    );
    // The certificate names localhost as well as the address.
    let by_name = server.lookup_url().replace("127.0.0.1", "localhost");
    assert_eq!(lookup_status(&client, &by_name).await.ok(), Some(200));

    // A client that does not trust it refuses it; plain HTTP gets no answer.
    let untrusting = http_client();
    assert!(
        lookup_status(&untrusting, &server.lookup_url())
            .await
            .is_err()
    );
    let plain = server.lookup_url().replace("https://", "http://");
    assert!(lookup_status(&untrusting, &plain).await.is_err());
    // The server is still serving after both.
    assert_eq!(
        lookup_status(&client, &server.lookup_url()).await.ok(),
        Some(200)
    );
}

#[tokio::test]
async fn a_certificate_and_key_from_pem_files_are_served_and_written_out_certificates_trusted() {
    let dir = std::env::temp_dir().join(format!("mock-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("a cert");
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, made.cert.pem()).expect("writes");
    std::fs::write(&key, made.signing_key.serialize_pem()).expect("writes");

    let server = MockServer::builder()
        .tls(TlsSource::Files {
            cert: cert.clone(),
            key,
        })
        .start()
        .await
        .expect("starts");
    let client = trusting(&made.cert.pem());
    let url = server.lookup_url().replace("127.0.0.1", "localhost");
    assert_eq!(lookup_status(&client, &url).await.ok(), Some(200));

    // --tls-write-cert: the file a client trusts is the one served.
    let written = dir.join("written.pem");
    let server = MockServer::builder()
        .tls(TlsSource::SelfSigned {
            write_cert: Some(written.clone()),
        })
        .start()
        .await
        .expect("starts");
    let pem = std::fs::read_to_string(&written).expect("the certificate was written");
    assert_eq!(Some(pem.as_str()), server.certificate_pem());
    assert_eq!(
        lookup_status(&trusting(&pem), &server.lookup_url())
            .await
            .ok(),
        Some(200)
    );
    std::fs::remove_dir_all(&dir).expect("cleans up");
}

#[tokio::test]
async fn a_client_that_never_starts_its_handshake_is_closed_after_the_read_timeout() {
    use tokio::io::AsyncReadExt;
    let server = MockServer::builder()
        .tls(TlsSource::SelfSigned { write_cert: None })
        .read_timeout_secs(1)
        .start()
        .await
        .expect("starts");
    let started = std::time::Instant::now();
    let mut silent = tokio::net::TcpStream::connect(server.address())
        .await
        .expect("connects");
    // Nothing is sent: the handshake never starts, and the server gives up on it.
    let mut buffer = [0; 64];
    let read = tokio::time::timeout(std::time::Duration::from_secs(8), silent.read(&mut buffer))
        .await
        .expect("closed within 8 s");
    let took = started.elapsed();
    assert!(
        matches!(read, Ok(0)) || read.is_err(),
        "closed without a byte: {read:?}"
    );
    assert!(
        took >= std::time::Duration::from_millis(900),
        "closed after {took:?}, before the timeout"
    );
    // The server serves a client that does shake hands.
    let client = trusting(server.certificate_pem().expect("a certificate"));
    assert_eq!(
        lookup_status(&client, &server.lookup_url()).await.ok(),
        Some(200)
    );
}
