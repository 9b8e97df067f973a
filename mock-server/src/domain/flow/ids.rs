//! Ids as the real API shows them: Salesforce record ids of 18 characters (15 significant ones
//! plus the published case-checksum of three), with the key prefix of the record's type, plus the
//! plain numbers some answers carry.
//!
//! Every id is a pure function of a 64-bit key; the flow derives keys from the seed, the client
//! and the request, so a replayed flow gets the same ids.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

use crate::domain::generate::fnv1a;

/// The record types the flow creates, each with the key prefix its ids start with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An opportunity (`006`, Salesforce's standard prefix).
    Opportunity,
    /// A quote (`0Q0`, as in the portal's `0Q0KQ000000CvYs0AK`).
    Quote,
    /// A site of a quote (`a7l`, as in the portal's `a7ldx000000o0pdAAA`).
    Site,
    /// A product configuration (`a4C`; assumed).
    Config,
    /// A credit check (`a9X`, as in the portal's `a9X550000005tWzEAI`).
    CreditCheck,
    /// A contract (`800`, Salesforce's standard prefix).
    Contract,
    /// An order or a sub-order (`801`, as in the portal's `801Kf000004FnicIAC`).
    Order,
    /// An order item (`802`, as in the portal's `802Kf000006H3ktIAC`).
    OrderItem,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Opportunity => "006",
            Kind::Quote => "0Q0",
            Kind::Site => "a7l",
            Kind::Config => "a4C",
            Kind::CreditCheck => "a9X",
            Kind::Contract => "800",
            Kind::Order => "801",
            Kind::OrderItem => "802",
        }
    }
}

/// A key derived from another and a label: the ids of one record's parts (`"order"`,
/// `"item-2"`) differ, and stay the same for the same record.
pub(crate) fn derive(key: u64, label: &[u8]) -> u64 {
    fnv1a(key, label)
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// An 18-character id of `kind` for `key`: the prefix, a two-letter instance, four zeros, six
/// base-62 characters drawn from the key, then the checksum (`0Q0KQ0000` + `00CvYs` + `0AK`).
pub(crate) fn salesforce(kind: Kind, key: u64) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(key);
    let mut id = String::with_capacity(18);
    id.push_str(kind.prefix());
    // The instance part: two letters, like the portal's `KQ`, `Kf` and `dx`.
    for _ in 0..2 {
        id.push(char::from(BASE62[rng.random_range(10..62)]));
    }
    id.push_str("0000");
    for _ in 0..6 {
        id.push(char::from(BASE62[rng.random_range(0..62)]));
    }
    let checksum = checksum(&id);
    id.push_str(&checksum);
    id
}

/// The three characters Salesforce appends to a 15-character id so that it survives
/// case-insensitive handling: for each five characters, a bit per upper-case letter.
pub(crate) fn checksum(id15: &str) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    id15.as_bytes()
        .chunks(5)
        .take(3)
        .map(|chunk| {
            let bits = chunk
                .iter()
                .enumerate()
                .filter(|(_, byte)| byte.is_ascii_uppercase())
                .fold(0_usize, |bits, (at, _)| bits | (1 << at));
            char::from(ALPHABET[bits])
        })
        .collect()
}

/// `count` decimal digits drawn from `key`, not starting with 0.
pub(crate) fn digits(key: u64, count: usize) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(key);
    (0..count)
        .map(|at| {
            let low = if at == 0 { 1 } else { 0 };
            char::from(b'0' + rng.random_range(low..10_u8))
        })
        .collect()
}

/// A GUID drawn from `key`, upper-case, as eSign envelope ids are written.
pub(crate) fn guid(key: u64) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(key);
    let hex: String = (0..32)
        .map(|_| char::from(b"0123456789ABCDEF"[rng.random_range(0..16)]))
        .collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_is_the_one_of_the_portal_ids() {
        for id in [
            "0Q0KQ000000CvYs0AK",
            "801Kf000004FnicIAC",
            "a9X550000005tWzEAI",
            "802Kf000006H3ktIAC",
            "a7ldx000000o0pdAAA",
        ] {
            assert_eq!(checksum(&id[..15]), id[15..], "{id}");
        }
    }

    #[test]
    fn ids_have_the_prefix_the_length_and_a_valid_checksum() {
        for key in 0..200 {
            let id = salesforce(Kind::Quote, key);
            assert_eq!(id.len(), 18);
            assert!(id.starts_with("0Q0"));
            assert_eq!(checksum(&id[..15]), id[15..]);
            assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
        }
        assert_eq!(salesforce(Kind::Order, 7), salesforce(Kind::Order, 7));
        assert_ne!(salesforce(Kind::Order, 7), salesforce(Kind::Order, 8));
    }

    #[test]
    fn numbers_and_guids_have_their_shapes() {
        let number = digits(3, 9);
        assert_eq!(number.len(), 9);
        assert!(!number.starts_with('0'));
        let guid = guid(3);
        assert_eq!(guid.len(), 36);
        assert_eq!(guid.matches('-').count(), 4);
    }
}
