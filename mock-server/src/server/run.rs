//! [`run`]: the mock as the binary runs it, until Ctrl-C or SIGTERM.

use std::sync::Arc;

use super::banner;
use super::start::{StartError, Started, start};
use super::transport;
use crate::api::router;
use crate::config::Config;

/// Runs the mock until Ctrl-C or SIGTERM: loads everything, binds, prints where it listens and
/// which credentials it accepts, then serves. In-flight requests finish before it returns.
///
/// # Errors
///
/// A [`StartError`] when the configuration or fixtures are refused, the address cannot be
/// bound, or serving fails.
pub async fn run(config: Config) -> Result<(), StartError> {
    let shutdown = shutdown_signal();
    let started = start(config).await?;
    let Started {
        state,
        config,
        listener,
        addr,
        options,
        watcher: _watcher,
    } = started;
    {
        let fixtures = state.fixtures.load();
        tracing::info!(
            accounts = fixtures.book.len(),
            canned_examples = fixtures.canned.len(),
            scenarios = fixtures.scenarios.len(),
            fixtures = %config.fixtures,
            "fixtures loaded"
        );
    }
    if !addr.ip().is_loopback() && config.admin_token.is_none() {
        if config.admin_open {
            tracing::warn!(
                %addr,
                "listening beyond this machine with an open admin API (--admin-open): anyone who \
                 can reach it can switch scenarios and read the journal"
            );
        } else {
            tracing::warn!(
                %addr,
                "listening beyond this machine without --admin-token: the admin API answers only \
                 GET /__admin/health (--admin-token TOKEN, or --admin-open, opens it)"
            );
        }
    }
    print!("{}", banner::banner(&config, addr));
    let live = Arc::clone(&state);
    let shutdown = async move {
        shutdown.await;
        // Live journal streams end, so that their connections can close.
        live.observer.journal.stop_live();
    };
    transport::serve(listener, router(state), options, shutdown)
        .await
        .map_err(StartError::Serve)
}

/// Ctrl-C or SIGTERM. The handlers are installed when this is called, not when the future is
/// first polled, so a signal that arrives right after the banner is printed is not lost.
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send {
    #[cfg(unix)]
    let terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    #[cfg(unix)]
    let interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
    async move {
        #[cfg(unix)]
        {
            let wait = |signal: Option<tokio::signal::unix::Signal>| async move {
                match signal {
                    Some(mut signal) => {
                        signal.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(terminate) => {},
                () = wait(interrupt) => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutting down: finishing in-flight requests");
    }
}
