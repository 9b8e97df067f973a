//! Company-like account names that match the requested name.

use fake::Fake;
use fake::faker::name::en::LastName;
use rand::RngExt;
use rand::rngs::ChaCha8Rng;

/// Words companies put after their name, as End-Customer Lookup shows them (upper case).
const SUFFIXES: &[&str] = &[
    "LLC",
    "INC",
    "HOLDINGS",
    "CORP",
    "CORPORATION",
    "GROUP",
    "PARTNERS",
    "SERVICES",
    "CO",
    "ENTERPRISES",
    "SOLUTIONS",
    "LOGISTICS",
    "INDUSTRIES",
    "ASSOCIATES",
    "HOLDINGS LLC",
    "GROUP INC",
    "& SONS",
    "& ASSOCIATES",
];

/// Words put before the requested name when it only needs to be contained.
const REGIONS: &[&str] = &[
    "NORTH", "SOUTH", "EAST", "WEST", "CENTRAL", "METRO", "GREATER", "FIRST", "UNITED", "AMERICAN",
    "NATIONAL", "PREMIER",
];

/// A name matching the pattern `parts[0]*parts[1]*...` (a plain name has one part): the parts
/// in order, upper case, with generated words where the pattern has a `*`. For a plain name the
/// first account is often the name itself, the others add a suffix (a prefix match) or a word in
/// front (a contains match).
pub(super) fn account_name(parts: &[&str], index: usize, rng: &mut ChaCha8Rng) -> String {
    let name = if let [text] = parts {
        let text = text.to_uppercase();
        match (index, rng.random_range(0..10)) {
            (0, 0..4) => text,
            (_, 0..6) => format!("{text} {}", suffix(rng)),
            _ => format!("{} {text} {}", prefix(rng), suffix(rng)),
        }
    } else {
        let last = parts.len() - 1;
        let mut name = String::new();
        for (at, part) in parts.iter().enumerate() {
            name.push_str(&part.to_uppercase());
            if at < last {
                // What stands for this `*`: a word in front, after, or between the parts.
                let filler = match (at, at + 1 == last) {
                    (0, _) if part.is_empty() => format!("{} ", prefix(rng)),
                    (_, true) if parts[last].is_empty() => format!(" {}", suffix(rng)),
                    _ => format!(" {} ", suffix(rng)),
                };
                name.push_str(&filler);
            }
        }
        name
    };
    // The parts are normalised already; only a filler next to a part's own space can double it.
    if name.contains("  ") || name.starts_with(' ') || name.ends_with(' ') {
        name.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        name
    }
}

fn suffix(rng: &mut ChaCha8Rng) -> &'static str {
    SUFFIXES[rng.random_range(0..SUFFIXES.len())]
}

fn prefix(rng: &mut ChaCha8Rng) -> String {
    if rng.random_bool(0.5) {
        REGIONS[rng.random_range(0..REGIONS.len())].to_owned()
    } else {
        LastName().fake_with_rng::<String, _>(rng).to_uppercase()
    }
}
