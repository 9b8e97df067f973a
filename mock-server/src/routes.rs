//! The router: the lookup under each base path, the admin API, and the error answers for every
//! other path and method, each with the id echo, the journal, the request log and a panic guard.

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use axum::routing::future::RouteFuture;
use axum::routing::post;
use axum::{Router, middleware};
use futures_util::future::{BoxFuture, Either};

use crate::error::ApiError;
use crate::ids::RequestIds;
use crate::state::AppState;
use crate::{admin, lookup, observe, respond};

/// The path of the lookup below a base path.
pub const LOOKUP_PATH: &str = "/customerAccountLookup";

/// The complete application. Drive it with `tower::ServiceExt::oneshot` in tests, or serve it.
/// It needs a Tokio runtime with timers enabled (`enable_all` or `enable_time`): a body that
/// does not arrive in time is refused.
pub fn router(state: Arc<AppState>) -> App {
    App::new(state)
}

/// The route table behind [`App`].
fn routes(state: Arc<AppState>) -> Router {
    let mut router = Router::new()
        .nest("/__admin", admin::router(Arc::clone(&state)))
        .fallback(unknown_path)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            observe::observe,
        ));
    // Added after the layer: the lookup does its own bookkeeping (see `observe::observed`), so
    // the hot path passes through no middleware.
    for base in &state.base_paths {
        router = router.route(
            &format!("{base}{LOOKUP_PATH}"),
            post(lookup::lookup).fallback(observed_post_only),
        );
    }
    router.with_state(state)
}

/// The application: a lookup goes straight to its handler, everything else through the route
/// table (which also holds the lookup, under each base path, without middleware: the answers
/// are the same; the hot path just skips the table).
#[derive(Clone)]
pub struct App {
    state: Arc<AppState>,
    lookup_paths: Arc<[String]>,
    router: Router,
}

impl App {
    /// The application of `state`.
    pub fn new(state: Arc<AppState>) -> Self {
        let lookup_paths = state
            .base_paths
            .iter()
            .map(|base| format!("{base}{LOOKUP_PATH}"))
            .collect();
        App {
            router: routes(Arc::clone(&state)),
            state,
            lookup_paths,
        }
    }
}

impl<B> tower::Service<axum::http::Request<B>> for App
where
    B: axum::body::HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<BoxFuture<'static, Result<Response, Infallible>>, RouteFuture<Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: axum::http::Request<B>) -> Self::Future {
        let is_lookup = request.method() == Method::POST
            && self
                .lookup_paths
                .iter()
                .any(|path| path == request.uri().path());
        if is_lookup {
            let state = Arc::clone(&self.state);
            let request = request.map(Body::new);
            Either::Left(Box::pin(async move {
                Ok(lookup::lookup(State(state), request).await)
            }))
        } else {
            Either::Right(tower::Service::call(&mut self.router, request))
        }
    }
}

async fn unknown_path(headers: HeaderMap) -> Response {
    respond::error(&ApiError::UnknownPath, &RequestIds::from_headers(&headers))
}

async fn observed_post_only(State(state): State<Arc<AppState>>, request: Request) -> Response {
    observe::observed(&state, request, |request| async move {
        let refused = respond::error(
            &ApiError::MethodNotAllowed { allow: "POST" },
            &RequestIds::from_headers(request.headers()),
        );
        (refused, None)
    })
    .await
}

/// The answer to a method other than GET on an admin resource.
pub(crate) async fn get_only(request: Request) -> Response {
    respond::error(
        &ApiError::MethodNotAllowed { allow: "GET" },
        &RequestIds::from_headers(request.headers()),
    )
}
