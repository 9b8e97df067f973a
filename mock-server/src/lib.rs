//! A faithful local mock of the AT&T Alliance Ordering API, starting with End-Customer Lookup
//! (`POST /api/v1/customerAccountLookup`).
//!
//! The crate is layered, and its folders show the layers; each depends only on the ones below:
//!
//! - `server`: the accept loop, connections, HTTPS, the start path, the fixture watch;
//! - `api`: the router, the admin API, and one module per operation (`api/lookup`), with the
//!   steps every operation shares (`api/call`);
//! - `observe` (the bookkeeping layer, the journal, the log), `gateway` (auth, rate limits),
//!   `fixtures` (loading and checking data files), `scenario` (scenarios, their choice and
//!   faults);
//! - `domain` (accounts, requests, search, the account book, generation: no HTTP) and `http`
//!   (header names, ids, the error body, reading a body);
//! - `config`, a leaf.
//!
//! A request goes: the bookkeeping layer → the router → the operation's handler: auth → rate
//! limit → scenario → headers and JSON → the operation's own schema and logic → respond.
//!
//! Use it as a library in tests, on a real socket:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), mock_server::StartError> {
//! let server = mock_server::MockServer::builder().start().await?;
//! println!("POST {}", server.lookup_url());
//! server.shutdown().await.map_err(mock_server::StartError::Serve)?;
//! # Ok(())
//! # }
//! ```
//!
//! or drive [`router`] without a socket through `tower::ServiceExt::oneshot`.

mod api;
pub mod cli;
pub mod config;
mod domain;
mod fixtures;
mod gateway;
mod http;
#[doc(hidden)]
pub mod internals;
mod observe;
mod proxy;
mod scenario;
mod server;
mod state;

pub use api::router;
pub use config::{Client, Config, DataMode, FlowMode, NotFoundStyle, ProxyConfig, ProxyMode};
pub use observe::log::{LogFilterError, LogGuard, init_logging};
pub use proxy::review::review;
pub use server::{MockServer, MockServerBuilder, StartError, TlsError, run};
pub use state::{AppState, StateError};

/// The Rust examples of `docs/library.md`, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/library.md")]
struct LibraryGuide;
