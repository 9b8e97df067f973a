//! The lookup's whole request path, from the body's bytes to the answer: JSON parsing, the
//! scenario marker, schema validation, query normalisation, the book search and the generator.
//! Any panic, and any 5xx, is a finding.
//!
//! The mock runs with the bundled accounts and canned examples but no scenarios: a body marker
//! then names a scenario that is not loaded (a planned 400), so every 5xx is unplanned. With the
//! scenarios loaded, `SCENARIO server-error` would be a false finding and `SCENARIO timeout`
//! would sleep 65 s per input.

#![no_main]

use std::path::{Path, PathBuf};
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
        let config = mock_server::Config {
            fixtures: mock_server::config::FixtureSource::Dir(fixtures_without_scenarios()),
            ..mock_server::Config::default()
        };
        let state = mock_server::AppState::new(&config).expect("the fixtures load");
        (runtime, mock_server::router(Arc::new(state)))
    })
}

/// A copy of the repository's `fixtures/` without its `scenarios/` folder.
fn fixtures_without_scenarios() -> PathBuf {
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let copy = std::env::temp_dir().join(format!("mock-fuzz-fixtures-{}", std::process::id()));
    for folder in ["accounts", "canned"] {
        std::fs::create_dir_all(copy.join(folder)).expect("a folder");
        for entry in std::fs::read_dir(bundled.join(folder)).expect("the bundled fixtures") {
            let path = entry.expect("an entry").path();
            let name = path.file_name().expect("a file name");
            std::fs::copy(&path, copy.join(folder).join(name)).expect("a copy");
        }
    }
    copy
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
