//! The Ordering flow after the lookup: quote → credit check → contract (eSign) → order →
//! enrichment → status, with the state that ties the steps together.
//!
//! Each client has a [`Ledger`](ledger::Ledger) of the records it made, bounded per kind, in a
//! [`FlowStore`](store::FlowStore). The [`Rules`](ledger::Rules) say whether a step needs the one
//! before it (strict, the default) or accepts any well-formed id (lenient), how long eSign takes
//! and how an order's status moves. Time is a [`Moment`](records::Moment) since the flow began:
//! a contract is signed, or an order completed, when enough time has passed, computed when asked,
//! so no timer runs and a test can move the clock.
//!
//! Ids are [Salesforce-style](ids) and derived from the seed, the client, the operation and the
//! request (and how often that same request was made), so a replayed flow gets the same ids.

pub(crate) mod error;
pub(crate) mod ids;
pub(crate) mod ledger;
pub(crate) mod records;
pub(crate) mod steps;
pub(crate) mod store;

use std::fmt;
use std::time::SystemTime;

use tokio::time::Instant;

use super::generate::fnv1a;
use ledger::Rules;
use records::Moment;
use store::{FlowStore, MemoryStore};

/// The flow's state and rules, shared by every operation.
pub(crate) struct Flow {
    /// The ledgers.
    pub(crate) store: Box<dyn FlowStore>,
    /// How the flow behaves.
    pub(crate) rules: Rules,
    seed: u64,
    epoch: Instant,
    epoch_wall: SystemTime,
}

impl fmt::Debug for Flow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Flow")
            .field("rules", &self.rules)
            .finish_non_exhaustive()
    }
}

impl Flow {
    /// An empty flow in memory.
    pub(crate) fn new(rules: Rules, seed: u64) -> Self {
        Flow {
            store: Box::new(MemoryStore::default()),
            rules,
            seed,
            epoch: Instant::now(),
            epoch_wall: SystemTime::now(),
        }
    }

    /// The flow's time now.
    pub(crate) fn now(&self) -> Moment {
        self.epoch.elapsed()
    }

    /// The wall-clock time of a moment, for dates in answers.
    pub(crate) fn wall(&self, moment: Moment) -> SystemTime {
        self.epoch_wall + moment
    }

    /// The key of a request: the seed, the client, the operation and the body as sent.
    pub(crate) fn request_key(&self, client: &str, operation: &str, body: &[u8]) -> u64 {
        let mut bytes = Vec::with_capacity(client.len() + operation.len() + body.len() + 2);
        bytes.extend_from_slice(client.as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(operation.as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(body);
        fnv1a(self.seed, &bytes)
    }
}

#[cfg(test)]
mod tests;
