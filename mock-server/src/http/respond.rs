//! Turning an answer or an error into an HTTP response.
//!
//! Every error answer of the mock has one body, written here and nowhere else:
//! `{code, message, description, traceId, transactionId}` plus `violations` for an invalid body.
//! The shape is assumed (End-Customer Lookup does not document its error bodies); it is modelled
//! on a sibling Alliance API and described by `schemas/error.schema.json`.

use alliance_schemas::Violation;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::error::ApiError;
use super::ids::RequestIds;

/// The error a response stands for, kept in its extensions so that the bookkeeping layer, which
/// knows the caller's ids, can write them into the body (see [`with_ids`]).
#[derive(Debug, Clone)]
pub(crate) struct Failed(pub(crate) ApiError);

impl IntoResponse for ApiError {
    /// The error body without the caller's ids; the bookkeeping layer adds them.
    fn into_response(self) -> Response {
        let mut response = error(&self, &RequestIds::default());
        response.extensions_mut().insert(Failed(self));
        response
    }
}

/// The error body of a response made from an [`ApiError`], written again with the caller's ids.
pub(crate) fn with_ids(response: Response, ids: &RequestIds) -> Response {
    let has_ids = ids.trace_id.is_some() || ids.transaction_id.is_some();
    let text = match response.extensions().get::<Failed>() {
        Some(Failed(failed)) if has_ids => error_text(failed, ids),
        _ => return response,
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(text))
}

/// The error body. Field order is the order on the wire.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody<'a> {
    code: u16,
    message: &'a str,
    description: String,
    trace_id: Option<&'a str>,
    transaction_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    violations: Option<Vec<ViolationBody<'a>>>,
}

#[derive(Debug, Serialize)]
struct ViolationBody<'a> {
    pointer: &'a str,
    message: &'a str,
}

impl<'a> From<&'a Violation> for ViolationBody<'a> {
    fn from(violation: &'a Violation) -> Self {
        ViolationBody {
            pointer: &violation.pointer,
            message: &violation.message,
        }
    }
}

/// A JSON response with the given status and already serialized body.
pub(crate) fn json(status: StatusCode, body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The error body's text for `error`, with the caller's ids.
pub fn error_text(error: &ApiError, ids: &RequestIds) -> String {
    let status = error.status();
    let body = ErrorBody {
        code: status.as_u16(),
        message: error.message(),
        description: error.description(),
        trace_id: ids.trace_id.as_deref(),
        transaction_id: ids.transaction_id.as_deref(),
        violations: error
            .violations()
            .map(|all| all.iter().map(ViolationBody::from).collect()),
    };
    // Serializing this struct of strings and numbers cannot fail; if it ever did, the caller
    // still gets a well-formed body.
    serde_json::to_string(&body).unwrap_or_else(|_| {
        format!(
            r#"{{"code":{},"message":"{}","description":"","traceId":null,"transactionId":null}}"#,
            status.as_u16(),
            error.message()
        )
    })
}

/// The error body for `error`, with the caller's ids.
pub(crate) fn error(error: &ApiError, ids: &RequestIds) -> Response {
    let mut response = json(error.status(), error_text(error, ids));
    match error {
        ApiError::MethodNotAllowed { allow } => {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        // Every 401, a scenario's too, as a real credential failure sends it.
        _ if error.status() == StatusCode::UNAUTHORIZED => {
            // Tells HTTP clients which credentials are expected, as gateways do.
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(r#"client_id realm="Alliance Ordering API""#),
            );
        }
        _ => {}
    }
    if let Some(seconds) = error.retry_after() {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}
