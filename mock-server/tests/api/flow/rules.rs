//! What each step needs (strict and lenient), who owns a quote, replayable ids, bounded state.

use alliance_schemas::SchemaName;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use mock_server::{Client, FlowMode};
use serde_json::{Value, json};

use super::*;
use crate::common::send;

#[tokio::test(start_paused = true)]
async fn a_later_step_for_an_id_nobody_made_is_refused_unless_the_flow_is_lenient() {
    let strict = app(|_| {});
    let lenient = app(|config| config.flow = FlowMode::Lenient);
    let quote_id = "0Q0KQ000000CvYs0AK";
    let body = post(&strict, "/order", &order_body(quote_id))
        .await
        .error(StatusCode::NOT_FOUND);
    assert_eq!(
        body["description"],
        format!("No quote {quote_id} was created by this client.")
    );
    let order = valid(
        &post(&lenient, "/order", &order_body(quote_id)).await,
        SchemaName::ORDER_RESPONSE,
    );
    let order_id = text(&order["orderId"]);
    for app in [&strict, &lenient] {
        let credit = post(app, "/creditCheck/aiab", &json!({"quoteId": quote_id})).await;
        let contract = post(app, "/contract/aiab", &contract_body(quote_id)).await;
        let shown = get(app, &format!("/contract?quoteId={quote_id}")).await;
        let status = get(app, &format!(
            "/orders?externalIdentifierId={order_id}&externalIdentifierType=OrderNumber&businessAccountName=x")).await;
        let installed = send(
            app,
            request(
                Method::PUT,
                "/order-enrichment/installation",
                Some(&installation_body(&order_id, "801KQ000000CvYs0AK")),
                &[],
            ),
        )
        .await;
        if std::ptr::eq(app, &strict) {
            credit.error(StatusCode::NOT_FOUND);
            contract.error(StatusCode::NOT_FOUND);
            shown.error(StatusCode::NOT_FOUND);
            status.error(StatusCode::NOT_FOUND);
            installed.error(StatusCode::NOT_FOUND);
        } else {
            valid(&credit, SchemaName::CREDIT_CHECK_RESPONSE);
            valid(&contract, SchemaName::CONTRACT_RESPONSE);
            valid(&shown, SchemaName::CONTRACT_STATUS_RESPONSE);
            valid(&status, SchemaName::ORDER_STATUS_RESPONSE);
            valid(&installed, SchemaName::ENRICHMENT_RESPONSE);
        }
    }
    // Terms refused in either mode: the schema wants them accepted.
    let mut refused = order_body(quote_id);
    refused["checkT&C"] = json!(false);
    for app in [&strict, &lenient] {
        let body = post(app, "/order", &refused)
            .await
            .error(StatusCode::BAD_REQUEST);
        assert_eq!(body["violations"][0]["pointer"], "/checkT&C", "{body}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_quote_belongs_to_the_client_that_made_it() {
    let app = app(|config| {
        config.clients = vec![
            Client::new("sp-one", "secret-one").expect("a client"),
            Client::new("sp-two", "secret-two").expect("a client"),
        ];
    });
    let as_client = |id: &'static str, secret: &'static str, body: &Value, path: &str| {
        let mut request = request(Method::POST, path, Some(body), &[]);
        request
            .headers_mut()
            .insert("client_id", id.parse().expect("a value"));
        request
            .headers_mut()
            .insert("client_secret", secret.parse().expect("a value"));
        request
    };
    let quote = send(
        &app,
        as_client(
            "sp-one",
            "secret-one",
            &json!({"subAccountId": "U8GOM4"}),
            "/opportunity-quote",
        ),
    )
    .await;
    let quote_id = text(&valid(&quote, SchemaName::QUOTE_RESPONSE)["quoteId"]);
    let check = json!({"quoteId": quote_id});
    send(
        &app,
        as_client("sp-two", "secret-two", &check, "/creditCheck/aiab"),
    )
    .await
    .error(StatusCode::NOT_FOUND);
    valid(
        &send(
            &app,
            as_client("sp-one", "secret-one", &check, "/creditCheck/aiab"),
        )
        .await,
        SchemaName::CREDIT_CHECK_RESPONSE,
    );
    // The other client's same request makes other ids.
    let theirs = send(
        &app,
        as_client(
            "sp-two",
            "secret-two",
            &json!({"subAccountId": "U8GOM4"}),
            "/opportunity-quote",
        ),
    )
    .await;
    assert_ne!(
        valid(&theirs, SchemaName::QUOTE_RESPONSE)["quoteId"],
        quote_id.as_str()
    );
    // A credit check that names another account than the quote's is refused.
    let other = json!({"quoteId": quote_id, "subAccountId": "TWNN1I"});
    let body = send(
        &app,
        as_client("sp-one", "secret-one", &other, "/creditCheck/aiab"),
    )
    .await
    .error(StatusCode::CONFLICT);
    assert!(text(&body["description"]).contains("U8GOM4"));
}

#[tokio::test(start_paused = true)]
async fn ids_repeat_when_the_flow_is_replayed_and_differ_for_a_repeated_request() {
    let run = || async {
        let app = app(|_| {});
        let (order_id, sub_order_id) = placed_order(&app).await;
        (app, order_id, sub_order_id)
    };
    let (app, first, first_sub) = run().await;
    let (_, second, second_sub) = run().await;
    assert_eq!(
        (&first, &first_sub),
        (&second, &second_sub),
        "a fresh mock replays the same ids"
    );
    // The same quote request twice in one flow: two quotes.
    let body = json!({"subAccountId": "U8GOM4"});
    let one = post(&app, "/opportunity-quote", &body).await.json()["quoteId"].clone();
    let two = post(&app, "/opportunity-quote", &body).await.json()["quoteId"].clone();
    assert_ne!(one, two);
    // After a reset, the replay gets the first ids again.
    let reset = send(
        &app,
        Request::delete("/__admin/flow")
            .body(Body::empty())
            .expect("a request"),
    )
    .await;
    assert_eq!(reset.status, StatusCode::OK);
    assert!(reset.json()["removed"].as_u64().is_some_and(|n| n >= 6));
    let (replayed, _) = placed_order(&app).await;
    assert_eq!(replayed, first);
}

#[tokio::test(start_paused = true)]
async fn each_client_keeps_at_most_the_capacity_of_each_kind() {
    let app = app(|config| config.flow_capacity = 2);
    let mut quotes = Vec::new();
    for n in 0..3 {
        let quote = post(
            &app,
            "/opportunity-quote",
            &json!({"subAccountId": format!("SUB{n}")}),
        )
        .await
        .json();
        quotes.push(text(&quote["quoteId"]));
    }
    post(&app, "/creditCheck/aiab", &json!({"quoteId": quotes[0]}))
        .await
        .error(StatusCode::NOT_FOUND);
    valid(
        &post(&app, "/creditCheck/aiab", &json!({"quoteId": quotes[2]})).await,
        SchemaName::CREDIT_CHECK_RESPONSE,
    );
    let listed = send(
        &app,
        Request::get("/__admin/flow")
            .body(Body::empty())
            .expect("a request"),
    )
    .await
    .json();
    let mine = &listed["clients"]["demo-client"];
    assert_eq!(mine["quotes"].as_array().map(Vec::len), Some(2));
    assert_eq!(listed["capacity"], 2);
    assert_eq!(listed["mode"], "strict");
}
