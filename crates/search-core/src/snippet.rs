//! Highlighting and snippets, shared by the CLI, the preview server and the browser.

use crate::tokenize::tokenize_with;

/// Byte ranges of `text` covered by tokens that are among `terms`, merged
/// where they overlap or touch, ascending.
pub fn marks(text: &str, terms: &[String]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    if terms.is_empty() {
        return out;
    }
    tokenize_with(text, |t| {
        if terms.contains(&t.text) {
            match out.last_mut() {
                Some(last) if t.start <= last.1 => last.1 = last.1.max(t.end),
                _ => out.push((t.start, t.end)),
            }
        }
    });
    out
}

/// A snippet of at most `max_chars` characters of `text` around the first
/// match of `terms` (or its start), with `…` where it was cut, and its marks.
pub fn snippet(text: &str, terms: &[String], max_chars: usize) -> (String, Vec<(usize, usize)>) {
    let first = marks(text, terms).first().map(|m| m.0);
    // Start a few characters before the first match.
    let start = first.map_or(0, |b| {
        let before: Vec<usize> = text
            .get(..b)
            .unwrap_or("")
            .char_indices()
            .map(|(i, _)| i)
            .collect();
        let lead = max_chars / 5;
        before
            .len()
            .checked_sub(lead)
            .and_then(|k| before.get(k).copied())
            .unwrap_or(0)
    });
    let rest = text.get(start..).unwrap_or("");
    let end = rest
        .char_indices()
        .nth(max_chars)
        .map_or(rest.len(), |(i, _)| i);
    let body = rest.get(..end).unwrap_or("").trim();
    let mut out = String::with_capacity(body.len().saturating_add(8));
    if start > 0 {
        out.push('…');
    }
    out.push_str(body);
    if end < rest.len() {
        out.push('…');
    }
    let m = marks(&out, terms);
    (out, m)
}

/// Converts a byte offset in `text` to a UTF-16 code unit offset (for JS).
pub fn utf16_offset(text: &str, byte: usize) -> usize {
    text.get(..byte)
        .unwrap_or(text)
        .chars()
        .map(char::len_utf16)
        .fold(0usize, usize::saturating_add)
}
