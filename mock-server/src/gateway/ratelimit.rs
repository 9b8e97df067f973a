//! Per-client rate limits: a token bucket for each client that has one in the configuration.
//! Past its limit a client gets 429 with `Retry-After`, as a gateway's spike-arrest policy does.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use crate::config::{Client, RateLimit};
use crate::http::error::ApiError;

#[derive(Debug)]
struct Bucket {
    limit: RateLimit,
    tokens: f64,
    refilled: Instant,
}

/// The buckets of every rate-limited client.
#[derive(Debug, Default)]
pub struct RateLimits {
    buckets: HashMap<String, Mutex<Bucket>>,
}

impl RateLimits {
    /// A full bucket for each client with a rate limit.
    pub fn new(clients: &[Client]) -> Self {
        let now = Instant::now();
        RateLimits {
            buckets: clients
                .iter()
                .filter_map(|client| {
                    let limit = client.rate_limit?;
                    let bucket = Bucket {
                        limit,
                        tokens: f64::from(limit.burst),
                        refilled: now,
                    };
                    Some((client.id.clone(), Mutex::new(bucket)))
                })
                .collect(),
        }
    }

    /// Takes a token for `client_id`.
    ///
    /// # Errors
    ///
    /// [`ApiError::RateLimited`] with the whole seconds until the next token.
    pub fn admit(&self, client_id: &str) -> Result<(), ApiError> {
        let Some(bucket) = self.buckets.get(client_id) else {
            return Ok(());
        };
        // A poisoned lock only means another request panicked mid-update; the bucket is still
        // a pair of numbers.
        let mut bucket = bucket
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        let elapsed = now.duration_since(bucket.refilled).as_secs_f64();
        bucket.refilled = now;
        bucket.tokens =
            (bucket.tokens + elapsed * bucket.limit.per_second).min(f64::from(bucket.limit.burst));
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / bucket.limit.per_second;
            Err(ApiError::RateLimited {
                retry_after: wait.ceil().max(1.0) as u32,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigError;

    #[test]
    fn a_burst_is_admitted_then_refused_with_retry_after() -> Result<(), ConfigError> {
        let mut client = Client::new("qa", "x")?;
        client.rate_limit = Some(RateLimit {
            per_second: 0.5,
            burst: 3,
        });
        let limits = RateLimits::new(&[client]);
        for _ in 0..3 {
            assert!(limits.admit("qa").is_ok());
        }
        assert_eq!(
            limits.admit("qa"),
            Err(ApiError::RateLimited { retry_after: 2 })
        );
        assert!(
            limits.admit("someone-else").is_ok(),
            "unlimited clients pass"
        );
        Ok(())
    }
}
