//! Raw HTML and unsafe URLs (docs/dialect.md §7).
//!
//! One allowlist serves two sanitisers: HTML blocks go through `ammonia`
//! (a real HTML parser), configured from the lists below; inline tags, which
//! pulldown-cmark hands over one tag at a time (`<b>`, then `</b>`), are
//! parsed here and rebuilt from allowed parts only. Removals are reported
//! by a scan of the same tags, so each warning has a position.
//!
//! **Nesting depth.** html5ever, under ammonia, walks its stack of open
//! elements for many start tags (`<div>` looks for an open `<p>` to close),
//! so a block of n nested tags cost O(n²): 100k nested `<div>`s took 32 s.
//! The scan that reports removals also keeps a conservative estimate of
//! that stack ([`DepthCap`]); tags that would open past [`MAX_HTML_DEPTH`]
//! levels (and the end tags that pair with them) are removed, their content
//! kept, so ammonia's parser never goes deeper. Browsers flatten past a
//! depth cap too (Blink at 512). The block gets one warning saying where.
//! (Escaping them as text instead was tried: the parser's entity decoding
//! of 100k `&lt;div>` cost as much as the nesting had.)

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

const TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];
const GENERIC_ATTRS: &[&str] = &["class", "id", "title", "lang", "dir", "align"];
const TAG_ATTRS: &[(&str, &[&str])] = &[
    ("a", &["href", "name", "target", "rel"]),
    ("img", &["src", "alt", "width", "height"]),
    ("td", &["colspan", "rowspan"]),
    ("th", &["colspan", "rowspan", "scope"]),
    ("ol", &["start", "type", "reversed"]),
    ("li", &["value"]),
    ("details", &["open"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("blockquote", &["cite"]),
    ("q", &["cite"]),
    ("time", &["datetime"]),
];
const URL_ATTRS: &[&str] = &["href", "src", "cite"];
const SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];
/// Removed together with their content.
const CONTENT_TAGS: &[&str] = &["script", "style"];

fn tag_allowed(name: &str) -> bool {
    TAGS.contains(&name)
}

fn attr_allowed(tag: &str, attr: &str) -> bool {
    GENERIC_ATTRS.contains(&attr)
        || TAG_ATTRS
            .iter()
            .any(|(t, attrs)| *t == tag && attrs.contains(&attr))
}

static AMMONIA: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::empty();
    b.tags(TAGS.iter().copied().collect())
        .clean_content_tags(CONTENT_TAGS.iter().copied().collect())
        .generic_attributes(GENERIC_ATTRS.iter().copied().collect())
        .tag_attributes(
            TAG_ATTRS
                .iter()
                .map(|(t, a)| (*t, a.iter().copied().collect::<HashSet<_>>()))
                .collect::<HashMap<_, _>>(),
        )
        .url_schemes(SCHEMES.iter().copied().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(None)
        .strip_comments(true)
        // ammonia lets some malformed `javascript:` URLs through as relative
        // (found by the fuzzer: `<a href="javascript:x>)(y"z</a>`); apply
        // our own scheme check to every URL attribute as well.
        .attribute_filter(|_, attr, value| {
            if URL_ATTRS.contains(&attr) && unsafe_scheme(value).is_some() {
                None
            } else {
                Some(value.into())
            }
        });
    b
});

/// The scheme that makes `url` unsafe (`javascript`, `vbscript`, `data`),
/// however it is spelt: any letter case, with tabs, newlines or control
/// characters inside (browsers skip those), after entity decoding.
pub fn unsafe_scheme(url: &str) -> Option<&'static str> {
    let decoded = decode_entities(url);
    // The scheme, lowercased, in a small buffer (no allocation per link).
    let mut buf = [0u8; 16];
    let mut n = 0;
    let mut colon = false;
    for c in decoded.chars() {
        if c.is_ascii_control() || c == ' ' || c == '\u{FEFF}' {
            continue;
        }
        if c == ':' {
            colon = true;
            break;
        }
        if !c.is_ascii_alphanumeric() && !matches!(c, '+' | '-' | '.') || n == buf.len() {
            return None;
        }
        buf[n] = c.to_ascii_lowercase() as u8;
        n += 1;
    }
    if !colon {
        return None;
    }
    let scheme = &buf[..n];
    ["javascript", "vbscript", "data"]
        .into_iter()
        .find(|s| s.as_bytes() == scheme)
}

