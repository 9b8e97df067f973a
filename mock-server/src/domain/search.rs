//! The matching rules of the lookup: which accounts answer a request, and in which order.
//!
//! The real API documents only "fuzzy" for the name and street and "exact" for city, state and
//! ZIP. The rules below are the mock's assumption, stated in docs/matching.md:
//! - `accountName`: case-insensitive, runs of spaces count as one. With `*` the name must match
//!   the pattern as a whole (`*` is any run of characters); without, the name must contain it.
//! - `street`: ignored when empty; otherwise every word of the request must be the start of a
//!   word of the account's street (`W PLANO` matches `2900 W PLANO PKWY`).
//! - `city`, `state`: equal, case-insensitive; a state's full name equals its USPS code.
//! - `zipCode`: the first five digits are equal; when both sides carry a ZIP+4, all nine are.
//! - Ranking: exact name, then names that start with the request, then the rest; ties keep the
//!   book's order.

use super::request::LookupRequest;
use super::text::{joined_lowercase, normalize};
use super::us_states;

/// How well an account's name answers the requested name. Lower ranks first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NameMatch {
    /// The whole name equals the request.
    Exact,
    /// The name starts with the request.
    Prefix,
    /// The name contains the request, or matches a wildcard pattern elsewhere.
    Contains,
}

/// The parts of an account that the rules compare, normalised once when the book loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchKey {
    name: String,
    /// Split once, as the book is loaded: every lookup compares against them.
    street_words: Vec<Box<str>>,
    city: String,
    state: String,
    zip5: String,
    zip4: Option<String>,
}

impl SearchKey {
    /// Normalises an account's name and address.
    pub fn new(name: &str, street: &str, city: &str, state: &str, zip_code: &str) -> Self {
        let (zip5, zip4) = split_zip(zip_code);
        SearchKey {
            name: normalize(name),
            street_words: StreetWords::of(street).iter().map(Box::from).collect(),
            city: normalize(city),
            state: us_states::normalize(state),
            zip5,
            zip4,
        }
    }

    /// The first five digits of the ZIP, the key the book is indexed by.
    pub fn zip5(&self) -> &str {
        &self.zip5
    }
}

/// A lookup request, normalised for comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    name: NamePattern,
    street_words: StreetWords,
    city: String,
    state: String,
    zip5: String,
    zip4: Option<String>,
}

impl Query {
    /// Normalises a request.
    pub fn new(request: &LookupRequest) -> Self {
        let address = &request.address;
        Query::of(
            &request.account_name,
            &address.street,
            &address.city,
            &address.state,
            &address.zip_code,
        )
    }

    /// Normalises a request given as its fields.
    pub fn of(account_name: &str, street: &str, city: &str, state: &str, zip_code: &str) -> Self {
        let (zip5, zip4) = split_zip(zip_code);
        Query {
            name: NamePattern::new(account_name),
            street_words: StreetWords::of(street),
            city: normalize(city),
            state: us_states::normalize(state),
            zip5,
            zip4,
        }
    }

    /// The first five digits of the requested ZIP.
    pub fn zip5(&self) -> &str {
        &self.zip5
    }

    /// The last four digits when a ZIP+4 was requested.
    pub fn zip4(&self) -> Option<&str> {
        self.zip4.as_deref()
    }

    /// The requested name, normalised, split at each `*` (one part when there is none).
    pub fn name_parts(&self) -> Vec<&str> {
        match &self.name {
            NamePattern::Text(text) => vec![text.as_str()],
            NamePattern::Wildcard { parts, .. } => parts.iter().map(String::as_str).collect(),
        }
    }

    /// The words of the requested street, lower case.
    pub fn street_words(&self) -> &StreetWords {
        &self.street_words
    }

    /// The requested city, normalised (lower case).
    pub fn city(&self) -> &str {
        &self.city
    }

    /// The requested state, normalised (a lower-case code when the name is a US state's).
    pub fn state(&self) -> &str {
        &self.state
    }

    /// Every part of the query that decides which accounts match, in one string, except the
    /// ZIP+4: two requests the rules treat alike (case, spacing, a state's name or code, a 5- or
    /// 9-digit ZIP) have the same canonical form.
    pub fn canonical(&self) -> String {
        // One allocation, with room for the ZIP+4 a cache key adds.
        let mut canonical = String::with_capacity(64);
        match &self.name {
            NamePattern::Text(text) => canonical.push_str(text),
            NamePattern::Wildcard { parts, .. } => push_joined(&mut canonical, parts, '*'),
        }
        canonical.push('\u{1f}');
        canonical.push_str(&self.street_words.0);
        for part in [&self.city, &self.state, &self.zip5] {
            canonical.push('\u{1f}');
            canonical.push_str(part);
        }
        canonical
    }

