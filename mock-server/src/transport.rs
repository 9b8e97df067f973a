//! The accept loop: HTTP/1.1 connections served by hyper, each with a [`Connection`] handle its
//! requests' handlers can reach ([`current_connection`]) so that a transport-fault scenario can close or reset the very
//! connection it arrived on. A general-purpose server cannot do that from a handler; a mock of a
//! flaky gateway must.
//!
//! Shutdown is graceful: the listener closes at once (new connections are refused), requests in
//! flight finish (for at most [`SHUTDOWN_GRACE`], since a `timeout` scenario may be sleeping),
//! idle keep-alive connections close.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore};

/// How long a shutdown waits for requests in flight.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

const OPEN: u8 = 0;
const CLOSE: u8 = 1;
const RESET: u8 = 2;

tokio::task_local! {
    /// The connection whose requests the current task serves: hyper runs a connection's
    /// handlers in the connection's own task, so a handler can reach it without a per-request
    /// extension.
    static CURRENT: Arc<Connection>;
}

/// The connection the current request arrived on, when it came over a socket served here.
pub fn current_connection() -> Option<Arc<Connection>> {
    CURRENT.try_with(Arc::clone).ok()
}

/// A handle on the connection a request arrived on.
#[derive(Debug, Default)]
pub struct Connection {
    state: AtomicU8,
    ended: Notify,
}

impl Connection {
    /// Closes the connection without another byte (a FIN).
    pub fn close(&self) {
        self.end(CLOSE);
    }

    /// Resets the connection (an RST), as a crashed peer or a middlebox does.
    pub fn reset(&self) {
        self.end(RESET);
    }

    fn end(&self, how: u8) {
        let _ = self
            .state
            .compare_exchange(OPEN, how, Ordering::SeqCst, Ordering::SeqCst);
        self.ended.notify_waiters();
        self.ended.notify_one();
    }

    fn is_ended(&self) -> bool {
        self.state.load(Ordering::SeqCst) != OPEN
    }

    async fn wait_ended(&self) {
        loop {
            let notified = self.ended.notified();
            if self.is_ended() {
                return;
            }
            notified.await;
        }
    }
}

/// A TCP stream that fails its reads and writes once its [`Connection`] has ended, after arming
/// an RST when the end is a reset.
struct FaultyStream {
    inner: TcpStream,
    connection: Arc<Connection>,
}

impl FaultyStream {
    fn check(&self) -> io::Result<()> {
        match self.connection.state.load(Ordering::SeqCst) {
            OPEN => Ok(()),
            RESET => Err(io::ErrorKind::ConnectionReset.into()),
            _ => Err(io::ErrorKind::ConnectionAborted.into()),
        }
    }
}

impl Drop for FaultyStream {
    fn drop(&mut self) {
        if self.connection.state.load(Ordering::SeqCst) == RESET {
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
pub struct ServeOptions {
    /// Connections served at once; the ones beyond get 503 and are closed.
    pub max_connections: usize,
    /// The mock's own limit on a request head; hyper refuses heads over twice it outright.
    pub max_header_bytes: usize,
    /// The time allowed for a request's headers, for the idle time between requests, and for
    /// a TLS handshake.
    pub read_timeout: Duration,
    /// HTTPS, when configured.
    pub tls: Option<crate::tls::Tls>,
}

/// The answer to a connection beyond the cap: 503 in the mock's error body, then close. Written
/// straight to the stream, without reading the request, so it costs the server next to nothing.
async fn refuse<S: AsyncWrite + Unpin>(mut stream: S) {
    use tokio::io::AsyncWriteExt;
    let body = crate::respond::error_text(
        &crate::error::ApiError::TooManyConnections,
        &crate::ids::RequestIds::default(),
    );
    let head = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
         retry-after: 1\r\nconnection: close\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let _ = tokio::time::timeout(REFUSE_TIMEOUT, async {
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body.as_bytes()).await?;
        stream.shutdown().await
    })
    .await;
}

/// How long a refused connection may take to receive its 503.
const REFUSE_TIMEOUT: Duration = Duration::from_secs(5);

/// Serves `app` on `listener` until `shutdown` completes, then lets requests in flight finish.
///
/// # Errors
///
/// Never in practice: a failed `accept` (e.g. too many open files) is logged and retried.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(options.max_connections));
    let options = Arc::new(options);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, _peer) = tokio::select! {
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
        let slot = Arc::clone(&slots).try_acquire_owned().ok();
        let connection = Arc::new(Connection::default());
        let stream = FaultyStream {
            inner: stream,
            connection: Arc::clone(&connection),
        };
        let watcher = graceful.watcher();
        let (app, options) = (app.clone(), Arc::clone(&options));
        tokio::spawn(async move {
            // Held for as long as the connection lives.
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
                None => serve_connection(stream, app, connection, &options, watcher).await,
                Some(tls) => {
                    let handshake = tls.acceptor.accept(stream);
                    match tokio::time::timeout(options.read_timeout, handshake).await {
                        Ok(Ok(stream)) => {
                            serve_connection(stream, app, connection, &options, watcher).await;
                        }
                        Ok(Err(error)) => tracing::debug!(%error, "TLS handshake failed"),
                        Err(_) => tracing::debug!("TLS handshake timed out"),
                    }
                }
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            grace_s = SHUTDOWN_GRACE.as_secs(),
            "requests still in flight after the grace period (a slow or timeout scenario?); stopping anyway"
        );
    }
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
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let served = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        // A client that never finishes its headers, or idles between requests, does not hold a
        // connection forever.
        .header_read_timeout(options.read_timeout)
        // The middleware answers heads over the mock's limit with the error body; this is the
        // hard stop beyond which hyper does not even buffer them.
        .max_header_size(options.max_header_bytes.saturating_mul(2))
        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app));
    let served = CURRENT.scope(Arc::clone(&connection), watcher.watch(served));
    tokio::select! {
        result = served => {
            if let Err(error) = result {
                tracing::debug!(%error, "connection ended with an error");
            }
        }
        () = connection.wait_ended() => {}
    }
}
