//! Reloading the fixture folder: over the admin API and with `--watch`, new files served, a
//! broken file refused with the data in service kept, and the work done off the request workers.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use mock_server::MockServer;
use serde_json::{Value, json};

use crate::common::{account, app_with, http_client as client, plano_lookup, send};

#[tokio::test]
async fn reload_serves_new_files_and_keeps_the_old_data_when_a_file_is_broken() {
    let dir = std::env::temp_dir().join(format!("mock-reload-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("accounts")).expect("dirs");
    let book = dir.join("accounts/book.json");
    std::fs::write(&book, json!([account("A-1", "FIRST NAME CO")]).to_string()).expect("write");
    let server = MockServer::builder()
        .fixtures_dir(&dir)
        .data(mock_server::DataMode::Fixtures)
        .start()
        .await
        .expect("starts");
    let client = client();
    let names = |name: &'static str| {
        let request = plano_lookup(&client, &server, name, "reload");
        async move { request.send().await.expect("answers").status().as_u16() }
    };
    let reload = || {
        client
            .post(format!("{}/__admin/reload", server.uri()))
            .send()
    };
    assert_eq!(names("FIRST NAME").await, 200);

    std::fs::write(&book, json!([account("A-2", "SECOND NAME CO")]).to_string()).expect("write");
    // A canned example and a scenario, in folders that did not exist at start.
    std::fs::create_dir_all(dir.join("canned")).expect("dirs");
    std::fs::create_dir_all(dir.join("scenarios")).expect("dirs");
    let canned = json!({"description": "a pinned answer",
        "request": {"body": {"accountName": "PINNED", "address": {"street": "", "city": "PLANO", "state": "TX", "zipCode": "75075"}}},
        "response": {"status": 200, "body": [account("C-1", "PINNED CO")]}});
    std::fs::write(dir.join("canned/pinned.json"), canned.to_string()).expect("write");
    let scenario = json!({"description": "one account with acid null",
        "accounts": {"count": 1, "set": {"/acid": null}}});
    std::fs::write(dir.join("scenarios/one-null.json"), scenario.to_string()).expect("write");
    let reloaded = reload().await.expect("answers");
    assert_eq!(reloaded.status(), 200);
    let reloaded: Value = reloaded.json().await.expect("json");
    assert_eq!(
        (
            &reloaded["accounts"],
            &reloaded["cannedExamples"],
            &reloaded["scenarios"],
            &reloaded["changed"]
        ),
        (&json!(1), &json!(1), &json!(1), &json!(true))
    );
    assert_eq!(names("PINNED").await, 200, "the new canned example answers");
    let with_scenario = plano_lookup(&client, &server, "SECOND NAME", "reload")
        .header("x-mock-scenario", "one-null")
        .send()
        .await
        .expect("answers");
    assert_eq!(with_scenario.status(), 200, "the new scenario is loaded");
    // The same files again: nothing to check, and it says so.
    let again: Value = reload().await.expect("answers").json().await.expect("json");
    assert_eq!(
        (&again["accounts"], &again["changed"]),
        (&json!(1), &json!(false))
    );
    assert_eq!(names("SECOND NAME").await, 200);
    assert_eq!(names("FIRST NAME").await, 404);

    let mut broken = account("A-3", "THIRD NAME CO");
    broken["accountAddress"]["zipCode"] = json!(75075);
    std::fs::write(&book, json!([broken]).to_string()).expect("write");
    let refused = reload().await.expect("answers");
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.expect("json");
    let description = body["description"].as_str().unwrap_or_default();
    assert!(
        description
            .contains("book.json: /0/accountAddress/zipCode: 75075 is not of type \"string\""),
        "{description}"
    );
    assert_eq!(
        names("SECOND NAME").await,
        200,
        "the old data stays in service"
    );
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[tokio::test]
async fn watch_reloads_a_changed_folder_and_ignores_a_broken_file() {
    let dir = std::env::temp_dir().join(format!("mock-watch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("accounts")).expect("dirs");
    let book = dir.join("accounts/book.json");
    std::fs::write(&book, json!([account("W-1", "BEFORE CO")]).to_string()).expect("write");
    let server = MockServer::builder()
        .fixtures_dir(&dir)
        .data(mock_server::DataMode::Fixtures)
        .watch(true)
        .start()
        .await
        .expect("starts");
    let client = client();
    let status_for = |name: &'static str| {
        let request = plano_lookup(&client, &server, name, "watch");
        async move { request.send().await.expect("answers").status().as_u16() }
    };
    // Polls the health check until `done` holds for it: the watcher's own report of its
    // reloads (`lastReload`), not a guess at its timing.
    let health_until = |what: &'static str, done: fn(&Value) -> bool| {
        let request = client.get(format!("{}/__admin/health", server.uri()));
        async move {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
            loop {
                let health: Value = request
                    .try_clone()
                    .expect("a plain request")
                    .send()
                    .await
                    .expect("answers")
                    .json()
                    .await
                    .expect("json");
                if done(&health) {
                    return health;
                }
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "not {what} within 10 s: {health}"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    assert_eq!(status_for("AFTER").await, 404);
    std::fs::write(&book, json!([account("W-2", "AFTER CO")]).to_string()).expect("write");
    let health = health_until("reloaded", |h| h["lastReload"]["outcome"] == "reloaded").await;
    assert_eq!(health["accounts"], 1);
    assert_eq!(status_for("AFTER").await, 200);
    // A new scenario file is picked up as well.
    std::fs::create_dir_all(dir.join("scenarios")).expect("dirs");
    let scenario = json!({"description": "one account", "accounts": {"count": 1}});
    std::fs::write(dir.join("scenarios/watched.json"), scenario.to_string()).expect("write");
    health_until("a scenario loaded", |h| h["scenarios"] == 1).await;
    std::fs::write(&book, "[{").expect("write");
    let refused = health_until("refused", |h| h["lastReload"]["outcome"] == "refused").await;
    assert!(
        refused["lastReload"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("book.json")),
        "{refused}"
    );
    assert_eq!(refused["accounts"], 1, "{refused}");
    assert_eq!(
        status_for("AFTER").await,
        200,
        "a broken file leaves the data in service"
    );
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

/// A reload reads and checks the files on a thread of its own: on a runtime with a single
/// thread, a request sent while a reload of a large folder runs is answered before the reload
/// ends (a reload on the request workers would end first, since it would never yield).
#[tokio::test(flavor = "current_thread")]
async fn a_reload_runs_off_the_request_workers() {
    let dir = std::env::temp_dir().join(format!("mock-reload-big-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("accounts")).expect("dirs");
    let accounts: Vec<Value> = (0..20_000)
        .map(|n| account(&format!("BIG-{n}"), &format!("ACCOUNT {n} CO")))
        .collect();
    std::fs::write(
        dir.join("accounts/big.json"),
        Value::Array(accounts).to_string(),
    )
    .expect("write");
    let app = app_with(|config| {
        config.fixtures = mock_server::config::FixtureSource::Dir(dir.clone());
    });
    let reload = Request::post("/__admin/reload")
        .body(Body::empty())
        .expect("a request");
    let reloading = tokio::spawn({
        let app = app.clone();
        async move { send(&app, reload).await }
    });
    // Let the reload start: it is waiting for its thread now.
    tokio::task::yield_now().await;
    let health = send(
        &app,
        Request::get("/__admin/health")
            .body(Body::empty())
            .expect("a request"),
    )
    .await;
    assert_eq!(health.status, StatusCode::OK);
    assert!(
        !reloading.is_finished(),
        "the reload ended before a request sent during it was answered"
    );
    let reloaded = reloading.await.expect("the reload's task");
    assert_eq!(reloaded.status, StatusCode::OK);
    assert_eq!(reloaded.json()["accounts"], 20_000);
    std::fs::remove_dir_all(&dir).expect("cleanup");
}
