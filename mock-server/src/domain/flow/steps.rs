//! The steps of the flow on one client's ledger: each checks what must come first (in strict
//! mode), makes its records with ids derived from the request's key, and keeps them. The API
//! layer turns a request into a call here and the result into an answer.

use super::error::FlowError;
use super::ids::derive;
use super::ids::{self, Kind};
use super::ledger::{Ledger, OrderRef, Rules};
use super::records::{
    AccountRef, BillingAccount, Contract, CreditCheck, EsignOutcome, Moment, Order, OrderItem,
    Product, ProductConfig, Quote, Site,
};

/// Makes a quote (and its opportunity) for an account and a product.
pub(crate) fn create_quote(
    ledger: &mut Ledger,
    rules: &Rules,
    key: u64,
    account: AccountRef,
    product: Product,
    now: Moment,
) -> Quote {
    let quote = Quote {
        quote_id: ids::salesforce(Kind::Quote, derive(key, b"quote")),
        opportunity_id: ids::salesforce(Kind::Opportunity, derive(key, b"opportunity")),
        account,
        product,
        sites: Vec::new(),
        configs: Vec::new(),
        created: now,
    };
    ledger.add_quote(quote.clone(), rules);
    quote
}

/// Adds a site to a quote that may still change.
///
/// # Errors
///
/// Strict: [`FlowError::UnknownQuote`], [`FlowError::QuoteLocked`].
pub(crate) fn add_site(
    ledger: &mut Ledger,
    rules: &Rules,
    key: u64,
    quote_id: &str,
    label: String,
    now: Moment,
) -> Result<Site, FlowError> {
    ledger.require_open_quote(rules, quote_id, now)?;
    let site = Site {
        site_id: ids::salesforce(Kind::Site, derive(key, b"site")),
        label,
    };
    if let Some(quote) = ledger.quote_mut(quote_id) {
        quote.sites.push(site.clone());
        quote.sites.truncate(rules.capacity);
    }
    Ok(site)
}

/// Adds a product configuration to a quote; for AIAB this comes after the credit check
/// (documented), so strict mode asks for an approved one.
///
/// # Errors
///
/// Strict: [`FlowError::UnknownQuote`], [`FlowError::CreditCheckMissing`],
/// [`FlowError::CreditNotApproved`], [`FlowError::QuoteLocked`].
pub(crate) fn add_config(
    ledger: &mut Ledger,
    rules: &Rules,
    key: u64,
    quote_id: &str,
    site_id: Option<String>,
    speed: String,
    now: Moment,
) -> Result<(ProductConfig, Product), FlowError> {
    ledger.require_approved_credit(rules, quote_id)?;
    ledger.require_open_quote(rules, quote_id, now)?;
    let config = ProductConfig {
        config_id: ids::salesforce(Kind::Config, derive(key, b"config")),
        site_id,
        speed,
    };
    let product = match ledger.quote_mut(quote_id) {
        Some(quote) => {
            quote.configs.push(config.clone());
            quote.configs.truncate(rules.capacity);
            quote.product
        }
        None => Product::InternetAir,
    };
    Ok((config, product))
}

/// Checks that a credit check may run for a quote and gives its id; the caller decides the
/// verdict and keeps it with [`record_credit_check`].
///
/// # Errors
///
/// Strict: [`FlowError::UnknownQuote`], [`FlowError::AccountMismatch`] when the request names
/// another account than the quote's.
pub(crate) fn prepare_credit_check(
    ledger: &Ledger,
    rules: &Rules,
    key: u64,
    quote_id: &str,
    sub_account_id: Option<&str>,
) -> Result<String, FlowError> {
    if let (Some(quote), Some(found)) = (ledger.require_quote(rules, quote_id)?, sub_account_id)
        && rules.strict
        && quote.account.sub_account_id != found
    {
        return Err(FlowError::AccountMismatch {
            quote_id: quote_id.to_owned(),
            expected: quote.account.sub_account_id.clone(),
            found: found.to_owned(),
        });
    }
    Ok(ids::salesforce(Kind::CreditCheck, derive(key, b"credit")))
}

/// Keeps a credit check's verdict.
pub(crate) fn record_credit_check(ledger: &mut Ledger, rules: &Rules, check: CreditCheck) {
    ledger.add_credit_check(check, rules);
}

