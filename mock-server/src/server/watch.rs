//! `--watch`: reloads the fixture folder when a file in it changes, with the same guarantee as
//! `POST /__admin/reload`: a broken file is refused (and logged) and the data in service stays.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::mpsc;

use crate::state::AppState;

/// Editors write a file in several steps; changes closer together than this reload once.
const SETTLE: Duration = Duration::from_millis(200);

/// Watches `dir` and reloads `state` on every change. The watch lasts as long as the returned
/// watcher is kept.
///
/// # Errors
///
/// The watcher's error when the folder cannot be watched.
pub(crate) fn spawn(dir: &Path, state: Arc<AppState>) -> notify::Result<RecommendedWatcher> {
    let (changed, mut changes) = mpsc::unbounded_channel::<()>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let relevant = event.is_ok_and(|event| !event.kind.is_access());
        if relevant {
            // The receiver is gone only when the server stopped.
            let _ = changed.send(());
        }
    })?;
    watcher.watch(dir, RecursiveMode::Recursive)?;
    tokio::spawn(async move {
        while changes.recv().await.is_some() {
            tokio::time::sleep(SETTLE).await;
            while changes.try_recv().is_ok() {}
            match state.reload_fresh().await {
                Ok((_, false)) => tracing::debug!("fixtures touched but unchanged"),
                Ok((fixtures, true)) => tracing::info!(
                    accounts = fixtures.book.len(),
                    canned_examples = fixtures.canned.len(),
                    scenarios = fixtures.scenarios.len(),
                    "fixtures changed: reloaded"
                ),
                Err(error) => tracing::warn!(
                    %error,
                    "fixtures changed but were refused; the data in service is unchanged"
                ),
            }
        }
    });
    Ok(watcher)
}
