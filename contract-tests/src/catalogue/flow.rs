//! `flow`: the Ordering flow from the lookup to the order's status, each step's body built from
//! the document's example with the ids of earlier answers put in; and `behaviour` cases that
//! check each step refuses what comes out of order.
//!
//! The order of the steps is documented (credit check before the contract, a signed contract
//! before the order, the order before enrichment and status); the statuses of a refusal (404,
//! 409) and the names of most ids are the mock's assumptions.

use serde_json::{Value, json};

use crate::api::Api;
use crate::basis::Basis;
use crate::case::{Body, Call, Case, Tag, Wait};
use crate::expectation::{Expectation, Field};

use super::KnownCustomer;

/// The `contractStatus` of a contract waiting for its signature (assumed).
const ESIGN_PENDING: &str = "Sent";

/// A quote id nobody made: the shape of a quote's id, never created by a flow.
pub(crate) const UNKNOWN_QUOTE: &str = "0Q0KQ000000NeVeRAA";

/// An order id nobody made.
pub(crate) const UNKNOWN_ORDER: &str = "801KQ000000NeVeRAA";

/// A valid call to `operation` with its document example as the body, `spId` set to the run's.
pub(crate) fn example_call(api: &Api, operation: &str, sp_id: &str) -> Call {
    let op = api.expect(operation);
    let body = op.example.clone().map(|mut body| {
        if let Some(Value::Object(map)) = Some(&mut body)
            && map.contains_key("spId")
        {
            map.insert("spId".to_owned(), json!(sp_id));
        }
        Body::Json(body)
    });
    let mut call = Call::to(operation, body, success(&[]));
    for parameter in &op.query {
        if let Some(example) = &parameter.example {
            let text = example
                .as_str()
                .map_or_else(|| example.to_string(), str::to_owned);
            call = call.with_query(&parameter.name, text);
        }
    }
    call
}

fn success(fields: &[Field]) -> Expectation {
    Expectation::Success {
        fields: fields.to_vec(),
    }
}

/// A lookup of the known customer that captures its `subAccountId`.
fn lookup(known: &KnownCustomer) -> Call {
    Call::new(
        Body::Json(known.body.clone()),
        Expectation::Answer {
            presence: known.presence,
            expected_ids: Vec::new(),
        },
    )
    .capture("subAccountId", &["/0/subAccountId"])
}

fn quote(api: &Api, sp_id: &str) -> Call {
    let mut call = example_call(api, "createOpportunityQuote", sp_id)
        .fill("/subAccountId", "subAccountId")
        .capture("quoteId", &["/quoteId"]);
    call.expect = success(&[Field::carries("/subAccountId", "subAccountId")]);
    call
}

fn credit_check(api: &Api, sp_id: &str) -> Call {
    let mut call = example_call(api, "creditCheckAiab", sp_id)
        .fill("/quoteId", "quoteId")
        .fill("/subAccountId", "subAccountId")
        .capture("creditCheckId", &["/creditCheckId"]);
    call.expect = success(&[]);
    call
}

fn contract(api: &Api, sp_id: &str) -> Call {
    example_call(api, "initiateContractAiab", sp_id)
        .fill("/quoteId", "quoteId")
        .capture("esignRequestId", &["/esignRequestId"])
}

fn order(api: &Api, sp_id: &str) -> Call {
    let mut call = example_call(api, "createOrder", sp_id)
        .fill("/quoteId", "quoteId")
        .capture("orderId", &["/orderId"])
        .capture(
            "subOrderId",
            &["/subOrder/subOrderId", "/subOrder/0/subOrderId"],
        );
    call.expect = success(&[]);
    call
}

