//! The settings that take one of a few values, and a client's rate limit.

use serde::Deserialize;

/// A token bucket: `per_second` tokens a second, at most `burst` saved up.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RateLimit {
    /// Requests a second, sustained.
    pub per_second: f64,
    /// Requests accepted at once after a quiet spell.
    pub burst: u32,
}

/// What a lookup with no match answers. Not documented by AT&T: the portal only says the caller
/// "receives a message stating 'No customer found.'".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum NotFoundStyle {
    /// 404 with the error body, message "No customer found.".
    #[default]
    Error,
    /// 200 with an empty array.
    Empty,
}

/// How strictly the flow holds to the published order of its steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FlowMode {
    /// Each step needs the one before it: a credit check before a contract, a signed contract
    /// before an order, an order before enrichment and status.
    #[default]
    Strict,
    /// Any well-formed id is accepted, for testing one step alone.
    Lenient,
}

impl FlowMode {
    /// The mode's name as the command line spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            FlowMode::Strict => "strict",
            FlowMode::Lenient => "lenient",
        }
    }
}

/// Where the accounts of an answer come from. Canned examples answer first in every mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum DataMode {
    /// Only the account book.
    Fixtures,
    /// Only generated accounts, consistent with the request.
    Generated,
    /// The account book first; generated accounts when it has no match.
    #[default]
    Hybrid,
}

impl DataMode {
    /// The mode's name as the command line spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            DataMode::Fixtures => "fixtures",
            DataMode::Generated => "generated",
            DataMode::Hybrid => "hybrid",
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Human,
    /// One JSON object per line.
    Json,
}
