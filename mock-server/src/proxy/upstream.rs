//! The upstream: a real endpoint a request is forwarded to, over HTTP or HTTPS (rustls, the
//! system's certificates and an optional extra CA file), within a timeout; its failures told
//! apart (refused, timed out, TLS) for the caller's error body.

use std::error::Error as _;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, Method, StatusCode, header};

use crate::config::ProxyConfig;

/// The largest answer passed on from the upstream.
const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

/// Headers that concern one connection, never forwarded either way (RFC 9110, 7.6.1), and
/// those the client library sets itself.
const HOP_BY_HOP: [&str; 10] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
];

/// A client of the upstream.
#[derive(Debug)]
pub(crate) struct Upstream {
    client: reqwest::Client,
    base: String,
    timeout_secs: u64,
}

/// What the upstream answered.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

/// Why the upstream gave no answer, in words for the caller's error body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Nothing answered at the address (refused, unknown host, reset).
    Unreachable(String),
    /// No answer within the timeout.
    Timeout(u64),
    /// The TLS handshake failed (an unknown issuer, a wrong host name, ...).
    Tls(String),
    /// The answer was larger than the proxy passes on.
    TooLarge,
}

impl Upstream {
    /// A client of `config.upstream`.
    ///
    /// # Errors
    ///
    /// What is wrong with the CA file or the TLS setup, in words.
    pub(crate) fn new(config: &ProxyConfig) -> Result<Self, String> {
        // reqwest is built without a crypto provider: the process's (ring) is installed once.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .timeout(Duration::from_secs(config.timeout_secs))
            .connect_timeout(Duration::from_secs(config.timeout_secs.min(10)))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy();
        if let Some(path) = &config.ca_file {
            let pem = std::fs::read(path)
                .map_err(|error| format!("{}: cannot be read: {error}", path.display()))?;
            let certificates = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|error| format!("{}: not PEM certificates: {error}", path.display()))?;
            if certificates.is_empty() {
                return Err(format!("{}: holds no PEM certificate", path.display()));
            }
            builder = builder.tls_certs_merge(certificates);
        }
        let client = builder
            .build()
            .map_err(|error| format!("the upstream's client cannot be made: {}", chain(&error)))?;
        Ok(Upstream {
            client,
            base: config.upstream.trim_end_matches('/').to_owned(),
            timeout_secs: config.timeout_secs,
        })
    }

    /// The upstream's base URL, for messages.
    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    /// Sends a request (its path and query appended to the base URL) and reads the answer.
    ///
    /// # Errors
    ///
    /// A [`Failure`] when no answer arrived whole.
    pub(crate) async fn send(
        &self,
        method: &Method,
        path_and_query: &str,
        headers: &HeaderMap,
        body: Bytes,
    ) -> Result<Reply, Failure> {
        let mut sent = HeaderMap::with_capacity(headers.len());
        for (name, value) in headers {
            if !is_hop_by_hop(name) && name != header::CONTENT_LENGTH {
                sent.append(name.clone(), value.clone());
            }
        }
        let url = format!("{}{path_and_query}", self.base);
        let mut answer = self
            .client
            .request(method.clone(), url)
            .headers(sent)
            .body(body)
            .send()
            .await
            .map_err(|error| self.failure(&error))?;
        let status = answer.status();
        let mut headers = HeaderMap::with_capacity(answer.headers().len());
        for (name, value) in answer.headers() {
            if !is_hop_by_hop(name) && name != header::CONTENT_LENGTH {
                headers.append(name.clone(), value.clone());
            }
        }
        let mut body = Vec::new();
        while let Some(chunk) = answer.chunk().await.map_err(|error| self.failure(&error))? {
            if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(Failure::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Reply {
            status,
            headers,
            body: Bytes::from(body),
        })
    }

    fn failure(&self, error: &reqwest::Error) -> Failure {
        let words = chain(error);
        if error.is_timeout() {
            Failure::Timeout(self.timeout_secs)
        } else if is_tls(error) {
            Failure::Tls(words)
        } else {
            Failure::Unreachable(words)
        }
    }
}

impl Failure {
    /// The status the caller gets: 504 for a timeout, 502 otherwise.
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Failure::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
            _ => StatusCode::BAD_GATEWAY,
        }
    }

    /// What went wrong, for the error body and the log.
    pub(crate) fn describe(&self, upstream: &str) -> String {
        match self {
            Failure::Unreachable(why) => {
                format!("The upstream {upstream} could not be reached: {why}.")
            }
            Failure::Timeout(seconds) => {
                format!("The upstream {upstream} did not answer within {seconds} s.")
            }
            Failure::Tls(why) => format!(
                "The TLS handshake with the upstream {upstream} failed: {why}. Trust its CA with \
                 --proxy-ca FILE if it is a private one."
            ),
            Failure::TooLarge => format!(
                "The upstream {upstream} answered more than {} MiB; the mock does not pass that on.",
                MAX_ANSWER_BYTES / (1024 * 1024)
            ),
        }
    }
}

fn is_hop_by_hop(name: &HeaderName) -> bool {
    HOP_BY_HOP.contains(&name.as_str())
}

/// The error and its causes, most general first: `error sending request: connection refused`.
fn chain(error: &reqwest::Error) -> String {
    let mut words = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !words.iter().any(|word| word.contains(&text)) {
            words.push(text);
        }
        source = cause.source();
    }
    words.join(": ")
}

/// Whether the TLS handshake failed: a rustls error among the causes (the connector may hand
/// it over as text only, so its words count too).
fn is_tls(error: &reqwest::Error) -> bool {
    let mut source = error.source();
    while let Some(cause) = source {
        let words = cause.to_string();
        if words.contains("peer certificate") || words.contains("handshake") {
            return true;
        }
        if cause.downcast_ref::<rustls::Error>().is_some() {
            return true;
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>()
            && io
                .get_ref()
                .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
        {
            return true;
        }
        source = cause.source();
    }
    false
}
