//! What the web console reads and sends besides the journal: its own files (served without the
//! token, under a strict content policy), the account search with a verdict per rule, Try it,
//! the clients bound to scenarios and the uptime. The page itself is driven in a real browser
//! in `tests/console`.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::admin::admin;
use crate::common::*;

#[tokio::test]
async fn the_console_loads_without_the_token_under_a_policy_that_allows_only_the_mock() {
    let app = app_with(|config| config.admin_token = Some("t0ken".to_owned().into()));
    let mut total = 0;
    for (path, kind) in [
        ("/__admin/", "text/html"),
        ("/__admin", "text/html"),
        ("/__admin/console.js", "text/javascript"),
        ("/__admin/console.css", "text/css"),
    ] {
        let answer = send(&app, admin("GET", path, None)).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        let header = |name: &str| {
            answer
                .headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
        };
        assert!(header("content-type").starts_with(kind), "{path}");
        let policy = header("content-security-policy");
        assert!(
            policy.starts_with(
                "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'"
            ),
            "{path}: {policy}"
        );
        let text = String::from_utf8_lossy(&answer.body);
        assert!(
            !text.contains("http:") && !text.contains("https:") && !text.contains("//cdn"),
            "{path} names a resource elsewhere"
        );
        total += answer.body.len();
    }
    assert!(total < 200 * 1024, "the console weighs {total} bytes");
    // The data stays behind the token.
    for (method, path, body) in [
        ("GET", "/__admin/accounts?city=plano", None),
        (
            "POST",
            "/__admin/try",
            Some(json!({"operation": "customerAccountLookup"})),
        ),
        ("POST", "/__admin/console.js", None),
    ] {
        let answer = send(&app, admin(method, path, body)).await;
        assert_ne!(answer.status, StatusCode::OK, "{method} {path}");
    }
}

#[tokio::test]
async fn the_account_search_ranks_as_the_lookup_and_gives_each_records_verdict_per_rule() {
    let app = app();
    let answer = send(
        &app,
        admin(
            "GET",
            "/__admin/accounts?accountName=at%26t&city=plano&state=Texas&zipCode=75075",
            None,
        ),
    )
    .await;
    let found = answer.json();
    assert_eq!(found["book"], json!(55), "{found}");
    assert_eq!(
        found["compared"],
        json!(["accountName", "city", "state", "zipCode"])
    );
    assert_eq!(found["matching"], json!(1));
    assert_eq!(
        found["lookup"],
        json!({"answeredBy": "book", "accountIds": ["0013g00000cUIRtAAO"], "atMost": 5})
    );
    let first = &found["records"][0];
    assert_eq!(first["account"]["accountId"], json!("0013g00000cUIRtAAO"));
    assert_eq!(
        (&first["matches"], &first["nameMatch"]),
        (&json!(true), &json!("prefix"))
    );
    assert_eq!(
        first["rules"],
        json!({"accountName": true, "street": null, "city": true, "state": true, "zipCode": true})
    );
    // The next records miss: the closest first (one rule failed before two).
    let failures: Vec<usize> = found["records"].as_array().expect("records")[1..]
        .iter()
        .map(|record| {
            assert_eq!(record["matches"], json!(false));
            record["rules"]
                .as_object()
                .expect("rules")
                .values()
                .filter(|v| **v == json!(false))
                .count()
        })
        .collect();
    assert!(
        failures.windows(2).all(|pair| pair[0] <= pair[1]),
        "{failures:?}"
    );
    assert!(failures[0] >= 1);

    // A lookup that matches nothing finds no customer in the book-only mode, generated ones in
    // the hybrid mode.
    let nobody = "/__admin/accounts?accountName=nobody&city=plano&state=TX&zipCode=75075";
    let none = send(&app, admin("GET", nobody, None)).await.json();
    assert_eq!(none["matching"], json!(0));
    assert_eq!(none["lookup"]["answeredBy"], json!("none"));
    let hybrid = app_with(|config| config.data = mock_server::DataMode::Hybrid);
    let generated = send(&hybrid, admin("GET", nobody, None)).await.json();
    assert_eq!(generated["lookup"]["answeredBy"], json!("generated"));

    // No field: the book in its order, a page at a time; fields that make no lookup say so.
    let browse = send(&app, admin("GET", "/__admin/accounts?limit=7", None))
        .await
        .json();
    assert_eq!(
        (&browse["matching"], &browse["lookup"]),
        (&json!(55), &Value::Null)
    );
    assert_eq!(browse["records"].as_array().map(Vec::len), Some(7));
    assert_eq!(browse["compared"], json!([]));
    let refused = send(&app, admin("GET", "/__admin/accounts?name=x", None)).await;
    let error = refused.error(StatusCode::BAD_REQUEST);
    assert!(
        error["description"]
            .as_str()
            .is_some_and(|d| d.contains("accountName")),
        "{error}"
    );
}

