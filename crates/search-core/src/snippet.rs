//! Highlighting and snippets, shared by the CLI, the preview server and the browser.

use crate::fold::{Fold, fold_lookup};
use crate::plan::is_prefix_term;
use crate::tokenize::tokenize_with;

/// Byte ranges of `text` covered by tokens that are among `terms`, and by
/// the characters that one-character (prefix) terms stand for, merged where
/// they overlap or touch, ascending.
pub fn marks(text: &str, terms: &[String]) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    if terms.is_empty() {
        return spans;
    }
    tokenize_with(text, |t| {
        if terms.contains(&t.text) {
            spans.push((t.start, t.end));
        }
    });
    let chars: Vec<char> = terms
        .iter()
        .filter(|t| is_prefix_term(t))
        .filter_map(|t| t.chars().next())
        .collect();
    if !chars.is_empty() {
        for (i, c) in text.char_indices() {
            let hit = match fold_lookup(c) {
                Fold::Same => chars.contains(&c),
                Fold::Char(f) => chars.contains(&f),
                Fold::Text(_) => false,
            };
            if hit {
                spans.push((i, i.saturating_add(c.len_utf8())));
            }
        }
        // Ascending by start, by insertion (sorts are large in wasm).
        let mut sorted: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
        for s in spans {
            let pos = sorted.partition_point(|x| *x <= s);
            sorted.insert(pos, s);
        }
        spans = sorted;
    }
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (start, end) in spans {
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
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
