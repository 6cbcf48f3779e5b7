//! Anchor ids (docs/dialect.md §1): derived from heading text, explicit ones
//! checked, and every id on a page made unique.

use std::collections::{HashMap, HashSet};

/// An id derived from heading text: lowercased letters and digits of any
/// script (Chinese stays Chinese), `-` and `_`; whitespace becomes `-`;
/// other punctuation is dropped. Never empty.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        // ASCII and CJK ideographs (alphanumeric, with no case) skip the
        // Unicode tables.
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c.to_ascii_lowercase());
        } else if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            out.push(c);
        } else if !c.is_ascii() && c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-') && !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() { "q".to_string() } else { out }
}

/// Whether an explicit id can be used as written: non-empty, no whitespace,
/// no characters that need escaping in HTML or URLs' fragment.
pub fn valid_explicit(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 200
        && !id.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || matches!(c, '"' | '\'' | '<' | '>' | '&' | '#' | '`')
        })
}

/// The ids already used on one page.
#[derive(Default)]
pub struct Ids {
    seen: HashSet<String>,
    /// Next suffix to try per base id, so many clashes stay linear.
    next: HashMap<String, usize>,
}

impl Ids {
    /// Claims `id`; on a clash returns the id with `-2`, `-3`, ... appended
    /// and `true` (the caller warns).
    pub fn claim(&mut self, id: &str) -> (String, bool) {
        if self.seen.is_empty() {
            // A page has a few dozen ids; skip the first regrowths.
            self.seen.reserve(32);
        }
        if self.seen.insert(id.to_string()) {
            return (id.to_string(), false);
        }
        let n = self.next.entry(id.to_string()).or_insert(2);
        loop {
            let cand = format!("{id}-{n}");
            *n += 1;
            if self.seen.insert(cand.clone()) {
                return (cand, true);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_chinese() {
        assert_eq!(
            slug("下单了以后在哪里查看我的订单？"),
            "下单了以后在哪里查看我的订单"
        );
        assert_eq!(slug("How do I get a Refund?"), "how-do-i-get-a-refund");
        assert_eq!(slug("  ？？ "), "q");
        assert_eq!(slug("API 服务 - 退款"), "api-服务-退款");
    }

    /// The slug rule without the fast paths, to check them against.
    fn slug_by_tables(text: &str) -> String {
        let mut out = String::new();
        for c in text.trim().chars() {
            if c.is_alphanumeric() || c == '_' {
                out.extend(c.to_lowercase());
            } else if (c.is_whitespace() || c == '-') && !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        while out.ends_with('-') {
            out.pop();
        }
        if out.is_empty() { "q".to_string() } else { out }
    }

    #[test]
    fn fast_paths_agree_with_unicode_tables() {
        let ascii: String = (0u8..128).map(char::from).collect();
        let ideographs: String = ('\u{4E00}'..='\u{9FFF}').collect();
        for text in [
            ascii.as_str(),
            &format!("x{ascii}y"),
            "a\u{B}b",
            ideographs.as_str(),
            "Ǆ İ ẞ 退款 ΣΑΣ",
        ] {
            assert_eq!(slug(text), slug_by_tables(text), "{text:?}");
        }
    }

    #[test]
    fn clashes_get_suffixes() {
        let mut ids = Ids::default();
        assert_eq!(ids.claim("a"), ("a".to_string(), false));
        assert_eq!(ids.claim("a"), ("a-2".to_string(), true));
        assert_eq!(ids.claim("a-2"), ("a-2-2".to_string(), true));
        assert_eq!(ids.claim("a"), ("a-3".to_string(), true));
    }
}
