//! The credentials the mock accepts, and the admin API's token: secrets that never appear in
//! `Debug` output or in an error message.

use std::fmt;

use super::error::ConfigError;
use super::modes::RateLimit;

/// The client id of the demo credentials accepted when no client is configured.
pub const DEMO_CLIENT_ID: &str = "demo-client";
/// The secret of the demo credentials. Public on purpose: it is printed at start.
pub const DEMO_CLIENT_SECRET: &str = "demo-secret";

/// One accepted pair of credentials, and what QA bound to it. The secret never appears in
/// `Debug` output.
#[derive(Clone, PartialEq)]
pub struct Client {
    /// The `client_id` header value.
    pub id: String,
    secret: String,
    /// A scenario every request of this client gets (unless its header names another).
    pub scenario: Option<String>,
    /// This client's own rate limit.
    pub rate_limit: Option<RateLimit>,
}

/// The admin API's token. Never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct AdminToken(String);

impl AdminToken {
    /// The token, for the constant-time check only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for AdminToken {
    fn from(token: String) -> Self {
        AdminToken(token)
    }
}

impl fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminToken(<redacted>)")
    }
}

impl Client {
    /// A client with the given id and secret.
    ///
    /// # Errors
    ///
    /// [`ConfigError::Client`] when either is empty or not a valid header value.
    pub fn new(id: impl Into<String>, secret: impl Into<String>) -> Result<Self, ConfigError> {
        let (id, secret) = (id.into(), secret.into());
        let valid = |value: &str| {
            !value.is_empty() && value.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        };
        if !valid(&id) {
            return Err(ConfigError::Client {
                reason: "the client id must be non-empty printable ASCII".to_owned(),
            });
        }
        if !valid(&secret) {
            return Err(ConfigError::Client {
                reason: format!("the secret of client {id:?} must be non-empty printable ASCII"),
            });
        }
        Ok(Client {
            id,
            secret,
            scenario: None,
            rate_limit: None,
        })
    }

    /// The public demo client.
    pub fn demo() -> Self {
        Client {
            id: DEMO_CLIENT_ID.to_owned(),
            secret: DEMO_CLIENT_SECRET.to_owned(),
            scenario: None,
            rate_limit: None,
        }
    }

    /// The secret, for the credential check only.
    pub(crate) fn secret(&self) -> &str {
        &self.secret
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .field("scenario", &self.scenario)
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

impl std::str::FromStr for Client {
    type Err = ConfigError;

    /// Parses `ID:SECRET`. The message never repeats the value, which may hold a secret.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let (id, secret) = value.split_once(':').ok_or_else(|| ConfigError::Client {
            reason: "expected ID:SECRET, but the value has no ':'".to_owned(),
        })?;
        Client::new(id, secret)
    }
}