/// Decodes numeric character references and the named ones that matter
/// for URL tricks (`&colon;`, `&Tab;`, ...). Others are left as written.
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|e| e + 1)
            .unwrap_or(rest.len());
        let name = &rest[1..end];
        let semi = rest[end..].starts_with(';');
        let decoded = if let Some(num) = name.strip_prefix('#') {
            let v = if let Some(hex) = num.strip_prefix(['x', 'X']) {
                u32::from_str_radix(hex, 16).ok()
            } else {
                num.parse::<u32>().ok()
            };
            v.map(|v| char::from_u32(v).unwrap_or('\u{FFFD}'))
        } else {
            match name {
                "colon" => Some(':'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "sol" => Some('/'),
                "lpar" => Some('('),
                "rpar" => Some(')'),
                "period" => Some('.'),
                _ => None,
            }
        };
        match decoded {
            Some(c) if name.len() > 1 => {
                out.push(c);
                rest = &rest[end + usize::from(semi)..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// One parsed tag.
#[derive(Debug)]
pub struct ParsedTag<'s> {
    pub name: String,
    pub closing: bool,
    pub self_closing: bool,
    /// (name lowercased, raw value, byte offset of the attribute in the tag)
    pub attrs: Vec<(String, Option<&'s str>, usize)>,
    /// Bytes consumed.
    pub len: usize,
}

/// Parses the tag at the start of `s` (`<name attr=v ...>` or `</name>`).
pub fn parse_tag(s: &str) -> Option<ParsedTag<'_>> {
    let b = s.as_bytes();
    if b.first() != Some(&b'<') {
        return None;
    }
    let mut i = 1;
    let closing = b.get(1) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    if !b.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
        i += 1;
    }
    let name = s[name_start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut self_closing = false;
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        match b.get(i)? {
            b'>' => {
                i += 1;
                break;
            }
            b'/' if b.get(i + 1) == Some(&b'>') => {
                self_closing = true;
                i += 2;
                break;
            }
            _ => {}
        }
        let a_start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        if i == a_start {
            // A stray `/` or `=`: skip it.
            i += 1;
            continue;
        }
        let a_name = s[a_start..i].to_ascii_lowercase();
        let mut j = i;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = None;
        if b.get(j) == Some(&b'=') {
            j += 1;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            match b.get(j)? {
                q @ (b'"' | b'\'') => {
                    let q = *q;
                    let v_start = j + 1;
                    let len = b[v_start..].iter().position(|&c| c == q)?;
                    value = Some(&s[v_start..v_start + len]);
                    j = v_start + len + 1;
                }
                _ => {
                    let v_start = j;
                    while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                        j += 1;
                    }
                    value = Some(&s[v_start..j]);
                }
            }
            i = j;
        }
        attrs.push((a_name, value, a_start));
    }
    Some(ParsedTag {
        name,
        closing,
        self_closing,
        attrs,
        len: i,
    })
}

fn escape_attr(v: &str, out: &mut String) {
    for c in v.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
}

/// What the checks found in one tag: (byte offset in the tag, message).
fn tag_problems(t: &ParsedTag<'_>, out: &mut Vec<(usize, String)>) {
    if t.closing {
        return;
    }
    if !tag_allowed(&t.name) {
        out.push((0, format!("raw HTML `<{}>` removed (not allowed)", t.name)));
        return;
    }
    for (a, v, off) in &t.attrs {
        if !attr_allowed(&t.name, a) {
            out.push((*off, format!("attribute `{a}` removed from `<{}>`", t.name)));
        } else if URL_ATTRS.contains(&a.as_str())
            && let Some(scheme) = v.and_then(unsafe_scheme)
        {
            out.push((
                *off,
                format!("unsafe `{scheme}:` URL removed from `<{}>`", t.name),
            ));
        }
    }
}

/// `Some((name, closing))` when `html` is a tag whose content is removed
/// with it (`<script>`, `</style>`, ...).
pub fn content_tag(html: &str) -> Option<(String, bool)> {
    let t = parse_tag(html)?;
    CONTENT_TAGS
        .contains(&t.name.as_str())
        .then_some((t.name, t.closing))
}

/// Sanitises one inline tag as pulldown-cmark emits it. Returns the HTML to
/// write (possibly empty) and the problems (offset in `html`, message).
pub fn inline_tag(html: &str) -> (String, Vec<(usize, String)>) {
    let mut problems = Vec::new();
    let Some(t) = parse_tag(html) else {
        // Comments, processing instructions, declarations, CDATA: dropped.
        if !html.starts_with("<!--") {
            problems.push((0, "raw HTML removed (not allowed)".to_string()));
        }
        return (String::new(), problems);
    };
    tag_problems(&t, &mut problems);
    if !tag_allowed(&t.name) {
        return (String::new(), problems);
    }
    let mut out = String::with_capacity(html.len());
    if t.closing {
        out.push_str("</");
        out.push_str(&t.name);
        out.push('>');
        return (out, problems);
    }
    out.push('<');
    out.push_str(&t.name);
    for (a, v, _) in &t.attrs {
        if !attr_allowed(&t.name, a) {
            continue;
        }
        let value = v.map(decode_entities);
        if URL_ATTRS.contains(&a.as_str()) {
            match &value {
                Some(v) if unsafe_scheme(v).is_none() => {}
                _ => continue,
            }
        }
        out.push(' ');
        out.push_str(a);
        if let Some(v) = value {
            out.push_str("=\"");
            escape_attr(&v, &mut out);
            out.push('"');
        }
    }
    if t.self_closing {
        out.push_str(" /");
    }
    out.push('>');
    (out, problems)
}

/// How deeply elements may nest in one HTML block before deeper tags are
/// removed (see the module docs).
pub const MAX_HTML_DEPTH: usize = 256;

/// Elements without content (never on the stack of open elements).
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
];
/// html5ever's formatting elements: an implied close keeps them in its list
/// of active formatting elements, which it re-opens later; they leave the
/// estimate only through their own end tag.
const FORMATTING: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];
/// Elements the HTML parser never walks past when it looks for an element
/// to close (a superset of every scope's boundaries, plus tags it may have
/// ignored), so the estimate never closes what the parser keeps open.
const BOUNDARY: &[&str] = &[
    "applet",
    "caption",
    "html",
    "table",
    "td",
    "th",
    "marquee",
    "object",
    "template",
    "button",
    "ol",
    "ul",
    "select",
    "body",
    "head",
    "frameset",
    "colgroup",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "mi",
    "mo",
    "mn",
    "ms",
    "mtext",
    "annotation-xml",
    "foreignobject",
    "desc",
    "title",
    "svg",
    "math",
];
/// Elements an implied `</li>`, `</dd>` or `</p>` walks past (the
/// parser's non-special phrasing elements, and `div`, `p`, `address`).
const TRANSPARENT: &[&str] = &[
    "span", "abbr", "bdi", "bdo", "cite", "dfn", "kbd", "mark", "q", "samp", "sub", "sup", "var",
    "time", "del", "ins", "ruby", "rb", "rp", "rt", "rtc", "data", "label", "output",
];

