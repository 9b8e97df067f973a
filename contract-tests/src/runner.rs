//! Sends the calls of each case to an endpoint and checks every answer.
//!
//! A case that the endpoint answers wrongly is a failed case; an endpoint that cannot be reached
//! at all is a [`RunError`], since no case can say anything about it.

use std::time::Duration;

use crate::case::{Call, Case, CaseResult, Credentials, Exchange, SentRequest};
use crate::{Contract, Mode};

/// The path of the lookup under a base URL.
pub const LOOKUP_PATH: &str = "/api/v1/customerAccountLookup";

/// What `client_secret` shows as in every report.
pub const REDACTED: &str = "***";

/// The secret sent by the `wrong client_secret` case. Not derived from the real one.
const WRONG_SECRET: &str = "contract-tests-wrong-secret";

/// An endpoint and the credentials to call it with.
#[derive(Clone)]
pub struct Target {
    /// The base URL (`http://127.0.0.1:8080`), or the lookup's full URL when it ends with
    /// `/customerAccountLookup`.
    pub base_url: String,
    /// The `client_id` header.
    pub client_id: String,
    /// The `client_secret` header. Never printed.
    pub client_secret: String,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &REDACTED)
            .finish()
    }
}

impl Target {
    /// The URL the lookup is posted to.
    pub fn lookup_url(&self) -> String {
        let base = self.base_url.trim_end_matches('/');
        if base.ends_with("/customerAccountLookup") {
            base.to_owned()
        } else {
            format!("{base}{LOOKUP_PATH}")
        }
    }
}

/// Why a run could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The endpoint did not answer: refused, unresolvable, timed out, or not HTTP.
    #[error("cannot reach {url}; is the endpoint running and the --base-url right?")]
    Unreachable {
        /// The lookup URL.
        url: String,
        /// The client's error.
        #[source]
        source: reqwest::Error,
    },
    /// The HTTP client cannot be built.
    #[error("cannot build the HTTP client")]
    Client(#[source] reqwest::Error),
}

/// Runs cases against one target.
#[derive(Debug)]
pub struct Runner<'a> {
    contract: &'a Contract,
    target: Target,
    mode: Mode,
    client: reqwest::Client,
    timeout: Duration,
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

    /// The target.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Runs every case in order.
    ///
    /// # Errors
    ///
    /// [`RunError::Unreachable`] as soon as a request gets no HTTP answer.
    pub async fn run(&self, cases: &[Case]) -> Result<Vec<CaseResult>, RunError> {
        let mut results = Vec::with_capacity(cases.len());
        for (case_index, case) in cases.iter().enumerate() {
            let mut exchanges = Vec::with_capacity(case.calls.len());
            for (call_index, call) in case.calls.iter().enumerate() {
                let trace_id = format!("contract-tests-{case_index}-{call_index}");
                exchanges.push(self.exchange(call, &trace_id).await?);
            }
            results.push(CaseResult::new(case, exchanges));
        }
        Ok(results)
    }

    /// Sends one call and checks its answer.
    async fn exchange(&self, call: &Call, trace_id: &str) -> Result<Exchange, RunError> {
        let url = self.target.lookup_url();
        let headers = self.headers(call, trace_id);
        let body = call.body.to_text();
        let mut request = self.client.post(&url).body(body.clone());
        for (name, value) in &headers {
            request = request.header(name.as_str(), value.as_str());
        }
        // The URL is in the message already; the client's error need not repeat it.
        let unreachable = |source: reqwest::Error| RunError::Unreachable {
            url: url.clone(),
            source: source.without_url(),
        };
        let answer = request.send().await.map_err(unreachable)?;
        let status = answer.status().as_u16();
        let bytes = answer.bytes().await.map_err(unreachable)?;
        let checked = call.expect.check(
            self.contract,
            self.mode,
            call.body.as_json(),
            status,
            &bytes,
        );
        let headers = headers
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
        Ok(Exchange {
            request: SentRequest {
                method: "POST".to_owned(),
                url,
                headers,
                body,
            },
            status,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            findings: checked.findings,
            skipped: checked.skipped,
        })
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
        push("content-type", Some("application/json"));
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
