//! No input breaks the mock: arbitrary methods, paths, headers (odd, duplicated, huge, not
//! UTF-8) and bodies (bytes, JSON, deeply nested, huge) at every route, the admin API included.
//! Every answer is planned: never a 5xx, and every error in the one error body.
//!
//! Together with `properties.rs` and `generated.rs` these run over 10,000 cases.

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common::*;

/// One app for every case: whatever a case does to it (a reload, a cleared journal) must leave
/// it answering the next one as planned.
fn shared_app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    // The default data mode (hybrid): book answers and generated ones both meet every input.
    APP.get_or_init(|| {
        app_with(|config| {
            config.data = mock_server::DataMode::Hybrid;
            config.max_header_bytes = 8 * 1024;
        })
    })
}

const PATHS: &[&str] = &[
    LOOKUP,
    "/api/v1/customerAccountLookup/",
    "/api/v1/customerAccountLookup?debug=1&x=%ff",
    "/api/v1",
    "/",
    "/__admin",
    "/__admin/health",
    "/__admin/openapi.json",
    "/__admin/openapi.yaml",
    "/__admin/scenarios",
    "/__admin/scenario",
    "/__admin/reload",
    "/__admin/requests",
    "/__admin/requests?status=abc&limit=-1&path=%00",
    "/__admin/requests?limit=99999999999999999999999",
    "/nowhere/../__admin/health",
    "/%2e%2e/%00",
];

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::GET),
        Just(Method::POST),
        Just(Method::PUT),
        Just(Method::DELETE),
        Just(Method::PATCH),
        Just(Method::HEAD),
        Just(Method::OPTIONS),
        Just(Method::TRACE),
        Just(Method::CONNECT),
        "[A-Z]{1,10}".prop_map(|m| Method::from_bytes(m.as_bytes()).unwrap_or(Method::GET)),
    ]
}

/// A header value as a client may send it: printable, or with bytes beyond ASCII (not UTF-8),
/// empty, or long.
fn header_value() -> impl Strategy<Value = HeaderValue> {
    prop_oneof![
        "[ -~]{0,40}".prop_map(|v| HeaderValue::from_str(&v).expect("visible ASCII")),
        prop::collection::vec(prop_oneof![0x20_u8..0x7f, 0x80_u8..=0xff], 0..40)
            .prop_map(|v| HeaderValue::from_bytes(&v).expect("obs-text is allowed")),
        (0_usize..12_000).prop_map(|n| HeaderValue::from_str(&"v".repeat(n)).expect("ASCII")),
        Just(HeaderValue::from_static("demo-client")),
        Just(HeaderValue::from_static("demo-secret")),
        Just(HeaderValue::from_static(
            "application/json; charset=\"utf-8\"; x="
        )),
    ]
}

fn header_name() -> impl Strategy<Value = HeaderName> {
    prop_oneof![
        Just(HeaderName::from_static("client_id")),
        Just(HeaderName::from_static("client_secret")),
        Just(HeaderName::from_static("content-type")),
        Just(HeaderName::from_static("content-length")),
        Just(HeaderName::from_static("x-trace-id")),
        Just(HeaderName::from_static("x-correlation-id")),
        Just(HeaderName::from_static("x-mock-scenario")),
        Just(HeaderName::from_static("x-admin-token")),
        Just(HeaderName::from_static("authorization")),
        Just(HeaderName::from_static("host")),
        "[a-z0-9-]{1,24}".prop_map(|n| HeaderName::from_bytes(n.as_bytes()).expect("a token")),
    ]
}

/// The valid headers, then arbitrary ones appended (so names repeat).
fn headers() -> impl Strategy<Value = Vec<(HeaderName, HeaderValue)>> {
    (
        any::<bool>(),
        prop::collection::vec((header_name(), header_value()), 0..6),
    )
        .prop_map(|(valid_first, extra)| {
            let mut all = Vec::new();
            if valid_first {
                for (name, value) in [
                    ("client_id", "demo-client"),
                    ("client_secret", "demo-secret"),
                    ("content-type", "application/json"),
                    ("x-trace-id", "robust-1"),
                ] {
                    all.push((
                        HeaderName::from_static(name),
                        HeaderValue::from_static(value),
                    ));
                }
            }
            all.extend(extra.into_iter().filter(|(name, value)| {
                // A scenario named in a header would be a planned answer of its own (a 5xx, a
                // delay); an unknown one is a 400. Keep the names unknown.
                name != "x-mock-scenario"
                    || value.as_bytes().first() == Some(&b'~')
                    || value.is_empty()
            }));
            all
        })
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>().prop_map(|n| json!(n)),
        "\\PC{0,16}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,12}", inner, 0..5)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        json_value().prop_map(|v| v.to_string().into_bytes()),
        // The admin API's one body, with names no scenario has.
        "~[a-z]{0,8}".prop_map(|name| json!({ "name": name }).to_string().into_bytes()),
        Just(foundry().to_string().into_bytes()),
    ]
}

