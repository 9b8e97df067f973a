//! The lookup endpoint, driven through the router without a socket (and once over a real one).

mod admin;
mod auth;
mod common;
mod faults;
mod flow;
mod generated;
mod golden;
mod in_process;
mod limits;
mod properties;
mod robustness;
mod routing;
mod scenarios;
mod search;
mod selection;
mod shutdown;
mod tls;
mod validation;
