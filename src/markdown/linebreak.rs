//! Soft line breaks in CJK text (docs/dialect.md §4).

use pulldown_cmark::Event;

use super::LineBreaks;
use super::chars::is_cjk;
use super::inline::Item;

/// Turns soft breaks into `<br>` where the mode asks for it: always, or
/// (auto) when the last character before or the first after is CJK.
pub fn apply(mode: LineBreaks, items: &mut [Item<'_>]) {
    if mode == LineBreaks::Never
        || !items
            .iter()
            .any(|it| matches!(it, Item::Ev(Event::SoftBreak, _)))
    {
        return;
    }
    // One pass each way, so every break sees its neighbours in linear time.
    let mut before: Vec<Option<char>> = Vec::new();
    let mut last = None;
    for it in items.iter() {
        if matches!(it, Item::Ev(Event::SoftBreak, _)) {
            before.push(last);
        } else if let Some(c) = edge_char(it, true) {
            last = Some(c);
        }
    }
    let mut after: Vec<Option<char>> = Vec::with_capacity(before.len());
    let mut first = None;
    for it in items.iter().rev() {
        if matches!(it, Item::Ev(Event::SoftBreak, _)) {
            after.push(first);
        } else if let Some(c) = edge_char(it, false) {
            first = Some(c);
        }
    }
    after.reverse();
    let mut k = 0;
    for it in items.iter_mut() {
        if !matches!(it, Item::Ev(Event::SoftBreak, _)) {
            continue;
        }
        let br = mode == LineBreaks::Always
            || before[k].is_some_and(is_cjk)
            || after[k].is_some_and(is_cjk);
        k += 1;
        if br {
            *it = Item::raw("<br>\n", "\n");
        }
    }
}

/// The last (or first) visible character of an item, if it has text.
fn edge_char(it: &Item<'_>, last: bool) -> Option<char> {
    let s: &str = match it {
        Item::Ev(Event::Text(t) | Event::Code(t), _) => t,
        Item::Raw { text, .. } => text,
        _ => return None,
    };
    let s = s.trim();
    if last {
        s.chars().next_back()
    } else {
        s.chars().next()
    }
}
