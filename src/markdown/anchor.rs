//! Anchor ids of headings: one function, so every format links to the same ids.

/// Make an anchor id from heading text: lower case, letters and digits, words joined by hyphens.
pub fn anchor_id(text: &str) -> String {
    let mut id = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            id.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_') && !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-').to_string();
    if id.is_empty() { "section".to_string() } else { id }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchor_ids_are_lower_case_words_joined_by_hyphens() {
        assert_eq!(anchor_id("The Progress Declaration"), "the-progress-declaration");
        assert_eq!(anchor_id("  What?! -- now "), "what-now");
        assert_eq!(anchor_id("***"), "section");
    }
}
