//! Generated answers kept for repeated lookups. The generator is a pure function of the seed and
//! the normalised request, so an answer made once can be served again byte for byte: CI suites
//! and replayed load tests ask the same few questions many times. Bounded in entries and in
//! bytes, so memory stays flat whatever is asked.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::domain::search::Query;

/// How many answers are kept at most.
pub const CAPACITY: usize = 1024;
/// How many bytes of answers (and their keys) are kept at most.
pub const BYTE_BUDGET: usize = 16 * 1024 * 1024;
/// An answer larger than this is served but not kept: a few huge answers must not push out
/// the many small ones a test suite repeats.
pub const LARGEST_KEPT: usize = BYTE_BUDGET / 64;

/// Generated answers (serialized bodies, or anything cheap to clone that has a size in bytes)
/// by normalised request.
#[derive(Debug)]
pub(crate) struct AnswerCache<A> {
    kept: Mutex<Kept<A>>,
}

#[derive(Debug)]
struct Kept<A> {
    answers: HashMap<String, A>,
    bytes: usize,
}

impl<A> Default for AnswerCache<A> {
    fn default() -> Self {
        AnswerCache {
            kept: Mutex::new(Kept {
                answers: HashMap::new(),
                bytes: 0,
            }),
        }
    }
}

impl<A: Clone + AsRef<[u8]>> AnswerCache<A> {
    /// The answer to `query`, made by `make` when it is not kept yet.
    ///
    /// # Errors
    ///
    /// Whatever `make` fails with; a failure is not kept.
    pub(crate) fn get_or_make<E>(
        &self,
        query: &Query,
        make: impl FnOnce() -> Result<A, E>,
    ) -> Result<A, E> {
        let key = key(query);
        if let Some(answer) = self.lock().answers.get(&key) {
            return Ok(answer.clone());
        }
        // Made outside the lock: two requests may both make it, and get the same bytes.
        let answer = make()?;
        let size = key.len() + answer.as_ref().len();
        if size > LARGEST_KEPT {
            return Ok(answer);
        }
        let mut kept = self.lock();
        while kept.answers.len() >= CAPACITY || kept.bytes + size > BYTE_BUDGET {
            let Some(evicted) = kept.answers.keys().next().cloned() else {
                break;
            };
            if let Some(answer) = kept.answers.remove(&evicted) {
                kept.bytes -= evicted.len() + answer.as_ref().len();
            }
        }
        if let Some(replaced) = kept.answers.insert(key.clone(), answer.clone()) {
            kept.bytes -= key.len() + replaced.as_ref().len();
        }
        kept.bytes += size;
        Ok(answer)
    }

    /// How many answers, and how many bytes, are kept.
    #[cfg(test)]
    fn held(&self) -> (usize, usize) {
        let kept = self.lock();
        (kept.answers.len(), kept.bytes)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept<A>> {
        // Plain data: a panic elsewhere cannot leave it half-written.
        self.kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Everything the generated answer depends on besides the seed: the canonical query and the
/// requested ZIP+4 (which the accounts carry).
fn key(query: &Query) -> String {
    let mut key = query.canonical();
    key.push('\u{1f}');
    key.push_str(query.zip4().unwrap_or(""));
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::request::{LookupRequest, RequestAddress};

    fn query(zip: &str) -> Query {
        Query::new(&LookupRequest {
            sp_id: None,
            account_name: "ACME".to_owned(),
            address: RequestAddress {
                street: String::new(),
                city: "DALLAS".to_owned(),
                state: "TX".to_owned(),
                zip_code: zip.to_owned(),
                country: None,
            },
        })
    }

    #[test]
    fn an_answer_is_made_once_per_query_and_the_cache_stays_bounded() {
        let cache = AnswerCache::<&str>::default();
        let mut made = 0;
        for _ in 0..3 {
            let answer = cache.get_or_make(&query("75201"), || {
                made += 1;
                Ok::<_, ()>("[1]")
            });
            assert_eq!(answer, Ok("[1]"));
        }
        assert_eq!(made, 1);
        // Another ZIP+4 is another answer.
        let other = cache.get_or_make(&query("752011234"), || Ok::<_, ()>("[2]"));
        assert_eq!(other, Ok("[2]"));
        for zip in 10_000..10_000 + 2 * CAPACITY {
            let _ = cache.get_or_make(&query(&zip.to_string()), || Ok::<_, ()>(""));
        }
        assert_eq!(cache.held().0, CAPACITY);
    }

    #[test]
    fn the_cache_stays_within_its_byte_budget_and_skips_huge_answers() {
        let cache = AnswerCache::<Vec<u8>>::default();
        let big = vec![b'x'; LARGEST_KEPT - 100];
        for zip in 10_000..10_100 {
            let answer = cache.get_or_make(&query(&zip.to_string()), || Ok::<_, ()>(big.clone()));
            assert_eq!(answer.map(|a| a.len()), Ok(big.len()));
            let (_, bytes) = cache.held();
            assert!(bytes <= BYTE_BUDGET, "{bytes}");
        }
        let (entries, bytes) = cache.held();
        assert!(
            entries < 100 && bytes > BYTE_BUDGET / 2,
            "{entries} {bytes}"
        );
        let huge = vec![b'x'; LARGEST_KEPT + 1];
        let mut made = 0;
        for _ in 0..2 {
            let answer = cache.get_or_make(&query("99999"), || {
                made += 1;
                Ok::<_, ()>(huge.clone())
            });
            assert_eq!(answer.map(|a| a.len()), Ok(huge.len()));
        }
        assert_eq!(made, 2, "a huge answer is made again, not kept");
    }
}
