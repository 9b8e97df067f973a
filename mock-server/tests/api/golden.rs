//! Generated answers pinned byte for byte, for two seeds and both modes that generate: the
//! README promises the same body on every run, restart and machine. An upgrade of `rand`, `fake`
//! or the generator that changes them fails here; a deliberate change updates the snapshots
//! (`cargo insta review`, or `INSTA_UPDATE=always`) and says so in CHANGELOG.md.

use mock_server::DataMode;
use serde_json::{Value, json};

use crate::common::*;

/// Requests that the fixture book has no answer for, so that hybrid and generated agree, and
/// one that the book answers in hybrid mode.
fn requests() -> [(&'static str, Value); 4] {
    let body = |name: &str, street: &str, city: &str, state: &str, zip: &str| {
        json!({"spId": "10006", "accountName": name,
               "address": {"street": street, "city": city, "state": state, "zipCode": zip}})
    };
    [
        (
            "bakery",
            body("Blue Bonnet Bakery", "Elm", "Austin", "TX", "78701"),
        ),
        ("five", body("Zephyr Widgets", "", "Dallas", "TX", "99999")),
        (
            "wildcard",
            body("ACME*SUPPLY", "MAIN", "Plano", "Texas", "75075-1234"),
        ),
        ("foundry", foundry()),
    ]
}

async fn answers(data: DataMode, seed: u64) -> String {
    let app = app_with(|config| {
        config.data = data;
        config.seed = seed;
    });
    let mut all = String::new();
    for (name, body) in requests() {
        let answer = send(&app, lookup(&body)).await;
        all.push_str(&format!(
            "{name}: {}\n{}\n",
            answer.status.as_u16(),
            String::from_utf8_lossy(&answer.body)
        ));
    }
    all
}

#[tokio::test]
async fn generated_answers_are_pinned_for_seed_1() {
    insta::assert_snapshot!(answers(DataMode::Generated, 1).await);
}

#[tokio::test]
async fn generated_answers_are_pinned_for_seed_7() {
    insta::assert_snapshot!(answers(DataMode::Generated, 7).await);
}

#[tokio::test]
async fn hybrid_answers_are_pinned_for_seed_1() {
    insta::assert_snapshot!(answers(DataMode::Hybrid, 1).await);
}

#[tokio::test]
async fn hybrid_answers_are_pinned_for_seed_7() {
    insta::assert_snapshot!(answers(DataMode::Hybrid, 7).await);
}
