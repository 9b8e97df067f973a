//! Text in a comparable form: how names, cities and states are compared by the search.

/// Lower case, trimmed, runs of white space (as `char::is_whitespace` defines it) as one space.
pub(crate) fn normalize(text: &str) -> String {
    joined_lowercase(text.split_whitespace())
}

/// The non-empty `words`, one space between two, in lower case.
pub(crate) fn joined_lowercase<'a>(words: impl Iterator<Item = &'a str>) -> String {
    let mut joined = String::new();
    for word in words.filter(|word| !word.is_empty()) {
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(word);
    }
    // ASCII text is lower-cased in place: `to_lowercase` would copy it.
    if joined.is_ascii() {
        joined.make_ascii_lowercase();
        joined
    } else {
        joined.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn words_are_joined_by_one_space_in_lower_case() {
        assert_eq!(
            normalize("  AT&T\tCloud \u{b}\r\n Test  "),
            "at&t cloud test"
        );
        assert_eq!(normalize("ÄSS  Plano"), "äss plano");
        assert_eq!(normalize(" \u{3000} "), "");
        assert_eq!(normalize("ONE"), "one");
    }
}
