//! The account book: every fixture account, indexed so a lookup only looks at the accounts in
//! the requested ZIP code.

use foldhash::HashMap;

use super::account::Account;
use super::search::{Explanation, NameMatch, Query, SearchKey};

/// The documented cap on the number of accounts one lookup returns.
pub const MAX_RESULTS: usize = 5;

/// An account ready to be answered: its record, its search key, and its JSON, serialized once.
#[derive(Debug, Clone)]
pub struct BookEntry {
    /// The record.
    pub account: Account,
    /// Where it came from, for messages: `accounts/texas.json#/3`.
    pub origin: String,
    key: SearchKey,
    json: Box<str>,
}

/// Every account of the fixture book, in book order (files by name, then position in the file).
#[derive(Debug, Clone, Default)]
pub struct AccountBook {
    entries: Vec<BookEntry>,
    by_zip5: HashMap<String, Vec<usize>>,
}

impl AccountBook {
    /// Builds the book from accounts in book order, each with its origin.
    pub fn new(
        accounts: impl IntoIterator<Item = (Account, String)>,
    ) -> Result<Self, serde_json::Error> {
        let mut book = AccountBook::default();
        for (account, origin) in accounts {
            let address = &account.account_address;
            let key = SearchKey::new(
                &account.account_name,
                &address.street,
                &address.city,
                &address.state,
                &address.zip_code,
            );
            let json = serde_json::to_string(&account)?.into_boxed_str();
            book.by_zip5
                .entry(key.zip5().to_owned())
                .or_default()
                .push(book.entries.len());
            book.entries.push(BookEntry {
                account,
                origin,
                key,
                json,
            });
        }
        Ok(book)
    }

    /// Every entry, in book order.
    pub fn entries(&self) -> &[BookEntry] {
        &self.entries
    }

    /// The number of accounts.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the book has no account.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The accounts that answer `query`, best first, at most [`MAX_RESULTS`].
    pub fn search(&self, query: &Query) -> Vec<&BookEntry> {
        let Some(candidates) = self.by_zip5.get(query.zip5()) else {
            return Vec::new();
        };
        let mut found: Vec<(NameMatch, usize)> = candidates
            .iter()
            .filter_map(|&at| query.matches(&self.entries[at].key).map(|rank| (rank, at)))
            .collect();
        // The index lists entries in book order, so a stable sort keeps ties in book order.
        found.sort_by_key(|&(rank, _)| rank);
        found
            .into_iter()
            .take(MAX_RESULTS)
            .map(|(_, at)| &self.entries[at])
            .collect()
    }

    /// Every entry with how it fares against each rule of `query`, in book order: what explains
    /// why an account answers a lookup or not.
    pub fn explain<'a>(
        &'a self,
        query: &'a Query,
    ) -> impl Iterator<Item = (&'a BookEntry, Explanation)> + 'a {
        self.entries
            .iter()
            .map(move |entry| (entry, query.explain(&entry.key)))
    }
}

/// The body of a successful lookup: the accounts' pre-serialized JSON as one array.
pub fn response_body(found: &[&BookEntry]) -> String {
    let mut body = String::with_capacity(2 + found.iter().map(|e| e.json.len() + 1).sum::<usize>());
    body.push('[');
    for (i, entry) in found.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&entry.json);
    }
    body.push(']');
    body
}
