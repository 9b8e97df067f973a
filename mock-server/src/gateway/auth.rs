//! The gateway's client-id enforcement, the first step of every operation. `client_id` and `client_secret`
//! must name a configured client, or the answer is 401.
//!
//! Secrets are compared in constant time, and every configured client is compared on every
//! request, so neither the time taken nor an early exit tells a caller how close a guess was or
//! which client ids exist. Only the length of a secret can leak, as with any such comparison.

use axum::http::{HeaderMap, HeaderValue};
use subtle::ConstantTimeEq;

use crate::config::Client;
use crate::http::error::ApiError;
use crate::http::headers::{CLIENT_ID, CLIENT_SECRET};

/// The accepted credentials.
#[derive(Debug, Clone)]
pub struct Credentials {
    clients: Vec<Client>,
}

impl Credentials {
    /// Accepts exactly these clients.
    pub fn new(clients: Vec<Client>) -> Self {
        Credentials { clients }
    }

    /// The configured clients, in the configuration's order.
    pub fn clients(&self) -> &[Client] {
        &self.clients
    }

    /// The secret of the client `id`, to send a journaled request of that client again.
    pub fn secret_of(&self, id: &str) -> Option<&str> {
        self.clients
            .iter()
            .find(|client| client.id == id)
            .map(Client::secret)
    }

    /// The client whose credentials the request carries (header names in any case).
    ///
    /// # Errors
    ///
    /// [`ApiError::Unauthorized`] when either header is missing or the pair matches no client;
    /// [`ApiError::MisnamedCredentials`] when they are missing but sent as `client-id` /
    /// `client-secret`, a common slip that would otherwise be hard to see.
    pub fn verify(&self, headers: &HeaderMap) -> Result<&Client, ApiError> {
        self.verify_pair(headers.get(CLIENT_ID), headers.get(CLIENT_SECRET))
            .map_err(|refused| {
                let misnamed = headers.get(CLIENT_ID).is_none()
                    && (headers.contains_key("client-id") || headers.contains_key("client-secret"));
                if misnamed {
                    ApiError::MisnamedCredentials
                } else {
                    refused
                }
            })
    }

    /// The client whose credentials are `id` and `secret`, the values of the two headers.
    ///
    /// # Errors
    ///
    /// [`ApiError::Unauthorized`] when either is missing or the pair matches no client.
    pub fn verify_pair(
        &self,
        id: Option<&HeaderValue>,
        secret: Option<&HeaderValue>,
    ) -> Result<&Client, ApiError> {
        let (Some(id), Some(secret)) = (id, secret) else {
            return Err(ApiError::Unauthorized);
        };
        let (found, _) = self.find(id.as_bytes(), secret.as_bytes());
        found
            .map(|index| &self.clients[index])
            .ok_or(ApiError::Unauthorized)
    }

    /// The index of the client matching `id` and `secret`, and how many clients were compared
    /// (always all of them; the count exists so a test can hold the code to that).
    fn find(&self, id: &[u8], secret: &[u8]) -> (Option<usize>, usize) {
        let mut found = None;
        let mut compared = 0;
        for (index, client) in self.clients.iter().enumerate() {
            let matches = client.id.as_bytes().ct_eq(id) & client.secret().as_bytes().ct_eq(secret);
            compared += 1;
            if bool::from(matches) && found.is_none() {
                found = Some(index);
            }
        }
        (found, compared)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigError;

    fn credentials() -> Result<Credentials, ConfigError> {
        Ok(Credentials::new(vec![
            Client::new("sp-a", "secret-a")?,
            Client::new("sp-b", "secret-b")?,
            Client::new("sp-c", "secret-c")?,
        ]))
    }

    #[test]
    fn every_client_is_compared_wherever_the_match_is() -> Result<(), ConfigError> {
        let credentials = credentials()?;
        assert_eq!(credentials.find(b"sp-a", b"secret-a"), (Some(0), 3));
        assert_eq!(credentials.find(b"sp-c", b"secret-c"), (Some(2), 3));
        assert_eq!(credentials.find(b"sp-a", b"secret-b"), (None, 3));
        assert_eq!(credentials.find(b"nobody", b"x"), (None, 3));
        Ok(())
    }

    #[test]
    fn a_secret_of_another_client_does_not_match() -> Result<(), ConfigError> {
        let credentials = credentials()?;
        let mut headers = HeaderMap::new();
        headers.insert(
            CLIENT_ID,
            "sp-b".parse().map_err(|_| ConfigError::ZeroBodyLimit)?,
        );
        headers.insert(
            CLIENT_SECRET,
            "secret-a".parse().map_err(|_| ConfigError::ZeroBodyLimit)?,
        );
        assert!(matches!(
            credentials.verify(&headers),
            Err(ApiError::Unauthorized)
        ));
        Ok(())
    }
}
