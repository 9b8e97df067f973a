//! The accept loop: HTTP/1.1 connections served by hyper, each with a [`Connection`] handle its
//! requests' handlers can reach ([`current_connection`]) so that a transport-fault scenario can close or reset the very
//! connection it arrived on. A general-purpose server cannot do that from a handler; a mock of a
//! flaky gateway must.
//!
//! Shutdown is graceful: the listener closes at once (new connections are refused), requests in
//! flight finish (for at most [`SHUTDOWN_GRACE`], since a `timeout` scenario may be sleeping),
//! idle keep-alive connections close. The read timeout (a head that never ends, a kept-alive
//! connection left idle) is enforced by one sweep over the connections, not a timer per request.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_util::task::AtomicWaker;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, Semaphore};

use crate::routes::App;

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
    /// The task serving the connection, woken when it ends.
    ended: AtomicWaker,
    /// Requests (and dripping answers) being served now: the idle sweep spares the connection.
    in_flight: AtomicUsize,
    /// Requests begun so far: a change since the last sweep is activity.
    begun: AtomicU64,
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

    /// Marks the connection busy until the guard is dropped.
    pub fn busy(self: &Arc<Self>) -> Busy {
        self.begun.fetch_add(1, Ordering::Relaxed);
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        Busy(Arc::clone(self))
    }

    fn end(&self, how: u8) {
        let _ = self
            .state
            .compare_exchange(OPEN, how, Ordering::SeqCst, Ordering::SeqCst);
        self.ended.wake();
    }

    fn is_ended(&self) -> bool {
        self.state.load(Ordering::SeqCst) != OPEN
    }

    /// Ready once the connection has ended; the waker is kept to be woken then.
    fn poll_ended(&self, cx: &mut Context<'_>) -> Poll<()> {
        self.ended.register(cx.waker());
        if self.is_ended() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

/// A request (or an answer still being written) on a connection: while one lives, the
/// connection is not idle.
#[derive(Debug)]
pub struct Busy(Arc<Connection>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Marks the connection of the current request busy, until the guard is dropped.
pub fn request_started() -> Option<Busy> {
    CURRENT.try_with(Connection::busy).ok()
}

/// The read timeout of every connection, enforced by one sweep over all of them a few times per
/// timeout rather than a timer armed and disarmed on every request: a connection that has
/// served nothing and begun no request for the timeout (a head that never ends, a kept-alive
/// connection left idle) is closed, at most a quarter of the timeout (or a second) late.
#[derive(Debug)]
struct IdleSweep {
    limit: Duration,
    watched: Mutex<Vec<Watched>>,
}

#[derive(Debug)]
struct Watched {
    connection: Weak<Connection>,
    begun: u64,
    idle_since: Instant,
}

impl IdleSweep {
    fn new(limit: Duration) -> Self {
        IdleSweep {
            limit,
            watched: Mutex::new(Vec::new()),
        }
    }

    /// How often it sweeps.
    fn interval(&self) -> Duration {
        (self.limit / 4).clamp(Duration::from_millis(10), Duration::from_secs(1))
    }

    fn watched(&self) -> std::sync::MutexGuard<'_, Vec<Watched>> {
        // Plain data: a panic elsewhere cannot leave it half-written.
        self.watched
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn watch(&self, connection: &Arc<Connection>) {
        self.watched().push(Watched {
            connection: Arc::downgrade(connection),
            begun: 0,
            idle_since: Instant::now(),
        });
    }

    /// Forgets the connections that are gone and closes the ones idle for the limit.
    fn sweep(&self, now: Instant) {
        let mut expired = Vec::new();
        self.watched().retain_mut(|watched| {
            let Some(connection) = watched.connection.upgrade() else {
                return false;
            };
            let begun = connection.begun.load(Ordering::Relaxed);
            if connection.in_flight.load(Ordering::Relaxed) > 0 || begun != watched.begun {
                watched.begun = begun;
                watched.idle_since = now;
                return true;
            }
            if now.saturating_duration_since(watched.idle_since) >= self.limit {
                expired.push(connection);
                return false;
            }
            true
        });
        // Closed outside the lock.
        for connection in expired {
            connection.close();
        }
    }

    /// Wakes every connection's task, so that it sees a shutdown.
    fn wake_all(&self) {
        for watched in self.watched().iter() {
            if let Some(connection) = watched.connection.upgrade() {
                connection.ended.wake();
            }
        }
    }
}

/// The connections being served (or in their TLS handshake), for a graceful shutdown. A shutdown
/// asks each to finish the request in flight and close; it costs a request one flag read, where
/// a channel per connection would cost a poll of its receiver.
#[derive(Debug, Default)]
struct Live {
    count: AtomicUsize,
    draining: AtomicBool,
    all_closed: Notify,
}

/// One live connection, counted until dropped.
struct LiveGuard(Arc<Live>);

impl Drop for LiveGuard {
    fn drop(&mut self) {
        if self.0.count.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.all_closed.notify_waiters();
        }
    }
}

impl Live {
    fn enter(self: &Arc<Self>) -> LiveGuard {
        self.count.fetch_add(1, Ordering::SeqCst);
        LiveGuard(Arc::clone(self))
    }

    fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    /// Asks every connection to finish and close, then waits until none is left.
    async fn drain(&self, sweep: &IdleSweep) {
        self.draining.store(true, Ordering::SeqCst);
        sweep.wake_all();
        loop {
            let notified = self.all_closed.notified();
            let mut notified = std::pin::pin!(notified);
            notified.as_mut().enable();
            if self.count.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }
}

/// Aborts a task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
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
    app: App,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let live = Arc::new(Live::default());
    let slots = Arc::new(Semaphore::new(options.max_connections));
    let sweep = Arc::new(IdleSweep::new(options.read_timeout));
    let _sweeper = AbortOnDrop(tokio::spawn({
        let sweep = Arc::clone(&sweep);
        async move {
            let mut ticks = tokio::time::interval(sweep.interval());
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                sweep.sweep(Instant::now());
            }
        }
    }));
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
        let counted = live.enter();
        let (app, options, sweep) = (app.clone(), Arc::clone(&options), Arc::clone(&sweep));
        let live = Arc::clone(&live);
        tokio::spawn(async move {
            // Held for as long as the connection lives.
            let _counted = counted;
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
            sweep.watch(&connection);
            match &options.tls {
                None => serve_connection(stream, app, connection, &options, &live).await,
                Some(tls) => {
                    let handshake = tls.acceptor.accept(stream);
                    match tokio::time::timeout(options.read_timeout, handshake).await {
                        Ok(Ok(stream)) => {
                            serve_connection(stream, app, connection, &options, &live).await;
                        }
                        Ok(Err(error)) => tracing::debug!(%error, "TLS handshake failed"),
                        Err(_) => tracing::debug!("TLS handshake timed out"),
                    }
                }
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, live.drain(&sweep))
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
/// fault (dropping the stream then sends a FIN, or an RST when one is armed). Once a shutdown
/// begins, the request in flight is answered and the connection closes.
async fn serve_connection<S>(
    stream: S,
    app: App,
    connection: Arc<Connection>,
    options: &ServeOptions,
    live: &Live,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    // The read timeout (a head that never ends, an idle kept-alive connection) is the idle
    // sweep's, not a per-request timer's.
    let served = hyper::server::conn::http1::Builder::new()
        // The middleware answers heads over the mock's limit with the error body; this is the
        // hard stop beyond which hyper does not even buffer them.
        .max_header_size(options.max_header_bytes.saturating_mul(2))
        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app));
    let mut served = std::pin::pin!(served);
    let mut draining = false;
    // Whichever comes first: the connection's end as hyper sees it, or a fault's.
    let ended = std::future::poll_fn(|cx| {
        if connection.poll_ended(cx).is_ready() {
            return Poll::Ready(Ok(()));
        }
        if !draining && live.is_draining() {
            draining = true;
            served.as_mut().graceful_shutdown();
        }
        served.as_mut().poll(cx)
    });
    let result = CURRENT.scope(Arc::clone(&connection), ended).await;
    if let Err(error) = result {
        tracing::debug!(%error, "connection ended with an error");
    }
}
