//! The records of a flow as the mock keeps them: quotes (with their sites and configurations),
//! credit checks, contracts and orders. What a record *is* at a moment (a contract signed, an
//! order completed) is computed from when it was made and the rules, so nothing needs a timer.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A point in the flow's time: how long after the store was made.
pub(crate) type Moment = Duration;

/// A product a quote is for, and the items an order for it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum Product {
    /// AT&T Dedicated Internet (Mid Market): the product of the portal's order example.
    #[serde(rename = "OFF_ADI_MID_MARKET")]
    DedicatedInternet,
    /// AT&T Internet Air for Business, the product of the `aiab` operations (assumed id).
    #[serde(rename = "OFF_AIAB")]
    InternetAir,
}

impl Product {
    /// The product of a product id; the portal's order example's product when none is given.
    pub(crate) fn from_id(id: Option<&str>) -> Option<Product> {
        match id {
            None | Some("OFF_ADI_MID_MARKET") => Some(Product::DedicatedInternet),
            Some("OFF_AIAB") => Some(Product::InternetAir),
            Some(_) => None,
        }
    }

    /// The product id.
    pub(crate) fn id(self) -> &'static str {
        match self {
            Product::DedicatedInternet => "OFF_ADI_MID_MARKET",
            Product::InternetAir => "OFF_AIAB",
        }
    }

    /// The `orderItemType`s of an order for the product, in order. The first list is the
    /// portal's example; the second is assumed.
    pub(crate) fn order_items(self) -> &'static [&'static str] {
        match self {
            Product::DedicatedInternet => &[
                "AT&T Dedicated Internet (Mid Market)",
                "Access",
                "Port",
                "ADI Install",
            ],
            Product::InternetAir => &["AT&T Internet Air for Business", "Equipment", "Shipping"],
        }
    }
}

/// The account a quote is for, as the lookup answered it (or as the quote request named it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AccountRef {
    /// The lookup's `subAccountId`.
    pub(crate) sub_account_id: String,
    /// The account's name, when known.
    pub(crate) account_name: Option<String>,
}

/// A site of a quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Site {
    /// Its id.
    pub(crate) site_id: String,
    /// Its name or address, one line.
    pub(crate) label: String,
}

/// A product configuration added to a quote, with its price offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProductConfig {
    /// Its id.
    pub(crate) config_id: String,
    /// The site it is for, if any.
    pub(crate) site_id: Option<String>,
    /// The port speed chosen, e.g. `100M`.
    pub(crate) speed: String,
}

/// A quote and what was added to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Quote {
    /// Its id.
    pub(crate) quote_id: String,
    /// The opportunity made with it.
    pub(crate) opportunity_id: String,
    /// The account it is for.
    pub(crate) account: AccountRef,
    /// The product it is for.
    pub(crate) product: Product,
    /// Its sites.
    pub(crate) sites: Vec<Site>,
    /// Its product configurations.
    pub(crate) configs: Vec<ProductConfig>,
    /// When it was made.
    #[serde(skip)]
    pub(crate) created: Moment,
}

/// A credit check of a quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreditCheck {
    /// Its id.
    pub(crate) credit_check_id: String,
    /// The quote checked.
    pub(crate) quote_id: String,
    /// The answer's `approvalStatus`.
    pub(crate) approval_status: String,
    /// Whether the sale may go on: the answer had `noErrorFlag` true and an approved status.
    pub(crate) approved: bool,
}

/// How an eSign envelope ends when nobody steps in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EsignOutcome {
    /// The signer signs.
    Signed,
    /// The signer declines.
    Declined,
    /// Nobody signs before the envelope expires.
    Expired,
    /// It stays sent until the admin API completes it.
    Pending,
}

/// Where a contract's eSign envelope is. The words are assumed: the portal publishes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum EsignStatus {
    /// Sent to the signer, not yet signed.
    Sent,
    /// Signed: the quote is locked and an order may be placed.
    Signed,
    /// Declined by the signer.
    Declined,
    /// Expired unsigned.
    Expired,
}

impl EsignStatus {
    /// The status as the contract answer writes it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            EsignStatus::Sent => "Sent",
            EsignStatus::Signed => "Signed",
            EsignStatus::Declined => "Declined",
            EsignStatus::Expired => "Expired",
        }
    }
}

/// A contract of a quote and its eSign envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Contract {
    /// The quote it is for.
    pub(crate) quote_id: String,
    /// Its id.
    pub(crate) contract_id: String,
    /// The eSign envelope's id.
    pub(crate) esign_request_id: String,
    /// How the envelope ends on its own.
    pub(crate) outcome: EsignOutcome,
    /// When it ends on its own, after it was made.
    #[serde(skip)]
    pub(crate) completes_after: Duration,
    /// A status set through the admin API, which wins over time.
    #[serde(skip)]
    pub(crate) forced: Option<EsignStatus>,
    /// When it was made.
    #[serde(skip)]
    pub(crate) created: Moment,
}

impl Contract {
    /// The envelope's status at `now`.
    pub(crate) fn status_at(&self, now: Moment) -> EsignStatus {
        if let Some(forced) = self.forced {
            return forced;
        }
        if now < self.created + self.completes_after {
            return EsignStatus::Sent;
        }
        match self.outcome {
            EsignOutcome::Signed => EsignStatus::Signed,
            EsignOutcome::Declined => EsignStatus::Declined,
            EsignOutcome::Expired => EsignStatus::Expired,
            EsignOutcome::Pending => EsignStatus::Sent,
        }
    }