/// The whole flow, each step's answer checked and its ids carried to the next.
fn happy_path(api: &Api, sp_id: &str, known: &KnownCustomer) -> Case {
    let step = |operation: &str| example_call(api, operation, sp_id);
    let mut site = step("addSite")
        .fill("/quoteId", "quoteId")
        .capture("siteId", &["/siteId"]);
    site.expect = success(&[Field::carries("/quoteId", "quoteId")]);
    let mut config = step("addConfigAiab")
        .fill("/quoteId", "quoteId")
        .fill("/siteId", "siteId");
    config.expect = success(&[Field::carries("/quoteId", "quoteId")]);
    let mut signed = step("getContract")
        .fill_query("quoteId", "quoteId")
        .capture("contractId", &["/contractId"])
        .waiting(Wait::While {
            pointer: "/contractStatus".to_owned(),
            values: vec![json!(ESIGN_PENDING)],
        });
    signed.expect = success(&[
        Field::carries("/quoteId", "quoteId"),
        Field::carries("/esignRequestId", "esignRequestId"),
        Field::equals("/contractStatus", json!("Signed")),
    ]);
    let enrich = |operation: &str| {
        let mut call = step(operation)
            .fill("/orderId", "orderId")
            .fill("/subOrderId", "subOrderId");
        call.expect = success(&[
            Field::carries("/orderId", "orderId"),
            Field::carries("/subOrderId", "subOrderId"),
        ]);
        call
    };
    let mut billing = step("enrichBilling")
        .fill("/subOrderId", "subOrderId")
        .fill("/subAccountId", "subAccountId");
    billing.expect = success(&[]);
    let mut status = step("getOrderStatus")
        .fill_query("externalIdentifierId", "orderId")
        .with_query("externalIdentifierType", "OrderNumber")
        .waiting(Wait::UntilChanged {
            pointer: "/responseData/orderStatus".to_owned(),
        });
    status.expect = success(&[Field::carries("/responseData/orderId", "orderId")]);
    Case::flow(
        "flow::quote_to_order_status_carries_every_id",
        &[Tag::Flow, Tag::Schema, Tag::Behaviour],
        vec![
            lookup(known),
            quote(api, sp_id),
            site,
            credit_check(api, sp_id),
            config,
            contract(api, sp_id),
            signed,
            order(api, sp_id),
            enrich("enrichInstallation"),
            enrich("enrichShippingAiab"),
            billing,
            status,
        ],
    )
}

/// A refusal of a step out of order: any 4xx, the exact status assumed; accepting it breaks the
/// documented order of the flow.
fn refused(status: u16, reason: &str) -> Expectation {
    Expectation::Rejected {
        status,
        documented: false,
        reason: reason.to_owned(),
        rule: Basis::Documented,
    }
}

fn prerequisites(api: &Api, sp_id: &str, known: &KnownCustomer) -> Vec<Case> {
    let tags = &[Tag::Flow, Tag::Behaviour];
    let unknown_quote = |operation: &str, status: u16, reason: &str| {
        let mut call = example_call(api, operation, sp_id);
        if let Some(Body::Json(body)) = &mut call.body {
            body["quoteId"] = json!(UNKNOWN_QUOTE);
        }
        call.expect = refused(status, reason);
        call
    };
    let unknown_order = |operation: &str, reason: &str| {
        let mut call = example_call(api, operation, sp_id);
        if let Some(Body::Json(body)) = &mut call.body {
            body["orderId"] = json!(UNKNOWN_ORDER);
        }
        call.expect = refused(404, reason);
        call
    };
    let mut contract_first = contract(api, sp_id);
    contract_first.expect = refused(409, "a contract for a quote without a credit check");
    let mut order_first = order(api, sp_id);
    order_first.expect = refused(404, "an order for a quote without a contract");
    let status_unknown = example_call(api, "getOrderStatus", sp_id)
        .with_query("externalIdentifierId", UNKNOWN_ORDER)
        .with_query("externalIdentifierType", "OrderNumber");
    let mut status_unknown = status_unknown;
    status_unknown.expect = refused(404, "the status of an order nobody made");
    vec![
        Case::new(
            "behaviour::credit_check_for_an_unknown_quote_is_refused",
            tags,
            unknown_quote(
                "creditCheckAiab",
                404,
                "a credit check of a quote nobody made",
            ),
        ),
        Case::flow(
            "behaviour::contract_needs_an_approved_credit_check",
            tags,
            vec![lookup(known), quote(api, sp_id), contract_first],
        ),
        Case::flow(
            "behaviour::order_needs_a_signed_contract",
            tags,
            vec![
                lookup(known),
                quote(api, sp_id),
                credit_check(api, sp_id),
                order_first,
            ],
        ),
        Case::new(
            "behaviour::enrichment_of_an_unknown_order_is_refused",
            tags,
            unknown_order(
                "enrichInstallation",
                "an installation of an order nobody made",
            ),
        ),
        Case::new(
            "behaviour::status_of_an_unknown_order_is_refused",
            tags,
            status_unknown,
        ),
    ]
}

/// The flow's cases: the happy path, then the prerequisites.
pub(super) fn cases(api: &Api, sp_id: &str, known: &KnownCustomer) -> Vec<Case> {
    let mut cases = vec![happy_path(api, sp_id, known)];
    cases.extend(prerequisites(api, sp_id, known));
    cases
}
