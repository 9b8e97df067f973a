//! Internals for the project's own benchmarks, fuzz target and tests: not a stable API.

pub use crate::domain::account::Account;
pub use crate::domain::book::{AccountBook, response_body};
pub use crate::domain::generate::Generator;
pub use crate::domain::operation::Operation;
pub use crate::domain::request::{LookupRequest, RequestAddress};
pub use crate::domain::search::Query;
pub use crate::fixtures::{FixtureError, Fixtures};
pub use crate::gateway::auth::Credentials;
pub use crate::http::error::ApiError;
pub use crate::http::ids::RequestIds;
pub use crate::http::respond::error_text;
pub use axum::http::StatusCode;
