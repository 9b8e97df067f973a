//! Where the flow's ledgers live. Handlers see only [`FlowStore`]: one client's ledger changed
//! under a closure, all ledgers read for the admin API, and a reset. [`MemoryStore`] keeps them
//! in this process; a store shared by several mock instances (a database keyed by client, the
//! closure retried on a write conflict) can replace it without touching a handler, which is why
//! the closure is `FnMut`.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::Mutex;

use super::ledger::Ledger;

/// The flow's state, by client id.
pub(crate) trait FlowStore: Send + Sync + Debug {
    /// Runs `change` on the ledger of `client` (an empty one if it has none), atomically with
    /// respect to other changes of the same ledger. The closure may run more than once.
    fn update(&self, client: &str, change: &mut dyn FnMut(&mut Ledger));

    /// A copy of every ledger that holds a record, by client id.
    fn snapshot(&self) -> BTreeMap<String, Ledger>;

    /// The ids of the clients whose ledger holds a record.
    fn clients(&self) -> Vec<String>;

    /// Forgets the ledger of `client`, or of every client; returns how many records went.
    fn clear(&self, client: Option<&str>) -> usize;
}

/// Ledgers in this process's memory.
#[derive(Debug, Default)]
pub(crate) struct MemoryStore {
    ledgers: Mutex<BTreeMap<String, Ledger>>,
}

impl MemoryStore {
    fn ledgers(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Ledger>> {
        // A panic while a ledger changed leaves it as the step left it; every step keeps a
        // ledger valid at each push, so the data stays usable.
        self.ledgers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl FlowStore for MemoryStore {
    fn update(&self, client: &str, change: &mut dyn FnMut(&mut Ledger)) {
        let mut ledgers = self.ledgers();
        match ledgers.get_mut(client) {
            Some(ledger) => change(ledger),
            None => {
                let mut ledger = Ledger::default();
                change(&mut ledger);
                if ledger.len() > 0 {
                    ledgers.insert(client.to_owned(), ledger);
                }
            }
        }
    }

    fn snapshot(&self) -> BTreeMap<String, Ledger> {
        self.ledgers().clone()
    }

    fn clients(&self) -> Vec<String> {
        self.ledgers().keys().cloned().collect()
    }

    fn clear(&self, client: Option<&str>) -> usize {
        let mut ledgers = self.ledgers();
        match client {
            Some(client) => ledgers.remove(client).map_or(0, |ledger| ledger.len()),
            None => {
                let count = ledgers.values().map(Ledger::len).sum();
                ledgers.clear();
                count
            }
        }
    }
}
