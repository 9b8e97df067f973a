//! Quote, step 2 of the flow: `POST /opportunity-quote` makes an opportunity and a quote for a
//! looked-up account; `POST /site` adds a site; `POST /config/aiab` adds a product configuration
//! with its price offer (after the credit check, as documented for AIAB).
//!
//! The portal documents what these calls do, not their fields: the bodies are assumed (see
//! `schemas/quote-*.schema.json`, `site-*`, `config-*`).

use std::sync::Arc;

use alliance_schemas::SchemaName;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::call::{self, Answer, Call, refused};
use crate::domain::flow::error::FlowError;
use crate::domain::flow::records::{AccountRef, Product};
use crate::domain::flow::steps;
use crate::domain::operation::Operation;
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewQuote {
    sub_account_id: String,
    account_name: Option<String>,
    product_id: Option<String>,
}

/// `POST /opportunity-quote`.
pub(crate) async fn create(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let operation = Operation::CreateOpportunityQuote;
    call::serve(
        state,
        operation,
        SchemaName::QUOTE_REQUEST,
        request,
        create_quote,
    )
    .await
}

fn create_quote(call: Call<'_>) -> Answer {
    let request: NewQuote = call::read(&call.value)?;
    let product = Product::from_id(request.product_id.as_deref()).ok_or_else(|| {
        refused(FlowError::UnknownProduct {
            product_id: request.product_id.clone().unwrap_or_default(),
        })
    })?;
    // The account as the lookup answered it, when the account book holds it.
    let account_name = request.account_name.clone().or_else(|| {
        let fixtures = call.state.fixtures.load();
        fixtures
            .book
            .entries()
            .iter()
            .find(|entry| entry.account.sub_account_id.as_deref() == Some(&request.sub_account_id))
            .map(|entry| entry.account.account_name.clone())
    });
    let account = AccountRef {
        sub_account_id: request.sub_account_id,
        account_name,
    };
    let quote = call.step(|ledger, rules, key, now| {
        Ok(steps::create_quote(
            ledger,
            rules,
            key,
            account.clone(),
            product,
            now,
        ))
    })?;
    Ok((
        StatusCode::OK,
        json!({
            "status": "Success",
            "statusMessage": "Opportunity and quote created",
            "opportunityId": quote.opportunity_id,
            "quoteId": quote.quote_id,
            "subAccountId": quote.account.sub_account_id,
            "accountName": quote.account.account_name,
            "productId": quote.product.id(),
        }),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewSite {
    quote_id: String,
    site_name: Option<String>,
    address: SiteAddress,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SiteAddress {
    street: String,
    city: String,
    state: String,
    zip_code: String,
}

/// `POST /site`.
pub(crate) async fn add_site(State(state): State<Arc<AppState>>, request: Request) -> Response {
    call::serve(
        state,
        Operation::AddSite,
        SchemaName::SITE_REQUEST,
        request,
        site,
    )
    .await
}

fn site(call: Call<'_>) -> Answer {
    let request: NewSite = call::read(&call.value)?;
    let address = &request.address;
    let label = request.site_name.clone().unwrap_or_else(|| {
        format!(
            "{}, {}, {} {}",
            address.street, address.city, address.state, address.zip_code
        )
    });
    let site = call.step(|ledger, rules, key, now| {
        steps::add_site(ledger, rules, key, &request.quote_id, label.clone(), now)
    })?;
    Ok((
        StatusCode::OK,
        json!({
            "status": "Success",
            "statusMessage": "Site added",
            "quoteId": request.quote_id,
            "siteId": site.site_id,
        }),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewConfig {
    quote_id: String,
    site_id: Option<String>,
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    name: String,
    code: Option<String>,
    value: String,
}

/// `POST /config/aiab`.
pub(crate) async fn add_config(State(state): State<Arc<AppState>>, request: Request) -> Response {
    call::serve(
        state,
        Operation::AddConfigAiab,
        SchemaName::CONFIG_REQUEST,
        request,
        config,
    )
    .await
}

fn config(call: Call<'_>) -> Answer {
    let request: NewConfig = call::read(&call.value)?;
    // The port speed, by the sister API's name or code for it; 100M when not given.
    let speed = request
        .features
        .iter()
        .find(|f| {
            f.name.eq_ignore_ascii_case("Port Speed") || f.code.as_deref() == Some("ATT_SPEED")
        })
        .map_or_else(|| "100M".to_owned(), |f| f.value.clone());
    let (config, product) = call.step(|ledger, rules, key, now| {
        steps::add_config(
            ledger,
            rules,
            key,
            &request.quote_id,
            request.site_id.clone(),
            speed.clone(),
            now,
        )
    })?;
    Ok((
        StatusCode::OK,
        json!({
            "status": "Success",
            "statusMessage": "Configuration added",
            "quoteId": request.quote_id,
            "configId": config.config_id,
            "portSpeed": config.speed,
            "priceOffer": price_offer(product, &config.speed),
        }),
    ))
}

/// The price offer of a configuration: a fixed table by product and speed (assumed figures;
/// the portal publishes none).
fn price_offer(product: Product, speed: &str) -> Value {
    let megabits: u32 = speed
        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .unwrap_or(100);
    let megabits = if speed.to_ascii_uppercase().ends_with('G') {
        megabits.saturating_mul(1000)
    } else {
        megabits
    };
    let (access, port) = match product {
        Product::DedicatedInternet => (150 + megabits / 20, 99 + megabits / 10),
        Product::InternetAir => (0, 60 + megabits / 50),
    };
    json!({
        "currency": "USD",
        "access": format!("{access}.00"),
        "port": format!("{port}.00"),
        "installation": "0.00",
        "discountRange": {"minPercent": 0, "maxPercent": 15},
        "promotions": [{"code": "WAIVE_INSTALL", "description": "Installation waived"}],
    })
}
