//! The API's own concepts, free of HTTP: an account, a lookup request, how names and addresses
//! are compared ([`search`]), the account book, and the generator of believable accounts.
//!
//! Nothing here knows of axum, hyper or the mock's configuration beyond its plain values.

pub(crate) mod account;
pub(crate) mod book;
pub(crate) mod flow;
pub(crate) mod generate;
pub(crate) mod operation;
pub(crate) mod request;
pub(crate) mod search;
mod text;
pub(crate) mod us_states;
