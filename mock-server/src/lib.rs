//! A faithful local mock of the AT&T Alliance End-Customer Lookup API.
//!
//! `POST /api/v1/customerAccountLookup` goes through the modules in this order, called from
//! [`lookup`]: [`auth`] (client id enforcement, 401) → [`validate`] (headers, body size, JSON,
//! schema) → [`fixtures`] (a canned example, or a [`search`] of the account book) and/or
//! [`generate`] (accounts made up to match) →
//! [`respond`] (the accounts, or the one error body of [`error`]).
//!
//! Use it as a library in tests:
//!
//! ```
//! # async fn demo() -> Result<(), mock_server::StartError> {
//! let server = mock_server::MockServer::builder().start().await?;
//! println!("POST {}", server.lookup_url());
//! # Ok(())
//! # }
//! ```
//!
//! or drive [`router`] without a socket through `tower::ServiceExt::oneshot`.

pub mod account;
pub mod admin;
pub mod auth;
pub mod cli;
pub mod config;
pub mod error;
pub mod fault;
pub mod fixtures;
pub mod generate;
pub mod headers;
pub mod ids;
pub mod journal;
pub mod logging;
pub mod lookup;
pub mod observe;
pub mod ratelimit;
pub mod request;
pub mod respond;
pub mod routes;
pub mod scenario;
pub mod search;
pub mod server;
pub mod state;
pub mod tls;
pub mod transport;
pub mod us_states;
pub mod validate;
pub mod watch;

pub use config::{Client, Config, DataMode, NotFoundStyle};
pub use routes::{App, router};
pub use server::{MockServer, MockServerBuilder, StartError, run};
pub use state::AppState;
