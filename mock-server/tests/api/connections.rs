//! Connections under pressure: a shutdown answers what it accepted (clients sending back to back
//! on kept-alive connections get an answer to every request they sent, the last one with
//! `Connection: close`, and the mock stops soon after), and one peer cannot take every slot.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
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
/// closed (by an answer that says so, or by the mock) or a new one is refused. Each client that
/// got its first answer counts itself in `going`.
async fn client(address: std::net::SocketAddr, going: Arc<AtomicUsize>) -> Tally {
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
                if tally.answered == 1 {
                    going.fetch_add(1, Ordering::SeqCst);
                }
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
        let going = Arc::new(AtomicUsize::new(0));
        let clients: Vec<_> = (0..20)
            .map(|_| tokio::spawn(client(address, Arc::clone(&going))))
            .collect();
        // Wait until every client has had an answer, then stop the mock under their load.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while going.load(Ordering::SeqCst) < 20 {
            assert!(
                std::time::Instant::now() < deadline,
                "run {run}: only {} of 20 clients got going",
                going.load(Ordering::SeqCst)
            );
            tokio::task::yield_now().await;
        }
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

/// Connects from `local` (any address of 127.0.0.0/8 works on Linux) to the mock.
async fn connect_from(local: [u8; 4], to: std::net::SocketAddr) -> TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
    socket
        .bind(std::net::SocketAddr::from((local, 0)))
        .expect("binds a loopback address");
    socket.connect(to).await.expect("connects")
}

#[tokio::test]
async fn one_peer_holding_half_the_slots_leaves_the_last_quarter_to_the_others() {
    let server = MockServer::builder()
        .max_connections(8)
        .start()
        .await
        .expect("starts");
    let address = server.address();
    // A peer that opens connections and sends only the start of a head, holding each slot.
    let mut held = Vec::new();
    let mut refused = 0;
    for _ in 0..12 {
        let mut stream = connect_from([127, 0, 0, 2], address).await;
        stream
            .write_all(b"POST /api/v1/customerAccountLookup HTTP/1.1\r\n")
            .await
            .expect("sends");
        let mut answer = [0; 64];
        match tokio::time::timeout(Duration::from_millis(300), stream.read(&mut answer)).await {
            Ok(Ok(read)) if read > 0 => {
                assert!(answer.starts_with(b"HTTP/1.1 503"), "{:?}", &answer[..read]);
                refused += 1;
            }
            _ => held.push(stream),
        }
    }
    assert_eq!(
        (held.len(), refused),
        (6, 6),
        "the peer holds half the slots and a quarter"
    );
    // Other peers still get answers, until the slots left are used up.
    for other in [[127, 0, 0, 3], [127, 0, 0, 4]] {
        let mut stream = connect_from(other, address).await;
        stream
            .write_all(foundry_on_the_wire().as_bytes())
            .await
            .expect("sends");
        assert_eq!(
            read_answer(&mut stream).await,
            Some(false),
            "{other:?} is answered"
        );
        held.push(stream);
    }
    let mut one_more = connect_from([127, 0, 0, 5], address).await;
    let mut answer = [0; 64];
    let read = one_more.read(&mut answer).await.expect("reads");
    assert!(
        answer[..read].starts_with(b"HTTP/1.1 503"),
        "every slot is taken now"
    );
    drop(held);
}
