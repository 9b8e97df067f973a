//! The fields of a generated account other than its name and address: ids in the shapes of the
//! portal's examples, statuses drawn from the values the documentation shows, nulls where the
//! examples have them, with frequencies meant to look like a real book of customers.

use rand::RngExt;
use rand::rngs::ChaCha8Rng;

use crate::domain::account::{Account, AccountAddress};

/// A complete account around a name and an address. The draws happen in a fixed order, so
/// the same generator state always gives the same account.
pub(super) fn account(
    account_address: AccountAddress,
    account_name: String,
    rng: &mut ChaCha8Rng,
) -> Account {
    let has_partner = rng.random_bool(0.55);
    let account_id = salesforce_id(rng);
    let acid = match (rng.random_bool(0.6), rng.random_bool(0.6)) {
        (false, _) => None,
        (true, true) => Some(shaped(rng, "99999")),
        (true, false) => Some(shaped(rng, "999A999")),
    };
    let sales_segment = pick_nullable(
        rng,
        0.75,
        &[
            "Enterprise",
            "Mid-Market",
            "Small Business",
            "indirect sales test",
        ],
    );
    let sub_account_id = if rng.random_bool(0.95) {
        let len = rng.random_range(4..=6);
        Some(shaped(rng, &"UUUUUU"[..len]))
    } else {
        None
    };
    let contract_status = pick_nullable(rng, 0.4, &["Active (Remote)"]);
    let (parent_partner_acc_id, partner_id) = if has_partner {
        let parent_shape = if rng.random_bool(0.5) {
            "999999"
        } else {
            "999AAA"
        };
        (Some(shaped(rng, parent_shape)), Some(shaped(rng, "99AA99")))
    } else {
        (None, None)
    };
    Account {
        account_address,
        account_name,
        account_id,
        acid,
        sales_segment,
        sub_account_id,
        contract_status,
        parent_partner_acc_id,
        partner_id,
        loa_status: pick(rng, &[("Y", 55), ("N", 45)]).to_owned(),
        alliance_status: pick(rng, &[("OPPORTUNITY", 60), ("ATT ONLY", 40)]).to_owned(),
        account_status: pick_nullable(
            rng,
            0.1,
            &["Active", "Active", "Active", "Active", "Inactive"],
        ),
        exception: pick(rng, &[("NA", 50), ("N", 44), ("Y", 6)]).to_owned(),
    }
}

/// An 18-character Salesforce-style account id: key prefix `001`, a pod, zeros, a random
/// record part, and the 3-character case-checksum suffix Salesforce appends to 15-character ids.
fn salesforce_id(rng: &mut ChaCha8Rng) -> String {
    let mut id = shaped(rng, "0019a0000xxxxxx");
    let checksum: Vec<char> = id.as_bytes().chunks(5).map(case_checksum).collect();
    id.extend(checksum);
    id
}

/// The bits of a 5-character chunk's upper-case letters, as one character of `A..Z0..5`.
fn case_checksum(chunk: &[u8]) -> char {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    let bits = chunk
        .iter()
        .enumerate()
        .filter(|(_, b)| b.is_ascii_uppercase())
        .fold(0, |acc, (i, _)| acc | (1 << i));
    char::from(ALPHABET[bits])
}

/// A random text in a shape: `9` a digit, `A` an upper-case letter, `a` a lower-case letter,
/// `U` an upper-case letter or digit, `x` any letter or digit; other characters stand for
/// themselves.
fn shaped(rng: &mut ChaCha8Rng, shape: &str) -> String {
    const DIGITS: &[u8] = b"0123456789";
    const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
    const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    shape
        .chars()
        .map(|c| {
            let alphabet = match c {
                '9' => DIGITS,
                'A' => UPPER,
                'a' => LOWER,
                'U' => UPPER_DIGITS,
                'x' => ALPHANUMERIC,
                literal => return literal,
            };
            char::from(alphabet[rng.random_range(0..alphabet.len())])
        })
        .collect()
}

/// One of `values` by weight.
fn pick<'a>(rng: &mut ChaCha8Rng, values: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = values.iter().map(|(_, weight)| weight).sum();
    let mut roll = rng.random_range(0..total);
    for (value, weight) in values {
        if roll < *weight {
            return value;
        }
        roll -= weight;
    }
    values[0].0
}

/// `None` with probability `null`, otherwise one of `values`.
fn pick_nullable(rng: &mut ChaCha8Rng, null: f64, values: &[&str]) -> Option<String> {
    if rng.random_bool(null) {
        None
    } else {
        Some(values[rng.random_range(0..values.len())].to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_matches_the_portal_example_id() {
        // 0013g00000cUIRtAAO from the reference page.
        let checksum: String = b"0013g00000cUIRt".chunks(5).map(case_checksum).collect();
        assert_eq!(checksum, "AAO");
    }
}
