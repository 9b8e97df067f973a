//! The API: the lookup and the rest of the Ordering flow, driven through the router without a
//! socket, and over real sockets where the transport matters.

mod admin;
mod auth;
mod common;
mod connections;
mod console;
mod faults;
mod flow;
mod generated;
mod golden;
mod in_process;
mod journal;
mod limits;
mod live;
mod properties;
mod proxy;
mod record;
mod reload;
mod robustness;
mod routing;
mod scenarios;
mod search;
mod selection;
mod shutdown;
mod tls;
mod validation;
