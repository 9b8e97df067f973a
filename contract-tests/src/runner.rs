//! Sends the calls of each case to an endpoint and checks every answer.
//!
//! A case that the endpoint answers wrongly is a failed case; an endpoint that cannot be reached
//! at all is a [`RunError`], since no case can say anything about it. Within a case, values
//! captured from an answer fill later calls; a call that needs a value no answer carried is not
//! sent, and the case says why. A case that would create something on an endpoint that is not
//! on this machine runs only when writes are allowed.

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use crate::api::Operation;
use crate::case::{Body, Call, Case, CaseResult, Credentials, Exchange, Place, SentRequest, Wait};
use crate::expectation::{Answer, Expectation};
use crate::target::{REDACTED, Target};
use crate::{Contract, Mode};

/// The path of the lookup under a base URL.
pub const LOOKUP_PATH: &str = "/api/v1/customerAccountLookup";

/// The secret sent by the `wrong client_secret` cases. Not derived from the real one.
const WRONG_SECRET: &str = "contract-tests-wrong-secret";

/// Why a run could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The endpoint did not answer: refused, unresolvable, timed out, or not HTTP.
    #[error("cannot reach {url}; is the endpoint running and the --base-url right?")]
    Unreachable {
        /// The URL called.
        url: String,
        /// The client's error.
        #[source]
        source: reqwest::Error,
    },
    /// The endpoint did not answer within the timeout.
    #[error("{url} did not answer within {seconds} s; raise --timeout-secs if it is slow")]
    Timeout {
        /// The URL called.
        url: String,
        /// The timeout.
        seconds: u64,
    },
    /// The HTTP client cannot be built.
    #[error("cannot build the HTTP client")]
    Client(#[source] reqwest::Error),
}

/// How long a waiting call asks again, and how often.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waits {
    /// The longest a call waits for its answer to settle.
    pub limit: Duration,
    /// The pause between two asks.
    pub every: Duration,
}

impl Default for Waits {
    fn default() -> Self {
        Waits {
            limit: Duration::from_secs(30),
            every: Duration::from_millis(250),
        }
    }
}

/// Runs cases against one target.
#[derive(Debug)]
pub struct Runner<'a> {
    contract: &'a Contract,
    target: Target,
    mode: Mode,
    client: reqwest::Client,
    timeout: Duration,
    waits: Waits,
    allow_writes: bool,
}

/// A call ready to send: its operation, URL with query, headers and body text.
struct Prepared<'c> {
    operation: &'c Operation,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
    json: Option<Value>,
    captured: BTreeMap<String, String>,
}

impl<'a> Runner<'a> {
    /// A runner with a timeout per request.
    ///
    /// # Errors
    ///
    /// [`RunError::Client`] when the HTTP client cannot be built.
    pub fn new(
        contract: &'a Contract,
        target: Target,
        mode: Mode,
        timeout: Duration,
    ) -> Result<Self, RunError> {
        // HTTPS goes through rustls with the ring provider; installing it twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(RunError::Client)?;
        Ok(Runner {
            contract,
            target,
            mode,
            client,
            timeout,
            waits: Waits::default(),
            allow_writes: false,
        })
    }

    /// Trusts `pem` (one or more PEM certificates) besides the system's roots, e.g. a mock's
    /// self-signed certificate.
    ///
    /// # Errors
    ///
    /// [`RunError::Client`] when `pem` holds no usable certificate.
    pub fn trusting(mut self, pem: &[u8]) -> Result<Self, RunError> {
        let certificates = reqwest::Certificate::from_pem_bundle(pem).map_err(RunError::Client)?;
        self.client = reqwest::Client::builder()
            .timeout(self.timeout)
            .tls_certs_merge(certificates)
            .build()
            .map_err(RunError::Client)?;
        Ok(self)
    }

    /// Waits at most `waits.limit` for an answer to settle, asking every `waits.every`.
    pub fn waiting(mut self, waits: Waits) -> Self {
        self.waits = waits;
        self
    }

