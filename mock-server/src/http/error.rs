//! Every error the mock answers, with its status and its words, in one place.
//!
//! The real End-Customer Lookup documents 401 (gateway) and 500 (gateway) and the message
//! "No customer found."; everything else here (400, 404, 405, 413, 415 and the body shape, see
//! [`super::respond`]) is the mock's assumption. An error becomes a response through
//! `IntoResponse` (in [`super::respond`]), so handlers return `Result<_, ApiError>`.

use alliance_schemas::Violation;
pub(crate) use axum::http::StatusCode;

/// An answer other than a list of accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// `client_id` / `client_secret` missing or wrong.
    Unauthorized,
    /// The credentials were sent as `client-id` / `client-secret`, which the API does not read.
    MisnamedCredentials,
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
    /// The body did not arrive within the read timeout.
    BodyTimeout {
        /// The timeout in seconds.
        seconds: u64,
    },
    /// The request line and headers are larger than the limit.
    HeadersTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
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
    /// The query parameters break the operation's query schema.
    InvalidQuery {
        /// Every violation, with pointers such as `/limit`.
        violations: Vec<Violation>,
    },
    /// No account matches.
    NoCustomerFound,
    /// A step of the flow refused by its rules: an unknown id (404), a step out of order (409),
    /// terms not accepted (422). The statuses are assumed.
    Flow {
        /// The status.
        status: StatusCode,
        /// What the rule says, for the body's `description`.
        description: String,
    },
    /// No route at this path.
    UnknownPath,
    /// The path exists, the method does not.
    MethodNotAllowed {
        /// The methods the path accepts, for the `Allow` header.
        allow: &'static str,
    },
    /// Something failed inside the mock; details go to the log, not to the caller.
    Internal,
    /// `x-mock-scenario` or a body marker names no loaded scenario.
    UnknownScenario {
        /// The name given.
        name: String,
        /// The loaded names, comma-separated.
        known: String,
    },
    /// The client's own rate limit is exhausted.
    RateLimited {
        /// Whole seconds until a request will be accepted again.
        retry_after: u32,
    },
    /// An error answer chosen by a scenario.
    Scenario {
        /// The status.
        status: StatusCode,
        /// The body's `message`.
        message: String,
        /// The body's `description`.
        description: String,
        /// Violations to list, if any.
        violations: Option<Vec<Violation>>,
        /// Seconds for a `Retry-After` header.
        retry_after: Option<u32>,
    },
    /// More connections than `--max-connections` are open.
    TooManyConnections,
    /// The server is stopping: nothing new is started.
    ShuttingDown,
    /// The admin API needs the admin token.
    AdminUnauthorized,
    /// The admin API is closed: the mock listens beyond loopback without a token.
    AdminClosed,
    /// An admin request body is not what the endpoint takes.
    AdminBadRequest {
        /// What was expected.
        detail: String,
    },
    /// A reload found a broken file; the data in service is unchanged.
    ReloadRefused {
        /// The file, the place and what was expected.
        detail: String,
    },
    /// The upstream a proxied request went to did not answer: refused, timed out, a TLS
    /// failure (502, or 504 for a timeout).
    Upstream {
        /// 502 or 504.
        status: StatusCode,
        /// The upstream and what went wrong.
        description: String,
    },
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized | ApiError::MisnamedCredentials => StatusCode::UNAUTHORIZED,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::MissingTraceId
            | ApiError::UnreadableBody
            | ApiError::InvalidJson { .. }
            | ApiError::InvalidBody { .. }
            | ApiError::InvalidQuery { .. } => StatusCode::BAD_REQUEST,
            ApiError::Flow { status, .. } => *status,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::BodyTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            ApiError::HeadersTooLarge { .. } => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ApiError::NoCustomerFound | ApiError::UnknownPath => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::UnknownScenario { .. } | ApiError::AdminBadRequest { .. } => {
                StatusCode::BAD_REQUEST
            }
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Scenario { status, .. } => *status,
            ApiError::AdminUnauthorized => StatusCode::UNAUTHORIZED,
            ApiError::AdminClosed => StatusCode::FORBIDDEN,
            ApiError::TooManyConnections | ApiError::ShuttingDown => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::ReloadRefused { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Upstream { status, .. } => *status,
        }
    }

    /// The short message of the error body.
    pub fn message(&self) -> &str {
        match self {
            // The one message the portal documents, word for word.
            ApiError::NoCustomerFound => "No customer found.",
            ApiError::Unauthorized | ApiError::MisnamedCredentials => "Unauthorized",
            ApiError::UnsupportedMediaType => "Unsupported Media Type",
            ApiError::MissingTraceId
            | ApiError::UnreadableBody
            | ApiError::InvalidJson { .. }
            | ApiError::InvalidBody { .. }
            | ApiError::InvalidQuery { .. } => "Bad Request",
            ApiError::Flow { status, .. } => status.canonical_reason().unwrap_or("Refused"),
            ApiError::PayloadTooLarge { .. } => "Payload Too Large",
            ApiError::BodyTimeout { .. } => "Request Timeout",
            ApiError::HeadersTooLarge { .. } => "Request Header Fields Too Large",
            ApiError::UnknownPath => "Not Found",
            ApiError::MethodNotAllowed { .. } => "Method Not Allowed",
            ApiError::Internal => "Internal Server Error",
            ApiError::UnknownScenario { .. } | ApiError::AdminBadRequest { .. } => "Bad Request",
            ApiError::RateLimited { .. } => "Too Many Requests",
            ApiError::Scenario { message, .. } => message,
            ApiError::AdminUnauthorized => "Unauthorized",
            ApiError::AdminClosed => "Forbidden",
            ApiError::TooManyConnections | ApiError::ShuttingDown => "Service Unavailable",
            ApiError::ReloadRefused { .. } => "Unprocessable Entity",
            ApiError::Upstream { status, .. } => status.canonical_reason().unwrap_or("Bad Gateway"),
        }
    }

    /// What went wrong and what to do, for the error body's `description`.
    pub fn description(&self) -> String {
        match self {
            ApiError::Unauthorized => "Missing or invalid client_id / client_secret.".to_owned(),
            ApiError::MisnamedCredentials => {
                "The credentials must be sent in the headers client_id and client_secret, with \
                 underscores; client-id and client-secret are not read."
                    .to_owned()
            }
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
            ApiError::BodyTimeout { seconds } => {
                format!("The request body did not arrive within {seconds} s.")
            }
            ApiError::HeadersTooLarge { limit } => {
                format!("The request line and headers exceed {limit} bytes.")
            }
            ApiError::InvalidJson { detail } => {
                format!("The request body is not valid JSON: {detail}.")
            }
            ApiError::InvalidBody { violations } => match violations.len() {
                1 => "The request body is invalid: 1 violation.".to_owned(),
                n => format!("The request body is invalid: {n} violations."),
            },
            ApiError::InvalidQuery { violations } => match violations.len() {
                1 => "The query is invalid: 1 violation.".to_owned(),
                n => format!("The query is invalid: {n} violations."),
            },
            ApiError::Flow { description, .. } => description.clone(),
            ApiError::NoCustomerFound => {
                "No end customer matches the account name and address.".to_owned()
            }
            ApiError::UnknownPath => {
                "No such resource. The operations served are listed in GET /__admin/openapi.json."
                    .to_owned()
            }
            ApiError::MethodNotAllowed { allow } => format!("This resource only accepts {allow}."),
            ApiError::Internal => "The mock failed to answer; see its log.".to_owned(),
            ApiError::UnknownScenario { name, known } => {
                format!("Unknown scenario {name:?}. Known scenarios: {known}.")
            }
            ApiError::RateLimited { retry_after } => {
                format!("This client's rate limit is exceeded; retry after {retry_after} s.")
            }
            ApiError::Scenario { description, .. } => description.clone(),
            ApiError::AdminUnauthorized => {
                "The admin API needs the admin token: x-admin-token or Authorization: Bearer."
                    .to_owned()
            }
            ApiError::AdminClosed => {
                "The admin API is closed: this mock listens beyond this machine without an admin \
                 token, so only GET /__admin/health answers. Start it with --admin-token TOKEN, or \
                 --admin-open to open it to anyone who can reach the port."
                    .to_owned()
            }
            ApiError::AdminBadRequest { detail } => detail.clone(),
            ApiError::TooManyConnections => {
                "The mock serves its maximum number of connections; retry in a second.".to_owned()
            }
            ApiError::ShuttingDown => "The mock is stopping.".to_owned(),
            ApiError::ReloadRefused { detail } => {
                format!("Reload refused; the data in service is unchanged. {detail}")
            }
            ApiError::Upstream { description, .. } => description.clone(),
        }
    }

    /// Seconds for a `Retry-After` header, if the answer has one.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            ApiError::RateLimited { retry_after } => Some(*retry_after),
            ApiError::TooManyConnections => Some(1),
            ApiError::Scenario { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The violations to list in the body, if any.
    pub fn violations(&self) -> Option<&[Violation]> {
        match self {
            ApiError::InvalidBody { violations } | ApiError::InvalidQuery { violations } => {
                Some(violations)
            }
            ApiError::Scenario { violations, .. } => violations.as_deref(),
            _ => None,
        }
    }
}
