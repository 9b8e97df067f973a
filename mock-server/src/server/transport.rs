//! The accept loop: HTTP/1.1 connections served by hyper, each with a [`Connection`] handle in
//! its requests' extensions, so that a transport-fault scenario can close or reset the very
//! connection it arrived on.
//!
//! hyper enforces the head limits and the read timeout (a head that never ends, a kept-alive
//! connection left idle: `header_read_timeout`).
//!
//! A shutdown answers what it accepted: the listener closes at once (new connections are
//! refused); for [`SHUTDOWN_LINGER`] the open connections are still served, every answer with
//! `Connection: close`, so that a request already on its way over a kept-alive connection is
//! answered and its client stops reusing the connection; then hyper-util's graceful shutdown
//! closes the idle connections and lets requests in flight finish, for at most
//! [`SHUTDOWN_GRACE`] (a `timeout` scenario may be sleeping). Without open connections the
//! shutdown does not wait.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tower::ServiceExt as _;

use super::tls::Tls;
use crate::http::connection::{Connection, Ending};
use crate::http::error::ApiError;
use crate::http::ids::RequestIds;
use crate::http::respond::error_text;

/// How long a shutdown waits for requests in flight.
pub(crate) const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// How long, at a shutdown, open connections are still served (each answer closing its
/// connection) before the idle ones are closed: the time for a request already sent to arrive.
pub(crate) const SHUTDOWN_LINGER: Duration = Duration::from_millis(500);

/// Connections open per peer address, for the fair share: once no more than a quarter of the
/// connection slots are free, a peer that holds half of them gets no more (503), so one client on
/// the network (e.g. one that sends its heads slowly) cannot take every slot: the last quarter
/// stays for the others.
#[derive(Debug, Default)]
struct Peers {
    open: Mutex<HashMap<IpAddr, usize>>,
}

impl Peers {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, usize>> {
        self.open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Counts a new connection of `peer`; `false` when the peer is over its share now.
    fn admit(self: &Arc<Self>, peer: IpAddr, free: usize, max: usize) -> (PeerCount, bool) {
        let mut open = self.lock();
        let count = open.entry(peer).or_insert(0);
        let over_share = free <= max / 4 && *count >= (max / 2).max(1);
        *count += 1;
        (
            PeerCount {
                peers: Arc::clone(self),
                peer,
            },
            !over_share,
        )
    }
}

/// One connection of a peer, counted while it lives.
struct PeerCount {
    peers: Arc<Peers>,
    peer: IpAddr,
}

impl Drop for PeerCount {
    fn drop(&mut self) {
        let mut open = self.peers.lock();
        if let Some(count) = open.get_mut(&self.peer) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.peer);
            }
        }
    }
}

/// What the accept loop and the connections share about a shutdown.
#[derive(Debug, Default)]
struct Draining {
    /// Set once the shutdown began: every answer then closes its connection.
    on: AtomicBool,
    /// Connections being served.
    open: AtomicUsize,
    /// Requests handed to the application whose answer has not been made yet.
    answering: AtomicUsize,
}

/// Counts a connection while it is served.
struct Open(Arc<Draining>);

impl Open {
    fn new(draining: &Arc<Draining>) -> Self {
        draining.open.fetch_add(1, Ordering::SeqCst);
        Open(Arc::clone(draining))
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// How long a refused connection may take to receive its 503.
const REFUSE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a refused connection lingers after its 503 for what the client still sends.
const REFUSE_LINGER: Duration = Duration::from_secs(2);
/// How much a lingering refused connection reads at most (a request head and a body).
const REFUSE_DRAIN_BYTES: usize = 128 * 1024;

/// A TCP stream that fails its reads and writes once its [`Connection`] has been ended by a
/// fault, and is reset rather than closed when the fault is a reset.
struct FaultyStream {
    inner: TcpStream,
    connection: Arc<Connection>,
}

impl FaultyStream {
    fn check(&self) -> io::Result<()> {
        match self.connection.ending() {
            None => Ok(()),
            Some(Ending::Reset) => Err(io::ErrorKind::ConnectionReset.into()),
            Some(Ending::Close) => Err(io::ErrorKind::ConnectionAborted.into()),
        }
    }
}

impl Drop for FaultyStream {
    fn drop(&mut self) {
        if self.connection.ending() == Some(Ending::Reset) {
            // Linger 0: the kernel answers the close with an RST instead of a FIN.
            let _ = self.inner.set_zero_linger();
        }
    }
}

impl AsyncRead for FaultyStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.check()?;
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultyStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.check()?;
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.check()?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// How connections are served: the limits and timeouts, and HTTPS when configured.
#[derive(Debug, Clone)]
pub(crate) struct ServeOptions {
    /// Connections served at once; the ones beyond get 503 and are closed.
    pub(crate) max_connections: usize,
    /// The mock's own limit on a request head; hyper refuses heads over twice it outright.
    pub(crate) max_header_bytes: usize,
    /// The time allowed for a request's headers, for the idle time between requests, and for
    /// a TLS handshake.
    pub(crate) read_timeout: Duration,
    /// HTTPS, when configured.
    pub(crate) tls: Option<Tls>,
}

/// The answer to a connection beyond the cap: 503 in the mock's error body, then close. Written
/// straight to the stream, without parsing the request, so it costs the server next to nothing.
/// After the answer the connection lingers, reading and dropping what the client still sends
/// (its request, often written after the answer arrived), until the client closes or
/// [`REFUSE_LINGER`] passes: closing with unread bytes would make the kernel reset the
/// connection, and many clients would then see a broken pipe instead of the 503.
async fn refuse<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = error_text(&ApiError::TooManyConnections, &RequestIds::default());
    let head = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
         retry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let answered = tokio::time::timeout(REFUSE_TIMEOUT, async {
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body.as_bytes()).await?;
        stream.shutdown().await
    })
    .await;
    if !matches!(answered, Ok(Ok(()))) {
        return;
    }
    let _ = tokio::time::timeout(REFUSE_LINGER, async {
        let mut sink = [0_u8; 4096];
        let mut left = REFUSE_DRAIN_BYTES;
        while left > 0 {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(read) => left = left.saturating_sub(read),
            }
        }
    })
    .await;
}