/// A conservative estimate of the HTML parser's open-element depth while
/// scanning a block: it may count more levels than the parser has, never
/// fewer by more than a small factor.
#[derive(Default)]
struct DepthCap {
    /// Open elements other than formatting ones, innermost last.
    stack: Vec<String>,
    /// Formatting elements opened and not yet closed by their end tag.
    formatting: HashMap<String, usize>,
    formatting_total: usize,
    /// Start tags removed for depth, by name, so their end tags are too.
    escaped: HashMap<String, usize>,
}

impl DepthCap {
    fn depth(&self) -> usize {
        self.stack.len() + self.formatting_total
    }

    /// Pops down to (and including) the innermost `targets` element when
    /// only elements in `through` lie above it.
    fn close_implied(&mut self, targets: &[&str], through: impl Fn(&str) -> bool) {
        for k in (0..self.stack.len()).rev() {
            let n = self.stack[k].as_str();
            if targets.contains(&n) {
                self.stack.truncate(k);
                return;
            }
            if !through(n) {
                return;
            }
        }
    }

    /// Records tag `t`; `false` when it must be removed instead.
    fn admit(&mut self, t: &ParsedTag<'_>) -> bool {
        let name = t.name.as_str();
        if t.closing {
            if let Some(n) = self.escaped.get_mut(name).filter(|n| **n > 0) {
                *n -= 1;
                return false;
            }
            if FORMATTING.contains(&name) {
                if let Some(n) = self.formatting.get_mut(name).filter(|n| **n > 0) {
                    *n -= 1;
                    self.formatting_total -= 1;
                }
            } else {
                let non_special = !BOUNDARY.contains(&name) && TRANSPARENT.contains(&name);
                self.close_implied(&[name], |n| {
                    if non_special {
                        TRANSPARENT.contains(&n)
                    } else {
                        !BOUNDARY.contains(&n)
                    }
                });
            }
            return true;
        }
        // Script and style hold text, not elements; their content is
        // removed with them (`CONTENT_TAGS`), never flattened into view.
        if VOID.contains(&name) || CONTENT_TAGS.contains(&name) {
            return true;
        }
        match name {
            "li" => self.close_implied(&["li"], |n| {
                matches!(n, "div" | "p" | "address") || TRANSPARENT.contains(&n)
            }),
            "dd" | "dt" => self.close_implied(&["dd", "dt"], |n| {
                matches!(n, "div" | "p" | "address") || TRANSPARENT.contains(&n)
            }),
            "p" => self.close_implied(&["p"], |n| !BOUNDARY.contains(&n)),
            _ => {}
        }
        if self.depth() >= MAX_HTML_DEPTH {
            *self.escaped.entry(t.name.clone()).or_default() += 1;
            return false;
        }
        if FORMATTING.contains(&name) {
            *self.formatting.entry(t.name.clone()).or_default() += 1;
            self.formatting_total += 1;
        } else {
            self.stack.push(t.name.clone());
        }
        true
    }
}