    /// How the account answers the query, or `None` when it does not.
    pub fn matches(&self, key: &SearchKey) -> Option<NameMatch> {
        if !self.zip_matches(key) || key.state != self.state || key.city != self.city {
            return None;
        }
        if !self.street_words_match(&key.street_words) {
            return None;
        }
        self.name.matches(&key.name)
    }

    /// Each rule on its own: which the account passes and which it fails. The account matches
    /// exactly when it passes all of them (what [`Query::matches`] decides, stopping at the
    /// first failure).
    pub fn explain(&self, key: &SearchKey) -> Explanation {
        Explanation {
            zip_code: self.zip_matches(key),
            state: key.state == self.state,
            city: key.city == self.city,
            street: self.street_words_match(&key.street_words),
            name: self.name.matches(&key.name),
        }
    }

    /// The first five digits are equal, and all nine when both sides have them.
    fn zip_matches(&self, key: &SearchKey) -> bool {
        key.zip5 == self.zip5
            && match (&self.zip4, &key.zip4) {
                (Some(requested), Some(recorded)) => requested == recorded,
                _ => true,
            }
    }

    /// How a name answers the requested name alone, or `None` when it does not.
    pub fn name_match(&self, name: &str) -> Option<NameMatch> {
        self.name.matches(&normalize(name))
    }

    /// Whether a street holds the requested street words.
    pub fn street_matches(&self, street: &str) -> bool {
        if self.street_words.is_empty() {
            return true;
        }
        let street = StreetWords::of(street);
        let words: Vec<&str> = street.iter().collect();
        self.street_words_match(&words)
    }

    fn street_words_match<W: AsRef<str>>(&self, street_words: &[W]) -> bool {
        self.street_words.bytes().all(|wanted| {
            street_words
                .iter()
                .any(|word| word.as_ref().as_bytes().starts_with(wanted))
        })
    }
}

/// Which rules of the lookup an account passes, one by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explanation {
    /// The ZIP code (five digits, or nine when both sides have them).
    pub zip_code: bool,
    /// The state (code or name).
    pub state: bool,
    /// The city.
    pub city: bool,
    /// Every requested street word starts a word of the account's street.
    pub street: bool,
    /// How the name answers, or `None` when it does not.
    pub name: Option<NameMatch>,
}

impl Explanation {
    /// Whether the account passes every rule: what [`Query::matches`] decides.
    pub fn matches(&self) -> Option<NameMatch> {
        (self.zip_code && self.state && self.city && self.street)
            .then_some(self.name)
            .flatten()
    }
}

/// The requested account name: a plain text to look for, or a `*` pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum NamePattern {
    Text(String),
    Wildcard {
        /// The pattern split at `*`; the first and last parts are anchored unless empty.
        parts: Vec<String>,
        /// The pattern without its stars, to recognise an exact match.
        literal: String,
    },
}

impl NamePattern {
    fn new(account_name: &str) -> Self {
        let name = normalize(account_name);
        if name.contains('*') {
            // `**` means what `*` means: empty parts between two wildcards are dropped, so that a
            // run of wildcards costs one, however long (the first and last stay: they say
            // whether the name starts or ends with a wildcard).
            let all: Vec<&str> = name.split('*').collect();
            let last = all.len() - 1;
            let parts = all
                .iter()
                .enumerate()
                .filter(|&(at, part)| at == 0 || at == last || !part.is_empty())
                .map(|(_, part)| (*part).to_owned())
                .collect();
            let literal = name.replace('*', "");
            NamePattern::Wildcard { parts, literal }
        } else {
            NamePattern::Text(name)
        }
    }

    fn matches(&self, name: &str) -> Option<NameMatch> {
        match self {
            NamePattern::Text(text) => {
                if name == text {
                    Some(NameMatch::Exact)
                } else if name.starts_with(text.as_str()) {
                    Some(NameMatch::Prefix)
                } else if name.contains(text.as_str()) {
                    Some(NameMatch::Contains)
                } else {
                    None
                }
            }
            NamePattern::Wildcard { parts, literal } => {
                if !glob_matches(parts, name) {
                    None
                } else if name == literal {
                    Some(NameMatch::Exact)
                } else if parts.first().is_some_and(|first| !first.is_empty()) {
                    // Anchored at the start by the glob, so the name starts with the first part.
                    Some(NameMatch::Prefix)
                } else {
                    Some(NameMatch::Contains)
                }
            }
        }
    }
}

