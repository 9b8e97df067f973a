//! The flow's state machine under any sequence of steps: the records stay bounded, ids stay
//! unique, and in strict mode a step succeeds only when what must come first happened.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use proptest::prelude::*;

use super::error::FlowError;
use super::ledger::{Ledger, OrderRef, Rules};
use super::records::{AccountRef, CreditCheck, EsignOutcome, EsignStatus, Product};
use super::steps::{self, Enrichment, NewOrder};

#[derive(Debug, Clone)]
enum Step {
    Quote(u8),
    Credit(u8, bool),
    Contract(u8, EsignOutcome),
    Wait(u64),
    Order(u8, Option<bool>),
    Enrich(u8, u8),
    ForceEsign(u8, bool),
}

fn step() -> impl Strategy<Value = Step> {
    let outcome = prop_oneof![
        Just(EsignOutcome::Signed),
        Just(EsignOutcome::Declined),
        Just(EsignOutcome::Expired),
        Just(EsignOutcome::Pending),
    ];
    prop_oneof![
        (0..3_u8).prop_map(Step::Quote),
        (0..6_u8, any::<bool>()).prop_map(|(q, ok)| Step::Credit(q, ok)),
        (0..6_u8, outcome).prop_map(|(q, o)| Step::Contract(q, o)),
        (0..8_u64).prop_map(Step::Wait),
        (0..6_u8, prop::option::of(any::<bool>())).prop_map(|(q, t)| Step::Order(q, t)),
        (0..6_u8, 0..3_u8).prop_map(|(o, k)| Step::Enrich(o, k)),
        (0..6_u8, any::<bool>()).prop_map(|(q, s)| Step::ForceEsign(q, s)),
    ]
}

fn rules(strict: bool) -> Rules {
    Rules {
        strict,
        esign_after: Duration::from_secs(3),
        order_statuses: vec!["IN_PROGRESS".into(), "COMPLETED".into()],
        status_every: Duration::from_secs(5),
        capacity: 3,
    }
}

/// What the test itself remembers of each quote, independent of the ledger.
#[derive(Default)]
struct Model {
    quote_ids: Vec<String>,
    approved: BTreeMap<String, bool>,
    ordered: BTreeSet<String>,
}

fn run(strict: bool, script: &[Step]) {
    let rules = rules(strict);
    let mut ledger = Ledger::default();
    let mut model = Model::default();
    let mut now = Duration::ZERO;
    let mut key = 0_u64;
    let mut all_ids = BTreeSet::new();
    for step in script {
        key += 1;
        let quote_of = |model: &Model, at: u8| {
            model
                .quote_ids
                .get(usize::from(at))
                .cloned()
                .unwrap_or_else(|| format!("0Q0UNKNOWN{at:08}"))
        };
        match step {
            Step::Quote(account) => {
                let account = AccountRef {
                    sub_account_id: format!("SUB{account}"),
                    account_name: None,
                };
                let quote = steps::create_quote(
                    &mut ledger,
                    &rules,
                    key,
                    account,
                    Product::DedicatedInternet,
                    now,
                );
                assert!(all_ids.insert(quote.quote_id.clone()), "a quote id repeats");
                model.quote_ids.push(quote.quote_id);
            }
            Step::Credit(at, approved) => {
                let quote_id = quote_of(&model, *at);
                match steps::prepare_credit_check(&ledger, &rules, key, &quote_id, None) {
                    Ok(id) => {
                        assert!(!strict || ledger.quote(&quote_id).is_some());
                        steps::record_credit_check(
                            &mut ledger,
                            &rules,
                            CreditCheck {
                                credit_check_id: id,
                                quote_id: quote_id.clone(),
                                approval_status: if *approved {
                                    "Auto-Approved"
                                } else {
                                    "Declined"
                                }
                                .into(),
                                approved: *approved,
                            },
                        );
                        model.approved.insert(quote_id, *approved);
                    }
                    Err(error) => {
                        assert!(strict, "lenient refused a credit check: {error}");
                        assert!(matches!(error, FlowError::UnknownQuote { .. }));
                    }
                }
            }
            Step::Contract(at, outcome) => {
                let quote_id = quote_of(&model, *at);
                let result =
                    steps::initiate_contract(&mut ledger, &rules, key, &quote_id, *outcome, now);
                match result {
                    Ok(_) => assert!(
                        !strict || model.approved.get(&quote_id) == Some(&true),
                        "a contract without an approved credit check"
                    ),
                    Err(error) => assert!(strict, "lenient refused a contract: {error}"),
                }
            }
            Step::Wait(secs) => now += Duration::from_secs(*secs),
            Step::Order(at, terms) => {
                let quote_id = quote_of(&model, *at);
                let signed = ledger
                    .contract(&quote_id)
                    .is_some_and(|c| c.status_at(now) == EsignStatus::Signed);
                let result = steps::create_order(
                    &mut ledger,
                    &rules,
                    key,
                    NewOrder {
                        quote_id: quote_id.clone(),
                        terms_accepted: *terms,
                        statuses: None,
                    },
                    now,
                );
                match result {
                    Ok(order) => {
                        assert_ne!(*terms, Some(false), "terms refused, order placed");
                        if strict {
                            assert!(signed, "an order without a signed contract");
                            assert!(model.ordered.insert(quote_id), "two orders for one quote");
                        }
                        assert_eq!(order.items.len(), 4);
                        assert!(
                            all_ids.insert(order.order_id.clone()),
                            "an order id repeats"
                        );
                    }
                    Err(FlowError::TermsNotAccepted) => assert_eq!(*terms, Some(false)),
                    Err(error) => assert!(strict, "lenient refused an order: {error}"),
                }
            }
            Step::Enrich(at, kind) => {
                let order_id = ledger
                    .orders
                    .get(usize::from(*at))
                    .map_or_else(|| "801UNKNOWN".to_owned(), |o| o.order_id.clone());
                let exists = ledger.order(OrderRef::OrderId(&order_id)).is_some();
                let enrichment = match kind {
                    0 => Enrichment::Installation,
                    1 => Enrichment::Shipping,
                    _ => Enrichment::Billing { name: None },
                };
                let result = steps::enrich(
                    &mut ledger,
                    &rules,
                    key,
                    OrderRef::OrderId(&order_id),
                    None,
                    enrichment,
                );
                assert_eq!(result.is_ok(), exists || !strict, "{result:?}");
            }
            Step::ForceEsign(at, signed) => {
                let quote_id = quote_of(&model, *at);
                let status = if *signed {
                    EsignStatus::Signed
                } else {
                    EsignStatus::Declined
                };
                let had = ledger.contract(&quote_id).is_some();
                assert_eq!(ledger.force_esign(&quote_id, status), had);
            }
        }
        // Bounded, whatever happened.
        assert!(ledger.quotes.len() <= rules.capacity);
        assert!(ledger.credit_checks.len() <= rules.capacity);
        assert!(ledger.contracts.len() <= rules.capacity);
        assert!(ledger.orders.len() <= rules.capacity);
        for order in &ledger.orders {
            assert!(order.billing_accounts.len() <= rules.capacity);
            assert!(
                rules
                    .order_statuses
                    .iter()
                    .any(|s| s == order.status_at(now))
            );
        }
        let contracts: BTreeSet<&str> = ledger
            .contracts
            .iter()
            .map(|c| c.quote_id.as_str())
            .collect();
        assert_eq!(
            contracts.len(),
            ledger.contracts.len(),
            "two contracts for one quote"
        );
    }
}

