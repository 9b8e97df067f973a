//! How long checking one answer takes: a 200 of five accounts through the whole contract check
//! (schema and known values), and the response schema alone.

use std::hint::black_box;

use contract_tests::{Contract, Mode, SchemaName, Strictness};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;

const FOUNDRY: &str = r#"{"accountAddress":{"city":"PLANO","country":"USA","state":"TX",
    "street":"2900 W PLANO PKWY","zipCode":"750758004"},"accountName":"AT&T CLOUD TEST FOUNDRY",
    "accountId":"0013g00000cUIRtAAO","acid":null,"salesSegment":null,"subAccountId":"U8GOM4",
    "contractStatus":null,"parentPartnerAccId":null,"partnerId":null,"loaStatus":"N",
    "allianceStatus":"ATT ONLY","accountStatus":"Inactive","exception":"N"}"#;

fn validate_five_accounts(c: &mut Criterion) {
    let contract = Contract::load().expect("the embedded schemas load");
    let body = format!("[{}]", [FOUNDRY; 5].join(","));
    let value: Value = serde_json::from_str(&body).expect("JSON");
    c.bench_function("check_lookup_answer/200 with 5 accounts", |b| {
        b.iter(|| contract.check_lookup_answer(200, black_box(body.as_bytes()), Mode::Strict));
    });
    c.bench_function("validate/lookup-response with 5 accounts", |b| {
        b.iter(|| {
            contract.schemas().validate(
                SchemaName::LOOKUP_RESPONSE,
                Strictness::AsWritten,
                black_box(&value),
            )
        });
    });
}

criterion_group!(benches, validate_five_accounts);
criterion_main!(benches);
