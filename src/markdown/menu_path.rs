//! UI labels and menu paths (docs/dialect.md §5): `【X】` is a label, labels
//! joined by `>` form a path. Labels may hold inline markdown (links,
//! bold); a `【` never closed in the same inline container stays text.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event};

use super::inline::Item;

const OPEN: char = '【';
const CLOSE: char = '】';
const BRACKET_LEN: usize = 3; // both brackets are 3 bytes in UTF-8

struct Label {
    open: (usize, usize),
    close: (usize, usize),
}

/// Finds labels and paths in `items` and replaces their brackets and
/// separators with the menu markup.
pub fn apply(items: &mut Vec<Item<'_>>) {
    let any_open = items
        .iter()
        .any(|it| matches!(it, Item::Ev(Event::Text(t), _) if has_open(t)));
    if !any_open {
        return;
    }
    let labels = find_labels(items);
    if labels.is_empty() {
        return;
    }
    // Cuts: (item, byte offset, bytes to drop, html, search text).
    let mut cuts: Vec<(usize, usize, usize, &'static str, &'static str)> = Vec::new();
    let mut k = 0;
    while k < labels.len() {
        // Extend the path while the next label follows `】 > 【` in the same text.
        let mut end = k;
        while end + 1 < labels.len() && joined(items, &labels[end], &labels[end + 1]) {
            end += 1;
        }
        let path = end > k;
        let first = &labels[k];
        cuts.push((
            first.open.0,
            first.open.1,
            BRACKET_LEN,
            if path {
                "<span class=\"menu-path\"><span class=\"menu-item\">"
            } else {
                "<span class=\"menu-item\">"
            },
            "",
        ));
        for j in k..end {
            let (a, b) = (&labels[j], &labels[j + 1]);
            cuts.push((
                a.close.0,
                a.close.1,
                b.open.1 + BRACKET_LEN - a.close.1,
                "</span><span class=\"menu-sep\" aria-hidden=\"true\">›</span><span class=\"menu-item\">",
                " > ",
            ));
        }
        let last = &labels[end];
        cuts.push((
            last.close.0,
            last.close.1,
            BRACKET_LEN,
            if path { "</span></span>" } else { "</span>" },
            "",
        ));
        k = end + 1;
    }
    cuts.sort_by_key(|c| (c.0, c.1));

    let old = std::mem::take(items);
    let mut ci = 0;
    for (idx, item) in old.into_iter().enumerate() {
        if ci >= cuts.len() || cuts[ci].0 != idx {
            items.push(item);
            continue;
        }
        let Item::Ev(Event::Text(text), range) = item else {
            items.push(item);
            continue;
        };
        let mut from = 0;
        while ci < cuts.len() && cuts[ci].0 == idx {
            let (_, off, drop, html, search) = cuts[ci];
            if off > from {
                items.push(piece(&text, &range, from, off));
            }
            items.push(Item::raw(html, search));
            from = off + drop;
            ci += 1;
        }
        if from < text.len() {
            items.push(piece(&text, &range, from, text.len()));
        }
    }
}

/// Whether `t` holds a `【` (E3 80 90). Searches for the lead byte, which
/// only CJK punctuation and kana share; `str::contains` searches for the
/// last byte, which one CJK character in 64 shares.
fn has_open(t: &str) -> bool {
    let b = t.as_bytes();
    memchr::memchr_iter(0xE3, b).any(|i| b.get(i + 1..i + 3) == Some(&[0x80, 0x90]))
}

fn piece<'a>(text: &CowStr<'a>, range: &Range<usize>, a: usize, b: usize) -> Item<'a> {
    let t = match text {
        CowStr::Borrowed(s) => CowStr::Borrowed(&s[a..b]),
        other => CowStr::from(other[a..b].to_string()),
    };
    let verbatim = range.len() == text.len();
    let r = if verbatim {
        range.start + a..range.start + b
    } else {
        range.clone()
    };
    Item::Ev(Event::Text(t), r)
}

fn joined(items: &[Item<'_>], a: &Label, b: &Label) -> bool {
    if a.close.0 != b.open.0 {
        return false;
    }
    let Item::Ev(Event::Text(t), _) = &items[a.close.0] else {
        return false;
    };
    let Some(between) = t.get(a.close.1 + BRACKET_LEN..b.open.1) else {
        return false;
    };
    matches!(between.trim(), ">" | "＞")
}

fn find_labels(items: &[Item<'_>]) -> Vec<Label> {
    let mut labels = Vec::new();
    let mut stack: Vec<usize> = vec![0];
    let mut next_id = 1;
    // (container, item, byte offset) of the last unclosed 【.
    let mut cand: Option<(usize, usize, usize)> = None;
    for (i, it) in items.iter().enumerate() {
        let Item::Ev(ev, _) = it else { continue };
        match ev {
            Event::Start(_) => {
                stack.push(next_id);
                next_id += 1;
            }
            Event::End(_) => {
                if let Some(gone) = stack.pop()
                    && cand.is_some_and(|c| c.0 == gone)
                {
                    cand = None;
                }
            }
            Event::Text(t) => {
                let cur = stack.last().copied().unwrap_or(0);
                for (off, c) in t.char_indices() {
                    if c == OPEN {
                        cand = Some((cur, i, off));
                    } else if c == CLOSE {
                        if let Some((cont, oi, ooff)) = cand
                            && cont == cur
                            && (oi, ooff + BRACKET_LEN) != (i, off)
                        {
                            labels.push(Label {
                                open: (oi, ooff),
                                close: (i, off),
                            });
                        }
                        cand = None;
                    }
                }
            }
            _ => {}
        }
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::has_open;

    #[test]
    fn has_open_finds_the_bracket_and_nothing_that_shares_its_bytes() {
        assert!(has_open("【"));
        assert!(has_open("进入、【费用中心】"));
        assert!(has_open("x\u{3010}"));
        // Same lead byte (、。「」】) or same last byte (U+4E10 丐, E4 B8 90).
        assert!(!has_open("、。「」】丐"));
        assert!(!has_open("\u{E3}")); // U+00E3 is C3 A3 in UTF-8
        assert!(!has_open(""));
    }
}
