//! Every error the mock answers, with its status and its words, in one place.
//!
//! The real End-Customer Lookup documents 401 (gateway) and 500 (gateway) and the message
//! "No customer found."; everything else here (400, 404, 405, 413, 415 and the body shape, see
//! [`crate::respond`]) is the mock's assumption.

use alliance_schemas::Violation;
use axum::http::StatusCode;

/// An answer other than a list of accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// `client_id` / `client_secret` missing or wrong.
    Unauthorized,
    /// `content-type` missing or not JSON.
    UnsupportedMediaType,
    /// `x-trace-id` missing or empty.
    MissingTraceId,
    /// The body is larger than the limit.
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The body could not be read from the connection.
    UnreadableBody,
    /// The body is not JSON.
    InvalidJson {
        /// The parser's message (line and column; never the body itself).
        detail: String,
    },
    /// The body is JSON but breaks the request schema.
    InvalidBody {
        /// Every violation.
        violations: Vec<Violation>,
    },
    /// No account matches.
    NoCustomerFound,
    /// No route at this path.
    UnknownPath,
    /// The path exists, the method does not.
    MethodNotAllowed {
        /// The methods the path accepts, for the `Allow` header.
        allow: &'static str,
    },
    /// Something failed inside the mock; details go to the log, not to the caller.
    Internal,
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::MissingTraceId
            | ApiError::UnreadableBody
            | ApiError::InvalidJson { .. }
            | ApiError::InvalidBody { .. } => StatusCode::BAD_REQUEST,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::NoCustomerFound | ApiError::UnknownPath => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The short message of the error body.
    pub fn message(&self) -> &'static str {
        match self {
            // The one message the portal documents, word for word.
            ApiError::NoCustomerFound => "No customer found.",
            ApiError::Unauthorized => "Unauthorized",
            ApiError::UnsupportedMediaType => "Unsupported Media Type",
            ApiError::MissingTraceId
            | ApiError::UnreadableBody
            | ApiError::InvalidJson { .. }
            | ApiError::InvalidBody { .. } => "Bad Request",
            ApiError::PayloadTooLarge { .. } => "Payload Too Large",
            ApiError::UnknownPath => "Not Found",
            ApiError::MethodNotAllowed { .. } => "Method Not Allowed",
            ApiError::Internal => "Internal Server Error",
        }
    }

    /// What went wrong and what to do, for the error body's `description`.
    pub fn description(&self) -> String {
        match self {
            ApiError::Unauthorized => "Missing or invalid client_id / client_secret.".to_owned(),
            ApiError::UnsupportedMediaType => {
                "The content-type header must be application/json.".to_owned()
            }
            ApiError::MissingTraceId => {
                "The x-trace-id header is required: send a unique id for the flow, e.g. a UUID."
                    .to_owned()
            }
            ApiError::PayloadTooLarge { limit } => {
                format!("The request body exceeds {limit} bytes.")
            }
            ApiError::UnreadableBody => "The request body could not be read.".to_owned(),
            ApiError::InvalidJson { detail } => {
                format!("The request body is not valid JSON: {detail}.")
            }
            ApiError::InvalidBody { violations } => match violations.len() {
                1 => "The request body is invalid: 1 violation.".to_owned(),
                n => format!("The request body is invalid: {n} violations."),
            },
            ApiError::NoCustomerFound => {
                "No end customer matches the account name and address.".to_owned()
            }
            ApiError::UnknownPath => {
                "No such resource. The lookup is POST /api/v1/customerAccountLookup.".to_owned()
            }
            ApiError::MethodNotAllowed { allow } => format!("This resource only accepts {allow}."),
            ApiError::Internal => "The mock failed to answer; see its log.".to_owned(),
        }
    }

    /// The violations to list in the body, if any.
    pub fn violations(&self) -> Option<&[Violation]> {
        match self {
            ApiError::InvalidBody { violations } => Some(violations),
            _ => None,
        }
    }
}
