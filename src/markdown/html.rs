//! HTML for events, byte for byte what pulldown-cmark's `push_html` writes
//! (the CommonMark suite and the snapshot tests hold us to it), but fed by
//! reference: one block event or one inline run at a time, straight from
//! the buffer the inline passes worked in. `push_html` wants the events
//! by value through an iterator, which meant copying every event of a
//! section into a second buffer first.

use std::collections::HashMap;
use std::fmt::Write as _;

use pulldown_cmark::{Alignment, BlockQuoteKind, CodeBlockKind, Event, LinkType, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html, escape_html_body_text};

use super::inline::Item;

/// The HTML of one section (or one heading's title) and the writer's state.
/// A section starts from [`Writer::default`]'s state, as each `push_html`
/// call did: footnote numbers and table state do not cross sections.
#[derive(Default)]
pub struct Writer {
    pub out: String,
    /// Whether the last write left a line unfinished (block tags then
    /// start a new one, as `push_html` does).
    mid_line: bool,
    /// Inside a metadata block, whose text is not written.
    hidden: bool,
    in_body: bool,
    aligns: Vec<Alignment>,
    cell: usize,
    footnotes: HashMap<String, usize>,
}

impl Writer {
    /// Empties the writer for the next section, keeping its allocations.
    pub fn reset(&mut self) {
        self.out.clear();
        self.mid_line = false;
        self.hidden = false;
        self.in_body = false;
        self.aligns.clear();
        self.cell = 0;
        self.footnotes.clear();
    }

    /// Raw HTML, written as it is.
    pub fn html(&mut self, s: &str) {
        self.out.push_str(s);
        if !s.is_empty() {
            self.mid_line = !s.ends_with('\n');
        }
    }

    /// A block tag: on a new line.
    fn block(&mut self, s: &str) {
        if self.mid_line {
            self.out.push('\n');
        }
        self.html(s);
    }

    fn number(&mut self, name: &str) -> usize {
        let next = self.footnotes.len() + 1;
        *self.footnotes.entry(name.to_string()).or_insert(next)
    }

    /// Text with `escape` (body text or attribute); sets the line state.
    fn text(&mut self, t: &str, attr: bool) {
        if attr {
            let _ = escape_html(&mut self.out, t);
        } else {
            let _ = escape_html_body_text(&mut self.out, t);
        }
        self.mid_line = !t.ends_with('\n');
    }

