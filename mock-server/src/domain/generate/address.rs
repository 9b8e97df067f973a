//! Street addresses that hold the requested street words.

use crate::domain::search::StreetWords;
use fake::Fake;
use fake::faker::name::en::LastName;
use rand::RngExt;
use rand::rngs::ChaCha8Rng;

/// Street types as USPS abbreviates them; a street that ends in one needs no other.
const STREET_TYPES: &[&str] = &[
    "ST", "AVE", "RD", "BLVD", "DR", "PKWY", "LN", "WAY", "HWY", "CT", "PL", "CIR", "TRL", "FWY",
    "SQ", "TER",
];

/// Street names that are common across the US.
const COMMON_NAMES: &[&str] = &[
    "MAIN",
    "OAK",
    "ELM",
    "MAPLE",
    "PARK",
    "CEDAR",
    "PINE",
    "LAKE",
    "HILL",
    "WASHINGTON",
    "LINCOLN",
    "JEFFERSON",
    "FRANKLIN",
    "COMMERCE",
    "INDUSTRIAL",
    "CENTRAL",
    "MARKET",
    "CHURCH",
    "RIVER",
    "SPRING",
    "VALLEY",
    "HIGHLAND",
    "SUNSET",
    "COLLEGE",
    "LEGACY",
    "EXECUTIVE",
    "CORPORATE",
    "TECHNOLOGY",
    "BUSINESS PARK",
    "GATEWAY",
];

/// Direction prefixes as USPS abbreviates them.
const DIRECTIONS: &[&str] = &["N", "S", "E", "W"];

/// An upper-case street: the requested words in order (so each starts a word of the street),
/// completed with a house number and a street type where the request has none, and now and then
/// a suite. With no requested words, a whole generated street.
pub(super) fn street(requested: &StreetWords, rng: &mut ChaCha8Rng) -> String {
    let mut words: Vec<String> = Vec::with_capacity(8);
    let starts_with_number = requested
        .iter()
        .next()
        .is_some_and(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()));
    if !starts_with_number {
        words.push(house_number(rng));
    }
    if requested.is_empty() {
        if rng.random_bool(0.2) {
            words.push(DIRECTIONS[rng.random_range(0..DIRECTIONS.len())].to_owned());
        }
        if rng.random_bool(0.6) {
            words.push(COMMON_NAMES[rng.random_range(0..COMMON_NAMES.len())].to_owned());
        } else {
            words.push(LastName().fake_with_rng::<String, _>(rng).to_uppercase());
        }
    } else {
        words.extend(requested.iter().map(str::to_uppercase));
    }
    let has_type = words
        .last()
        .is_some_and(|w| STREET_TYPES.contains(&w.as_str()));
    if !has_type {
        words.push(STREET_TYPES[rng.random_range(0..STREET_TYPES.len())].to_owned());
    }
    if rng.random_bool(0.25) {
        words.push(format!("STE {}", rng.random_range(1..=40) * 50));
    }
    words.join(" ")
}

fn house_number(rng: &mut ChaCha8Rng) -> String {
    // Mostly three or four digits, as business addresses are.
    let digits = if rng.random_bool(0.7) { 4 } else { 3 };
    let low = 10_u32.pow(digits - 1);
    rng.random_range(low..low * 10).to_string()
}
