//! Text in a comparable form: how names, cities and states are compared by the search.

/// Lower case, trimmed, runs of white space (as `char::is_whitespace` defines it) as one space.
pub(crate) fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
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
    }
}
