//! The lookup's whole request path, from the body's bytes to the answer: JSON parsing, the
//! scenario marker, schema validation, query normalisation, the book search and the generator.
//! Any panic, and any 5xx, is a finding.

#![no_main]

use std::sync::{Arc, OnceLock};

use axum::Router as App;
use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

fn app() -> &'static (tokio::runtime::Runtime, App) {
    static APP: OnceLock<(tokio::runtime::Runtime, App)> = OnceLock::new();
    APP.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a runtime");
        let state = mock_server::AppState::new(&mock_server::Config::default())
            .expect("the bundled fixtures load");
        (runtime, mock_server::router(Arc::new(state)))
    })
}

fuzz_target!(|data: &[u8]| {
    let (runtime, router) = app();
    let request = Request::post("/api/v1/customerAccountLookup")
        .header("client_id", "demo-client")
        .header("client_secret", "demo-secret")
        .header("content-type", "application/json")
        .header("x-trace-id", "fuzz")
        .body(Body::from(data.to_vec()))
        .expect("a request");
    runtime.block_on(async {
        let response = router.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let body = response.into_body().collect().await.expect("a body").to_bytes();
        assert!(
            !status.is_server_error(),
            "{status} for {:?}: {}",
            String::from_utf8_lossy(data),
            String::from_utf8_lossy(&body)
        );
    });
});
