//! The proxy: requests of the API forwarded to a real endpoint (the upstream), either all of
//! them or only those the mock has no answer of its own for, with the caller's credentials or a
//! configured upstream client's; and the recorder, which writes each forwarded exchange into a
//! folder as scrubbed fixtures.
//!
//! The proxy is a layer over the API's routes (never over the admin API), installed only when
//! `--proxy-to` is given: without it the mock's path is unchanged. It tells the journal who
//! answered through the response's [`Answered`] (`route`: local, proxied, recorded).

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use alliance_schemas::Schemas;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::config::{Client, ProxyConfig, ProxyMode};
use crate::domain::operation::Operation;
use crate::gateway::auth::Credentials;
use crate::http::body;
use crate::http::error::ApiError;
use crate::http::headers::{CLIENT_ID, CLIENT_SECRET, SCENARIO};
use crate::observe::layer::Observer;
use crate::observe::{Answered, Route};

pub(crate) mod record;
pub(crate) mod review;
mod scrub;
mod upstream;

use record::{Exchange, Outcome, Recorder};
use upstream::Upstream;

/// What the proxy layer needs besides its upstream.
#[derive(Debug)]
pub(crate) struct Settings {
    /// The mock's own clients, checked when an upstream client stands in for them.
    pub(crate) credentials: Credentials,
    /// The paths the API is served under.
    pub(crate) base_paths: Vec<String>,
    /// The request body limit and read timeout, as the API's.
    pub(crate) max_body_bytes: usize,
    pub(crate) read_timeout: Duration,
    /// The journal, for the body it keeps of a forwarded request.
    pub(crate) observer: Arc<Observer>,
}

/// The proxy and its recorder.
#[derive(Debug)]
pub(crate) struct Proxy {
    mode: ProxyMode,
    upstream: Upstream,
    upstream_client: Option<Client>,
    recorder: Option<Arc<Recorder>>,
    settings: Settings,
}

impl Proxy {
    /// A proxy as configured.
    ///
    /// # Errors
    ///
    /// Why the upstream's client or the recording folder cannot be used, in words.
    pub(crate) fn new(
        config: &ProxyConfig,
        schemas: Arc<Schemas>,
        settings: Settings,
    ) -> Result<Self, String> {
        let upstream = Upstream::new(config)?;
        let recorder = match &config.record {
            Some(dir) => {
                let scrubber = scrub::Scrubber::new(&config.scrub, config.scrub_key.as_deref());
                Some(Arc::new(Recorder::new(
                    dir,
                    scrubber,
                    schemas,
                    upstream.base(),
                )?))
            }
            None => None,
        };
        Ok(Proxy {
            mode: config.mode,
            upstream,
            upstream_client: config.upstream_client.clone(),
            recorder,
            settings,
        })
    }

    /// The upstream's base URL and the mode, for the health check and the start-up text.
    pub(crate) fn describe(&self) -> Value {
        serde_json::json!({
            "upstream": self.upstream.base(),
            "mode": self.mode.as_str(),
            "upstreamClient": self.upstream_client.as_ref().map(|client| client.id.as_str()),
            "recording": self.recorder.is_some(),
        })
    }