/// Appends `parts` to `into`, with `between` between them.
fn push_joined(into: &mut String, parts: &[String], between: char) {
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            into.push(between);
        }
        into.push_str(part);
    }
}

/// Whether `name` matches the pattern `parts[0] * parts[1] * ... * parts[n]` as a whole.
fn glob_matches(parts: &[String], name: &str) -> bool {
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return true;
    };
    if parts.len() == 1 {
        return name == first;
    }
    let Some(mut rest) = name.strip_prefix(first.as_str()) else {
        return false;
    };
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle.as_str()) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last.as_str())
}

/// The lower-case words of a street, split at white space and at the punctuation that separates
/// words in addresses (`,`, `.`, `#`); kept in one string, one space between two words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreetWords(String);

impl StreetWords {
    /// Splits and lower-cases a street.
    pub fn of(street: &str) -> Self {
        StreetWords(joined_lowercase(
            street.split(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | '#')),
        ))
    }

    /// The words, in the street's order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.split(' ').filter(|word| !word.is_empty())
    }

    /// The words as bytes: a plain byte loop, cheaper than a string search for short words.
    fn bytes(&self) -> impl Iterator<Item = &[u8]> {
        self.0
            .as_bytes()
            .split(|&byte| byte == b' ')
            .filter(|word| !word.is_empty())
    }

    /// Whether the street has no word at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Splits a ZIP code into its first five digits and, for a ZIP+4, the last four. Anything that
