//! The router: every operation under each base path, the admin API, and the error answers for
//! every other path and method, all under one bookkeeping layer ([`crate::observe::layer`]).
//!
//! An operation is a module here (its handler and its own logic) plus its schemas in
//! `schemas/`; adding one is a route line in [`router`].

use std::sync::Arc;

use axum::Router;
use axum::middleware;
use axum::routing::{MethodRouter, get, post, put};

use crate::domain::operation::Operation;
use crate::http::error::ApiError;
use crate::http::methods::only;
use crate::observe::layer;
use crate::state::AppState;

pub(crate) mod admin;
pub(crate) mod call;
mod contract;
mod credit_check;
mod enrichment;
pub(crate) mod lookup;
mod order;
mod order_status;
mod quote;

/// The complete application: drive it with `tower::ServiceExt::oneshot` in tests, or serve it.
/// It needs a Tokio runtime with timers enabled (`enable_all` or `enable_time`): a body that
/// does not arrive in time is refused.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use tower::ServiceExt as _;
///
/// let state = mock_server::AppState::new(&mock_server::Config::default())?;
/// let app = mock_server::router(std::sync::Arc::new(state));
/// let request = axum::http::Request::get("/__admin/health").body(axum::body::Body::empty())?;
/// let response = app.oneshot(request).await?;
/// assert_eq!(response.status(), 200);
/// # Ok(())
/// # }
/// ```
pub fn router(state: Arc<AppState>) -> Router {
    let mut api = Router::new();
    for base in &state.base_paths {
        for operation in Operation::ALL {
            api = api.route(
                &format!("{base}{}", operation.path()),
                only(route(operation), operation.method()),
            );
        }
    }
    let mut api = api.fallback(|| async { ApiError::UnknownPath });
    if let Some(proxy) = &state.proxy {
        api = api.layer(middleware::from_fn_with_state(
            Arc::clone(proxy),
            crate::proxy::layer,
        ));
    }
    let whole = admin::replay::Api(router);
    api.nest("/__admin", admin::router(Arc::clone(&state), whole))
        // The console's page at `/__admin/` too: a nested `/` answers `/__admin` alone.
        .route("/__admin/", only(get(admin::console_page), "GET"))
        .fallback(|| async { ApiError::UnknownPath })
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state.observer),
            layer::observe,
        ))
        .with_state(state)
}

/// The handler of each operation.
fn route(operation: Operation) -> MethodRouter<Arc<AppState>> {
    match operation {
        Operation::CustomerAccountLookup => post(lookup::lookup),
        Operation::CreateOpportunityQuote => post(quote::create),
        Operation::AddSite => post(quote::add_site),
        Operation::AddConfigAiab => post(quote::add_config),
        Operation::CreditCheckAiab => post(credit_check::check),
        Operation::InitiateContractAiab => post(contract::initiate),
        Operation::GetContract => get(contract::show),
        Operation::CreateOrder => post(order::create),
        Operation::EnrichInstallation => put(enrichment::installation),
        Operation::EnrichShippingAiab => post(enrichment::shipping),
        Operation::EnrichBilling => post(enrichment::billing),
        Operation::GetOrderStatus => get(order_status::status),
    }
}
