//! A shutdown answers what it accepted: clients sending back to back on kept-alive connections
//! get an answer to every request they sent, the last one with `Connection: close`, and the
//! mock stops soon after.

use std::time::Duration;

use mock_server::MockServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::foundry_on_the_wire;

/// What one client saw.
#[derive(Debug, Default)]
struct Tally {
    sent: usize,
    answered: usize,
    closed_by_answer: bool,
}

/// Reads one whole answer; `None` when the connection ends first. The flag: the answer said
/// `connection: close`.
async fn read_answer(stream: &mut TcpStream) -> Option<bool> {
    let mut answer = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        answer.extend_from_slice(&chunk[..read]);
        let text = String::from_utf8_lossy(&answer);
        if let Some((head, rest)) = text.split_once("\r\n\r\n") {
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length: "))?
                .parse()
                .ok()?;
            if rest.len() >= length {
                assert!(head.starts_with("HTTP/1.1 200"), "{head}");
                return Some(head.to_ascii_lowercase().contains("\r\nconnection: close"));
            }
        }
    }
}

/// Sends the foundry lookup back to back on one kept-alive connection until the connection is
/// closed (by an answer that says so, or by the mock) or a new one is refused.
async fn client(address: std::net::SocketAddr) -> Tally {
    let request = foundry_on_the_wire();
    let mut tally = Tally::default();
    let Ok(mut stream) = TcpStream::connect(address).await else {
        return tally;
    };
    // Bounded: the shutdown below ends every connection within a few seconds.
    for _ in 0..100_000 {
        if stream.write_all(request.as_bytes()).await.is_err() {
            break;
        }
        tally.sent += 1;
        match read_answer(&mut stream).await {
            Some(close) => {
                tally.answered += 1;
                if close {
                    tally.closed_by_answer = true;
                    break;
                }
            }
            None => break,
        }
    }
    tally
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shutdown_answers_every_request_clients_sent_on_kept_alive_connections() {
    for run in 0..5 {
        let server = MockServer::builder().start().await.expect("starts");
        let address = server.address();
        let clients: Vec<_> = (0..20).map(|_| tokio::spawn(client(address))).collect();
        // Let every client get going, then stop the mock under their load.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let started = std::time::Instant::now();
        server.shutdown().await.expect("a clean stop");
        let took = started.elapsed();
        let mut lost = 0;
        let mut closed_by_answer = 0;
        let mut sent = 0;
        for client in clients {
            let tally = client.await.expect("joins");
            sent += tally.sent;
            lost += tally.sent - tally.answered;
            closed_by_answer += usize::from(tally.closed_by_answer);
        }
        assert_eq!(
            lost, 0,
            "run {run}: {lost} of {sent} sent requests had no answer"
        );
        assert!(
            closed_by_answer > 0,
            "run {run}: no answer said Connection: close"
        );
        assert!(
            sent > 20,
            "run {run}: the clients sent only {sent} requests"
        );
        assert!(
            took < Duration::from_secs(5),
            "run {run}: the stop took {took:?}"
        );
    }
}
