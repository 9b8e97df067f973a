//! The names of the headers the mock reads or writes beyond HTTP's standard ones, in one place.

use axum::http::HeaderName;

/// The client id, checked by the gateway.
pub(crate) const CLIENT_ID: HeaderName = HeaderName::from_static("client_id");
/// The client secret, checked by the gateway; never logged, journaled or echoed.
pub(crate) const CLIENT_SECRET: HeaderName = HeaderName::from_static("client_secret");
/// The id of the whole Ordering flow a call belongs to; required, echoed on every answer.
pub(crate) const TRACE_ID: HeaderName = HeaderName::from_static("x-trace-id");
/// The id of this one transaction; optional, echoed on every answer.
pub(crate) const TRANSACTION_ID: HeaderName = HeaderName::from_static("x-transaction-id");
/// The mock's own header naming a scenario for this request.
pub(crate) const SCENARIO: HeaderName = HeaderName::from_static("x-mock-scenario");
/// The admin API's token (`Authorization: Bearer` works too).
pub(crate) const ADMIN_TOKEN: HeaderName = HeaderName::from_static("x-admin-token");
