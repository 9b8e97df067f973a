//! The request journal: the most recent requests, newest first, for `GET /__admin/requests`.
//!
//! A bounded ring, so memory stays flat under any load; `--journal-size 0` turns it off. Secrets
//! are redacted before an entry is stored: `client_secret`, `authorization` and
//! `x-admin-token` never reach it.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime};

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::lookup::Answered;
use crate::state::AppState;

/// Headers whose values are replaced by `***`.
const REDACTED: [&str; 3] = ["client_secret", "authorization", "x-admin-token"];
/// The most of a body an entry keeps.
const MAX_BODY_CHARS: usize = 16 * 1024;

/// One request as the journal keeps it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// A number, increasing from 1 since start.
    pub id: u64,
    /// When it arrived, RFC 3339.
    pub time: String,
    /// The method.
    pub method: String,
    /// The path and query.
    pub path: String,
    /// Every header, secrets redacted.
    pub headers: Vec<(String, String)>,
    /// The body as text (cut at 16 KiB), for the lookup.
    pub body: Option<String>,
    /// The client id that authenticated, if any.
    pub client_id: Option<String>,
    /// The `x-trace-id`, if sent.
    pub trace_id: Option<String>,
    /// The scenario applied, if any.
    pub scenario: Option<String>,
    /// How the scenario was chosen.
    pub scenario_source: Option<String>,
    /// What answered: `book`, `generated`, `canned:<name>`, `scenario`, ...
    pub source: Option<String>,
    /// The status answered (for a cut connection, the status that was never sent).
    pub status: u16,
    /// Time to the response's head, in milliseconds.
    pub latency_ms: f64,
}

/// Which entries to list.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Filter {
    /// Only this trace id.
    pub trace_id: Option<String>,
    /// Only this client id.
    pub client_id: Option<String>,
    /// Only this status.
    pub status: Option<u16>,
    /// At most this many.
    pub limit: Option<usize>,
}

/// The bounded journal.
#[derive(Debug)]
pub struct Journal {
    capacity: usize,
    entries: Mutex<VecDeque<Entry>>,
    next_id: AtomicU64,
}

impl Journal {
    /// A journal keeping the last `capacity` requests; 0 keeps none.
    pub fn new(capacity: usize) -> Self {
        Journal {
            capacity,
            entries: Mutex::new(VecDeque::with_capacity(capacity.min(4096))),
            next_id: AtomicU64::new(1),
        }
    }

    /// How many requests it keeps at most.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, VecDeque<Entry>> {
        // Entries are plain data; a panic elsewhere cannot leave them half-written.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Stores an entry, dropping the oldest when full.
    pub fn record(&self, mut entry: Entry) {
        if self.capacity == 0 {
            return;
        }
        entry.id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut entries = self.entries();
        if entries.len() == self.capacity {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    /// The entries that pass `filter`, newest first.
    pub fn list(&self, filter: &Filter) -> Vec<Entry> {
        self.entries()
            .iter()
            .rev()
            .filter(|e| filter.trace_id.is_none() || e.trace_id == filter.trace_id)
            .filter(|e| filter.client_id.is_none() || e.client_id == filter.client_id)
            .filter(|e| filter.status.is_none_or(|status| e.status == status))
            .take(filter.limit.unwrap_or(usize::MAX))
            .cloned()
            .collect()
    }

    /// The number of entries held.
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every entry.
    pub fn clear(&self) {
        self.entries().clear();
    }
}

/// Middleware: journals every request outside `/__admin`.
pub async fn record(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    if state.journal.capacity() == 0 || request.uri().path().starts_with("/__admin") {
        return next.run(request).await;
    }
    let started = Instant::now();
    let time = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
    let method = request.method().to_string();
    let path = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_owned(),
        |p| p.as_str().to_owned(),
    );
    let headers = redacted(request.headers());
    let trace_id = request
        .headers()
        .get(crate::ids::TRACE_ID)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let response = next.run(request).await;
    let answered = response.extensions().get::<Answered>();
    let body = answered.and_then(|a| a.body.as_ref()).map(|body| {
        let text = String::from_utf8_lossy(body);
        text.chars().take(MAX_BODY_CHARS).collect()
    });
    let known = |value: &str| (value != "-").then(|| value.to_owned());
    state.journal.record(Entry {
        id: 0,
        time,
        method,
        path,
        headers,
        body,
        client_id: answered.and_then(|a| known(&a.client_id)),
        trace_id,
        scenario: answered.and_then(|a| a.scenario.clone()),
        scenario_source: answered.and_then(|a| a.scenario_source.map(|s| s.as_str().to_owned())),
        source: answered.and_then(|a| known(&a.source)),
        status: response.status().as_u16(),
        latency_ms: (started.elapsed().as_secs_f64() * 1_000_000.0).round() / 1000.0,
    });
    response
}

fn redacted(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let value = if REDACTED.contains(&name.as_str()) {
                "***".to_owned()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.as_str().to_owned(), value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(trace: &str, status: u16) -> Entry {
        Entry {
            id: 0,
            time: String::new(),
            method: "POST".into(),
            path: "/".into(),
            headers: vec![],
            body: None,
            client_id: None,
            trace_id: Some(trace.into()),
            scenario: None,
            scenario_source: None,
            source: None,
            status,
            latency_ms: 0.0,
        }
    }

    #[test]
    fn the_journal_is_bounded_and_lists_newest_first() {
        let journal = Journal::new(3);
        for (i, status) in [200, 404, 200, 401].into_iter().enumerate() {
            journal.record(entry(&format!("t{i}"), status));
        }
        let all = journal.list(&Filter::default());
        let traces: Vec<_> = all.iter().filter_map(|e| e.trace_id.as_deref()).collect();
        assert_eq!(traces, ["t3", "t2", "t1"]);
        assert_eq!(all[0].id, 4);
        let ok = journal.list(&Filter {
            status: Some(200),
            ..Filter::default()
        });
        assert_eq!(ok.len(), 1);
        journal.clear();
        assert!(journal.is_empty());
    }

    #[test]
    fn a_journal_of_size_zero_keeps_nothing() {
        let journal = Journal::new(0);
        journal.record(entry("t", 200));
        assert!(journal.is_empty());
    }

    #[test]
    fn secrets_are_redacted() {
        let mut headers = HeaderMap::new();
        headers.insert("client_secret", "s3cret".parse().expect("value"));
        headers.insert("x-admin-token", "t0ken".parse().expect("value"));
        headers.insert("client_id", "sp".parse().expect("value"));
        let kept = redacted(&headers);
        assert!(kept.contains(&("client_secret".into(), "***".into())));
        assert!(kept.contains(&("x-admin-token".into(), "***".into())));
        assert!(kept.contains(&("client_id".into(), "sp".into())));
    }
}
