//! The last step of a lookup: turning accounts or an error into an HTTP response.
//!
//! Every error answer of the mock has one body, written here and nowhere else:
//! `{code, message, description, traceId, transactionId}` plus `violations` for an invalid body.
//! The shape is assumed (End-Customer Lookup does not document its error bodies); it is modelled
//! on a sibling Alliance API and described by `schemas/error.schema.json`.

use alliance_schemas::Violation;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Serialize;

use crate::error::ApiError;
use crate::ids::RequestIds;

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
pub fn json(status: StatusCode, body: impl Into<Body>) -> Response {
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
pub fn error(error: &ApiError, ids: &RequestIds) -> Response {
    let mut response = json(error.status(), error_text(error, ids));
    match error {
        ApiError::MethodNotAllowed { allow } => {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        ApiError::Unauthorized | ApiError::AdminUnauthorized => {
            // Tells HTTP clients which credentials are expected, as gateways do.
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(r#"client_id realm="customerAccountLookup""#),
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