    /// Whether cases that create quotes, contracts and orders run against an endpoint that is
    /// not on this machine. Off by default: they are skipped, saying why.
    pub fn allowing_writes(mut self, allow: bool) -> Self {
        self.allow_writes = allow;
        self
    }

    /// The target.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Runs every case in order.
    ///
    /// # Errors
    ///
    /// [`RunError::Unreachable`] or [`RunError::Timeout`] as soon as a request gets no HTTP
    /// answer.
    pub async fn run(&self, cases: &[Case]) -> Result<Vec<CaseResult>, RunError> {
        let mut results = Vec::with_capacity(cases.len());
        for (case_index, case) in cases.iter().enumerate() {
            results.push(self.run_case(case_index, case).await?);
        }
        Ok(results)
    }

    async fn run_case(&self, case_index: usize, case: &Case) -> Result<CaseResult, RunError> {
        if let Some(reason) = self.writes_refused(case) {
            return Ok(CaseResult::not_run(case, reason));
        }
        let mut captured: BTreeMap<String, Value> = BTreeMap::new();
        // Why a name could not be captured, for the calls that need it.
        let mut missing: BTreeMap<String, String> = BTreeMap::new();
        let mut exchanges = Vec::with_capacity(case.calls.len());
        for (call_index, call) in case.calls.iter().enumerate() {
            let trace_id = format!("contract-tests-{case_index}-{call_index}");
            let Some(operation) = self.contract.api().get(&call.operation) else {
                let reason = format!("no operation is called {:?}", call.operation);
                return Ok(CaseResult::stopped(case, exchanges, Some(reason)));
            };
            let prepared = match self.prepare(operation, call, &trace_id, &captured) {
                Ok(prepared) => prepared,
                Err(name) => {
                    let why = missing
                        .get(&name)
                        .cloned()
                        .unwrap_or_else(|| format!("no earlier step captured {name}"));
                    let reason = format!(
                        "call {} ({}) needs {name}: {why}; the calls from there on were not sent",
                        call_index + 1,
                        call.operation
                    );
                    return Ok(CaseResult::stopped(case, exchanges, Some(reason)));
                }
            };
            let (exchange, answer) = self.exchange(call, prepared, &captured).await?;
            for capture in &call.captures {
                let found = answer.as_ref().and_then(|answer| {
                    capture
                        .pointers
                        .iter()
                        .find_map(|pointer| answer.pointer(pointer).filter(|v| !v.is_null()))
                });
                match found {
                    Some(value) => {
                        captured.insert(capture.name.clone(), value.clone());
                    }
                    None => {
                        missing.insert(
                            capture.name.clone(),
                            format!(
                                "the answer of call {} ({}, status {}) has nothing at {}",
                                call_index + 1,
                                call.operation,
                                exchange.status,
                                capture.pointers.join(" or ")
                            ),
                        );
                    }
                }
            }
            let skipped = exchange.skipped.clone();
            exchanges.push(exchange);
            if let Some(why) = skipped
                && call_index + 1 < case.calls.len()
            {
                // A call that could not be judged (a wait that ran out, a reference customer
                // the endpoint lacks): the later calls depend on it.
                let reason = format!(
                    "call {} ({}) was skipped: {why}; the calls after it were not sent",
                    call_index + 1,
                    call.operation
                );
                return Ok(CaseResult::stopped(case, exchanges, Some(reason)));
            }
        }
        Ok(CaseResult::new(case, exchanges))
    }

    /// Why `case` may not run here: it creates things on an endpoint off this machine and
    /// writes are not allowed.
    fn writes_refused(&self, case: &Case) -> Option<String> {
        if self.allow_writes {
            return None;
        }
        let mut remote_writes: Vec<&str> = Vec::new();
        for call in &case.calls {
            if let Some(operation) = self.contract.api().get(&call.operation)
                && operation.writes
                && !self.target.is_local(operation)
                && !remote_writes.contains(&operation.id.as_str())
            {
                remote_writes.push(&operation.id);
            }
        }
        (!remote_writes.is_empty()).then(|| {
            format!(
                "it would create records on an endpoint that is not on this machine ({}); pass --allow-writes to run it",
                remote_writes.join(", ")
            )
        })
    }

