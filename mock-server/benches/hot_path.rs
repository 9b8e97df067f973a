//! Micro-benchmarks of the lookup's hot path. Run with
//! `cargo bench -p mock-server --bench hot_path`.

use std::hint::black_box;

use alliance_schemas::Schemas;
use axum::http::{HeaderMap, HeaderValue};
use criterion::{Criterion, criterion_group, criterion_main};
use mock_server::config::{Client, Config, FixtureSource};
use mock_server::internals::{
    Account, AccountBook, Credentials, Fixtures, Generator, LookupRequest, Query, RequestAddress,
    response_body,
};
use serde::Deserialize as _;
use serde_json::json;
use tower::ServiceExt as _;

fn request(name: &str, city: &str, zip: &str) -> LookupRequest {
    LookupRequest {
        sp_id: Some("10006".to_owned()),
        account_name: name.to_owned(),
        address: RequestAddress {
            street: "MAIN".to_owned(),
            city: city.to_owned(),
            state: "TX".to_owned(),
            zip_code: zip.to_owned(),
            country: None,
        },
    }
}

fn generation(c: &mut Criterion) {
    let generator = Generator::new(Config::default().seed);
    // The reserved ZIP always yields five accounts.
    let query = Query::new(&request("ZEPHYR WIDGETS", "DALLAS", "99999"));
    c.bench_function("generate 5 accounts", |b| {
        b.iter(|| black_box(generator.accounts(black_box(&query))))
    });
    c.bench_function("generate and serialize 5 accounts", |b| {
        b.iter(|| {
            let accounts = generator.accounts(black_box(&query));
            black_box(serde_json::to_string(&accounts).expect("serializes"))
        })
    });
}

fn search(c: &mut Criterion) {
    let schemas = Schemas::compile().expect("schemas compile");
    let fixtures = Fixtures::load(&FixtureSource::Bundled, &schemas).expect("bundled fixtures");
    let query = Query::new(&request("ACME", "DALLAS", "75201"));
    c.bench_function("search the bundled book and serialize", |b| {
        b.iter(|| {
            let found = fixtures.book.search(black_box(&query));
            black_box(response_body(&found))
        })
    });
}

fn credentials(c: &mut Criterion) {
    let clients: Vec<Client> = (0..10)
        .map(|i| Client::new(format!("sp-{i}"), format!("secret-{i}")).expect("a client"))
        .collect();
    let credentials = Credentials::new(clients);
    let mut headers = HeaderMap::new();
    headers.insert("client_id", HeaderValue::from_static("sp-9"));
    headers.insert("client_secret", HeaderValue::from_static("secret-9"));
    c.bench_function("check credentials against 10 clients", |b| {
        b.iter(|| black_box(credentials.verify(black_box(&headers)).is_ok()))
    });
}

fn large_book(c: &mut Criterion) {
    // 10,000 accounts over 100 ZIP codes of one city: 100 accounts per ZIP.
    let generator = Generator::new(9);
    let mut accounts = Vec::with_capacity(10_000);
    for zip in 0..100 {
        let query = Query::new(&request("WIDGETS", "DALLAS", &format!("75{zip:03}")));
        for (i, account) in generator.exactly(&query, 100).into_iter().enumerate() {
            let mut account: Account = account;
            account.account_id = format!("{zip}-{i}");
            accounts.push((account, String::new()));
        }
    }
    let book = AccountBook::new(accounts).expect("a book");
    let query = Query::new(&request("WIDGETS", "DALLAS", "75042"));
    c.bench_function("search a 10,000-account book and serialize", |b| {
        b.iter(|| {
            let found = book.search(black_box(&query));
            black_box(response_body(&found))
        })
    });
}

fn validation(c: &mut Criterion) {
    let schemas = Schemas::compile().expect("schemas compile");
    let body = json!({"spId": "10006", "accountName": "AT&T CLOUD TEST FOUNDRY",
        "address": {"street": "2900 W PLANO PKWY", "city": "PLANO", "state": "TX", "zipCode": "75075"}})
    .to_string();
    c.bench_function("parse and validate a request body (full path)", |b| {
        b.iter(|| {
            let value: serde_json::Value = serde_json::from_str(black_box(&body)).expect("json");
            black_box(schemas.validate_request(&value, true))
        })
    });
    c.bench_function("parse, validate, read and normalise a request body", |b| {
        b.iter(|| {
            let value: serde_json::Value = serde_json::from_str(black_box(&body)).expect("json");
            assert!(schemas.validate_request(&value, true).is_empty());
            let request = LookupRequest::deserialize(&value).expect("a request");
            black_box(Query::new(&request))
        })
    });
}

fn router(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let state = mock_server::AppState::new(&Config {
        journal_size: 1000,
        ..Config::default()
    })
    .expect("the bundled fixtures load");
    let app = mock_server::router(std::sync::Arc::new(state));
    let body = json!({"spId": "10006", "accountName": "AT&T CLOUD TEST FOUNDRY",
        "address": {"street": "2900 W PLANO PKWY", "city": "PLANO", "state": "TX", "zipCode": "75075"}})
    .to_string();
    c.bench_function("one lookup through the router, journal on", |b| {
        b.iter(|| {
            let request = axum::http::Request::post("/api/v1/customerAccountLookup")
                .header("client_id", "demo-client")
                .header("client_secret", "demo-secret")
                .header("content-type", "application/json")
                .header("x-trace-id", "bench")
                .body(axum::body::Body::from(body.clone()))
                .expect("a request");
            let response = runtime
                .block_on(app.clone().oneshot(request))
                .expect("infallible");
            assert_eq!(response.status(), 200);
            black_box(response)
        })
    });
}

criterion_group!(
    benches,
    generation,
    search,
    large_book,
    credentials,
    validation,
    router
);
criterion_main!(benches);
