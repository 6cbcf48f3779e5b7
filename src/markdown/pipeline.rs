//! The block-level walk over pulldown-cmark's events: sections and
//! questions, callouts, widgets, anchor paragraphs, HTML blocks; inline runs
//! go through [`inline::process`].

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::callout::{self, Kind};
use super::context::Ctx;
use super::inline::{self, Item};
use super::links::{ID_PREFIX, checked_id};
use super::widget::{self, Directive};
use super::window::Window;
use super::{
    Options, Outline, OutlineQuestion, Question, Rendered, Section, Source, anchors, escape, html,
    sanitize,
};
use crate::diag::{Severity, line_col};

/// The parser options of the dialect (docs/dialect.md §9).
pub fn parser_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options as O;
    O::ENABLE_TABLES
        | O::ENABLE_STRIKETHROUGH
        | O::ENABLE_TASKLISTS
        | O::ENABLE_FOOTNOTES
        | O::ENABLE_GFM
        | O::ENABLE_HEADING_ATTRIBUTES
}

fn is_inline(ev: &Event<'_>) -> bool {
    match ev {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineHtml(_)
        | Event::InlineMath(_)
        | Event::DisplayMath(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::FootnoteReference(_)
        | Event::TaskListMarker(_) => true,
        Event::Start(t) => matches!(
            t,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Event::End(t) => matches!(
            t,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        ),
        _ => false,
    }
}

/// The section being written. Its HTML is written as the walk goes (see
/// `html.rs`); the writer and text buffers are reused section to section.
#[derive(Default)]
struct SectionBuf {
    question: Option<Question>,
    html: html::Writer,
    /// Whether any event was emitted (a section of events that write no
    /// HTML, e.g. an HTML block sanitised to nothing, still counts).
    any: bool,
    text: String,
}

impl SectionBuf {
    /// Buffers big enough for any section of a page of `body_len` bytes
    /// (its text is shorter than its markdown, its HTML rarely more than
    /// half as long again), so they never regrow on the page (with the
    /// heading-text buffer: 182 -> 160 allocations a page, dhat). Outline
    /// writes no HTML.
    fn sized_for(body_len: usize, quiet: bool) -> Self {
        let mut buf = SectionBuf {
            text: String::with_capacity(body_len),
            ..SectionBuf::default()
        };
        if !quiet {
            buf.html.out.reserve(body_len + body_len / 2);
        }
        buf
    }
}

struct Walker<'a, 'o> {
    ctx: Ctx<'a, 'o>,
    events: Window<'a>,
    /// The inline run being processed: a buffer kept across runs (a page
    /// has hundreds of them).
    items: Vec<Item<'a>>,
    depth: usize,
    quotes: Vec<bool>,
    cur: SectionBuf,
    sections: Vec<Section>,
    page_text: String,
    pending_ids: Vec<(String, usize)>,
    /// A heading's text before it is trimmed (kept for the next heading).
    title_buf: String,
    outline: Vec<OutlineQuestion>,
    /// (body offset, 1-based file line) of the last heading, so line
    /// numbers are counted incrementally (linear in the page).
    line_cursor: (usize, usize),
}

/// Renders a page, or with `quiet` (always so without `opts`) only outlines
/// it and gathers its texts.
pub fn run(src: Source<'_>, opts: Option<&Options<'_>>, quiet: bool) -> (Rendered, Outline) {
    let ctx = Ctx::new(src, opts, quiet);
    let cur = SectionBuf::sized_for(ctx.body.len(), ctx.quiet);
    let events = Window::new(ctx.body, parser_options());
    let mut w = Walker {
        ctx,
        events,
        items: Vec::with_capacity(64),
        depth: 0,
        quotes: Vec::new(),
        cur,
        sections: Vec::new(),
        page_text: String::new(),
        pending_ids: Vec::new(),
        title_buf: String::new(),
        outline: Vec::new(),
        line_cursor: (0, line_col(src.text, src.body_start).0),
    };
    w.walk();
    w.flush();
    w.check_fragments();
    let diagnostics = w.ctx.finish();
    let outline = Outline {
        questions: w.outline,
        anchors: std::mem::take(&mut w.ctx.anchors),
    };
    let rendered = Rendered {
        sections: w.sections,
        text: w.page_text,
        widgets: std::mem::take(&mut w.ctx.widgets),
        diagnostics,
    };
    (rendered, outline)
}

impl<'a> Walker<'a, '_> {
    /// Moves the inline events from here on into `self.items` (after
    /// clearing it), up to the first event that is not inline.
    fn collect_inline(&mut self) {
        self.items.clear();
        self.collect_more_inline();
    }

    /// The same, adding to what `self.items` holds.
    fn collect_more_inline(&mut self) {
        self.events.take_while_into(is_inline, &mut self.items);
    }

    /// Runs the inline passes over `self.items`.
    fn process_inline(&mut self, in_table: bool) {
        inline::process(&mut self.ctx, &mut self.items, in_table);
    }

    /// Writes a block event into the section (outline writes nothing).
    fn emit(&mut self, ev: &Event<'_>) {
        self.cur.any = true;
        if !self.ctx.quiet {
            self.cur.html.event(ev);
        }
    }

    /// Writes HTML this module made into the section.
    fn emit_html(&mut self, html: &str) {
        self.cur.any = true;
        if !self.ctx.quiet {
            self.cur.html.html(html);
        }
    }

    /// Writes `self.items` into the section, text included, and empties it.
    fn emit_items(&mut self) {
        inline::push_text(&self.items, &mut self.cur.text);
        self.cur.any |= !self.items.is_empty();
        if !self.ctx.quiet {
            self.cur.html.items(&self.items);
        }
        self.items.clear();
    }

    fn walk(&mut self) {
        while let Some((ev, r)) = self.events.next() {
            match ev {
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }) => {
                    self.collect_inline();
                    self.events.next(); // End(Heading)
                    self.heading(level, id, classes, attrs, r);
                }
                Event::Start(Tag::Paragraph) => self.paragraph(r),
                Event::Start(Tag::BlockQuote(kind)) => {
                    let callout = match kind {
                        Some(k) => Some(Kind::from_alert(k)),
                        None => self.marker_callout(),
                    };
                    self.quotes.push(callout.is_some());
                    self.depth += 1;
                    match callout {
                        Some(k) => self.emit_html(&k.open_html(self.ctx.lang)),
                        None => self.emit(&Event::Start(Tag::BlockQuote(None))),
                    }
                }
                Event::End(TagEnd::BlockQuote(_)) => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.quotes.pop().unwrap_or(false) {
                        self.emit_html(callout::CLOSE_HTML);
                    } else {
                        self.emit(&Event::End(TagEnd::BlockQuote(None)));
                    }
                    self.cur.text.push('\n');
                }
                Event::Start(Tag::HtmlBlock) => self.html_block(),
                Event::Start(Tag::CodeBlock(kind)) => {
                    self.emit(&Event::Start(Tag::CodeBlock(kind)));
                    while let Some((ev, _)) = self.events.next() {
                        let end = matches!(ev, Event::End(TagEnd::CodeBlock));
                        if let Event::Text(t) = &ev {
                            self.cur.text.push_str(t);
                        }
                        self.emit(&ev);
                        if end {
                            break;
                        }
                    }
                    self.cur.text.push('\n');
                }
                Event::Start(Tag::TableCell) => {
                    // End(TableCell) is emitted by its own arm.
                    self.collect_inline();
                    self.process_inline(true);
                    self.emit(&Event::Start(Tag::TableCell));
                    self.emit_items();
                    self.cur.text.push(' ');
                }
                Event::End(TagEnd::TableCell) => self.emit(&Event::End(TagEnd::TableCell)),
                e if is_inline(&e) => {
                    // Inline content straight in a tight list item.
                    self.items.clear();
                    self.items.push(Item::Ev(e, r));
                    self.collect_more_inline();
                    self.process_inline(false);
                    self.emit_items();
                    self.cur.text.push('\n');
                }
                Event::Start(_) => {
                    self.depth += 1;
                    self.emit(&ev);
                }
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    self.emit(&ev);
                }
                other => self.emit(&other),
            }
        }
    }

    /// `>?` / `>!` at the start of a blockquote: the kind, with the marker
    /// removed from the events (and an emptied first paragraph dropped).
    fn marker_callout(&mut self) -> Option<Kind> {
        if !matches!(self.events.peek(0)?.0, Event::Start(Tag::Paragraph)) {
            return None;
        }
        let body = self.ctx.body;
        let (Event::Text(t), r) = self.events.peek(1)? else {
            return None;
        };
        let (kind, n) = callout::marker(body, r.start, t)?;
        let rest: CowStr<'a> = match t {
            CowStr::Borrowed(s) => CowStr::Borrowed(&s[n..]),
            other => CowStr::from(other[n..].to_string()),
        };
        let r = r.start + n..r.end;
        if rest.is_empty() {
            // Window positions: 0 the paragraph's start, 1 the marker text,
            // 2 what follows it. Removed from the back so indices hold.
            let used: &[usize] = match self.events.peek(2).map(|e| &e.0) {
                Some(Event::SoftBreak | Event::HardBreak) => &[2, 1],
                Some(Event::End(TagEnd::Paragraph)) => &[2, 1, 0],
                _ => &[1],
            };
            for &k in used {
                self.events.remove(k);
            }
        } else if let Some(slot) = self.events.peek_mut(1) {
            *slot = (Event::Text(rest), r);
        }
        Some(kind)
    }

    fn paragraph(&mut self, r: Range<usize>) {
        let para_src = self.ctx.body.get(r.clone()).unwrap_or("");
        match widget::parse(para_src) {
            Directive::Widget(name, off) => {
                let name = name.to_string();
                self.collect_inline();
                self.events.next(); // End(Paragraph)
                self.widget(&name, r.start + off);
                return;
            }
            Directive::Malformed(off, msg) => self.ctx.diag(Severity::Error, r.start + off, msg),
            Directive::None => {}
        }
        self.collect_inline();
        self.events.next(); // End(Paragraph)
        if let Some(ids) = anchor_only(&self.items) {
            if matches!(
                self.events.peek(0),
                Some((Event::Start(Tag::Heading { .. }), _))
            ) {
                self.pending_ids.extend(ids);
            } else {
                for (id, at) in ids {
                    let id = checked_id(&mut self.ctx, &id, at);
                    let got = self.ctx.claim_id(&id, at);
                    self.emit_html(&format!("<a id=\"{}\"></a>\n", escape::html(&got)));
                }
            }
            return;
        }
        self.process_inline(false);
        self.emit(&Event::Start(Tag::Paragraph));
        self.emit_items();
        self.emit(&Event::End(TagEnd::Paragraph));
        self.cur.text.push('\n');
    }

    fn widget(&mut self, name: &str, at: usize) {
        let Some(host) = self.ctx.widget_host else {
            return;
        };
        match host.fallback_html(name, self.ctx.lang) {
            Some(fallback) => {
                self.emit_html(&format!(
                    "<div class=\"widget\" data-widget=\"{}\">{}</div>\n",
                    escape::html(name),
                    fallback
                ));
                self.ctx.widgets.push(name.to_string());
            }
            None => self
                .ctx
                .diag(Severity::Error, at, format!("unknown widget `{name}`")),
        }
    }

    fn html_block(&mut self) {
        let mut html = String::new();
        // (offset in `html`, body offset) for each piece, to place problems.
        let mut map: Vec<(usize, usize)> = Vec::new();
        while let Some((ev, r)) = self.events.next() {
            match ev {
                Event::Html(h) | Event::InlineHtml(h) | Event::Text(h) => {
                    map.push((html.len(), r.start));
                    html.push_str(&h);
                }
                _ => break, // End(HtmlBlock)
            }
        }
        // Outlining writes no HTML and reports nothing: no need to sanitise.
        if self.ctx.raw_html || self.ctx.quiet {
            self.emit_html(&html);
            return;
        }
        let (clean, problems) = sanitize::block(&html);
        for (off, msg) in problems {
            let k = map.partition_point(|&(h, _)| h <= off).saturating_sub(1);
            let at = map.get(k).map_or(0, |&(h, b)| b + (off - h));
            self.ctx.diag(Severity::Warning, at, msg);
        }
        self.emit_html(&clean);
    }

    fn heading(
        &mut self,
        level: HeadingLevel,
        id: Option<CowStr<'a>>,
        classes: Vec<CowStr<'a>>,
        attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
        r: Range<usize>,
    ) {
        // Explicit ids, first wins: `{#x}`, `[](id:x)` inside, `[](id:x)` on the line before.
        let mut explicit: Vec<(String, usize)> = Vec::new();
        if let Some(id) = id {
            explicit.push((id.to_string(), r.start));
        }
        take_id_links(&mut self.items, &mut explicit);
        explicit.append(&mut self.pending_ids);

        self.process_inline(false);
        self.title_buf.clear();
        inline::push_text(&self.items, &mut self.title_buf);
        let title_text = self.title_buf.trim().to_string();
        let top = self.depth == 0;
        let question = top && level == HeadingLevel::H3;
        if top && level <= HeadingLevel::H3 {
            self.flush();
        }

        let mut ids = explicit.into_iter();
        let primary = match ids.next() {
            Some((x, at)) => {
                let x = checked_id(&mut self.ctx, &x, at);
                Some(self.ctx.claim_id(&x, at))
            }
            None if question => Some(self.ctx.claim_id(&anchors::slug(&title_text), r.start)),
            None => None,
        };
        let mut extra = String::new();
        for (x, at) in ids {
            let x = checked_id(&mut self.ctx, &x, at);
            let got = self.ctx.claim_id(&x, at);
            extra.push_str(&format!("<a id=\"{}\"></a>", escape::html(&got)));
        }

        if question {
            let line = self.line_of(r.start);
            let id = primary.unwrap_or_default();
            if self.ctx.quiet {
                // Only outline() returns these; render() drops them.
                self.outline.push(OutlineQuestion {
                    id: id.clone(),
                    title_text: title_text.clone(),
                    line,
                });
            }
            let title_html = if self.ctx.quiet {
                String::new()
            } else {
                html::inline(&self.items)
            };
            self.items.clear();
            if !extra.is_empty() {
                self.emit_html(&extra);
            }
            self.cur.question = Some(Question {
                id,
                title_html,
                title_text,
                answer_text: String::new(),
                line,
            });
            return;
        }
        if !extra.is_empty() {
            self.emit_html(&extra);
        }
        let attrs = if !self.ctx.raw_html && !attrs.is_empty() {
            self.ctx.diag(
                Severity::Warning,
                r.start,
                "heading attributes other than id and class removed",
            );
            Vec::new()
        } else {
            attrs
        };
        self.emit(&Event::Start(Tag::Heading {
            level,
            id: primary.map(CowStr::from),
            classes,
            attrs,
        }));
        self.emit_items();
        self.emit(&Event::End(TagEnd::Heading(level)));
        self.cur.text.push('\n');
    }

    /// The file line of body offset `off` (offsets come in increasing order).
    fn line_of(&mut self, off: usize) -> usize {
        let (at, line) = self.line_cursor;
        if off < at {
            return line_col(self.ctx.src.text, self.ctx.src.body_start + off).0;
        }
        let body = self.ctx.body.as_bytes();
        let end = off.min(body.len());
        let more = body
            .get(at..end)
            .map_or(0, |s| memchr::memchr_iter(b'\n', s).count());
        self.line_cursor = (end, line + more);
        line + more
    }

    fn flush(&mut self) {
        // The writer and text buffers are kept for the next section (no
        // regrowing); what a section keeps is copied out of them, at its
        // exact size. (Handing the buffer over and starting the next one
        // at the last one's size measured no faster.)
        if self.cur.question.is_none() && !self.cur.any {
            self.cur.text.clear();
            return;
        }
        self.cur.any = false;
        let html = self.cur.html.out.as_str().to_string();
        self.cur.html.reset();
        let mut question = self.cur.question.take();
        match question.as_mut() {
            Some(q) => q.answer_text = self.cur.text.trim().to_string(),
            None => self.page_text.push_str(&self.cur.text),
        }
        self.cur.text.clear();
        self.sections.push(Section { question, html });
    }

    /// Same-page links (`#x`) must name an anchor on the page.
    fn check_fragments(&mut self) {
        let links = std::mem::take(&mut self.ctx.fragment_links);
        if links.is_empty() {
            return;
        }
        let known: HashSet<&str> = self.ctx.anchors.iter().map(String::as_str).collect();
        let mut missing = Vec::new();
        for (frag, at) in links {
            let decoded = percent_decode(&frag);
            if !frag.is_empty() && !known.contains(decoded.as_str()) {
                missing.push((frag, at));
            }
        }
        for (frag, at) in missing {
            self.ctx.diag(
                Severity::Error,
                at,
                format!("no anchor `#{frag}` on this page"),
            );
        }
    }
}