    /// The call with captured values filled in, or the name of the first value it lacks.
    fn prepare<'c>(
        &self,
        operation: &'c Operation,
        call: &Call,
        trace_id: &str,
        captured: &BTreeMap<String, Value>,
    ) -> Result<Prepared<'c>, String> {
        let mut body = call.body.clone();
        let mut query = call.query.clone();
        let mut used = BTreeMap::new();
        for fill in &call.fills {
            let value = captured.get(&fill.name).ok_or_else(|| fill.name.clone())?;
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            used.insert(fill.name.clone(), text.clone());
            match &fill.place {
                Place::Body(pointer) => {
                    if let Some(Body::Json(json)) = &mut body {
                        put(json, pointer, value.clone());
                    }
                }
                Place::Query(name) => match query.iter_mut().find(|(n, _)| n == name) {
                    Some(pair) => pair.1 = text,
                    None => query.push((name.clone(), text)),
                },
            }
        }
        let mut url = self.target.url_for(operation);
        if let Ok(mut parsed) = reqwest::Url::parse(&url)
            && !query.is_empty()
        {
            parsed.query_pairs_mut().extend_pairs(&query);
            url = parsed.to_string();
        }
        Ok(Prepared {
            operation,
            url,
            headers: self.headers(call, trace_id),
            json: body.as_ref().and_then(Body::as_json).cloned(),
            body: body.as_ref().map(Body::to_text),
            captured: used,
        })
    }

    /// Sends one call (again, while it waits) and checks the last answer. Gives the exchange
    /// and the answer's JSON.
    async fn exchange(
        &self,
        call: &Call,
        prepared: Prepared<'_>,
        captured: &BTreeMap<String, Value>,
    ) -> Result<(Exchange, Option<Value>), RunError> {
        let first_ask = Instant::now();
        let mut asked = 0_u32;
        let mut first_value: Option<Value> = None;
        let (status, response_headers, bytes, started, elapsed, unsettled) = loop {
            asked += 1;
            let started = SystemTime::now();
            let clock = Instant::now();
            let (status, headers, bytes) = self.send(&prepared).await?;
            let elapsed = clock.elapsed();
            let answer: Option<Value> = serde_json::from_slice(&bytes).ok();
            let pending = match (&call.wait, &answer) {
                (Some(Wait::While { pointer, values }), Some(answer)) => answer
                    .pointer(pointer)
                    .filter(|value| values.contains(value))
                    .map(|value| format!("{pointer} was still {value}")),
                (Some(Wait::UntilChanged { pointer }), Some(answer)) => {
                    let value = answer.pointer(pointer).cloned();
                    let first =
                        first_value.get_or_insert_with(|| value.clone().unwrap_or_default());
                    (value.as_ref() == Some(first) && (200..300).contains(&status))
                        .then(|| format!("{pointer} stayed {first}"))
                }
                _ => None,
            };
            let out_of_time = first_ask.elapsed() + self.waits.every > self.waits.limit;
            match pending {
                Some(_) if !out_of_time => tokio::time::sleep(self.waits.every).await,
                pending => break (status, headers, bytes, started, elapsed, pending),
            }
        };
        // A wait that ran out (a contract nobody signed yet) says nothing about the value waited
        // for: the case is skipped below, not failed on it.
        let expect = match (&unsettled, &call.wait, &call.expect) {
            (Some(_), Some(Wait::While { pointer, .. }), Expectation::Success { fields }) => {
                Expectation::Success {
                    fields: fields
                        .iter()
                        .filter(|f| f.pointer != *pointer)
                        .cloned()
                        .collect(),
                }
            }
            _ => call.expect.clone(),
        };
        let checked = expect.check(
            self.contract,
            self.mode,
            &Answer {
                operation: prepared.operation,
                request: prepared.json.as_ref(),
                captured,
                status,
                body: &bytes,
            },
        );
        let mut skipped = checked.skipped;
        if let (Some(what), Some(Wait::While { .. })) = (&unsettled, &call.wait) {
            // Still pending (a contract nobody signed yet): the steps after it cannot be judged.
            skipped.get_or_insert_with(|| {
                format!(
                    "{} did not settle within {} ({what}); raise --wait-secs",
                    call.operation,
                    humantime::format_duration(self.waits.limit)
                )
            });
        }
        let headers = prepared
            .headers
            .into_iter()
            .map(|(name, value)| {
                let value = if name == "client_secret" {
                    REDACTED.to_owned()
                } else {
                    value
                };
                (name, value)
            })
            .collect();
        let answer = serde_json::from_slice(&bytes).ok();
        let exchange = Exchange {
            step: call.operation.clone(),
            captured: prepared.captured,
            request: SentRequest {
                method: prepared.operation.method.clone(),
                url: prepared.url,
                headers,
                body: prepared.body.unwrap_or_default(),
            },
            started: humantime::format_rfc3339_millis(started).to_string(),
            elapsed_us: u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
            asked: call.wait.as_ref().map(|_| asked),
            status,
            response_headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            findings: checked.findings,
            skipped,
        };
        Ok((exchange, answer))
    }

    /// One request: the status, the headers and the body of its answer.
    async fn send(
        &self,
        prepared: &Prepared<'_>,
    ) -> Result<(u16, Vec<(String, String)>, Vec<u8>), RunError> {
        let method = reqwest::Method::from_bytes(prepared.operation.method.as_bytes())
            .unwrap_or(reqwest::Method::POST);
        let mut request = self.client.request(method, &prepared.url);
        if let Some(body) = &prepared.body {
            request = request.body(body.clone());
        }
        for (name, value) in &prepared.headers {
            request = request.header(name.as_str(), value.as_str());
        }
        // The URL is in the message already; the client's error need not repeat it.
        let unreachable = |source: reqwest::Error| {
            if source.is_timeout() {
                RunError::Timeout {
                    url: prepared.url.clone(),
                    seconds: self.timeout.as_secs(),
                }
            } else {
                RunError::Unreachable {
                    url: prepared.url.clone(),
                    source: source.without_url(),
                }
            }
        };
        let answer = request.send().await.map_err(unreachable)?;
        let status = answer.status().as_u16();
        let headers = answer
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let bytes = answer.bytes().await.map_err(unreachable)?;
        Ok((status, headers, bytes.to_vec()))
    }

    /// The headers of a valid request, changed as the call says.
    fn headers(&self, call: &Call, trace_id: &str) -> Vec<(String, String)> {
        let (id, secret) = match call.credentials {
            Credentials::Valid => (
                Some(&*self.target.client_id),
                Some(&*self.target.client_secret),
            ),
            Credentials::MissingClientId => (None, Some(&*self.target.client_secret)),
            Credentials::MissingClientSecret => (Some(&*self.target.client_id), None),
            Credentials::WrongSecret => (Some(&*self.target.client_id), Some(WRONG_SECRET)),
        };
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut push = |name: &str, value: Option<&str>| {
            if let Some(value) = value {
                headers.push((name.to_owned(), value.to_owned()));
            }
        };
        push("client_id", id);
        push("client_secret", secret);
        if call.body.is_some() {
            push("content-type", Some("application/json"));
        }
        push("x-trace-id", Some(trace_id));
        push("x-transaction-id", Some(trace_id));
        headers.retain(|(name, _)| !call.omit_headers.contains(&name.as_str()));
        for (name, value) in &call.replace_headers {
            match headers.iter_mut().find(|(n, _)| n == name) {
                Some(header) => header.1.clone_from(value),
                None => headers.push(((*name).to_owned(), value.clone())),
            }
        }
        headers
    }
}

/// Puts `value` at `pointer` of `json`, adding the last key when it is missing.
fn put(json: &mut Value, pointer: &str, value: Value) {
    if let Some(slot) = json.pointer_mut(pointer) {
        *slot = value;
        return;
    }
    let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    if let Some(Value::Object(map)) = json.pointer_mut(parent) {
        map.insert(key.replace("~1", "/").replace("~0", "~"), value);
    }
}
