//! No input breaks the mock: arbitrary methods, paths, headers (odd, duplicated, huge, not
//! UTF-8) and bodies (bytes, JSON, deeply nested, huge) at every route, the admin API included.
//! Every answer is planned: never a 5xx, and every error in the one error body.
//!
//! Together with `properties.rs` and `generated.rs` these run over 10,000 cases.

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use mock_server::App;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common::*;

/// One app for every case: whatever a case does to it (a reload, a cleared journal) must leave
/// it answering the next one as planned.
fn shared_app() -> &'static App {
    static APP: OnceLock<App> = OnceLock::new();
    APP.get_or_init(|| app_with(|config| config.max_header_bytes = 8 * 1024))
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

fn quick_equivalence_parts() -> impl Strategy<Value = String> {
    // The first option is the plain one, drawn twice as often as all the others together, so
    // that a fair share of the bodies are plainly valid and reach the quick path's answer.
    let text = |options: Vec<&'static str>| {
        let plain = options[0];
        prop_oneof![2 => Just(plain), 1 => prop::sample::select(options)].prop_map(str::to_owned)
    };
    let field = |name: &'static str, values: Vec<&'static str>| {
        text(values).prop_map(move |value| {
            if value == "<absent>" {
                String::new()
            } else {
                format!("\"{name}\":{value},")
            }
        })
    };
    let sp_id = field(
        "spId",
        vec!["\"10006\"", "<absent>", "\"\"", "null", "5", "\"1\\u00e9\""],
    );
    let name = field(
        "accountName",
        vec![
            "\"ACME\"",
            "\"AC\"",
            "\"   \"",
            "\"SCENARIO slow ACME\"",
            "\" scenario x\"",
            "\"Texas\"",
            "\" texas \"",
            "\"A\\\"B C\"",
            "\"ÄÖÜ\"",
            "\"ÄÖ\"",
            "\"**\"",
            "\"***\"",
            "null",
            "[\"ACME\"]",
            "<absent>",
        ],
    );
    let street = field(
        "street",
        vec!["\"\"", "\"MAIN\"", "null", "<absent>", "\"W\\tPLANO\""],
    );
    let city = field("city", vec!["\"DALLAS\"", "\"\"", "1", "<absent>"]);
    let state = field(
        "state",
        vec!["\"TX\"", "\"Texas\"", "\"\"", "<absent>", "{}"],
    );
    let zip = field(
        "zipCode",
        vec![
            "\"75201\"",
            "\"7520\"",
            "\"75201-1234\"",
            "\"752011234\"",
            "\"7520a\"",
            "75201",
            "<absent>",
        ],
    );
    let country = field("country", vec!["<absent>", "\"USA\"", "null", "\"\""]);
    let extra = text(vec![
        "",
        "\"extra\":[1,{\"a\":null}],",
        "\"accountName\":\"ACME\",",
        "\"address\":{},",
    ]);
    (
        sp_id,
        name,
        (street, city, state, zip, country),
        extra,
        0_u8..10,
        0_u8..4,
    )
        .prop_map(
            |(sp_id, name, (street, city, state, zip, country), extra, shape, layout)| {
                let address = format!("{street}{city}{state}{zip}{country}");
                let address = address.trim_end_matches(',');
                let address = match shape {
                    0 => format!("[{address}]"),
                    1 => "\"75201\"".to_owned(),
                    _ => format!("{{{address}}}"),
                };
                let body = format!("{sp_id}{name}{extra}\"address\":{address}");
                let body = if shape == 2 {
                    format!("[{body}]")
                } else {
                    format!("{{{body}}}")
                };
                // The same JSON laid out otherwise, or followed by more than white space.
                match layout {
                    0 => body,
                    1 => format!(
                        " {} \n",
                        body.replace("\":", "\" :\t").replace(",\"", " ,\r\n\"")
                    ),
                    2 => format!("{body} x"),
                    _ => body.replace('{', "{\u{1}"),
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    /// The quick path takes a body only when the full path would take it too, as the same
    /// request: valid by the schema, no marker, no canned example.
    #[test]
    fn the_quick_path_takes_only_what_the_full_path_accepts(
        body in quick_equivalence_parts(),
        require_sp_id in any::<bool>(),
    ) {
        let (schemas, fixtures) = schemas_and_fixtures();
        let check = mock_server::validate::quick_check(schemas, require_sp_id);
        prop_assert!(check.is_some(), "the request schema has a quick check");
        let quick = mock_server::validate::quick_request(
            check.as_ref(),
            body.as_bytes(),
            |name| fixtures.canned_might_match(name),
        );
        if let Some(fields) = quick {
            let request = fields.to_request();
            let value: Value = serde_json::from_str(&body).expect("the quick path took JSON");
            prop_assert!(schemas.validate_request(&value, require_sp_id).is_empty(), "{}", body);
            prop_assert!(fixtures.canned_for(&value).is_none(), "{}", body);
            let full: mock_server::request::LookupRequest =
                serde_json::from_value(value).expect("a request");
            prop_assert_eq!(full, request);
        }
    }
}

fn schemas_and_fixtures() -> &'static (alliance_schemas::Schemas, mock_server::fixtures::Fixtures) {
    static LOADED: OnceLock<(alliance_schemas::Schemas, mock_server::fixtures::Fixtures)> =
        OnceLock::new();
    LOADED.get_or_init(|| {
        let schemas = alliance_schemas::Schemas::compile().expect("the schemas compile");
        let fixtures = mock_server::fixtures::Fixtures::load(
            &mock_server::fixtures::FixtureSource::Bundled,
            &schemas,
        )
        .expect("the bundled fixtures load");
        (schemas, fixtures)
    })
}

#[test]
fn the_documented_request_takes_the_quick_path() {
    let (schemas, fixtures) = schemas_and_fixtures();
    let body = foundry().to_string();
    let check = mock_server::validate::quick_check(schemas, true);
    let quick = mock_server::validate::quick_request(check.as_ref(), body.as_bytes(), |name| {
        fixtures.canned_might_match(name)
    });
    assert_eq!(
        quick.map(|fields| fields.to_request().account_name),
        Some("AT&T CLOUD TEST FOUNDRY".to_owned())
    );
    // The portal's canned sample is left to the full path.
    assert!(fixtures.canned_might_match(" TEXAS "));
}