/// Removes `[](id:x)` links from a heading's events, collecting the ids.
fn take_id_links(seg: &mut Vec<Item<'_>>, ids: &mut Vec<(String, usize)>) {
    let mut depth_of_id_link: Vec<bool> = Vec::new();
    seg.retain(|it| match it {
        Item::Ev(Event::Start(Tag::Link { dest_url, .. }), r) => {
            if let Some(id) = dest_url.strip_prefix(ID_PREFIX) {
                ids.push((id.to_string(), r.start));
                depth_of_id_link.push(true);
                return false;
            }
            depth_of_id_link.push(false);
            true
        }
        Item::Ev(Event::End(TagEnd::Link), _) => !depth_of_id_link.pop().unwrap_or(false),
        _ => true,
    });
}

/// The ids of a paragraph made only of `[](id:x)` anchors (and blanks).
fn anchor_only(seg: &[Item<'_>]) -> Option<Vec<(String, usize)>> {
    let mut ids = Vec::new();
    let mut k = 0;
    while k < seg.len() {
        let Item::Ev(ev, r) = &seg[k] else {
            return None;
        };
        match ev {
            Event::Start(Tag::Link { dest_url, .. }) => {
                let id = dest_url.strip_prefix(ID_PREFIX)?;
                if !matches!(seg.get(k + 1)?, Item::Ev(Event::End(TagEnd::Link), _)) {
                    return None;
                }
                ids.push((id.to_string(), r.start));
                k += 2;
            }
            Event::SoftBreak => k += 1,
            Event::Text(t) if t.trim().is_empty() => k += 1,
            _ => return None,
        }
    }
    (!ids.is_empty()).then_some(ids)
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let hex = |b: u8| (b as char).to_digit(16);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
