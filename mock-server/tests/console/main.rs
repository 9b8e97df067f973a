//! The web console in a real browser (headless Chromium over WebDriver): the live log, a
//! request's detail, copy as curl, replay, the scenarios, the account search, Try it, the admin
//! token, and that the page loads nothing from outside the mock.

mod browser;

use browser::Browser;
use mock_server::{Config, MockServer};
use serde_json::{Value, json};

fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// A lookup of the foundry with the demo credentials and the trace id `trace`; its status.
async fn lookup(server: &MockServer, trace: &str) -> u16 {
    http_client()
        .post(server.lookup_url())
        .header("client_id", "demo-client")
        .header("client_secret", "demo-secret")
        .header("x-trace-id", trace)
        .json(&json!({"spId": "10006", "accountName": "AT&T CLOUD TEST FOUNDRY", "address": {"street": "2900 W PLANO PKWY", "city": "PLANO", "state": "TX", "zipCode": "75075"}}))
        .send()
        .await
        .expect("the mock answers")
        .status()
        .as_u16()
}

/// A browser on the console of a mock with the defaults, at `view`; `None` without a browser.
async fn console(view: &str) -> Option<(Browser, MockServer)> {
    let browser = Browser::start().await?;
    let server = MockServer::builder()
        .start()
        .await
        .expect("the mock starts");
    browser.open(&server, view).await;
    Some((browser, server))
}

async fn finish(browser: Browser, server: MockServer) {
    browser.stop().await;
    server.shutdown().await.expect("the mock stops");
}

