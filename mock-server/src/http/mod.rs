//! HTTP plumbing shared by every endpoint: header names, the caller's ids, the error answers and
//! their one body, reading a request body, and the handle on a request's connection.

pub(crate) mod body;
pub(crate) mod connection;
pub(crate) mod error;
pub(crate) mod headers;
pub(crate) mod ids;
pub(crate) mod methods;
pub(crate) mod respond;
