//! The checks every JSON endpoint shares before its own: the headers a gateway checks, then the
//! body read within its size and time limits and parsed as JSON; and the size of a request head.
//!
//! Headers first (`content-type` JSON, else 415; `x-trace-id` present, else 400), then the body:
//! within the size limit (else 413) and the read timeout (else 408), JSON (else 400). Each
//! endpoint then validates the JSON against its own request schema.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Uri, header};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::Value;

use super::error::ApiError;
use super::headers::TRACE_ID;

/// Checks `content-type` and `x-trace-id`.
///
/// # Errors
///
/// [`ApiError::UnsupportedMediaType`] unless the content type is `application/json` (parameters
/// such as `charset` allowed) or an `application/*+json` type; [`ApiError::MissingTraceId`] when
/// `x-trace-id` is absent or blank.
pub(crate) fn check_headers(headers: &HeaderMap) -> Result<(), ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(is_json_media_type);
    if !is_json {
        return Err(ApiError::UnsupportedMediaType);
    }
    check_trace_id(headers)
}

/// Checks `x-trace-id` only: for operations without a body, whose `content-type` is moot.
///
/// # Errors
///
/// [`ApiError::MissingTraceId`] when `x-trace-id` is absent or blank.
pub(crate) fn check_trace_id(headers: &HeaderMap) -> Result<(), ApiError> {
    let has_trace_id = headers
        .get(TRACE_ID)
        .is_some_and(|value| !value.as_bytes().trim_ascii().is_empty());
    if !has_trace_id {
        return Err(ApiError::MissingTraceId);
    }
    Ok(())
}

fn is_json_media_type(content_type: &str) -> bool {
    let media_type = content_type.split(';').next().unwrap_or_default().trim();
    let lowercase_is = |start: usize, expected: &str| {
        media_type
            .get(start..start + expected.len())
            .is_some_and(|part| part.eq_ignore_ascii_case(expected))
    };
    (media_type.len() == "application/json".len() && lowercase_is(0, "application/json"))
        || (lowercase_is(0, "application/")
            && media_type.len() >= "application/".len() + "+json".len()
            && lowercase_is(media_type.len() - "+json".len(), "+json"))
}

/// Reads the whole body, refusing more than `limit` bytes or a body slower than `timeout`.
///
/// # Errors
///
/// [`ApiError::PayloadTooLarge`] past the limit, [`ApiError::BodyTimeout`] when the body takes
/// longer than `timeout`, [`ApiError::UnreadableBody`] when the connection fails while reading.
pub(crate) async fn read(body: Body, limit: usize, timeout: Duration) -> Result<Bytes, ApiError> {
    let collect = Limited::new(body, limit).collect();
    match tokio::time::timeout(timeout, collect).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(error)) if error.downcast_ref::<LengthLimitError>().is_some() => {
            Err(ApiError::PayloadTooLarge { limit })
        }
        Ok(Err(_)) => Err(ApiError::UnreadableBody),
        Err(_) => Err(ApiError::BodyTimeout {
            seconds: timeout.as_secs(),
        }),
    }
}

/// The size of a request's head as sent: the request line and every header line.
pub(crate) fn head_size(method: &Method, uri: &Uri, headers: &HeaderMap) -> usize {
    // "METHOD URI HTTP/1.1\r\n" and "name: value\r\n" per header.
    let target = uri
        .path_and_query()
        .map_or(1, |target| target.as_str().len());
    let line = method.as_str().len() + target + 11;
    headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum::<usize>()
        + line
}

/// The query string as a JSON object of strings (`?a=1&b=x` is `{"a": "1", "b": "x"}`); a
/// parameter given twice keeps its last value.
///
/// # Errors
///
/// [`ApiError::InvalidQuery`] when the query is not URL-encoded text.
pub(crate) fn query_object(query: Option<&str>) -> Result<Value, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or_default())
        .map_err(|error| ApiError::InvalidQuery {
            violations: vec![alliance_schemas::Violation {
                pointer: String::new(),
                schema_path: String::new(),
                message: format!("the query is not URL-encoded text: {error}"),
            }],
        })?;
    Ok(Value::Object(
        pairs
            .into_iter()
            .map(|(name, value)| (name, Value::String(value)))
            .collect(),
    ))
}

/// Parses the body as JSON.
///
/// # Errors
///
/// [`ApiError::InvalidJson`] with the parser's line and column.
pub(crate) fn parse_json(bytes: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(bytes).map_err(|error| ApiError::InvalidJson {
        detail: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types_are_recognised() {
        assert!(is_json_media_type("application/json"));
        assert!(is_json_media_type("Application/JSON; charset=utf-8"));
        assert!(is_json_media_type("application/vnd.att+json"));
        assert!(!is_json_media_type("text/json"));
        assert!(!is_json_media_type("application/x-www-form-urlencoded"));
        assert!(!is_json_media_type(""));
    }
}