/// The rows of the rendered log with this trace id, as `[status, scenario]` pairs.
async fn log_rows(browser: &Browser, trace: &str) -> Value {
    browser
        .script(
            "return [...document.querySelectorAll('#log tbody tr')]
                .filter((row) => row.dataset.traceId === arguments[0])
                .map((row) => [row.cells[3].textContent, row.cells[7].textContent]);",
            vec![json!(trace)],
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_shows_requests_live_opens_one_copies_it_as_curl_and_replays_it() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = MockServer::builder()
        .start()
        .await
        .expect("the mock starts");
    assert_eq!(lookup(&server, "before-1").await, 200);

    browser.open(&server, "").await;
    browser
        .wait_for("#log tbody tr[data-trace-id='before-1']")
        .await;
    browser
        .wait_until(
            "the stream is open",
            "return document.querySelector('#live').textContent === 'live';",
        )
        .await;

    // Made after the page loaded: it arrives over the stream, without a reload.
    assert_eq!(lookup(&server, "live-1").await, 200);
    browser.click("#log tbody tr[data-trace-id='live-1']").await;
    let detail = browser
        .wait_until(
            "the detail",
            "const d = document.querySelector('#detail');
             return !d.hidden && d.textContent.includes('client_secret') && d.innerText;",
        )
        .await;
    let detail = detail.as_str().unwrap_or_default();
    assert!(detail.contains("***"), "the secret shows as ***: {detail}");
    assert!(!detail.contains("demo-secret"), "{detail}");
    assert!(detail.contains("book"), "what answered: {detail}");

    browser.click("#copy-curl").await;
    let curl = browser
        .wait_until(
            "the curl command",
            "const c = document.querySelector('#curl'); return !c.hidden && c.value;",
        )
        .await;
    let curl = curl.as_str().unwrap_or_default();
    assert!(curl.starts_with("curl -X POST "), "{curl}");
    assert!(
        curl.contains(&format!("{}/api/v1/customerAccountLookup", server.uri())),
        "{curl}"
    );
    assert!(
        curl.contains("-H \"client_secret: ${CLIENT_SECRET}\""),
        "{curl}"
    );
    assert!(
        curl.contains("'x-trace-id: live-1'") && curl.contains("--data-raw '{"),
        "{curl}"
    );
    assert!(!curl.contains("demo-secret"), "{curl}");

    browser
        .wait_for("#replay-scenario option[value='null-fields']")
        .await;
    browser
        .wait_for("#replay-scenario")
        .await
        .select_by_value("null-fields")
        .await
        .expect("a scenario is chosen");
    browser.click("#replay").await;
    browser
        .wait_until(
            "the replay's answer",
            "const r = document.querySelector('#replay-result');
             return !r.hidden && document.querySelector('#replay-body').textContent.startsWith('200 under null-fields');",
        )
        .await;
    // The replay is journaled: a second live-1 row, under the chosen scenario.
    browser
        .wait_until(
            "the replayed entry",
            "return [...document.querySelectorAll('#log tbody tr')]
                .some((row) => row.dataset.traceId === 'live-1' && row.cells[7].textContent === 'null-fields');",
        )
        .await;
    let rows = log_rows(&browser, "live-1").await;
    assert_eq!(
        rows,
        json!([["200", "null-fields"], ["200", ""]]),
        "newest first"
    );
    browser.screenshot("requests").await;

    // The filters narrow the log at once.
    let filter = browser.wait_for("#filter-trace").await;
    filter.send_keys("before").await.expect("typing");
    browser
        .wait_until(
            "the filtered log",
            "return document.querySelectorAll('#log tbody tr').length === 1;",
        )
        .await;
    finish(browser, server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenarios_switch_server_wide_and_the_book_search_explains_its_verdicts() {
    let Some((browser, server)) = console("#scenarios").await else {
        return;
    };
    browser
        .wait_for("#scenario-list tr[data-scenario='null-fields']")
        .await;
    let listed = browser
        .wait_until(
            "the catalogue",
            "return document.querySelectorAll('#scenario-list tbody tr').length;",
        )
        .await;
    assert!(listed.as_u64().unwrap_or_default() >= 40, "{listed}");
    let demo = browser
        .wait_for("#client-list tbody tr")
        .await
        .text()
        .await
        .expect("text");
    assert!(demo.contains("demo-client"), "{demo}");

    browser
        .click("#scenario-list tr[data-scenario='server-error'] button")
        .await;
    browser
        .wait_until(
            "the badge",
            "return document.querySelector('#active-scenario').textContent === 'server-error';",
        )
        .await;
    assert_eq!(
        lookup(&server, "wide-1").await,
        500,
        "the next lookup gets the scenario"
    );
    browser.screenshot("scenarios").await;
    browser.click("#scenario-off").await;
    browser
        .wait_until(
            "off",
            "return document.querySelector('#active-scenario').textContent === 'none';",
        )
        .await;
    assert_eq!(lookup(&server, "wide-2").await, 200);

    browser.click("nav a[data-view='data']").await;
    for (name, value) in [
        ("accountName", "at&t"),
        ("city", "plano"),
        ("state", "Texas"),
        ("zipCode", "75075"),
    ] {
        browser
            .wait_for(&format!("#book-search input[name='{name}']"))
            .await
            .send_keys(value)
            .await
            .expect("typing");
    }
    browser.click("#book-search button[type='submit']").await;
    let summary = browser
        .wait_until(
            "the search",
            "const s = document.querySelector('#book-summary').textContent; return s.includes('records pass') && s;",
        )
        .await;
    let summary = summary.as_str().unwrap_or_default();
    assert!(
        summary
            .contains("A lookup would answer these from the book, best first: 0013g00000cUIRtAAO."),
        "{summary}"
    );
    let first = browser
        .script(
            "const row = document.querySelector('#book-records tbody tr');
             return [row.dataset.accountId, row.cells[0].textContent];",
            Vec::new(),
        )
        .await;
    assert_eq!(first, json!(["0013g00000cUIRtAAO", "✓ prefix"]));
    // A record in the same city but another ZIP says which rule it fails.
    let miss = browser
        .script(
            "const row = document.querySelector('#book-records tbody tr.miss');
             return row && [...row.cells].map((cell) => cell.className);",
            Vec::new(),
        )
        .await;
    assert_eq!(miss[0], json!("no"), "{miss}");
    assert!(
        miss.as_array()
            .is_some_and(|cells| cells.contains(&json!("skip"))),
        "the street was not compared: {miss}"
    );
    browser.screenshot("data").await;
    finish(browser, server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_token_the_page_asks_for_it_sends_try_it_and_loads_nothing_from_outside() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let config = Config {
        listen: "127.0.0.1:0".parse().expect("an address"),
        admin_token: Some("console-token".to_owned().into()),
        ..Config::default()
    };
    let server = MockServer::builder()
        .config(config)
        .start()
        .await
        .expect("the mock starts");
    browser.open(&server, "#try").await;
    browser
        .wait_until(
            "the token dialog",
            "return document.querySelector('#token-dialog').open;",
        )
        .await;
    browser
        .wait_for("#token-input")
        .await
        .send_keys("console-token")
        .await
        .expect("typing");
    browser.click("#token-form button[value='save']").await;
    browser
        .wait_until(
            "the summary",
            "return document.querySelector('#summary').textContent.includes('55 accounts');",
        )
        .await;
    let kept = browser
        .script(
            "return sessionStorage.getItem('allianceMockAdminToken');",
            Vec::new(),
        )
        .await;
    assert_eq!(kept, json!("console-token"), "kept for the tab's session");

    browser
        .wait_for("#try-operation option[value='customerAccountLookup']")
        .await;
    let body = browser
        .wait_until(
            "the example body",
            "return document.querySelector('#try-body').value;",
        )
        .await;
    assert!(
        body.as_str().unwrap_or_default().contains("accountName"),
        "{body}"
    );
    browser
        .wait_for("#try-trace")
        .await
        .send_keys("try-1")
        .await
        .expect("typing");
    browser.click("#try-form button[type='submit']").await;
    let status = browser
        .wait_until(
            "the answer",
            "const r = document.querySelector('#try-result'); return !r.hidden && document.querySelector('#try-status').textContent;",
        )
        .await;
    assert!(
        status
            .as_str()
            .unwrap_or_default()
            .starts_with("200 · POST /api/v1/customerAccountLookup"),
        "{status}"
    );
    let answer = browser
        .wait_for("#try-answer")
        .await
        .text()
        .await
        .expect("text");
    assert!(
        answer.contains("x-trace-id: try-1") && answer.contains("accountId"),
        "{answer}"
    );
    browser.screenshot("try").await;

    // Everything the page loaded came from the mock.
    let origins = browser.script("return [location.href, ...performance.getEntriesByType('resource').map((entry) => entry.name)]
                .map((url) => new URL(url).origin);", Vec::new()).await;
    let origins = origins.as_array().cloned().unwrap_or_default();
    assert!(
        origins.len() >= 4,
        "the page, its script, style and API calls: {origins:?}"
    );
    assert!(
        origins.iter().all(|origin| origin == &json!(server.uri())),
        "{origins:?}"
    );
    browser.stop().await;

    // The page's own admin requests are not journaled; the lookup it sent is.
    let journal: Value = http_client()
        .get(format!("{}/__admin/requests", server.uri()))
        .header("x-admin-token", "console-token")
        .send()
        .await
        .expect("the journal")
        .json()
        .await
        .expect("JSON");
    let paths: Vec<&str> = journal["requests"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|entry| entry["path"].as_str())
        .collect();
    assert_eq!(paths, ["/api/v1/customerAccountLookup"], "{journal}");
    server.shutdown().await.expect("the mock stops");
}

/// Sends `operation` from the Try it view and gives the status line it shows.
async fn try_it(browser: &Browser, operation: &str) -> String {
    browser
        .wait_for(&format!("#try-operation option[value='{operation}']"))
        .await;
    browser
        .wait_for("#try-operation")
        .await
        .select_by_value(operation)
        .await
        .expect("an operation is chosen");
    browser
        .script(
            "document.querySelector('#try-status').textContent = '';",
            Vec::new(),
        )
        .await;
    browser.click("#try-form button[type='submit']").await;
    let status = browser
        .wait_until(
            operation,
            "return document.querySelector('#try-status').textContent;",
        )
        .await;
    status.as_str().unwrap_or_default().to_owned()
}

/// The text of the flow view's row that holds the button `css`.
async fn flow_row(browser: &Browser, css: &str) -> String {
    let row = browser
        .script(
            "const button = document.querySelector(arguments[0]);
             return button ? button.closest('tr').textContent : '';",
            vec![json!(css)],
        )
        .await;
    row.as_str().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn try_it_walks_the_flow_with_the_ids_it_captured_and_the_flow_view_signs_and_advances() {
    let Some((browser, server)) = console("#try").await else {
        return;
    };
    for operation in [
        "customerAccountLookup",
        "createOpportunityQuote",
        "addSite",
        "creditCheckAiab",
        "initiateContractAiab",
    ] {
        let status = try_it(&browser, operation).await;
        assert!(status.starts_with("200 "), "{operation}: {status}");
    }
    let ids = browser
        .wait_for("#try-ids")
        .await
        .text()
        .await
        .expect("text");
    assert!(ids.contains("quoteId") && ids.contains("siteId"), "{ids}");
    // The order needs the contract signed first: strict flow.
    assert!(try_it(&browser, "createOrder").await.starts_with("409 "));

    browser.click("nav a[data-view='flow']").await;
    browser.wait_for("button[data-action='sign']").await;
    assert!(
        flow_row(&browser, "button[data-action='sign']")
            .await
            .contains("Sent")
    );
    browser.click("button[data-action='sign']").await;
    browser
        .wait_until(
            "the signed contract",
            "return !document.querySelector(\"button[data-action='sign']\")
                 && document.querySelector('#flow-clients').textContent.includes('Signed');",
        )
        .await;

    browser.click("nav a[data-view='try']").await;
    let status = try_it(&browser, "createOrder").await;
    assert!(status.starts_with("200 "), "{status}");
    browser.click("nav a[data-view='flow']").await;
    browser.wait_for("button[data-action='advance']").await;
    assert!(
        flow_row(&browser, "button[data-action='advance']")
            .await
            .contains("IN_PROGRESS")
    );
    browser.click("button[data-action='advance']").await;
    browser
        .wait_until(
            "the advanced order",
            "const b = document.querySelector(\"button[data-action='advance']\"); return b && b.closest('tr').textContent.includes('COMPLETED');",
        )
        .await;
    browser.screenshot("flow").await;
    finish(browser, server).await;
}