/// Checks what every answer must satisfy: no 5xx, and every error in the error body.
fn check_planned(method: &Method, path: &str, answer: &Answer) -> Result<(), TestCaseError> {
    prop_assert!(
        !answer.status.is_server_error(),
        "{} {} answered {}: {}",
        method,
        path,
        answer.status,
        String::from_utf8_lossy(&answer.body)
    );
    if answer.status.is_client_error() && method != Method::HEAD {
        let body: Value = serde_json::from_slice(&answer.body).map_err(|e| {
            TestCaseError::fail(format!(
                "{method} {path}: {} with a body that is not JSON ({e}): {:?}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            ))
        })?;
        prop_assert_eq!(&body["code"], &json!(answer.status.as_u16()));
        prop_assert!(body["message"].is_string(), "{}", body);
        prop_assert!(body["description"].is_string(), "{}", body);
    }
    if answer.status == StatusCode::METHOD_NOT_ALLOWED {
        prop_assert!(answer.headers.contains_key("allow"));
    }
    Ok(())
}

fn request(
    method: Method,
    path: &str,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Vec<u8>,
) -> Request<Body> {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    request.body(Body::from(body)).expect("a request")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn any_method_headers_and_body_at_any_route_get_a_planned_answer(
        method in method(),
        path in prop::sample::select(PATHS),
        headers in headers(),
        body in body(),
    ) {
        let answer = runtime().block_on(send(
            shared_app(),
            request(method.clone(), path, headers, body),
        ));
        check_planned(&method, path, &answer)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn odd_and_duplicate_headers_on_a_valid_lookup_get_a_planned_answer(headers in headers()) {
        let answer = runtime().block_on(send(
            shared_app(),
            request(Method::POST, LOOKUP, headers, foundry().to_string().into_bytes()),
        ));
        check_planned(&Method::POST, LOOKUP, &answer)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn deeply_nested_json_gets_400(depth in 1_usize..5000, object in any::<bool>()) {
        let (open, close) = if object { ("{\"a\":", "}") } else { ("[", "]") };
        let body = format!("{}1{}", open.repeat(depth), close.repeat(depth));
        let answer = runtime().block_on(send(shared_app(), raw_lookup(body, &[])));
        check_planned(&Method::POST, LOOKUP, &answer)?;
        // Within the body limit it is refused as JSON or by the schema; beyond it, by size.
        prop_assert!(
            matches!(answer.status, StatusCode::BAD_REQUEST | StatusCode::PAYLOAD_TOO_LARGE),
            "{}", answer.status
        );
    }

    /// Within the limit a long value is searched for or refused like any other (the schema sets
    /// no maximum length); beyond it the body is refused by size.
    #[test]
    fn huge_bodies_get_413_and_long_values_within_the_limit_a_planned_answer(
        length in 60_000_usize..70_000,
        field in prop::sample::select(vec!["accountName", "spId", "padding"]),
    ) {
        let mut body = foundry();
        body[field] = json!("x".repeat(length));
        let answer = runtime().block_on(send(shared_app(), lookup(&body)));
        check_planned(&Method::POST, LOOKUP, &answer)?;
        let size = body.to_string().len();
        if size > mock_server::config::DEFAULT_MAX_BODY_BYTES {
            prop_assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
        } else {
            prop_assert_ne!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
        }
    }
}

/// Text for a request field: any Unicode, with every kind of white space (ASCII, no-break,
/// ideographic, the byte-order mark that ECMA-262's `\S` counts as white space) often.
fn field_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => "[A-Za-z0-9 ]{1,4}",
        2 => proptest::sample::select(vec![
            " ", "\t", "\n", "\r", "\u{b}", "\u{c}", "\u{a0}", "\u{1680}", "\u{2000}", "\u{2028}",
            "\u{3000}", "\u{feff}", "\u{85}", "\u{200b}", "\0", "\"", "\\", "é", "😀",
        ])
        .prop_map(str::to_owned),
        1 => any::<String>(),
        1 => "[0-9]{5}(-?[0-9]{4})?",
    ];
    proptest::collection::vec(piece, 0..5).prop_map(|pieces| pieces.concat())
}

/// A lookup body from arbitrary text in each field, each field sometimes left out.
fn lookup_body_of_any_text() -> impl Strategy<Value = Value> {
    let field = || proptest::option::weighted(0.9, field_text());
    (field(), field(), field(), field(), field(), field())
        .prop_filter("a scenario marker chooses a scenario", |(_, name, ..)| {
            !name
                .as_deref()
                .is_some_and(|name| name.trim_start().to_uppercase().starts_with("SCENARIO "))
        })
        .prop_map(|(sp_id, name, street, city, state, zip)| {
            let mut address = serde_json::Map::new();
            for (key, value) in [
                ("street", street),
                ("city", city),
                ("state", state),
                ("zipCode", zip),
            ] {
                if let Some(value) = value {
                    address.insert(key.to_owned(), Value::String(value));
                }
            }
            let mut body = serde_json::Map::new();
            if let Some(sp_id) = sp_id {
                body.insert("spId".to_owned(), Value::String(sp_id));
            }
            if let Some(name) = name {
                body.insert("accountName".to_owned(), Value::String(name));
            }
            body.insert("address".to_owned(), Value::Object(address));
            Value::Object(body)
        })
}

/// The body's JSON text with every character outside printable ASCII written as `\uXXXX`.
fn escaped_json(value: &Value) -> String {
    let mut text = String::new();
    for c in value.to_string().chars() {
        if c.is_ascii() && !c.is_ascii_control() {
            text.push(c);
        } else {
            let mut units = [0_u16; 2];
            for unit in c.encode_utf16(&mut units) {
                text.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    /// Whatever text a field holds, the answer is what the request schema says: 400 listing
    /// the schema's violations when it refuses the body, a lookup's answer (200, or 404 for no
    /// customer) when it accepts it, the same however the body's characters are written.
    #[test]
    fn any_text_in_any_field_gets_the_answer_the_schema_gives(body in lookup_body_of_any_text()) {
        let schemas = schemas();
        let violations = schemas.validate_request(&body, true);
        let runtime = runtime();
        let plain = runtime.block_on(send(shared_app(), lookup_text(body.to_string())));
        let escaped = runtime.block_on(send(shared_app(), lookup_text(escaped_json(&body))));
        if violations.is_empty() {
            prop_assert!(
                plain.status == StatusCode::OK || plain.status == StatusCode::NOT_FOUND,
                "{} for {}: {}", plain.status, body, String::from_utf8_lossy(&plain.body)
            );
        } else {
            prop_assert_eq!(plain.status, StatusCode::BAD_REQUEST, "{}: {}", body, String::from_utf8_lossy(&plain.body));
            let pointers: Vec<String> = violations.iter().map(|v| v.pointer.clone()).collect();
            let answered: Vec<String> = plain.json()["violations"]
                .as_array()
                .map(|all| all.iter().map(|v| v["pointer"].as_str().unwrap_or("").to_owned()).collect())
                .unwrap_or_default();
            prop_assert_eq!(answered, pointers, "{}", body);
        }
        prop_assert_eq!(plain.status, escaped.status, "{}", body);
        prop_assert_eq!(plain.body, escaped.body, "{}", body);
    }
}

fn schemas() -> &'static alliance_schemas::Schemas {
    static SCHEMAS: OnceLock<alliance_schemas::Schemas> = OnceLock::new();
    SCHEMAS.get_or_init(|| alliance_schemas::Schemas::compile().expect("the schemas compile"))
}

fn lookup_text(body: String) -> Request<Body> {
    let mut request = lookup(&json!({}));
    *request.body_mut() = Body::from(body);
    request
}

/// Three byte-order marks: refused by the schema's `\S` (ECMA-262 counts U+FEFF as white
/// space) whether they are sent as UTF-8 or escaped.
#[tokio::test]
async fn a_name_of_byte_order_marks_is_refused_however_it_is_written() {
    let mut body = foundry();
    body["accountName"] = json!("\u{feff}\u{feff}\u{feff}");
    for text in [body.to_string(), escaped_json(&body)] {
        let answer = send(shared_app(), lookup_text(text.clone())).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{text}");
        assert_eq!(answer.json()["violations"][0]["pointer"], "/accountName");
    }
}