/// Initiates a contract for a quote whose credit check approved the sale; its eSign envelope
/// ends with `outcome` after the configured time.
///
/// # Errors
///
/// Strict: [`FlowError::UnknownQuote`], [`FlowError::CreditCheckMissing`],
/// [`FlowError::CreditNotApproved`], [`FlowError::QuoteLocked`] (a signed contract exists).
pub(crate) fn initiate_contract(
    ledger: &mut Ledger,
    rules: &Rules,
    key: u64,
    quote_id: &str,
    outcome: EsignOutcome,
    now: Moment,
) -> Result<Contract, FlowError> {
    ledger.require_contractable(rules, quote_id, now)?;
    let contract = Contract {
        quote_id: quote_id.to_owned(),
        contract_id: ids::salesforce(Kind::Contract, derive(key, b"contract")),
        esign_request_id: ids::guid(derive(key, b"esign")),
        outcome,
        completes_after: rules.esign_after,
        forced: None,
        created: now,
    };
    ledger.add_contract(contract.clone(), rules);
    Ok(contract)
}

/// The contract of a quote. Lenient: a quote nobody made gets a signed contract made up from
/// `key`, not kept.
///
/// # Errors
///
/// Strict: [`FlowError::ContractMissing`].
pub(crate) fn contract_of(
    ledger: &Ledger,
    rules: &Rules,
    key: u64,
    quote_id: &str,
    now: Moment,
) -> Result<Contract, FlowError> {
    match ledger.contract(quote_id) {
        Some(contract) => Ok(contract.clone()),
        None if rules.strict => Err(FlowError::ContractMissing {
            quote_id: quote_id.to_owned(),
        }),
        None => Ok(Contract {
            quote_id: quote_id.to_owned(),
            contract_id: ids::salesforce(Kind::Contract, derive(key, b"contract")),
            esign_request_id: ids::guid(derive(key, b"esign")),
            outcome: EsignOutcome::Signed,
            completes_after: std::time::Duration::ZERO,
            forced: None,
            created: now,
        }),
    }
}

/// What an order request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewOrder {
    /// The quote ordered.
    pub(crate) quote_id: String,
    /// `checkT&C`, when sent.
    pub(crate) terms_accepted: Option<bool>,
    /// The statuses the order goes through, when a scenario sets them; the rules' otherwise.
    pub(crate) statuses: Option<Vec<String>>,
}

/// Places the order and its sub-order for a quote with a signed contract; the sub-order's items
/// follow the quote's product.
///
/// # Errors
///
/// [`FlowError::TermsNotAccepted`] when `checkT&C` is false (in either mode); strict:
/// [`FlowError::UnknownQuote`], [`FlowError::ContractMissing`], [`FlowError::ContractNotSigned`],
/// [`FlowError::OrderExists`].
pub(crate) fn create_order(
    ledger: &mut Ledger,
    rules: &Rules,
    key: u64,
    request: NewOrder,
    now: Moment,
) -> Result<Order, FlowError> {
    if request.terms_accepted == Some(false) {
        return Err(FlowError::TermsNotAccepted);
    }
    ledger.require_orderable(rules, &request.quote_id, now)?;
    let (product, account) = match ledger.quote(&request.quote_id) {
        Some(quote) => (quote.product, quote.account.clone()),
        None => (
            Product::DedicatedInternet,
            AccountRef {
                sub_account_id: String::new(),
                account_name: None,
            },
        ),
    };
    let items = product
        .order_items()
        .iter()
        .enumerate()
        .map(|(at, kind)| OrderItem {
            order_item_id: ids::salesforce(Kind::OrderItem, derive(key, &[b'i', at as u8])),
            order_item_type: (*kind).to_owned(),
        })
        .collect();
    let order = Order {
        order_id: ids::salesforce(Kind::Order, derive(key, b"order")),
        order_number: ids::digits(derive(key, b"number"), 9),
        quote_id: request.quote_id.clone(),
        account,
        contract_id: ledger
            .contract(&request.quote_id)
            .map(|c| c.contract_id.clone()),
        sub_order_id: ids::salesforce(Kind::Order, derive(key, b"sub-order")),
        items,
        statuses: request
            .statuses
            .filter(|statuses| !statuses.is_empty())
            .unwrap_or_else(|| rules.order_statuses.clone()),
        status_every: rules.status_every,
        forced: None,
        installation: false,
        shipping: false,
        billing_accounts: Vec::new(),
        created: now,
    };
    ledger.add_order(order.clone(), rules);
    Ok(order)
}

/// What an enrichment adds to an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Enrichment {
    /// Installation dates, contacts and notes.
    Installation,
    /// Shipping address and contact.
    Shipping,
    /// A billing account.
    Billing {
        /// `billingAccountName`, when sent.
        name: Option<String>,
    },
}

/// What an enrichment answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Enriched {
    /// The order's id, when known.
    pub(crate) order_id: Option<String>,
    /// The billing account made, for billing.
    pub(crate) billing: Option<BillingAccount>,
}

