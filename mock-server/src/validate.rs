//! Step 2 and 3 of a lookup: the headers a gateway checks, then the body.
//!
//! Headers first (`content-type` JSON, else 415; `x-trace-id` present, else 400), then the body:
//! within the size limit (else 413), JSON (else 400), and valid against
//! `schemas/lookup-request.schema.json` (else 400 listing every violation).

use alliance_schemas::{FieldsCheck, Schemas, Violation};
use axum::body::{Body, Bytes};
use std::time::Duration;

use axum::http::{HeaderMap, Method, Uri};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::Value;

use crate::error::ApiError;
use crate::headers::LookupHeaders;
use crate::request::{LookupRequest, QuickFields};
use crate::scenario::select::has_marker;

/// Checks `content-type` and `x-trace-id`.
///
/// # Errors
///
/// [`ApiError::UnsupportedMediaType`] unless the content type is `application/json` (parameters
/// such as `charset` allowed) or an `application/*+json` type; [`ApiError::MissingTraceId`] when
/// `x-trace-id` is absent or blank.
pub fn headers(headers: &LookupHeaders<'_>) -> Result<(), ApiError> {
    let is_json = headers
        .content_type
        .and_then(|value| value.to_str().ok())
        .is_some_and(is_json_media_type);
    if !is_json {
        return Err(ApiError::UnsupportedMediaType);
    }
    let has_trace_id = headers
        .trace_id
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
pub async fn read_body(body: Body, limit: usize, timeout: Duration) -> Result<Bytes, ApiError> {
    let mut collect = std::pin::pin!(Limited::new(body, limit).collect());
    // A small body has usually arrived with the head: then no timer is needed.
    let first = std::future::poll_fn(|cx| {
        std::task::Poll::Ready(std::future::Future::poll(collect.as_mut(), cx))
    })
    .await;
    let read = match first {
        std::task::Poll::Ready(read) => Ok(read),
        std::task::Poll::Pending => tokio::time::timeout(timeout, collect).await,
    };
    match read {
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
pub fn head_size(method: &Method, uri: &Uri, headers: &HeaderMap) -> usize {
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

/// Parses the body as JSON.
///
/// # Errors
///
/// [`ApiError::InvalidJson`] with the parser's line and column.
pub fn parse_json(bytes: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(bytes).map_err(|error| ApiError::InvalidJson {
        detail: error.to_string(),
    })
}

/// The fields the quick path reads, as JSON pointers, in the order it gives their values.
const QUICK_FIELDS: [&str; 7] = [
    "/spId",
    "/accountName",
    "/address/street",
    "/address/city",
    "/address/state",
    "/address/zipCode",
    "/address/country",
];

/// The request schema's quick check, tied to the fields the quick path reads, for a lookup
/// that does (or does not) require `spId`; `None` when the schema has none, and then every
/// request takes the full path.
pub fn quick_check(schemas: &Schemas, require_sp_id: bool) -> Option<FieldsCheck> {
    schemas
        .quick_request_check(require_sp_id)?
        .for_fields(&QUICK_FIELDS)
}

/// The request, when the body is plainly valid: read straight into borrowed fields and accepted
/// by the schema's quick check (from [`quick_check`]), with no `SCENARIO` marker in the name
/// and no canned example that might answer it. `None` sends the request down the full path
/// (parse, canned examples, validation with every violation), which gives the same answer for
/// every body the quick path takes.
pub fn quick_request<'a>(
    check: Option<&FieldsCheck>,
    bytes: &'a [u8],
    canned_might_match: impl Fn(&str) -> bool,
) -> Option<QuickFields<'a>> {
    let check = check?;
    // A body that is not UTF-8 goes the full way, which says where it breaks.
    let fields = QuickFields::read(std::str::from_utf8(bytes).ok()?)?;
    if has_marker(fields.account_name) || canned_might_match(fields.account_name) {
        return None;
    }
    let address = &fields.address;
    check
        .accepts(&[
            fields.sp_id,
            Some(fields.account_name),
            Some(address.street),
            Some(address.city),
            Some(address.state),
            Some(address.zip_code),
            address.country,
        ])
        .then_some(fields)
}

/// Checks the body against the request schema and reads it.
///
/// # Errors
///
/// [`ApiError::InvalidBody`] listing every violation.
pub fn body(
    schemas: &Schemas,
    value: Value,
    require_sp_id: bool,
) -> Result<LookupRequest, ApiError> {
    let violations = schemas.validate_request(&value, require_sp_id);
    if !violations.is_empty() {
        return Err(ApiError::InvalidBody { violations });
    }
    // The schema has accepted the shape, so this only fails if the type and the schema disagree;
    // the caller still gets a 400 that says why.
    serde_json::from_value(value).map_err(|error| ApiError::InvalidBody {
        violations: vec![Violation {
            pointer: String::new(),
            schema_path: String::new(),
            message: error.to_string(),
        }],
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