/// Where an HTML comment starting at `html[at..]` (`<!--`) ends, as the
/// HTML tokenizer ends it (`-->`, `--!>`, or the abrupt `<!-->`, `<!--->`).
fn comment_end(html: &str, at: usize) -> usize {
    let body = at + 4;
    let rest = &html[body..];
    if rest.starts_with('>') {
        return body + 1;
    }
    if rest.starts_with("->") {
        return body + 2;
    }
    let a = rest.find("-->").map(|i| body + i + 3);
    let b = rest.find("--!>").map(|i| body + i + 4);
    match (a, b) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b).unwrap_or(html.len()),
    }
}

/// Sanitises an HTML block with ammonia. Returns the clean HTML and the
/// problems found (offset in `html`, message).
pub fn block(html: &str) -> (String, Vec<(usize, String)>) {
    let mut problems = Vec::new();
    let b = html.as_bytes();
    let mut i = 0;
    let mut skip_until: Option<String> = None;
    let mut depth = DepthCap::default();
    // Where comments end: tags inside them open nothing.
    let mut comment_until = 0;
    // The block without the tags past the depth cap (once there are any):
    // the text so far, and how much of `html` it covers.
    let mut capped: Option<(String, usize)> = None;
    while let Some(off) = html[i..].find('<') {
        let at = i + off;
        if at >= comment_until && html[at..].starts_with("<!--") {
            comment_until = comment_end(html, at);
        }
        // A tag longer than this is not one (keeps the scan linear).
        let mut lim = (at + 16 * 1024).min(html.len());
        while !html.is_char_boundary(lim) {
            lim -= 1;
        }
        if let Some(t) = parse_tag(&html[at..lim]) {
            if at >= comment_until && skip_until.is_none() && !depth.admit(&t) {
                let (text, done) = capped.get_or_insert_with(|| {
                    problems.push((
                        at,
                        format!(
                            "HTML nested deeper than {MAX_HTML_DEPTH} levels: deeper tags removed"
                        ),
                    ));
                    (String::with_capacity(html.len() + 64), 0)
                });
                text.push_str(&html[*done..at]);
                *done = at + t.len;
                i = at + t.len.max(1);
                if i >= b.len() {
                    break;
                }
                continue;
            }
            if let Some(end) = &skip_until {
                if t.closing && &t.name == end {
                    skip_until = None;
                }
            } else {
                let before = problems.len();
                tag_problems(&t, &mut problems);
                for p in &mut problems[before..] {
                    p.0 += at;
                }
                if !t.closing && CONTENT_TAGS.contains(&t.name.as_str()) {
                    skip_until = Some(t.name.clone());
                }
            }
            i = at + t.len.max(1);
        } else {
            i = at + 1;
        }
        if i >= b.len() {
            break;
        }
    }
    let capped = capped.map(|(mut text, done)| {
        text.push_str(&html[done..]);
        text
    });
    let mut clean = AMMONIA.clean(capped.as_deref().unwrap_or(html)).to_string();
    if html.ends_with('\n') && !clean.ends_with('\n') {
        clean.push('\n');
    }
    (clean, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_in_any_spelling() {
        for u in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " java\tscript:alert(1)",
            "&#106;avascript:alert(1)",
            "javascript&colon;alert(1)",
            "&#x6A;avascript:x",
            "vbscript:msgbox",
            "DATA:text/html;base64,xx",
        ] {
            assert!(unsafe_scheme(u).is_some(), "{u}");
        }
        for u in [
            "https://a.b/javascript:x",
            "/path:x",
            "notes.md#javascript",
            "mailto:a@b",
        ] {
            assert!(unsafe_scheme(u).is_none(), "{u}");
        }
    }

    #[test]
    fn inline_tags_are_rebuilt() {
        let (h, p) = inline_tag(r#"<img src="x.png" onerror="alert(1)">"#);
        assert_eq!(h, r#"<img src="x.png">"#);
        assert_eq!(p.len(), 1);
        assert!(p[0].1.contains("onerror"));
        let (h, p) = inline_tag("<script>");
        assert_eq!(h, "");
        assert_eq!(p.len(), 1);
        let (h, _) = inline_tag(r#"<a href='&#106;avascript:x' title="t">"#);
        assert_eq!(h, r#"<a title="t">"#);
        let (h, p) = inline_tag("</b>");
        assert_eq!((h.as_str(), p.len()), ("</b>", 0));
    }

    #[test]
    fn malformed_javascript_url_in_a_block() {
        let (h, p) = block("<div>\n<a href=\"javascript:aler>)(7t\"x</a>\n</div>\n");
        assert!(!h.contains("javascript"), "{h}");
        assert!(p.iter().any(|(_, m)| m.contains("javascript")), "{p:?}");
    }

    #[test]
    fn blocks_use_ammonia() {
        let (h, p) = block("<div onclick=\"x()\">hi<script>alert(1)</script></div>\n");
        assert_eq!(h, "<div>hi</div>\n");
        assert_eq!(p.len(), 2, "{p:?}");
    }

    #[test]
    fn nested_100k_divs_are_capped_and_the_deeper_tags_removed() {
        let n = 100_000;
        let html = format!(
            "<div>{}x{}</div>\n",
            "<div>".repeat(n - 1),
            "</div>".repeat(n - 1)
        );
        let start = std::time::Instant::now();
        let (h, p) = block(&html);
        eprintln!("100k nested divs: {:?}", start.elapsed());
        assert_eq!(h.matches("<div>").count(), MAX_HTML_DEPTH, "{}", &h[..300]);
        assert_eq!(h.matches("</div>").count(), MAX_HTML_DEPTH);
        // The content stays, in the innermost div kept.
        let divs = "<div>".repeat(MAX_HTML_DEPTH);
        let ends = "</div>".repeat(MAX_HTML_DEPTH);
        assert_eq!(h, format!("{divs}x{ends}\n"));
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].0, 5 * MAX_HTML_DEPTH);
        assert!(p[0].1.contains("nested deeper"), "{p:?}");
    }

    #[test]
    fn removed_tags_take_their_attributes_along() {
        let n = MAX_HTML_DEPTH + 10;
        let html = format!("{}\n", "<div title=\"<b>\">".repeat(n));
        let (h, _) = block(&html);
        assert!(h.matches("<div").count() <= MAX_HTML_DEPTH, "{h}");
        assert!(!h.contains("<b>"), "{h}");
    }

    #[test]
    fn unclosed_list_items_and_paragraphs_do_not_count_as_nesting() {
        let items = "<li><p>item".repeat(MAX_HTML_DEPTH * 2);
        let (h, p) = block(&format!("<ul>{items}</ul>\n"));
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(h.matches("<li>").count(), MAX_HTML_DEPTH * 2);
        let dl = "<dt>t<dd><p>d".repeat(MAX_HTML_DEPTH * 2);
        let (h, p) = block(&format!("<dl>{dl}</dl>\n"));
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(h.matches("<dd>").count(), MAX_HTML_DEPTH * 2);
        let closed = "<div><span><b>x</b></span></div>".repeat(MAX_HTML_DEPTH * 2);
        assert!(block(&format!("{closed}\n")).1.is_empty());
    }

    #[test]
    fn misnested_formatting_and_comments_cannot_hide_depth() {
        // `</b>` with a `<div>` open inside the `<b>` does not close the
        // div (the parser's adoption agency keeps it open).
        let html = format!("{}\n", "<b><div></b>".repeat(MAX_HTML_DEPTH * 2));
        assert!(
            block(&html)
                .1
                .iter()
                .any(|(_, m)| m.contains("nested deeper"))
        );
        // `<!-->` is a whole comment, not the start of one.
        let html = format!("<!-->{}x\n", "<div>".repeat(MAX_HTML_DEPTH * 2));
        assert!(
            block(&html)
                .1
                .iter()
                .any(|(_, m)| m.contains("nested deeper"))
        );
        // A script past the cap still goes with its content.
        let html = format!(
            "{}<script>alert(1)</script>\n",
            "<div>".repeat(MAX_HTML_DEPTH * 2)
        );
        assert!(!block(&html).0.contains("alert"));
        // Tags inside a real comment open nothing.
        let html = format!("<!--{}-->\n", "<div>".repeat(MAX_HTML_DEPTH * 2));
        assert!(block(&html).1.is_empty());
    }
}