    /// When the envelope was signed, if it is signed at `now` on its own schedule.
    pub(crate) fn signed_at(&self, now: Moment) -> Option<Moment> {
        (self.status_at(now) == EsignStatus::Signed)
            .then(|| (self.created + self.completes_after).min(now))
    }
}

/// An item of a sub-order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OrderItem {
    /// Its id.
    pub(crate) order_item_id: String,
    /// What it is, e.g. `Access`.
    pub(crate) order_item_type: String,
}

/// A billing account added to an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BillingAccount {
    /// `BillingAccountName`.
    pub(crate) name: String,
    /// `BillingAccountInvoiceNumber`.
    pub(crate) invoice_number: String,
}

/// An order, its sub-order and what enrichment added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Order {
    /// Its id.
    pub(crate) order_id: String,
    /// The number the status answer shows (`orderNumber`).
    pub(crate) order_number: String,
    /// The quote ordered.
    pub(crate) quote_id: String,
    /// The account it is for.
    pub(crate) account: AccountRef,
    /// The contract signed for it, when known.
    pub(crate) contract_id: Option<String>,
    /// The sub-order's id.
    pub(crate) sub_order_id: String,
    /// The sub-order's items.
    pub(crate) items: Vec<OrderItem>,
    /// The statuses it goes through, in order; it stays in the last.
    pub(crate) statuses: Vec<String>,
    /// How long it stays in each status but the last.
    #[serde(skip)]
    pub(crate) status_every: Duration,
    /// A status set through the admin API, which wins over time.
    #[serde(skip)]
    pub(crate) forced: Option<String>,
    /// Whether installation details were added.
    pub(crate) installation: bool,
    /// Whether shipping details were added.
    pub(crate) shipping: bool,
    /// The billing accounts added.
    pub(crate) billing_accounts: Vec<BillingAccount>,
    /// When it was made.
    #[serde(skip)]
    pub(crate) created: Moment,
}

impl Order {
    /// Its status at `now`.
    pub(crate) fn status_at(&self, now: Moment) -> &str {
        if let Some(forced) = &self.forced {
            return forced;
        }
        let elapsed = now.saturating_sub(self.created);
        let step = match self.status_every.as_millis() {
            0 => 0,
            every => usize::try_from(elapsed.as_millis() / every).unwrap_or(usize::MAX),
        };
        let last = self.statuses.len().saturating_sub(1);
        self.statuses
            .get(step.min(last))
            .map_or("IN_PROGRESS", String::as_str)
    }

    /// The status after the one at `now`, for the admin API's "advance"; the last stays.
    pub(crate) fn next_status(&self, now: Moment) -> String {
        let current = self.status_at(now);
        let next = match self.statuses.iter().position(|status| status == current) {
            Some(at) => (at + 1).min(self.statuses.len().saturating_sub(1)),
            None => 0,
        };
        self.statuses
            .get(next)
            .cloned()
            .unwrap_or_else(|| current.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(statuses: &[&str], every: u64) -> Order {
        Order {
            order_id: "801".into(),
            order_number: "1".into(),
            quote_id: "0Q0".into(),
            account: AccountRef {
                sub_account_id: "S".into(),
                account_name: None,
            },
            contract_id: None,
            sub_order_id: "801".into(),
            items: Vec::new(),
            statuses: statuses.iter().map(|s| (*s).to_owned()).collect(),
            status_every: Duration::from_secs(every),
            forced: None,
            installation: false,
            shipping: false,
            billing_accounts: Vec::new(),
            created: Duration::from_secs(100),
        }
    }

    #[test]
    fn an_order_moves_through_its_statuses_and_stays_in_the_last() {
        let order = order(&["IN_PROGRESS", "PROVISIONING", "COMPLETED"], 10);
        let at = |secs| order.status_at(Duration::from_secs(secs)).to_owned();
        assert_eq!(at(100), "IN_PROGRESS");
        assert_eq!(at(109), "IN_PROGRESS");
        assert_eq!(at(110), "PROVISIONING");
        assert_eq!(at(120), "COMPLETED");
        assert_eq!(at(10_000), "COMPLETED");
        assert_eq!(order.next_status(Duration::from_secs(100)), "PROVISIONING");
        assert_eq!(order.next_status(Duration::from_secs(500)), "COMPLETED");
    }

    #[test]
    fn a_zero_interval_keeps_the_first_status() {
        let order = order(&["IN_PROGRESS", "COMPLETED"], 0);
        assert_eq!(
            order.status_at(Duration::from_secs(1_000_000)),
            "IN_PROGRESS"
        );
    }

    #[test]
    fn a_contract_is_sent_until_its_envelope_completes() {
        let contract = Contract {
            quote_id: "0Q0".into(),
            contract_id: "800".into(),
            esign_request_id: "E".into(),
            outcome: EsignOutcome::Declined,
            completes_after: Duration::from_secs(5),
            forced: None,
            created: Duration::from_secs(10),
        };
        assert_eq!(
            contract.status_at(Duration::from_secs(14)),
            EsignStatus::Sent
        );
        assert_eq!(
            contract.status_at(Duration::from_secs(15)),
            EsignStatus::Declined
        );
        let pending = Contract {
            outcome: EsignOutcome::Pending,
            ..contract.clone()
        };
        assert_eq!(
            pending.status_at(Duration::from_secs(999)),
            EsignStatus::Sent
        );
        let forced = Contract {
            forced: Some(EsignStatus::Signed),
            ..pending
        };
        assert_eq!(forced.status_at(Duration::ZERO), EsignStatus::Signed);
    }
}