    /// An inline run: the passes' items in order.
    pub fn items(&mut self, items: &[Item<'_>]) {
        let mut k = 0;
        while let Some(it) = items.get(k) {
            k += 1;
            match it {
                Item::Raw { html, .. } => self.html(html),
                Item::Ev(
                    Event::Start(Tag::Image {
                        dest_url, title, ..
                    }),
                    _,
                ) => {
                    self.image_open(dest_url);
                    k += self.alt_text(items.get(k..).unwrap_or_default());
                    self.image_close(title);
                }
                Item::Ev(ev, _) => self.event(ev),
            }
        }
    }

    /// `open`, then `t` escaped as an attribute value, then `close`.
    fn wrapped(&mut self, open: &str, t: &str, close: &str) {
        self.html(open);
        let _ = escape_html(&mut self.out, t);
        self.html(close);
    }

    /// An `<img>` up to its alt text.
    fn image_open(&mut self, dest: &str) {
        self.html("<img src=\"");
        let _ = escape_href(&mut self.out, dest);
        self.html("\" alt=\"");
    }

    /// An `<img>` after its alt text.
    fn image_close(&mut self, title: &str) {
        if !title.is_empty() {
            self.wrapped("\" title=\"", title, "");
        }
        self.html("\" />");
    }

    /// An image's alt text: the plain text of what follows, up to the
    /// image's end. Returns how many items it used, the end included.
    fn alt_text(&mut self, items: &[Item<'_>]) -> usize {
        let mut nest = 0usize;
        for (k, it) in items.iter().enumerate() {
            let ev = match it {
                Item::Raw { html, .. } => {
                    self.text(html, true);
                    continue;
                }
                Item::Ev(ev, _) => ev,
            };
            match ev {
                Event::Start(_) => nest += 1,
                Event::End(_) => match nest.checked_sub(1) {
                    Some(n) => nest = n,
                    None => return k + 1,
                },
                Event::Html(_) => {}
                Event::InlineHtml(t) | Event::Code(t) | Event::Text(t) => self.text(t, true),
                Event::InlineMath(t) => self.wrapped("$", t, "$"),
                Event::DisplayMath(t) => self.wrapped("$$", t, "$$"),
                Event::SoftBreak | Event::HardBreak | Event::Rule => self.html(" "),
                Event::FootnoteReference(name) => {
                    let n = self.number(name);
                    let _ = write!(self.out, "[{n}]");
                }
                Event::TaskListMarker(true) => self.html("[x]"),
                Event::TaskListMarker(false) => self.html("[ ]"),
            }
        }
        items.len()
    }

    /// One event. An image's start is written whole by [`Writer::items`]
    /// (it needs the alt text after it); here, where nothing follows, its
    /// alt is empty.
    pub fn event(&mut self, ev: &Event<'_>) {
        match ev {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(*tag),
            Event::Text(t) => {
                if !self.hidden {
                    self.text(t, false);
                }
            }
            Event::Code(t) => {
                self.html("<code>");
                let _ = escape_html_body_text(&mut self.out, t);
                self.html("</code>");
            }
            Event::InlineMath(t) => self.wrapped("<span class=\"math math-inline\">", t, "</span>"),
            Event::DisplayMath(t) => {
                self.wrapped("<span class=\"math math-display\">", t, "</span>");
            }
            Event::Html(h) | Event::InlineHtml(h) => self.html(h),
            Event::SoftBreak => self.html("\n"),
            Event::HardBreak => self.html("<br />\n"),
            Event::Rule => self.block("<hr />\n"),
            Event::FootnoteReference(name) => {
                self.html("<sup class=\"footnote-reference\"><a href=\"#");
                let _ = escape_html(&mut self.out, name);
                self.html("\">");
                let n = self.number(name);
                let _ = write!(self.out, "{n}");
                self.html("</a></sup>");
            }
            Event::TaskListMarker(true) => {
                self.html("<input disabled=\"\" type=\"checkbox\" checked=\"\"/>\n");
            }
            Event::TaskListMarker(false) => self.html("<input disabled=\"\" type=\"checkbox\"/>\n"),
        }
    }

    fn start(&mut self, tag: &Tag<'_>) {
        match tag {
            Tag::HtmlBlock => {}
            Tag::Paragraph => self.block("<p>"),
            Tag::Heading {
                level,
                id,
                classes,
                attrs,
            } => {
                self.block("<");
                let _ = write!(self.out, "{level}");
                if let Some(id) = id {
                    self.html(" id=\"");
                    let _ = escape_html(&mut self.out, id);
                    self.html("\"");
                }
                for (k, class) in classes.iter().enumerate() {
                    self.html(if k == 0 { " class=\"" } else { " " });
                    let _ = escape_html(&mut self.out, class);
                }
                if !classes.is_empty() {
                    self.html("\"");
                }
                for (attr, value) in attrs {
                    self.html(" ");
                    let _ = escape_html(&mut self.out, attr);
                    match value {
                        Some(v) => {
                            self.html("=\"");
                            let _ = escape_html(&mut self.out, v);
                            self.html("\"");
                        }
                        None => self.html("=\"\""),
                    }
                }
                self.html(">");
            }
            Tag::Table(aligns) => {
                self.aligns.clone_from(aligns);
                self.html("<table>");
            }
            Tag::TableHead => {
                self.in_body = false;
                self.cell = 0;
                self.html("<thead><tr>");
            }
            Tag::TableRow => {
                self.cell = 0;
                self.html("<tr>");
            }
            Tag::TableCell => {
                self.html(if self.in_body { "<td" } else { "<th" });
                self.html(match self.aligns.get(self.cell) {
                    Some(Alignment::Left) => " style=\"text-align: left\">",
                    Some(Alignment::Center) => " style=\"text-align: center\">",
                    Some(Alignment::Right) => " style=\"text-align: right\">",
                    _ => ">",
                });
            }
            Tag::BlockQuote(kind) => self.block(match kind {
                None => "<blockquote>\n",
                Some(BlockQuoteKind::Note) => "<blockquote class=\"markdown-alert-note\">\n",
                Some(BlockQuoteKind::Tip) => "<blockquote class=\"markdown-alert-tip\">\n",
                Some(BlockQuoteKind::Important) => {
                    "<blockquote class=\"markdown-alert-important\">\n"
                }
                Some(BlockQuoteKind::Warning) => "<blockquote class=\"markdown-alert-warning\">\n",
                Some(BlockQuoteKind::Caution) => "<blockquote class=\"markdown-alert-caution\">\n",
            }),
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split(' ').next().unwrap_or(""),
                    CodeBlockKind::Indented => "",
                };
                if lang.is_empty() {
                    self.block("<pre><code>");
                } else {
                    self.block("<pre><code class=\"language-");
                    let _ = escape_html(&mut self.out, lang);
                    self.html("\">");
                }
            }
            Tag::List(Some(1)) => self.block("<ol>\n"),
            Tag::List(Some(start)) => {
                self.block("<ol start=\"");
                let _ = write!(self.out, "{start}");
                self.html("\">\n");
            }
            Tag::List(None) => self.block("<ul>\n"),
            Tag::Item => self.block("<li>"),
            Tag::DefinitionList => self.block("<dl>\n"),
            Tag::DefinitionListTitle => self.block("<dt>"),
            Tag::DefinitionListDefinition => self.block("<dd>"),
            Tag::Subscript => self.html("<sub>"),
            Tag::Superscript => self.html("<sup>"),
            Tag::Emphasis => self.html("<em>"),
            Tag::Strong => self.html("<strong>"),
            Tag::Strikethrough => self.html("<del>"),
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                self.html(if *link_type == LinkType::Email {
                    "<a href=\"mailto:"
                } else {
                    "<a href=\""
                });
                let _ = escape_href(&mut self.out, dest_url);
                if !title.is_empty() {
                    self.html("\" title=\"");
                    let _ = escape_html(&mut self.out, title);
                }
                self.html("\">");
            }
            Tag::Image {
                dest_url, title, ..
            } => {
                self.image_open(dest_url);
                self.image_close(title);
            }
            Tag::FootnoteDefinition(name) => {
                self.block("<div class=\"footnote-definition\" id=\"");
                let _ = escape_html(&mut self.out, name);
                self.html("\"><sup class=\"footnote-definition-label\">");
                let n = self.number(name);
                let _ = write!(self.out, "{n}");
                self.html("</sup>");
            }
            Tag::MetadataBlock(_) => self.hidden = true,
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::HtmlBlock | TagEnd::Image => {}
            TagEnd::Paragraph => self.html("</p>\n"),
            TagEnd::Heading(level) => {
                self.html("</");
                let _ = write!(self.out, "{level}");
                self.html(">\n");
            }
            TagEnd::Table => self.html("</tbody></table>\n"),
            TagEnd::TableHead => {
                self.html("</tr></thead><tbody>\n");
                self.in_body = true;
            }
            TagEnd::TableRow => self.html("</tr>\n"),
            TagEnd::TableCell => {
                self.html(if self.in_body { "</td>" } else { "</th>" });
                self.cell += 1;
            }
            TagEnd::BlockQuote(_) => self.html("</blockquote>\n"),
            TagEnd::CodeBlock => self.html("</code></pre>\n"),
            TagEnd::List(true) => self.html("</ol>\n"),
            TagEnd::List(false) => self.html("</ul>\n"),
            TagEnd::Item => self.html("</li>\n"),
            TagEnd::DefinitionList => self.html("</dl>\n"),
            TagEnd::DefinitionListTitle => self.html("</dt>\n"),
            TagEnd::DefinitionListDefinition => self.html("</dd>\n"),
            TagEnd::Emphasis => self.html("</em>"),
            TagEnd::Superscript => self.html("</sup>"),
            TagEnd::Subscript => self.html("</sub>"),
            TagEnd::Strong => self.html("</strong>"),
            TagEnd::Strikethrough => self.html("</del>"),
            TagEnd::Link => self.html("</a>"),
            TagEnd::FootnoteDefinition => self.html("</div>\n"),
            TagEnd::MetadataBlock(_) => self.hidden = false,
        }
    }
}