/// Adds enrichment to an order. Strict: the order must exist (and the sub-order, when named, be
/// its sub-order).
///
/// # Errors
///
/// Strict: [`FlowError::UnknownOrder`].
pub(crate) fn enrich(
    ledger: &mut Ledger,
    rules: &Rules,
    key: u64,
    by: OrderRef<'_>,
    sub_order_id: Option<&str>,
    enrichment: Enrichment,
) -> Result<Enriched, FlowError> {
    let billing = match &enrichment {
        Enrichment::Billing { name } => Some(BillingAccount {
            name: name
                .clone()
                .filter(|name| !name.trim().is_empty())
                .unwrap_or_else(|| "New Billing Account".to_owned()),
            invoice_number: ids::digits(derive(key, b"invoice"), 12),
        }),
        _ => None,
    };
    let capacity = rules.capacity;
    let Some(order) = ledger.require_order(rules, by)? else {
        return Ok(Enriched {
            order_id: match by {
                OrderRef::OrderId(id) => Some(id.to_owned()),
                _ => None,
            },
            billing,
        });
    };
    if let Some(sub_order_id) = sub_order_id
        && rules.strict
        && order.sub_order_id != sub_order_id
    {
        return Err(FlowError::UnknownOrder {
            field: "subOrderId",
            id: sub_order_id.to_owned(),
        });
    }
    match enrichment {
        Enrichment::Installation => order.installation = true,
        Enrichment::Shipping => order.shipping = true,
        Enrichment::Billing { .. } => {
            if let Some(account) = &billing
                && order.billing_accounts.len() < capacity
            {
                order.billing_accounts.push(account.clone());
            }
        }
    }
    Ok(Enriched {
        order_id: Some(order.order_id.clone()),
        billing,
    })
}

/// One order as the status answer shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OrderStatus {
    /// `orderNumber`.
    pub(crate) order_number: String,
    /// `orderStatus`.
    pub(crate) order_status: String,
    /// The order's id.
    pub(crate) order_id: String,
}

/// How a status search names orders: the `externalIdentifierType`s the mock can answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StatusSearch<'a> {
    /// `OrderNumber`: the order's number or id; one order.
    Order(&'a str),
    /// `SaartSubAccountId`: every order for the account.
    SubAccount(&'a str),
    /// `ContractNumber`: the order of the contract.
    Contract(&'a str),
    /// Any other type: the mock keeps no such identifier.
    Other(&'a str, &'a str),
}

/// The orders a status search finds, newest first.
///
/// # Errors
///
/// Strict: [`FlowError::NoOrderFound`] when none matches. Lenient: a search that finds nothing
/// answers one order in the rules' first status, numbered from `key`.
pub(crate) fn order_status(
    ledger: &Ledger,
    rules: &Rules,
    key: u64,
    search: StatusSearch<'_>,
    now: Moment,
) -> Result<Vec<OrderStatus>, FlowError> {
    let status = |order: &Order| OrderStatus {
        order_number: order.order_number.clone(),
        order_status: order.status_at(now).to_owned(),
        order_id: order.order_id.clone(),
    };
    let found: Vec<OrderStatus> = match search {
        StatusSearch::Order(id) => ledger
            .order(OrderRef::OrderNumber(id))
            .map(status)
            .into_iter()
            .collect(),
        StatusSearch::SubAccount(id) => ledger
            .orders
            .iter()
            .rev()
            .filter(|o| o.account.sub_account_id == id)
            .map(status)
            .collect(),
        StatusSearch::Contract(id) => ledger
            .orders
            .iter()
            .rev()
            .filter(|o| o.contract_id.as_deref() == Some(id))
            .map(status)
            .collect(),
        StatusSearch::Other(..) => Vec::new(),
    };
    if !found.is_empty() {
        return Ok(found);
    }
    let (kind, id) = match search {
        StatusSearch::Order(id) => ("OrderNumber", id),
        StatusSearch::SubAccount(id) => ("SaartSubAccountId", id),
        StatusSearch::Contract(id) => ("ContractNumber", id),
        StatusSearch::Other(kind, id) => (kind, id),
    };
    if rules.strict {
        return Err(FlowError::NoOrderFound {
            kind: kind.to_owned(),
            id: id.to_owned(),
        });
    }
    Ok(vec![OrderStatus {
        order_number: if kind == "OrderNumber" && id.bytes().all(|b| b.is_ascii_digit()) {
            id.to_owned()
        } else {
            ids::digits(derive(key, b"number"), 9)
        },
        order_status: rules
            .order_statuses
            .first()
            .cloned()
            .unwrap_or_else(|| "IN_PROGRESS".to_owned()),
        order_id: ids::salesforce(Kind::Order, derive(key, b"order")),
    }])
}
