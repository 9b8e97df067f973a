//! The request journal: the most recent requests, newest first, for `GET /__admin/requests`.
//!
//! A bounded ring, so memory stays flat under any load; `--journal-size 0` turns it off. Secrets
//! are redacted before an entry is stored: `client_secret`, `authorization` and
//! `x-admin-token` never reach it.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use arc_swap::ArcSwapOption;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Uri};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use super::{Answered, Route};
use crate::http::headers::TRACE_ID;
use crate::scenario::select::Source;

/// The entries `GET /__admin/requests` lists when no `limit` is given.
pub const DEFAULT_PAGE: usize = 100;
/// The most entries one listing gives, whatever `limit` says: reading the journal costs memory
/// in proportion to a page, not to the journal.
pub const MAX_PAGE: usize = 1000;
/// What a record costs besides its head and body bytes, for the byte budget.
const RECORD_OVERHEAD: usize = 256;

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
    /// The `operationId` of the operation asked for, if the path names one.
    pub operation: Option<&'static str>,
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
    /// Who answered: `local` (the mock), `proxied` (its upstream) or `recorded` (its upstream,
    /// and the exchange was recorded).
    pub route: &'static str,
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
    /// Only this operation (`operationId`).
    pub operation: Option<String>,
    /// Only requests answered so: `local`, `proxied` or `recorded`.
    pub route: Option<String>,
    /// At most this many.
    pub limit: Option<usize>,
}

/// What the journal holds per request: cheap to capture on the hot path (shared buffers, no
/// formatting), turned into an [`Entry`] only when listed.
#[derive(Debug, Clone)]
struct Record {
    id: u64,
    time: SystemTime,
    method: Method,
    /// The request as text in one buffer, cheap to keep and to drop: the path and query, then
    /// `name: value` lines with the secrets already redacted.
    head: Head,
    body: Option<Bytes>,
    client_id: Option<String>,
    operation: Option<&'static str>,
    scenario: Option<String>,
    scenario_source: Option<Source>,
    source: Option<Cow<'static, str>>,
    status: u16,
    latency: Duration,
    route: Route,
}

/// The path and the redacted header lines in one buffer, with where the path ends and where
/// the first `x-trace-id` value is. Bytes as received: turned into text (lossily, for the rare
/// value that is not UTF-8) only when listed.
#[derive(Debug, Clone, Default)]
struct Head {
    /// Shared: a listing takes its records without copying them.
    text: Bytes,
    path_end: usize,
    trace_id: Option<Range<usize>>,
}

impl Head {
    fn of(uri: &Uri, headers: &HeaderMap) -> Self {
        let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
        let mut text = Vec::with_capacity(path.len() + 256);
        text.extend_from_slice(path.as_bytes());
        text.push(b'\n');
        let mut trace_id = None;
        for (name, value) in headers {
            text.extend_from_slice(name.as_str().as_bytes());
            text.extend_from_slice(b": ");
            if REDACTED.contains(&name.as_str()) {
                text.extend_from_slice(b"***");
            } else {
                // Line breaks cannot occur in a header value.
                let start = text.len();
                text.extend_from_slice(value.as_bytes());
                if trace_id.is_none() && name == TRACE_ID {
                    trace_id = Some(start..text.len());
                }
            }
            text.push(b'\n');
        }
        Head {
            path_end: path.len(),
            text: Bytes::from(text),
            trace_id,
        }
    }

    fn path(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.text[..self.path_end])
    }

    fn header_lines(&self) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
        self.text[self.path_end + 1..]
            .split(|&byte| byte == b'\n')
            .filter_map(|line| {
                let at = line.windows(2).position(|pair| pair == b": ")?;
                Some((
                    String::from_utf8_lossy(&line[..at]),
                    String::from_utf8_lossy(&line[at + 2..]),
                ))
            })
    }

    fn trace_id(&self) -> Option<Cow<'_, str>> {
        self.trace_id
            .clone()
            .map(|range| String::from_utf8_lossy(&self.text[range]))
    }
}

impl Record {
    /// The bytes it takes, for the byte budget.
    fn size(&self) -> usize {
        RECORD_OVERHEAD
            + self.head.text.len()
            + self.body.as_ref().map_or(0, Bytes::len)
            + self.client_id.as_ref().map_or(0, String::len)
            + self.scenario.as_ref().map_or(0, String::len)
    }

