//! One client's flow: its quotes, credit checks, contracts and orders, each list bounded (the
//! oldest record goes first), and the rules that say whether a step may happen now.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use serde::Serialize;

use super::error::FlowError;
use super::records::{Contract, CreditCheck, EsignOutcome, EsignStatus, Moment, Order, Quote};

/// How the flow behaves, from the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rules {
    /// Whether each step needs the one before it (the published order), or any well-formed id
    /// is accepted.
    pub(crate) strict: bool,
    /// How long an eSign envelope takes to complete on its own.
    pub(crate) esign_after: Duration,
    /// The statuses an order goes through.
    pub(crate) order_statuses: Vec<String>,
    /// How long an order stays in each status but the last (zero: it moves only through the
    /// admin API).
    pub(crate) status_every: Duration,
    /// The most records of each kind one client keeps.
    pub(crate) capacity: usize,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            strict: true,
            esign_after: Duration::from_secs(5),
            order_statuses: vec!["IN_PROGRESS".to_owned(), "COMPLETED".to_owned()],
            status_every: Duration::from_secs(30),
            capacity: 1000,
        }
    }
}

/// How an order is named by a later step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OrderRef<'a> {
    /// By `orderId`.
    OrderId(&'a str),
    /// By `subOrderId`.
    SubOrderId(&'a str),
    /// By the number the status answer shows, or the order id.
    OrderNumber(&'a str),
}

/// One client's records, newest last.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Ledger {
    pub(crate) quotes: VecDeque<Quote>,
    pub(crate) credit_checks: VecDeque<CreditCheck>,
    pub(crate) contracts: VecDeque<Contract>,
    pub(crate) orders: VecDeque<Order>,
    /// How often each request key was seen, so that the same request made twice gets two ids.
    #[serde(skip)]
    occurrences: HashMap<u64, u32>,
}

fn push_bounded<T>(list: &mut VecDeque<T>, record: T, capacity: usize) {
    while list.len() >= capacity.max(1) {
        list.pop_front();
    }
    list.push_back(record);
}

impl Ledger {
    /// The number of records of every kind.
    pub(crate) fn len(&self) -> usize {
        self.quotes.len() + self.credit_checks.len() + self.contracts.len() + self.orders.len()
    }

    /// A key for the ids of a request with key `request`: the same request the n-th time gets
    /// the same key the n-th time, after a reset too.
    pub(crate) fn occurrence_key(&mut self, request: u64, rules: &Rules) -> u64 {
        // Bounded like the records: forgetting counts only risks an id seen long ago.
        if self.occurrences.len() >= rules.capacity.saturating_mul(8).max(8) {
            self.occurrences.clear();
        }
        let seen = self.occurrences.entry(request).or_insert(0);
        *seen += 1;
        super::ids::derive(request, &seen.to_le_bytes())
    }

    /// Keeps a quote.
    pub(crate) fn add_quote(&mut self, quote: Quote, rules: &Rules) {
        push_bounded(&mut self.quotes, quote, rules.capacity);
    }

    /// Keeps a credit check.
    pub(crate) fn add_credit_check(&mut self, check: CreditCheck, rules: &Rules) {
        push_bounded(&mut self.credit_checks, check, rules.capacity);
    }

    /// Keeps a contract, in place of an earlier one for the same quote.
    pub(crate) fn add_contract(&mut self, contract: Contract, rules: &Rules) {
        self.contracts.retain(|c| c.quote_id != contract.quote_id);
        push_bounded(&mut self.contracts, contract, rules.capacity);
    }

    /// Keeps an order.
    pub(crate) fn add_order(&mut self, order: Order, rules: &Rules) {
        push_bounded(&mut self.orders, order, rules.capacity);
    }

    /// The quote with this id.
    pub(crate) fn quote(&self, quote_id: &str) -> Option<&Quote> {
        self.quotes.iter().find(|q| q.quote_id == quote_id)
    }

    /// The quote with this id, to change.
    pub(crate) fn quote_mut(&mut self, quote_id: &str) -> Option<&mut Quote> {
        self.quotes.iter_mut().find(|q| q.quote_id == quote_id)
    }

    /// The latest credit check of a quote.
    pub(crate) fn credit_check(&self, quote_id: &str) -> Option<&CreditCheck> {
        self.credit_checks
            .iter()
            .rev()
            .find(|c| c.quote_id == quote_id)
    }

    /// The contract of a quote.
    pub(crate) fn contract(&self, quote_id: &str) -> Option<&Contract> {
        self.contracts.iter().find(|c| c.quote_id == quote_id)
    }

    /// The contract of a quote, to change.
    pub(crate) fn contract_mut(&mut self, quote_id: &str) -> Option<&mut Contract> {
        self.contracts.iter_mut().find(|c| c.quote_id == quote_id)
    }

    /// The order named so.
    pub(crate) fn order(&self, by: OrderRef<'_>) -> Option<&Order> {
        self.orders.iter().find(|order| matches(order, by))
    }

    /// The order named so, to change.
    pub(crate) fn order_mut(&mut self, by: OrderRef<'_>) -> Option<&mut Order> {
        self.orders.iter_mut().find(|order| matches(order, by))
    }

    /// Whether a quote is locked at `now`: its contract is signed.
    pub(crate) fn is_locked(&self, quote_id: &str, now: Moment) -> bool {
        self.contract(quote_id)
            .is_some_and(|c| c.status_at(now) == EsignStatus::Signed)
    }

    /// The quote a step refers to. Strict: it must exist. Lenient: it may not.
    ///
    /// # Errors
    ///
    /// [`FlowError::UnknownQuote`].
    pub(crate) fn require_quote(
        &self,
        rules: &Rules,
        quote_id: &str,
    ) -> Result<Option<&Quote>, FlowError> {
        match self.quote(quote_id) {
            Some(quote) => Ok(Some(quote)),
            None if rules.strict => Err(FlowError::UnknownQuote {
                quote_id: quote_id.to_owned(),
            }),
            None => Ok(None),
        }
    }

    /// A quote that may still change: strict, it exists and is not locked by a signed contract.
    ///
    /// # Errors
    ///
    /// [`FlowError::UnknownQuote`], [`FlowError::QuoteLocked`].
    pub(crate) fn require_open_quote(
        &self,
        rules: &Rules,
        quote_id: &str,
        now: Moment,
    ) -> Result<(), FlowError> {
        self.require_quote(rules, quote_id)?;
        if rules.strict && self.is_locked(quote_id, now) {
            return Err(FlowError::QuoteLocked {
                quote_id: quote_id.to_owned(),
            });
        }
        Ok(())
    }

    /// Strict: the quote's latest credit check approved the sale.
    ///
    /// # Errors
    ///
    /// [`FlowError::UnknownQuote`], [`FlowError::CreditCheckMissing`],
    /// [`FlowError::CreditNotApproved`].
    pub(crate) fn require_approved_credit(
        &self,
        rules: &Rules,
        quote_id: &str,
    ) -> Result<(), FlowError> {
        self.require_quote(rules, quote_id)?;
        if !rules.strict {
            return Ok(());
        }
        match self.credit_check(quote_id) {
            None => Err(FlowError::CreditCheckMissing {
                quote_id: quote_id.to_owned(),
            }),
            Some(check) if !check.approved => Err(FlowError::CreditNotApproved {
                quote_id: quote_id.to_owned(),
                approval_status: check.approval_status.clone(),
            }),
            Some(_) => Ok(()),
        }
    }

    /// Strict: the quote's contract is signed at `now` and no order was placed for it yet.
    ///
    /// # Errors
    ///
    /// [`FlowError::UnknownQuote`], [`FlowError::ContractMissing`],
    /// [`FlowError::ContractNotSigned`], [`FlowError::OrderExists`].
    pub(crate) fn require_orderable(
        &self,
        rules: &Rules,
        quote_id: &str,
        now: Moment,
    ) -> Result<(), FlowError> {
        self.require_quote(rules, quote_id)?;
        if !rules.strict {
            return Ok(());
        }
        match self.contract(quote_id) {
            None => {
                return Err(FlowError::ContractMissing {
                    quote_id: quote_id.to_owned(),
                });
            }
            Some(contract) => match contract.status_at(now) {
                EsignStatus::Signed => {}
                status => {
                    return Err(FlowError::ContractNotSigned {
                        quote_id: quote_id.to_owned(),
                        status,
                    });
                }
            },
        }
        if let Some(order) = self.orders.iter().find(|o| o.quote_id == quote_id) {
            return Err(FlowError::OrderExists {
                quote_id: quote_id.to_owned(),
                order_id: order.order_id.clone(),
            });
        }
        Ok(())
    }

    /// Strict: a new contract may be made for the quote: its credit check approved the sale and
    /// no signed contract exists.
    ///
    /// # Errors
    ///
    /// As [`Ledger::require_approved_credit`], and [`FlowError::QuoteLocked`].
    pub(crate) fn require_contractable(
        &self,
        rules: &Rules,
        quote_id: &str,
        now: Moment,
    ) -> Result<(), FlowError> {
        self.require_approved_credit(rules, quote_id)?;
        self.require_open_quote(rules, quote_id, now)
    }

    /// The order a later step names. Strict: it must exist. Lenient: it may not.
    ///
    /// # Errors
    ///
    /// [`FlowError::UnknownOrder`].
    pub(crate) fn require_order(
        &mut self,
        rules: &Rules,
        by: OrderRef<'_>,
    ) -> Result<Option<&mut Order>, FlowError> {
        let strict = rules.strict;
        match self.order_mut(by) {
            Some(order) => Ok(Some(order)),
            None if strict => Err(FlowError::UnknownOrder {
                field: match by {
                    OrderRef::OrderId(_) => "orderId",
                    OrderRef::SubOrderId(_) => "subOrderId",
                    OrderRef::OrderNumber(_) => "externalIdentifierId",
                },
                id: match by {
                    OrderRef::OrderId(id)
                    | OrderRef::SubOrderId(id)
                    | OrderRef::OrderNumber(id) => id.to_owned(),
                },
            }),
            None => Ok(None),
        }
    }

    /// Completes a contract's envelope now, as the admin API asks.
    pub(crate) fn force_esign(&mut self, quote_id: &str, status: EsignStatus) -> bool {
        match self.contract_mut(quote_id) {
            Some(contract) => {
                contract.forced = Some(status);
                true
            }
            None => false,
        }
    }
}

fn matches(order: &Order, by: OrderRef<'_>) -> bool {
    match by {
        OrderRef::OrderId(id) => order.order_id == id,
        OrderRef::SubOrderId(id) => order.sub_order_id == id,
        OrderRef::OrderNumber(id) => order.order_number == id || order.order_id == id,
    }
}

/// The eSign outcome of contracts made without a scenario that says otherwise.
pub(crate) const DEFAULT_ESIGN: EsignOutcome = EsignOutcome::Signed;
