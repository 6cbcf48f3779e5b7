//! One inline run (a paragraph's, heading's or table cell's content) through
//! the dialect's inline passes, in order: CJK emphasis, menu paths, links,
//! line breaks, raw inline HTML.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event};

use super::context::Ctx;
use super::{emphasis, escape, linebreak, links, menu_path, sanitize};
use crate::diag::Severity;

/// An inline event from the parser, or HTML this module wrote (trusted, not
/// sanitised) with its plain text for search.
#[derive(Clone, Debug)]
pub enum Item<'a> {
    Ev(Event<'a>, Range<usize>),
    Raw { html: CowStr<'a>, text: CowStr<'a> },
}

impl<'a> Item<'a> {
    pub fn raw(html: impl Into<CowStr<'a>>, text: impl Into<CowStr<'a>>) -> Self {
        Item::Raw {
            html: html.into(),
            text: text.into(),
        }
    }
}

/// Runs the inline passes over `items` (one inline run, every item still a
/// parser event) in place; the caller reuses the buffer.
pub fn process<'a>(ctx: &mut Ctx<'a, '_>, items: &mut Vec<Item<'a>>, in_table: bool) {
    if ctx.cjk_emphasis {
        emphasis::apply(ctx.body, items, in_table, &mut ctx.emphasis);
    }
    menu_path::apply(items);
    links::apply(ctx, items);
    linebreak::apply(ctx.line_breaks, items);
    // Raw inline HTML: sanitised unless the site opts in. Text inside an
    // inline <script>/<style> is never page text (so ids and search agree
    // whatever the setting) and is dropped when sanitising; markdown's own
    // start and end tags in there stay, so tags opened before the script
    // still close.
    let mut skipping: Option<String> = None;
    for it in items.iter_mut() {
        match it {
            Item::Ev(Event::InlineHtml(h), r) => {
                match (&skipping, sanitize::content_tag(h)) {
                    (None, Some((name, false))) => skipping = Some(name),
                    (Some(open), Some((name, true))) if *open == name => skipping = None,
                    _ => {}
                }
                if !ctx.raw_html {
                    let (clean, problems) = sanitize::inline_tag(h);
                    for (off, msg) in problems {
                        ctx.diag(Severity::Warning, r.start + off, msg);
                    }
                    *it = Item::raw(clean, "");
                }
            }
            Item::Ev(Event::Start(_) | Event::End(_), _) => {}
            _ if skipping.is_some() => {
                *it = if ctx.raw_html {
                    without_text(std::mem::replace(it, Item::raw("", "")))
                } else {
                    Item::raw("", "")
                };
            }
            _ => {}
        }
    }
}

/// The item's HTML as it is, with no plain text: what sits inside an
/// inline `<script>` or `<style>` that raw HTML lets through. Code spans
/// and breaks count too, or outline (which never sanitises) and a
/// sanitised render would derive different ids.
fn without_text(it: Item<'_>) -> Item<'_> {
    match it {
        Item::Ev(Event::Text(t), _) => Item::raw(escape::html(&t), ""),
        Item::Ev(Event::Code(t), _) => Item::raw(format!("<code>{}</code>", escape::html(&t)), ""),
        Item::Ev(Event::SoftBreak, _) => Item::raw("\n", ""),
        Item::Ev(Event::HardBreak, _) => Item::raw("<br />\n", ""),
        Item::Raw { html, .. } => Item::raw(html, ""),
        other => other,
    }
}

/// Appends the plain text of `items` to `out` (for search and ids).
pub fn push_text(items: &[Item<'_>], out: &mut String) {
    for it in items {
        match it {
            Item::Ev(Event::Text(t) | Event::Code(t), _) => out.push_str(t),
            Item::Ev(Event::SoftBreak | Event::HardBreak, _) => out.push('\n'),
            Item::Raw { text, .. } => out.push_str(text),
            _ => {}
        }
    }
}