proptest! {
    #[test]
    fn strict_flow_holds_its_rules_under_any_sequence(script in prop::collection::vec(step(), 1..60)) {
        run(true, &script);
    }

    #[test]
    fn lenient_flow_accepts_every_well_formed_step(script in prop::collection::vec(step(), 1..60)) {
        run(false, &script);
    }
}

#[test]
fn the_published_order_of_steps_leads_to_a_completed_order() -> Result<(), FlowError> {
    let rules = rules(true);
    let mut ledger = Ledger::default();
    let mut now = Duration::ZERO;
    let account = AccountRef {
        sub_account_id: "U8GOM4".into(),
        account_name: Some("AT&T CLOUD TEST FOUNDRY".into()),
    };
    let quote = steps::create_quote(
        &mut ledger,
        &rules,
        1,
        account,
        Product::DedicatedInternet,
        now,
    );
    let order = |ledger: &mut Ledger, now| {
        steps::create_order(
            ledger,
            &rules,
            9,
            NewOrder {
                quote_id: quote.quote_id.clone(),
                terms_accepted: Some(true),
                statuses: None,
            },
            now,
        )
    };
    assert!(matches!(
        steps::initiate_contract(
            &mut ledger,
            &rules,
            2,
            &quote.quote_id,
            EsignOutcome::Signed,
            now
        ),
        Err(FlowError::CreditCheckMissing { .. })
    ));
    let id = steps::prepare_credit_check(&ledger, &rules, 3, &quote.quote_id, Some("U8GOM4"))?;
    steps::record_credit_check(
        &mut ledger,
        &rules,
        CreditCheck {
            credit_check_id: id,
            quote_id: quote.quote_id.clone(),
            approval_status: "Auto-Approved".into(),
            approved: true,
        },
    );
    steps::initiate_contract(
        &mut ledger,
        &rules,
        4,
        &quote.quote_id,
        EsignOutcome::Signed,
        now,
    )?;
    assert!(matches!(
        order(&mut ledger, now),
        Err(FlowError::ContractNotSigned {
            status: EsignStatus::Sent,
            ..
        })
    ));
    now += Duration::from_secs(3);
    assert!(ledger.is_locked(&quote.quote_id, now));
    assert!(matches!(
        steps::add_site(&mut ledger, &rules, 5, &quote.quote_id, "HQ".into(), now),
        Err(FlowError::QuoteLocked { .. })
    ));
    let placed = order(&mut ledger, now)?;
    assert_eq!(
        placed
            .items
            .iter()
            .map(|i| i.order_item_type.as_str())
            .collect::<Vec<_>>(),
        [
            "AT&T Dedicated Internet (Mid Market)",
            "Access",
            "Port",
            "ADI Install"
        ]
    );
    assert!(matches!(
        order(&mut ledger, now),
        Err(FlowError::OrderExists { .. })
    ));
    let status = |now| {
        steps::order_status(
            &ledger,
            &rules,
            0,
            steps::StatusSearch::Order(&placed.order_number),
            now,
        )
    };
    assert_eq!(status(now)?[0].order_status, "IN_PROGRESS");
    assert_eq!(
        status(now + Duration::from_secs(5))?[0].order_status,
        "COMPLETED"
    );
    Ok(())
}
