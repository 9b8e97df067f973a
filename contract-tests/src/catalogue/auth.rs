//! `auth`: client id enforcement. The gateway's 401 for missing or wrong credentials is
//! documented; the body of that 401 is not.

use crate::basis::Basis;
use crate::case::{Body, Call, Case, Credentials, Tag};
use crate::expectation::Expectation;

use super::KnownCustomer;

pub(super) fn cases(known: &KnownCustomer) -> Vec<Case> {
    let valid = Call::new(
        Body::Json(known.body.clone()),
        Expectation::Answer {
            presence: known.presence,
            expected_ids: Vec::new(),
        },
    );
    let refused = |credentials, reason: &str| {
        Call::new(
            Body::Json(known.body.clone()),
            Expectation::Rejected {
                status: 401,
                documented: true,
                reason: reason.to_owned(),
                rule: Basis::Documented,
            },
        )
        .with_credentials(credentials)
    };
    vec![
        Case::new(
            "auth::valid_credentials_are_accepted",
            &[Tag::Smoke, Tag::Auth],
            valid,
        ),
        Case::new(
            "auth::missing_client_id_is_rejected",
            &[Tag::Auth],
            refused(Credentials::MissingClientId, "a missing client_id"),
        ),
        Case::new(
            "auth::missing_client_secret_is_rejected",
            &[Tag::Auth],
            refused(Credentials::MissingClientSecret, "a missing client_secret"),
        ),
        Case::new(
            "auth::wrong_client_secret_is_rejected",
            &[Tag::Smoke, Tag::Auth],
            refused(Credentials::WrongSecret, "a wrong client_secret"),
        ),
    ]
}
