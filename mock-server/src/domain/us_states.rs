//! US state names and their USPS codes, so that `Texas` and `TX` name the same state.
//!
//! The portal's current examples send codes (`TX`), its older ones full names (`Texas`); the
//! records carry codes. Treating the two as equal is the mock's assumption.

/// Lower-case full names and codes, sorted by name for binary search.
const NAMES: &[(&str, &str)] = &[
    ("alabama", "al"),
    ("alaska", "ak"),
    ("arizona", "az"),
    ("arkansas", "ar"),
    ("california", "ca"),
    ("colorado", "co"),
    ("connecticut", "ct"),
    ("delaware", "de"),
    ("district of columbia", "dc"),
    ("florida", "fl"),
    ("georgia", "ga"),
    ("hawaii", "hi"),
    ("idaho", "id"),
    ("illinois", "il"),
    ("indiana", "in"),
    ("iowa", "ia"),
    ("kansas", "ks"),
    ("kentucky", "ky"),
    ("louisiana", "la"),
    ("maine", "me"),
    ("maryland", "md"),
    ("massachusetts", "ma"),
    ("michigan", "mi"),
    ("minnesota", "mn"),
    ("mississippi", "ms"),
    ("missouri", "mo"),
    ("montana", "mt"),
    ("nebraska", "ne"),
    ("nevada", "nv"),
    ("new hampshire", "nh"),
    ("new jersey", "nj"),
    ("new mexico", "nm"),
    ("new york", "ny"),
    ("north carolina", "nc"),
    ("north dakota", "nd"),
    ("ohio", "oh"),
    ("oklahoma", "ok"),
    ("oregon", "or"),
    ("pennsylvania", "pa"),
    ("puerto rico", "pr"),
    ("rhode island", "ri"),
    ("south carolina", "sc"),
    ("south dakota", "sd"),
    ("tennessee", "tn"),
    ("texas", "tx"),
    ("utah", "ut"),
    ("vermont", "vt"),
    ("virginia", "va"),
    ("washington", "wa"),
    ("west virginia", "wv"),
    ("wisconsin", "wi"),
    ("wyoming", "wy"),
];

/// The state in a comparable form: the lower-case USPS code when `state` is a full state name,
/// otherwise `state` itself, lower case with runs of white space as one.
pub fn normalize(state: &str) -> String {
    // A two-letter state is a code already: no name has two letters.
    if let [a, b] = state.as_bytes()
        && a.is_ascii_alphabetic()
        && b.is_ascii_alphabetic()
    {
        return state.to_ascii_lowercase();
    }
    let state = super::text::normalize(state);
    match NAMES.binary_search_by(|(name, _)| name.cmp(&state.as_str())) {
        Ok(at) => NAMES[at].1.to_owned(),
        Err(_) => state,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_names_become_codes_and_codes_stay() {
        assert_eq!(normalize("Texas"), "tx");
        assert_eq!(normalize("  new   YORK "), "ny");
        assert_eq!(normalize("TX"), "tx");
        assert_eq!(normalize("Atlantis"), "atlantis");
    }

    #[test]
    fn the_table_is_sorted_for_binary_search() {
        assert!(NAMES.windows(2).all(|pair| pair[0].0 < pair[1].0));
    }
}
