//! The lookup request body, as the code reads it once the schema has accepted it.

use serde::Deserialize;

/// The body of `POST /api/v1/customerAccountLookup`. Unknown keys are ignored, as the schema
/// allows them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LookupRequest {
    /// The Solution Provider's id; absent in older examples.
    pub sp_id: Option<String>,
    /// The name to look up (fuzzy, `*` wildcards).
    pub account_name: String,
    /// The address to look up.
    pub address: RequestAddress,
}

/// The address part of a lookup request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestAddress {
    /// Fuzzy; may be empty.
    pub street: String,
    /// Exact.
    pub city: String,
    /// Exact; a code (`TX`) or a full name (`Texas`).
    pub state: String,
    /// Exact on the first five digits.
    pub zip_code: String,
    /// Only in older examples; ignored by the search.
    pub country: Option<String>,
}
