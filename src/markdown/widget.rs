//! The widget directive (docs/dialect.md §8).
//!
//! A paragraph that is exactly one line
//!
//! ```text
//! ::: widget refund-calculator :::
//! ```
//!
//! (the closing `:::` optional) places the widget named there. CommonMark
//! has no meaning for a line starting `:::`, and prose does not start so, so
//! the directive cannot be written by accident; in a plain markdown viewer
//! it shows as the line itself.

/// What a paragraph's source says about widgets.
#[derive(Debug, PartialEq, Eq)]
pub enum Directive<'s> {
    /// Not a directive.
    None,
    /// A widget: its name and the name's byte offset in the paragraph.
    Widget(&'s str, usize),
    /// Looks like a directive but is not a valid one: offset and message.
    Malformed(usize, String),
}

const OPEN: &str = ":::";

/// Reads the directive in a paragraph's source text.
pub fn parse(para: &str) -> Directive<'_> {
    // Every paragraph comes here: leave early on the common case.
    let start = para.trim_start();
    if !start.starts_with(OPEN) {
        return Directive::None;
    }
    let lead = para.len() - start.len();
    let text = para.trim();
    let Some(after) = text.strip_prefix(OPEN) else {
        return Directive::None;
    };
    let after_trim = after.trim_start();
    let Some(rest) = after_trim.strip_prefix("widget") else {
        return Directive::None;
    };
    if !rest.is_empty() && !rest.starts_with([' ', '\t', '\n', '\r']) {
        return Directive::None;
    }
    let name_off = lead + OPEN.len() + (after.len() - after_trim.len()) + "widget".len();
    if text.contains('\n') {
        return Directive::Malformed(
            0,
            "a widget directive must be a paragraph of its own (leave a blank line around it)"
                .to_string(),
        );
    }
    let body = rest.trim();
    let body = body.strip_suffix(OPEN).unwrap_or(body).trim_end();
    let name_off = name_off + (rest.len() - rest.trim_start().len());
    if body.is_empty() {
        return Directive::Malformed(0, "widget directive without a name".to_string());
    }
    let valid = body
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && body.as_bytes()[0].is_ascii_alphanumeric();
    if !valid {
        return Directive::Malformed(
            name_off,
            format!("widget name `{body}` must be lowercase letters, digits, `-` or `_`"),
        );
    }
    Directive::Widget(body, name_off)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directive_forms() {
        assert_eq!(
            parse("::: widget refund-calculator :::"),
            Directive::Widget("refund-calculator", 11)
        );
        assert_eq!(parse(":::widget refund"), Directive::Widget("refund", 10));
        assert_eq!(parse("::: note"), Directive::None);
        assert_eq!(parse("widget x"), Directive::None);
        assert!(matches!(parse("::: widget"), Directive::Malformed(..)));
        assert!(matches!(
            parse("::: widget Bad Name"),
            Directive::Malformed(..)
        ));
        assert!(matches!(
            parse("::: widget a\nmore text"),
            Directive::Malformed(..)
        ));
    }
}
