//! Generated accounts: believable records that answer the question that was asked, the same
//! every time it is asked.
//!
//! The answer is a pure function of the seed and the normalised request
//! ([`Query::canonical`](crate::domain::search::Query::canonical)): the two are hashed into the seed of
//! a ChaCha8 generator, so the same request gives byte-identical bodies across runs, restarts and
//! machines, and another seed gives another world. Every generated account satisfies the
//! [matching rules](crate::domain::search) for the request: its name matches the requested name, its
//! city, state and ZIP are the request's (the ZIP completed to a ZIP+4), and its street holds
//! the requested street words.
//!
//! Reserved ZIP codes make the count deterministic on purpose: [`NO_CUSTOMER_ZIP`] always finds
//! nobody, [`FIVE_CUSTOMERS_ZIP`] always finds five. Otherwise the count is drawn from the hash:
//! 0 to 5, one or two most often.

mod address;
pub(crate) mod cache;
mod names;
mod values;

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use super::account::{Account, AccountAddress};
use super::search::{NameMatch, Query};

/// Requests for this ZIP code find no customer.
pub const NO_CUSTOMER_ZIP: &str = "00000";
/// Requests for this ZIP code find exactly five customers.
pub const FIVE_CUSTOMERS_ZIP: &str = "99999";

/// Makes accounts for requests that no fixture answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generator {
    seed: u64,
}

impl Default for Generator {
    fn default() -> Self {
        Generator::new(crate::config::DEFAULT_SEED)
    }
}

impl Generator {
    /// A generator for the world of `seed`.
    pub fn new(seed: u64) -> Self {
        Generator { seed }
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The accounts answering `query`, best match first, at most five.
    pub fn accounts(&self, query: &Query) -> Vec<Account> {
        self.generate(query, None)
    }

    /// `count` accounts answering `query` (fewer only for a name that cannot be rebuilt
    /// faithfully), best match first, whatever the ZIP; for scenarios that force a count.
    pub fn exactly(&self, query: &Query, count: usize) -> Vec<Account> {
        self.generate(query, Some(count))
    }

    fn generate(&self, query: &Query, forced: Option<usize>) -> Vec<Account> {
        let mut rng = ChaCha8Rng::seed_from_u64(fnv1a(self.seed, query.canonical().as_bytes()));
        // Drawn even when forced, so a forced answer starts with the usual accounts.
        let drawn = draw_count(&mut rng);
        let count = match (forced, query.zip5()) {
            (Some(count), _) => count,
            (None, NO_CUSTOMER_ZIP) => 0,
            (None, FIVE_CUSTOMERS_ZIP) => 5,
            (None, _) => drawn,
        };
        let mut ranked: Vec<(NameMatch, Account)> = Vec::with_capacity(count);
        let place = Place::of(query);
        for index in 0..count {
            let account = self.account(query, &place, index, &mut rng);
            // City, state and ZIP are the request's by construction; name and street are built to
            // match, and checked, since upper-casing some characters changes them (ß → SS). Such
            // a request simply gets fewer accounts.
            let street_matches = query.street_matches(&account.account_address.street);
            if let (Some(rank), true) = (query.name_match(&account.account_name), street_matches) {
                ranked.push((rank, account));
            }
        }
        ranked.sort_by_key(|(rank, _)| *rank);
        ranked.into_iter().map(|(_, account)| account).collect()
    }

    fn account(&self, query: &Query, place: &Place, index: usize, rng: &mut ChaCha8Rng) -> Account {
        let account_name = names::account_name(&query.name_parts(), index, rng);
        let account_address = AccountAddress {
            city: place.city.clone(),
            country: "USA".to_owned(),
            state: place.state.clone(),
            street: address::street(query.street_words(), rng),
            zip_code: {
                // Drawn even when the request brings its own, so that a 9-digit request gets
                // the same accounts as its 5-digit form.
                let drawn = format!("{:04}", rng.random_range(0..10_000));
                format!("{}{}", query.zip5(), query.zip4().unwrap_or(&drawn))
            },
        };
        values::account(account_address, account_name, rng)
    }
}

/// The requested city and state as accounts carry them, worked out once per request: upper
/// case, as the real API answers, unless upper-casing would change how the text compares.
struct Place {
    city: String,
    state: String,
}

impl Place {
    fn of(query: &Query) -> Self {
        let upper = |text: &str| {
            let upper = text.to_uppercase();
            if upper.to_lowercase() == text {
                upper
            } else {
                text.to_owned()
            }
        };
        Place {
            city: upper(query.city()),
            state: upper(query.state()),
        }
    }
}

/// How many accounts a request finds, when its ZIP is not reserved.
fn draw_count(rng: &mut ChaCha8Rng) -> usize {
    // Most real lookups find one or two accounts; some find none; a few hit the cap.
    match rng.random_range(0..100) {
        0..10 => 0,
        10..45 => 1,
        45..70 => 2,
        70..82 => 3,
        82..90 => 4,
        _ => 5,
    }
}

/// FNV-1a over the seed and the bytes: a hash that is the same on every machine and release,
/// unlike the standard library's.
pub(crate) fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    fnv1a_64(seed.to_le_bytes().iter().chain(bytes))
}

/// FNV-1a, 64 bits, as published.
fn fnv1a_64<'a>(bytes: impl IntoIterator<Item = &'a u8>) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.into_iter().fold(OFFSET, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_is_the_published_function() {
        // The published FNV-1a 64 test vectors: the offset basis for no input, "a", "foobar".
        assert_eq!(fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a_64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a_64(b"foobar"), 0x8594_4171_f739_67e8);
        // The seed's eight bytes (little-endian) come first.
        let mut seeded = 7_u64.to_le_bytes().to_vec();
        seeded.extend_from_slice(b"foobar");
        assert_eq!(fnv1a(7, b"foobar"), fnv1a_64(&seeded));
        assert_ne!(fnv1a(0, b""), fnv1a_64(b""), "the seed's bytes are hashed");
    }
}
