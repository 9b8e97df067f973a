//! Generated answers kept for repeated lookups. The generator is a pure function of the seed and
//! the normalised request, so an answer made once can be served again byte for byte: CI suites
//! and replayed load tests ask the same few questions many times. Bounded, so memory stays flat
//! whatever is asked.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::domain::search::Query;

/// How many answers are kept.
pub const CAPACITY: usize = 1024;

/// Generated answers (of any cheap-to-clone form, e.g. serialized bodies) by normalised request.
#[derive(Debug)]
pub(crate) struct AnswerCache<A> {
    answers: Mutex<HashMap<String, A>>,
}

impl<A> Default for AnswerCache<A> {
    fn default() -> Self {
        AnswerCache {
            answers: Mutex::new(HashMap::new()),
        }
    }
}

impl<A: Clone> AnswerCache<A> {
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
        if let Some(answer) = self.lock().get(&key) {
            return Ok(answer.clone());
        }
        // Made outside the lock: two requests may both make it, and get the same bytes.
        let answer = make()?;
        let mut answers = self.lock();
        if answers.len() >= CAPACITY
            && let Some(evicted) = answers.keys().next().cloned()
        {
            answers.remove(&evicted);
        }
        answers.insert(key, answer.clone());
        Ok(answer)
    }

    /// How many answers are kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, A>> {
        // Plain data: a panic elsewhere cannot leave it half-written.
        self.answers
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
        assert_eq!(cache.len(), CAPACITY);
    }
}
