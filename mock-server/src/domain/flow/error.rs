//! Why a step of the flow is refused. The portal publishes that the prerequisites exist, not what
//! the API answers when one is missing: the kinds (and the statuses the API layer gives them)
//! are assumed.

use super::records::EsignStatus;

/// What kind of refusal a [`FlowError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// An id names nothing this client made.
    NotFound,
    /// The step is out of order: what must come first did not happen, or happened already.
    Conflict,
    /// The request is well formed but cannot be accepted (terms not accepted).
    Unprocessable,
}

/// A step refused by the flow's rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FlowError {
    /// No quote with this id belongs to the client.
    #[error("No quote {quote_id} was created by this client.")]
    UnknownQuote {
        /// The id given.
        quote_id: String,
    },
    /// No order matches.
    #[error("No order has the {field} {id} for this client.")]
    UnknownOrder {
        /// The field that named it.
        field: &'static str,
        /// The id given.
        id: String,
    },
    /// No contract for the quote.
    #[error("No contract was initiated for quote {quote_id}.")]
    ContractMissing {
        /// The quote.
        quote_id: String,
    },
    /// The quote has no credit check yet.
    #[error("Quote {quote_id} has no credit check: run POST /api/v1/creditCheck/aiab first.")]
    CreditCheckMissing {
        /// The quote.
        quote_id: String,
    },
    /// The quote's credit check did not approve the sale.
    #[error("The credit check of quote {quote_id} is {approval_status:?}: the sale cannot go on.")]
    CreditNotApproved {
        /// The quote.
        quote_id: String,
        /// Its `approvalStatus`.
        approval_status: String,
    },
    /// The quote's contract is not signed.
    #[error(
        "The contract of quote {quote_id} is {}, not Signed: an order needs a signed contract.",
        status.as_str()
    )]
    ContractNotSigned {
        /// The quote.
        quote_id: String,
        /// Where its envelope is.
        status: EsignStatus,
    },
    /// The quote's contract is signed: the quote can no longer change.
    #[error("Quote {quote_id} is locked: its contract is signed.")]
    QuoteLocked {
        /// The quote.
        quote_id: String,
    },
    /// An order exists for the quote already.
    #[error("Quote {quote_id} was ordered already: order {order_id}.")]
    OrderExists {
        /// The quote.
        quote_id: String,
        /// The order.
        order_id: String,
    },
    /// The order request did not accept the terms and conditions.
    #[error("The terms and conditions were not accepted: send \"checkT&C\": true.")]
    TermsNotAccepted,
    /// The credit check names another account than its quote.
    #[error("Quote {quote_id} is for subAccountId {expected}, not {found}.")]
    AccountMismatch {
        /// The quote.
        quote_id: String,
        /// The quote's account.
        expected: String,
        /// The one the request named.
        found: String,
    },
    /// A product id the mock does not know.
    #[error("Unknown productId {product_id:?}; known: OFF_ADI_MID_MARKET, OFF_AIAB.")]
    UnknownProduct {
        /// The id given.
        product_id: String,
    },
    /// No order matches a status search.
    #[error("No order found for {kind} {id}.")]
    NoOrderFound {
        /// `externalIdentifierType`.
        kind: String,
        /// `externalIdentifierId`.
        id: String,
    },
}

impl FlowError {
    /// The kind of refusal.
    pub(crate) fn refusal(&self) -> Refusal {
        match self {
            FlowError::UnknownQuote { .. }
            | FlowError::UnknownOrder { .. }
            | FlowError::ContractMissing { .. }
            | FlowError::NoOrderFound { .. } => Refusal::NotFound,
            FlowError::CreditCheckMissing { .. }
            | FlowError::CreditNotApproved { .. }
            | FlowError::ContractNotSigned { .. }
            | FlowError::QuoteLocked { .. }
            | FlowError::OrderExists { .. }
            | FlowError::AccountMismatch { .. } => Refusal::Conflict,
            FlowError::TermsNotAccepted | FlowError::UnknownProduct { .. } => {
                Refusal::Unprocessable
            }
        }
    }
}