    fn trace_id(&self) -> Option<Cow<'_, str>> {
        self.head.trace_id()
    }

    fn to_entry(&self) -> Entry {
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        Entry {
            id: self.id,
            time: humantime::format_rfc3339_millis(self.time).to_string(),
            method: self.method.to_string(),
            path: self.head.path().into_owned(),
            headers: self
                .head
                .header_lines()
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect(),
            body: self
                .body
                .as_ref()
                .map(|body| text(body).chars().take(MAX_BODY_CHARS).collect()),
            client_id: self.client_id.clone(),
            operation: self.operation,
            trace_id: self.trace_id().map(Cow::into_owned),
            scenario: self.scenario.clone(),
            scenario_source: self.scenario_source.map(|s| s.as_str().to_owned()),
            source: self.source.as_ref().map(|source| source.to_string()),
            status: self.status,
            latency_ms: (self.latency.as_secs_f64() * 1_000_000.0).round() / 1000.0,
            route: self.route.as_str(),
        }
    }

    fn passes(&self, filter: &Filter) -> bool {
        filter
            .trace_id
            .as_ref()
            .is_none_or(|trace| self.trace_id().as_deref() == Some(trace.as_str()))
            && (filter.client_id.is_none() || self.client_id == filter.client_id)
            && filter.status.is_none_or(|status| self.status == status)
            && filter
                .operation
                .as_deref()
                .is_none_or(|operation| self.operation == Some(operation))
            && filter
                .route
                .as_deref()
                .is_none_or(|route| self.route.as_str() == route)
    }
}

impl Filter {
    /// Whether `entry` passes, as a listing's records do.
    pub fn admits(&self, entry: &Entry) -> bool {
        self.trace_id
            .as_ref()
            .is_none_or(|trace| entry.trace_id.as_ref() == Some(trace))
            && (self.client_id.is_none() || entry.client_id == self.client_id)
            && self.status.is_none_or(|status| entry.status == status)
            && self
                .operation
                .as_deref()
                .is_none_or(|operation| entry.operation == Some(operation))
            && self
                .route
                .as_deref()
                .is_none_or(|route| entry.route == route)
    }
}

/// One record of a listing, made into an [`Entry`] when it is written.
#[derive(Debug)]
pub struct Page(Record);

impl Page {
    /// The entry as listed.
    pub fn to_entry(&self) -> Entry {
        self.0.to_entry()
    }
}

/// How many entries a live subscriber may fall behind before it is told it missed some.
const LIVE_BACKLOG: usize = 256;

/// The bounded journal.
#[derive(Debug)]
pub struct Journal {
    capacity: usize,
    byte_budget: usize,
    held: Mutex<Held>,
    next_id: AtomicU64,
    /// Each entry as it is recorded, for live subscribers; gone once the server stops.
    live: ArcSwapOption<broadcast::Sender<Arc<Entry>>>,
}

/// The records, oldest first, and the bytes they take.
#[derive(Debug, Default)]
struct Held {
    records: VecDeque<Record>,
    bytes: usize,
}

impl Journal {
    /// A journal keeping the last `capacity` requests, in at most `byte_budget` bytes of heads
    /// and bodies (older requests go first); a capacity of 0 keeps none.
    pub fn new(capacity: usize, byte_budget: usize) -> Self {
        Journal {
            capacity,
            byte_budget,
            held: Mutex::new(Held {
                records: VecDeque::with_capacity(capacity.min(4096)),
                bytes: 0,
            }),
            next_id: AtomicU64::new(1),
            live: ArcSwapOption::from_pointee(broadcast::channel(LIVE_BACKLOG).0),
        }
    }

    /// Every entry from now on, as it is recorded; `None` once the server is stopping. A
    /// subscriber that falls more than a few hundred entries behind is told how many it missed.
    pub fn subscribe(&self) -> Option<broadcast::Receiver<Arc<Entry>>> {
        self.live.load().as_ref().map(|live| live.subscribe())
    }

    /// The entry with this id, while the journal keeps it.
    pub fn get(&self, id: u64) -> Option<Entry> {
        self.held()
            .records
            .iter()
            .find(|record| record.id == id)
            .map(Record::to_entry)
    }

    /// Whether `body` is as long as a kept body can be, so it may have been cut.
    pub fn may_be_cut(body: &str) -> bool {
        body.chars().count() >= MAX_BODY_CHARS
    }

    /// Ends every live subscription: the server is stopping.
    pub fn stop_live(&self) {
        self.live.store(None);
    }