/// Serves `app` on `listener` until `shutdown` completes, then lets requests in flight finish.
///
/// # Errors
///
/// Never in practice: a failed `accept` (e.g. too many open files) is logged and retried.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let graceful = GracefulShutdown::new();
    let draining = Arc::new(Draining::default());
    let slots = Arc::new(Semaphore::new(options.max_connections));
    let peers = Arc::new(Peers::default());
    let options = Arc::new(options);
    // Every connection's task, so that those still open when the grace period ends are
    // stopped with the server rather than left running in the process.
    let mut connections = tokio::task::JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // Forget the connections that ended.
        while connections.try_join_next().is_some() {}
        let (stream, peer) = tokio::select! {
            // Shutdown first: a flood of connections must not keep the server from stopping.
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    // Back off so a persistent failure (EMFILE) does not spin.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let (peer_count, within_share) = peers.admit(
            peer.ip(),
            slots.available_permits(),
            options.max_connections,
        );
        let slot = if within_share {
            Arc::clone(&slots).try_acquire_owned().ok()
        } else {
            None
        };
        let connection = Arc::new(Connection::default());
        let stream = FaultyStream {
            inner: stream,
            connection: Arc::clone(&connection),
        };
        let (app, options, watcher) = (app.clone(), Arc::clone(&options), graceful.watcher());
        let draining = Arc::clone(&draining);
        connections.spawn(async move {
            let _peer_count = peer_count;
            let Some(_slot) = slot else {
                match &options.tls {
                    None => refuse(stream).await,
                    Some(tls) => {
                        let handshake = tls.acceptor.accept(stream);
                        if let Ok(Ok(stream)) =
                            tokio::time::timeout(REFUSE_TIMEOUT, handshake).await
                        {
                            refuse(stream).await;
                        }
                    }
                }
                return;
            };
            match &options.tls {
                None => {
                    serve_connection(stream, app, connection, &options, watcher, draining).await;
                }
                Some(tls) => {
                    let handshake = tls.acceptor.accept(stream);
                    match tokio::time::timeout(options.read_timeout, handshake).await {
                        Ok(Ok(stream)) => {
                            let served = serve_connection(
                                stream, app, connection, &options, watcher, draining,
                            );
                            served.await;
                        }
                        Ok(Err(error)) => tracing::debug!(%error, "TLS handshake failed"),
                        Err(_) => tracing::debug!("TLS handshake timed out"),
                    }
                }
            }
        });
    }
    drop(listener);
    draining.on.store(true, Ordering::SeqCst);
    // The linger: open connections are still served, each answer closing its connection; it
    // ends early once every connection has closed.
    let linger_ends = tokio::time::Instant::now() + SHUTDOWN_LINGER;
    while draining.open.load(Ordering::SeqCst) > 0 && tokio::time::Instant::now() < linger_ends {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        let open = draining.open.load(Ordering::SeqCst);
        let answering = draining.answering.load(Ordering::SeqCst).min(open);
        tracing::warn!(
            grace_s = SHUTDOWN_GRACE.as_secs(),
            open,
            answering,
            "connections still open after the grace period: {answering} waiting for their \
             answer (a slow or timeout scenario), {} sending a request or receiving an answer \
             slowly (a slow client, a slow-drip scenario); closing them",
            open - answering
        );
    }
    connections.shutdown().await;
    Ok(())
}

/// Serves one connection's requests until it ends, or until its [`Connection`] is ended by a
/// fault (dropping the stream then sends a FIN, or an RST when one is armed).
async fn serve_connection<S>(
    stream: S,
    app: Router,
    connection: Arc<Connection>,
    options: &ServeOptions,
    watcher: Watcher,
    draining: Arc<Draining>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let _open = Open::new(&draining);
    let handle = Arc::clone(&connection);
    let (entering, leaving) = (Arc::clone(&draining), draining);
    // Every request of this connection carries its handle; once a shutdown began, every answer
    // closes its connection.
    let service = app
        .map_request(
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                entering.answering.fetch_add(1, Ordering::SeqCst);
                request.extensions_mut().insert(Arc::clone(&handle));
                request
            },
        )
        .map_response(move |mut response: axum::response::Response| {
            leaving.answering.fetch_sub(1, Ordering::SeqCst);
            if leaving.on.load(Ordering::SeqCst) {
                response.headers_mut().insert(
                    axum::http::header::CONNECTION,
                    axum::http::HeaderValue::from_static("close"),
                );
            }
            response
        });
    let served = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(options.read_timeout)
        // More headers than this get a bare 431 (hyper's default, made explicit here).
        .max_headers(100)
        // The bookkeeping layer answers heads over the mock's limit with the error body; this
        // is the hard stop beyond which hyper does not even buffer them.
        .max_header_size(options.max_header_bytes.saturating_mul(2))
        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
    let served = watcher.watch(served);
    let mut served = std::pin::pin!(served);
    // Whichever comes first: the connection's end as hyper sees it, or a fault's.
    let result = std::future::poll_fn(|cx| {
        if connection.poll_ended(cx).is_ready() {
            return Poll::Ready(Ok(()));
        }
        served.as_mut().poll(cx)
    })
    .await;
    if let Err(error) = result {
        tracing::debug!(%error, "connection ended with an error");
    }
}
