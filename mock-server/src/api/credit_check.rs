//! Credit check, step 3 of the flow: `POST /creditCheck/aiab` checks the quote's account; if it
//! fails, the sale cannot go on (documented). The answer's fields are the portal's example; the
//! verdict kept for the next steps is read from the answer as sent (after any `answer`
//! scenario), so a scenario that declines the check also stops the contract.

use std::sync::Arc;

use alliance_schemas::SchemaName;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::call::{self, Answer, Call};
use crate::domain::flow::ids::{self, derive};
use crate::domain::flow::records::CreditCheck;
use crate::domain::flow::steps;
use crate::domain::operation::Operation;
use crate::state::AppState;

/// The `approvalStatus` values that let the sale go on (the first is published).
const APPROVED: [&str; 2] = ["Auto-Approved", "Approved"];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewCreditCheck {
    quote_id: String,
    sub_account_id: Option<String>,
}

/// `POST /creditCheck/aiab`.
pub(crate) async fn check(State(state): State<Arc<AppState>>, request: Request) -> Response {
    call::serve(
        state,
        Operation::CreditCheckAiab,
        SchemaName::CREDIT_CHECK_REQUEST,
        request,
        credit_check,
    )
    .await
}

fn credit_check(call: Call<'_>) -> Answer {
    let request: NewCreditCheck = call::read(&call.value)?;
    let answer = call.step(|ledger, rules, key, _| {
        let prepared = steps::prepare_credit_check(
            ledger,
            rules,
            key,
            &request.quote_id,
            request.sub_account_id.as_deref(),
        );
        prepared.map(|id| {
            let mut answer = answer(&id, key);
            call.shape(&mut answer);
            let approval_status = answer["approvalStatus"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let approved = answer["noErrorFlag"] == Value::Bool(true)
                && APPROVED.contains(&approval_status.as_str());
            steps::record_credit_check(
                ledger,
                rules,
                CreditCheck {
                    credit_check_id: id,
                    quote_id: request.quote_id.clone(),
                    approval_status,
                    approved,
                },
            );
            answer
        })
    })?;
    Ok((StatusCode::OK, answer))
}

/// The published example's answer with this check's id and numbers.
fn answer(credit_check_id: &str, key: u64) -> Value {
    let application: u64 = ids::digits(derive(key, b"cas"), 12)
        .parse()
        .unwrap_or(311_017_367_245);
    json!({
        "errorCode": "",
        "bureauName": "CAS DEFAULT",
        "noErrorFlag": true,
        "creditClass": "LOW",
        "creditCheckId": credit_check_id,
        "pastDueAmount": "",
        "accountBalance": "",
        "approvalStatus": APPROVED[0],
        "isRefusedToPay": "",
        "logErrorMessage": null,
        "displayErrorPage": false,
        "minimumAmountDue": "",
        "creditDestination": "B",
        "approvalStatusNotes": "N/A",
        "casApplicationNumber": application,
        "individualCustomerKey": "000000000",
        "affiliateAccountNumber": "",
        "isDebtResolutionPending": false,
        "unifiedCreditTransactionId": format!("U{}", ids::digits(derive(key, b"uct"), 17)),
        "isUpdatedApplicationRequired": false,
        "isIdentityVerificationRequired": false,
    })
}
