//! Highlighting and snippets, shared by the CLI, the preview server and the browser.

use crate::plan::is_prefix_term;
use crate::tokenize::tokenize_index_with;

/// Byte ranges of `text` covered by tokens that are among `terms`, and by
/// the characters that one-character (prefix) terms stand for, merged where
/// they overlap or touch, ascending.
///
/// One pass over the index tokens: every character of a CJK run starts one
/// (a bigram or the run's last unigram), in order, so a prefix term marks
/// the first character of each token that starts with it.
pub fn marks(text: &str, terms: &[String]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    if terms.is_empty() {
        return out;
    }
    tokenize_index_with(text, |t| {
        let span = if terms.contains(&t.text) {
            Some((t.start, t.end))
        } else {
            let mut cs = t.text.chars();
            cs.next()
                .filter(|c| {
                    cs.next().is_some()
                        && terms.iter().any(|x| is_prefix_term(x) && x.starts_with(*c))
                })
                .and_then(|_| text.get(t.start..)?.chars().next())
                .map(|c| (t.start, t.start.saturating_add(c.len_utf8())))
        };
        if let Some((start, end)) = span {
            match out.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => out.push((start, end)),
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