/// is not a digit (the hyphen of `75075-8004`) is ignored.
fn split_zip(zip_code: &str) -> (String, Option<String>) {
    let mut digits = String::with_capacity(zip_code.len());
    digits.extend(zip_code.chars().filter(char::is_ascii_digit));
    if digits.len() == 9 {
        let plus_four = digits.split_off(5);
        (digits, Some(plus_four))
    } else {
        (digits, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::domain::request::RequestAddress;

    fn query(name: &str, street: &str, city: &str, state: &str, zip: &str) -> Query {
        Query::new(&LookupRequest {
            sp_id: Some("10006".to_owned()),
            account_name: name.to_owned(),
            address: RequestAddress {
                street: street.to_owned(),
                city: city.to_owned(),
                state: state.to_owned(),
                zip_code: zip.to_owned(),
                country: None,
            },
        })
    }

    fn foundry() -> SearchKey {
        SearchKey::new(
            "AT&T CLOUD TEST FOUNDRY",
            "2900 W PLANO PKWY",
            "PLANO",
            "TX",
            "750758004",
        )
    }

    #[test]
    fn exact_prefix_and_contains_rank_in_that_order() {
        let key = foundry();
        let rank = |name| query(name, "", "Plano", "TX", "75075").matches(&key);
        assert_eq!(rank("at&t cloud test foundry"), Some(NameMatch::Exact));
        assert_eq!(rank("AT&T CLOUD"), Some(NameMatch::Prefix));
        assert_eq!(rank("test foundry"), Some(NameMatch::Contains));
        assert_eq!(rank("FOUNDRY TEST"), None);
        assert!(NameMatch::Exact < NameMatch::Prefix && NameMatch::Prefix < NameMatch::Contains);
    }

    #[test]
    fn an_explanation_names_each_failed_rule_and_agrees_with_matches() {
        let key = foundry();
        let cases = [
            ("AT&T", "W PLANO", "PLANO", "TX", "75075"),
            ("AT&T", "", "Dallas", "TX", "75075"),
            ("nobody", "", "PLANO", "Texas", "75075"),
            ("AT&T", "E PLANO", "PLANO", "TX", "750750000"),
            ("AT&T", "", "PLANO", "OK", "75024"),
        ];
        for (name, street, city, state, zip) in cases {
            let query = query(name, street, city, state, zip);
            let explanation = query.explain(&key);
            assert_eq!(
                explanation.matches(),
                query.matches(&key),
                "{name} {city} {zip}"
            );
        }
        let failed = query("nobody", "E PLANO", "Dallas", "OK", "750750000").explain(&key);
        assert_eq!(
            failed,
            Explanation {
                zip_code: false,
                state: false,
                city: false,
                street: false,
                name: None
            }
        );
        let passed = query("at&t", "2900", "plano", "texas", "75075").explain(&key);
        assert_eq!(passed.matches(), Some(NameMatch::Prefix));
    }

    #[test]
    fn wildcard_matches_the_whole_name() {
        let key = foundry();
        let rank = |name| query(name, "", "PLANO", "TX", "75075").matches(&key);
        assert_eq!(rank("AT&T*"), Some(NameMatch::Prefix));
        assert_eq!(rank("*FOUNDRY"), Some(NameMatch::Contains));
        assert_eq!(rank("AT*TEST*"), Some(NameMatch::Prefix));
        assert_eq!(rank("AT&T CLOUD TEST FOUNDRY*"), Some(NameMatch::Exact));
        assert_eq!(rank("***"), Some(NameMatch::Contains));
        assert_eq!(rank("*CLOUD"), None, "the last part is anchored at the end");
        assert_eq!(
            rank("CLOUD*"),
            None,
            "the first part is anchored at the start"
        );
        assert_eq!(rank("AT&T*FOUNDRY*TEST"), None, "parts match in order");
    }

    #[test]
    fn the_canonical_form_joins_the_normalised_parts() {
        let q = query(
            "AT&T *  Foundry",
            "2900 W. Plano",
            "Plano",
            "Texas",
            "75075-8004",
        );
        assert_eq!(
            q.canonical(),
            "at&t * foundry\u{1f}2900 w plano\u{1f}plano\u{1f}tx\u{1f}75075"
        );
        let q = query("ACME", "", "DALLAS", "TX", "75201");
        assert_eq!(q.canonical(), "acme\u{1f}\u{1f}dallas\u{1f}tx\u{1f}75201");
    }

    #[test]
    fn a_run_of_wildcards_is_one_wildcard() {
        let many = query(
            &format!("AC{}ME", "*".repeat(10_000)),
            "",
            "DALLAS",
            "TX",
            "75201",
        );
        let one = query("AC*ME", "", "DALLAS", "TX", "75201");
        assert_eq!(many.name_parts(), one.name_parts());
        assert_eq!(many.canonical(), one.canonical());
        let only = query(&"*".repeat(61_000), "", "DALLAS", "TX", "75201");
        assert_eq!(only.name_parts(), ["", ""]);
    }

    #[test]
    fn wildcard_parts_do_not_overlap() {
        let key = SearchKey::new("ABA", "", "X", "TX", "75075");
        let q = query("ABA*BA", "", "X", "TX", "75075");
        assert_eq!(q.matches(&key), None);
    }

    #[test]
    fn names_compare_without_case_or_extra_spaces() {
        let key = SearchKey::new("LONE  STAR   BBQ", "", "AUSTIN", "TX", "78701");
        let q = query("  lone star bbq ", "", "austin", "tx", "78701");
        assert_eq!(q.matches(&key), Some(NameMatch::Exact));
    }

    #[test]
    fn street_words_must_each_start_a_word_of_the_street() {
        let key = foundry();
        let by_street = |street| query("FOUNDRY", street, "PLANO", "TX", "75075").matches(&key);
        assert!(by_street("").is_some());
        assert!(by_street("w plano").is_some());
        assert!(by_street("2900 Plano Pkwy.").is_some());
        assert!(by_street("PLA").is_some());
        assert!(by_street("LANO").is_none(), "words match from their start");
        assert!(by_street("290 ELM").is_none(), "every word must be found");
    }

    #[test]
    fn city_and_state_are_exact_and_state_names_equal_codes() {
        let key = foundry();
        let by = |city, state| query("FOUNDRY", "", city, state, "75075").matches(&key);
        assert!(by("plano", "Texas").is_some());
        assert!(by("PLANO", "tx").is_some());
        assert!(by("PLAN", "TX").is_none());
        assert!(by("PLANO", "OK").is_none());
    }

    #[test]
    fn five_digit_zip_matches_a_zip_plus_four_record() {
        let key = foundry();
        let by_zip = |zip| query("FOUNDRY", "", "PLANO", "TX", zip).matches(&key);
        assert!(by_zip("75075").is_some());
        assert!(by_zip("750758004").is_some());
        assert!(by_zip("75075-8004").is_some());
        assert!(
            by_zip("750751234").is_none(),
            "two ZIP+4s must agree on all nine"
        );
        assert!(by_zip("75076").is_none());
        let five_digit_record = SearchKey::new("FOUNDRY", "", "PLANO", "TX", "75075");
        assert!(
            query("FOUNDRY", "", "PLANO", "TX", "750751234")
                .matches(&five_digit_record)
                .is_some()
        );
    }
}
