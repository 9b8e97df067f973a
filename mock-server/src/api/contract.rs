//! Contract, step 4 of the flow: `POST /contract/aiab` initiates a contract for a quote whose
//! credit check approved the sale and sends it for eSign; `GET /contract?quoteId=` shows where
//! the envelope is. Once signed, the quote is locked (documented).
//!
//! The envelope completes on its own after `--esign-after` seconds, as signed unless a `flow`
//! scenario says declined, expired or pending; the admin API completes it at once.

use std::sync::Arc;

use alliance_schemas::SchemaName;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::call::{self, Answer, Call};
use crate::domain::flow::ids::{self, derive};
use crate::domain::flow::ledger::DEFAULT_ESIGN;
use crate::domain::flow::records::EsignStatus;
use crate::domain::flow::steps;
use crate::domain::operation::Operation;
use crate::http::headers::{TRACE_ID, TRANSACTION_ID};
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewContract {
    quote_id: String,
}

/// `POST /contract/aiab`.
pub(crate) async fn initiate(State(state): State<Arc<AppState>>, request: Request) -> Response {
    call::serve(
        state,
        Operation::InitiateContractAiab,
        SchemaName::CONTRACT_REQUEST,
        request,
        initiate_contract,
    )
    .await
}

fn initiate_contract(call: Call<'_>) -> Answer {
    let request: NewContract = call::read(&call.value)?;
    let outcome = call
        .flow_change()
        .and_then(|change| change.esign)
        .unwrap_or(DEFAULT_ESIGN);
    let (contract, key) = call.step(|ledger, rules, key, now| {
        steps::initiate_contract(ledger, rules, key, &request.quote_id, outcome, now)
            .map(|contract| (contract, key))
    })?;
    let header = |name| {
        call.headers
            .get(name)
            .and_then(|value: &axum::http::HeaderValue| value.to_str().ok())
            .map(str::to_owned)
    };
    Ok((
        StatusCode::OK,
        json!({
            "code": 200,
            "message": "Success",
            "traceId": header(TRACE_ID).unwrap_or_default(),
            "description": "Contract initiated; the eSign envelope was sent to the signer.",
            "transactionId": header(TRANSACTION_ID)
                .unwrap_or_else(|| ids::guid(derive(key, b"transaction")).to_lowercase()),
            "esignRequestId": contract.esign_request_id,
        }),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ContractQuery {
    quote_id: String,
}

/// `GET /contract?quoteId=`.
pub(crate) async fn show(State(state): State<Arc<AppState>>, request: Request) -> Response {
    call::serve(
        state,
        Operation::GetContract,
        SchemaName::CONTRACT_QUERY,
        request,
        contract,
    )
    .await
}

fn contract(call: Call<'_>) -> Answer {
    let query: ContractQuery = call::read(&call.value)?;
    let flow = &call.state.flow;
    let (contract, now) = call.look(|ledger, rules, key, now| {
        steps::contract_of(ledger, rules, key, &query.quote_id, now).map(|found| (found, now))
    })?;
    let status = contract.status_at(now);
    let locked = status == EsignStatus::Signed;
    let signed_at = contract.signed_at(now);
    Ok((
        StatusCode::OK,
        json!({
            "quoteId": contract.quote_id,
            "contractId": contract.contract_id,
            "contractType": "Quote-Based",
            "esignRequestId": contract.esign_request_id,
            "contractStatus": status.as_str(),
            "quoteLocked": locked,
            "signedDate": signed_at.map(|at| call::rfc3339(flow.wall(at))),
        }),
    ))
}