    /// The part of a request body the journal keeps: what a listing shows (the first
    /// 16 Ki characters), copied, so that the rest of the connection's buffer is not kept alive.
    pub fn kept_body(&self, body: &[u8]) -> Option<Bytes> {
        if self.capacity == 0 {
            return None;
        }
        let end = match std::str::from_utf8(body) {
            Ok(text) => text
                .char_indices()
                .nth(MAX_BODY_CHARS)
                .map_or(text.len(), |(at, _)| at),
            // Each byte that is not UTF-8 shows as one character at most.
            Err(_) => body.len().min(MAX_BODY_CHARS),
        };
        Some(Bytes::copy_from_slice(&body[..end]))
    }

    /// How many requests it keeps at most.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Held> {
        // Records are plain data; a panic elsewhere cannot leave them half-written.
        self.held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Stores a record, dropping the oldest while it is full, in entries or in bytes. A record
    /// larger than the whole budget is kept without its body, or not at all. The lock is held
    /// only to move records in and out.
    fn record(&self, mut record: Record) {
        if self.capacity == 0 {
            return;
        }
        if record.size() > self.byte_budget {
            record.body = None;
            if record.size() > self.byte_budget {
                return;
            }
        }
        record.id = self.next_id.fetch_add(1, Ordering::Relaxed);
        // The entry is made only when someone is watching.
        if let Some(live) = self.live.load().as_ref()
            && live.receiver_count() > 0
        {
            let _ = live.send(Arc::new(record.to_entry()));
        }
        let size = record.size();
        let mut evicted = Vec::new();
        {
            let mut held = self.held();
            while held.records.len() >= self.capacity || held.bytes + size > self.byte_budget {
                let Some(oldest) = held.records.pop_front() else {
                    break;
                };
                held.bytes -= oldest.size();
                evicted.push(oldest);
            }
            held.bytes += size;
            held.records.push_back(record);
        }
        // Freed outside the lock.
        drop(evicted);
    }

    /// The entries that pass `filter`, newest first, as a page (see [`Journal::page`]).
    #[cfg(test)]
    pub fn list(&self, filter: &Filter) -> Vec<Entry> {
        self.page(filter).map(|record| record.to_entry()).collect()
    }

    /// A page of the records that pass `filter`, newest first, each turned into an [`Entry`]
    /// only when the iterator reaches it: a listing written as it is read holds one entry's
    /// text at a time. Taking the page copies no head or body (they are shared).
    pub fn page(&self, filter: &Filter) -> impl ExactSizeIterator<Item = Page> + use<> {
        let page = filter.limit.unwrap_or(DEFAULT_PAGE).min(MAX_PAGE);
        let matching: Vec<Record> = self
            .held()
            .records
            .iter()
            .rev()
            .filter(|record| record.passes(filter))
            .take(page)
            .cloned()
            .collect();
        matching.into_iter().map(Page)
    }

    /// Whether it holds no entry.
    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.held().records.is_empty()
    }

    /// Forgets every entry.
    pub fn clear(&self) {
        let mut held = self.held();
        held.records.clear();
        held.bytes = 0;
    }
}

/// A request seen by the journal, waiting for its answer.
#[derive(Debug)]
pub struct Pending {
    time: SystemTime,
    method: Method,
    head: Head,
}

impl Journal {
    /// Captures what the journal keeps of a request; `None` when the journal is off or the
    /// request is for the admin API.
    pub fn capture(&self, method: &Method, uri: &Uri, headers: &HeaderMap) -> Option<Pending> {
        if self.capacity == 0 || uri.path().starts_with("/__admin") {
            return None;
        }
        Some(Pending {
            time: SystemTime::now(),
            method: method.clone(),
            // Copies, not slices of the connection's read buffer (see the body in `lookup`).
            head: Head::of(uri, headers),
        })
    }

    /// Stores a captured request with its answer.
    pub fn finish(
        &self,
        pending: Pending,
        answered: Option<Answered>,
        status: u16,
        latency: Duration,
    ) {
        let route = answered.as_ref().map_or(Route::Local, |a| a.route);
        let (client_id, operation, scenario, scenario_source, source, body) = match answered {
            Some(a) => (
                a.client_id,
                a.operation,
                a.scenario,
                a.scenario_source,
                (!a.source.is_empty()).then_some(a.source),
                a.body,
            ),
            None => (None, None, None, None, None, None),
        };
        self.record(Record {
            id: 0,
            time: pending.time,
            method: pending.method,
            head: pending.head,
            body,
            client_id,
            operation,
            scenario,
            scenario_source,
            source,
            status,
            latency,
            route,
        });
    }
}

#[cfg(test)]
mod tests;