#[tokio::test]
async fn try_sends_an_operation_with_a_configured_client_whose_secret_it_never_shows() {
    let app = app();
    let attempt = json!({
        "operation": "customerAccountLookup",
        "traceId": "try-7",
        "scenario": "null-fields",
        "body": foundry(),
    });
    let answer = send(&app, admin("POST", "/__admin/try", Some(attempt))).await;
    assert_eq!(answer.status, StatusCode::OK);
    let text = String::from_utf8_lossy(&answer.body).into_owned();
    assert!(!text.contains("demo-secret"), "{text}");
    let tried = answer.json();
    assert_eq!(tried["status"], json!(200), "{tried}");
    assert_eq!(
        tried["request"]["path"],
        json!("/api/v1/customerAccountLookup")
    );
    assert!(
        tried["request"]["headers"]
            .as_array()
            .is_some_and(|headers| headers.contains(&json!(["client_secret", "***"])))
    );
    let accounts: Value =
        serde_json::from_str(tried["body"].as_str().expect("a body")).expect("JSON");
    assert_eq!(
        accounts[0]["subAccountId"],
        Value::Null,
        "under null-fields"
    );

    // Journaled as a client's request, with its trace id and scenario.
    let journal = send(&app, admin("GET", "/__admin/requests?traceId=try-7", None))
        .await
        .json();
    assert_eq!(journal["count"], json!(1), "{journal}");
    assert_eq!(journal["requests"][0]["clientId"], json!("demo-client"));
    assert_eq!(journal["requests"][0]["scenario"], json!("null-fields"));

    // A GET operation takes its query; without a trace id, one is made.
    let status = send(
        &app,
        admin(
            "POST",
            "/__admin/try",
            Some(json!({"operation": "getContract", "query": {"quoteId": "0Q0UNKNOWN"}})),
        ),
    )
    .await
    .json();
    assert_eq!(
        status["request"]["path"],
        json!("/api/v1/contract?quoteId=0Q0UNKNOWN")
    );
    assert_eq!(status["status"], json!(404), "{status}");
    let trace = status["request"]["headers"]
        .as_array()
        .and_then(|headers| headers.iter().find(|pair| pair[0] == "x-trace-id"))
        .cloned();
    assert!(trace.is_some_and(|pair| pair[1].as_str().is_some_and(|id| id.starts_with("try-"))));

    for (attempt, expected) in [
        (
            json!({"operation": "lookup"}),
            "customerAccountLookup, createOpportunityQuote",
        ),
        (
            json!({"operation": "customerAccountLookup", "client": "nobody"}),
            "demo-client",
        ),
        (
            json!({"operation": "customerAccountLookup", "scenario": "nope"}),
            "null-fields",
        ),
        (
            json!({"operation": "customerAccountLookup", "secret": "x"}),
            "unknown field",
        ),
    ] {
        let refused = send(&app, admin("POST", "/__admin/try", Some(attempt.clone()))).await;
        let error = refused.error(StatusCode::BAD_REQUEST);
        assert!(
            error["description"]
                .as_str()
                .is_some_and(|d| d.contains(expected)),
            "{attempt}: {error}"
        );
    }
}

#[tokio::test]
async fn the_catalogue_names_the_clients_bound_to_a_scenario_and_health_the_uptime() {
    let app = app_with(|config| {
        let mut bound = mock_server::Client::new("qa-client", "qa-secret").expect("a client");
        bound.scenario = Some("slow".to_owned());
        config.clients.push(bound);
    });
    let catalogue = send(&app, admin("GET", "/__admin/scenarios", None)).await;
    let text = String::from_utf8_lossy(&catalogue.body).into_owned();
    assert!(!text.contains("secret"), "no secret in the catalogue");
    assert_eq!(
        catalogue.json()["clients"],
        json!([{"id": "demo-client", "scenario": null}, {"id": "qa-client", "scenario": "slow"}])
    );
    let health = send(&app, admin("GET", "/__admin/health", None))
        .await
        .json();
    assert!(health["uptimeSecs"].as_u64().is_some(), "{health}");
}