/// An inline run as HTML on its own (a question's title).
pub fn inline(items: &[Item<'_>]) -> String {
    let mut w = Writer::default();
    w.items(items);
    w.out
}

/// The writer on the parser's own events of `md`, each way the walk uses
/// it: the whole document as one run; the same again after a reset (as the
/// next section); and, without images (whose alt text needs what follows
/// them), one event at a time. Each must be what pulldown-cmark's
/// `push_html` writes: the unit tests and the fuzz target check it.
#[cfg(any(test, fuzzing))]
pub fn write_each_way(md: &str, options: pulldown_cmark::Options) -> Vec<(&'static str, String)> {
    let items: Vec<Item<'_>> = pulldown_cmark::Parser::new_ext(md, options)
        .into_offset_iter()
        .map(|(ev, r)| Item::Ev(ev, r))
        .collect();
    let mut w = Writer::default();
    w.items(&items);
    let mut out = vec![("as one run", w.out.clone())];
    w.reset();
    w.items(&items);
    out.push(("after a reset", w.out));
    let image = |it: &Item<'_>| matches!(it, Item::Ev(Event::Start(Tag::Image { .. }), _));
    if !items.iter().any(image) {
        let mut w = Writer::default();
        for it in &items {
            if let Item::Ev(ev, _) = it {
                w.event(ev);
            }
        }
        out.push(("event by event", w.out));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    /// Every kind of event, under every parser option (math, definition
    /// lists, super/subscript and metadata blocks too, though the dialect
    /// does not turn them on).
    const SAMPLES: &[&str] = &[
        "# h1 {#x .a .b k=v k2}\n\nSetext\n===\n\npara *em* **strong** ~~del~~ `code` a<b>&\"'\n",
        "| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | **2** | 3 | 4 |\n| 5 |\n\nafter\n",
        "- [x] done\n- [ ] todo\n\n3. three\n4. four\n\n1. one\n\n* loose\n\n* list\n",
        "> quote\n> > nested\n\n> [!NOTE]\n> alert\n\n> [!CAUTION]\n> c\n",
        "```rust extra\nfn x() {}\n```\n\n```\nplain\n```\n\n    indented\n\n---\n***\n",
        "text[^1] and[^n] again[^1]\n\n[^1]: one\n[^n]: *two*\n",
        "![alt *em* `c` [l](u) ![in](i.png \"t\") $m$](a.png \"title\") ![](b.png)\n",
        "<mailto:a@b.c> <https://x.y/a b> [t](/u \"ti&tle\") <span>i</span>\n\n<div>\nblock\n</div>\n",
        "line  \nhard\\\nbreak\nsoft\n\n$inline$ and $$display$$ ^sup^ ~sub~\n",
        "term\n: definition\n\nother\n: d1\n: d2\n",
        "---\ntitle: x\n---\n\nafter metadata\n",
        "- a\n\n  ```\n  code in item\n  ```\n- b\n  > q\n\n![x][r]\n\n[r]: /r.png\n",
    ];

    #[test]
    fn writes_what_push_html_writes() {
        let opts = Options::all() - Options::ENABLE_OLD_FOOTNOTES;
        for md in SAMPLES {
            let mut want = String::new();
            pulldown_cmark::html::push_html(&mut want, Parser::new_ext(md, opts));
            let ways = write_each_way(md, opts);
            assert_eq!(ways.len(), if md.contains("![") { 2 } else { 3 });
            for (how, got) in ways {
                assert_eq!(got, want, "{md:?} {how}");
            }
        }
    }

    /// The start of `![…](a.png)`.
    fn image_start() -> Item<'static> {
        let image = Tag::Image {
            link_type: LinkType::Inline,
            dest_url: "a.png".into(),
            title: "".into(),
            id: "".into(),
        };
        Item::Ev(Event::Start(image), 0..0)
    }

    #[test]
    fn raw_items_are_inline_html_and_alt_text_escapes_them() {
        let mut w = Writer::default();
        w.items(&[
            Item::raw("<b>", ""),
            image_start(),
            Item::raw("<i>", ""),
            Item::Ev(Event::End(TagEnd::Image), 0..0),
        ]);
        assert_eq!(w.out, "<b><img src=\"a.png\" alt=\"&lt;i&gt;\" />");
    }

    /// An image whose end never comes (a pass dropped it) ends with its
    /// run: its alt text does not swallow the rest of the section.
    #[test]
    fn alt_text_stops_at_the_end_of_the_run() {
        let mut w = Writer::default();
        w.event(&Event::Start(Tag::Paragraph));
        w.items(&[image_start(), Item::Ev(Event::Text("alt".into()), 0..0)]);
        w.event(&Event::End(TagEnd::Paragraph));
        assert_eq!(w.out, "<p><img src=\"a.png\" alt=\"alt\" /></p>\n");
    }
}