    /// Forwards a request to the upstream and answers what it answers.
    async fn forward(&self, parts: Parts, body: Bytes) -> Response {
        let mut answered = Answered::default();
        let path = parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
        let operation = self.operation_of(&parts);
        answered.operation = operation.map(Operation::id);
        answered.body = self.settings.observer.journal.kept_body(&body);
        let mut headers = parts.headers.clone();
        // The mock's own header means nothing upstream.
        headers.remove(SCENARIO);
        match &self.upstream_client {
            Some(client) => {
                // The shared credential stands in only for the mock's own clients.
                match self.settings.credentials.verify(&parts.headers) {
                    Ok(caller) => answered.client_id = Some(caller.id.clone()),
                    Err(error) => return with(error.into_response(), answered),
                }
                let (Ok(id), Ok(secret)) = (
                    HeaderValue::from_str(&client.id),
                    HeaderValue::from_str(client.secret()),
                ) else {
                    return with(ApiError::Internal.into_response(), answered);
                };
                headers.insert(CLIENT_ID, id);
                headers.insert(CLIENT_SECRET, secret);
            }
            None => {
                answered.client_id = parts
                    .headers
                    .get(CLIENT_ID)
                    .and_then(|id| id.to_str().ok())
                    .map(str::to_owned);
            }
        }
        answered.route = Route::Proxied;
        let reply = match self
            .upstream
            .send(&parts.method, &path, &headers, body.clone())
            .await
        {
            Ok(reply) => reply,
            Err(failure) => {
                let description = failure.describe(self.upstream.base());
                tracing::warn!(%path, %description, "the upstream gave no answer");
                answered.source = Cow::Borrowed("upstream-failed");
                let error = ApiError::Upstream {
                    status: failure.status(),
                    description,
                };
                return with(error.into_response(), answered);
            }
        };
        answered.source = Cow::Borrowed("upstream");
        if let (Some(recorder), Some(operation)) = (&self.recorder, operation)
            && reply.status.as_u16() < 500
        {
            answered.route = self
                .record(recorder, operation, &parts, &path, &body, &reply)
                .await;
        }
        let mut response = Response::new(Body::from(reply.body));
        *response.status_mut() = reply.status;
        *response.headers_mut() = reply.headers;
        with(response, answered)
    }

    /// Records an exchange off the async threads; whether it was written.
    async fn record(
        &self,
        recorder: &Arc<Recorder>,
        operation: Operation,
        parts: &Parts,
        path: &str,
        body: &Bytes,
        reply: &upstream::Reply,
    ) -> Route {
        let request = if operation.has_body() {
            serde_json::from_slice(body).ok()
        } else {
            body::query_object(parts.uri.query()).ok()
        };
        let Some(request) = request else {
            tracing::warn!(%path, "not recorded: the request body is not JSON");
            return Route::Proxied;
        };
        let exchange = Exchange {
            operation,
            method: parts.method.to_string(),
            path: path.to_owned(),
            request,
            status: reply.status.as_u16(),
            body: reply.body.clone(),
        };
        let recorder = Arc::clone(recorder);
        match tokio::task::spawn_blocking(move || recorder.record(exchange)).await {
            Ok(Outcome::Recorded) => Route::Recorded,
            Ok(Outcome::Duplicate) => Route::Proxied,
            Ok(Outcome::Skipped(reason)) => {
                tracing::warn!(%path, %reason, "not recorded");
                Route::Proxied
            }
            Err(error) => {
                tracing::error!(%error, "the recorder failed");
                Route::Proxied
            }
        }
    }

    /// The operation a request asks for, by its base path, path and method.
    fn operation_of(&self, parts: &Parts) -> Option<Operation> {
        let path = parts.uri.path();
        self.settings.base_paths.iter().find_map(|base| {
            let rest = path.strip_prefix(base.as_str())?;
            Operation::ALL
                .into_iter()
                .find(|op| op.path() == rest && op.method() == parts.method.as_str())
        })
    }
}

/// `response` with what the journal is to know about it.
fn with(mut response: Response, answered: Answered) -> Response {
    response.extensions_mut().insert(answered);
    response
}

/// The layer over the API's routes: in `all` mode every request goes upstream; in
/// `fall-through` mode the mock answers first, and a request it has no answer of its own for
/// (or a path it does not serve) goes upstream.
pub(crate) async fn layer(
    State(proxy): State<Arc<Proxy>>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with("/__admin") {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let settings = &proxy.settings;
    let body = match body::read(body, settings.max_body_bytes, settings.read_timeout).await {
        Ok(body) => body,
        Err(error) => return error.into_response(),
    };
    if proxy.mode == ProxyMode::FallThrough {
        let local = next
            .run(Request::from_parts(parts.clone(), Body::from(body.clone())))
            .await;
        let unanswered = match local.extensions().get::<Answered>() {
            Some(local) => local.unanswered,
            // Only a path the mock does not serve answers without a record of who answered.
            None => local.status() == StatusCode::NOT_FOUND,
        };
        if !unanswered {
            return local;
        }
    }
    proxy.forward(parts, body).await
}
