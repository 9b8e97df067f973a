//! What the real API's gateway does before any operation runs: the client-id enforcement and
//! the per-client rate limits (the latter the mock's own, for QA).

pub(crate) mod auth;
pub(crate) mod ratelimit;
