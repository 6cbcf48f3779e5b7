//! The only module that touches YAML.
//!
//! serde_yaml is archived; every YAML call in faqtory goes through here so it
//! can be swapped for another parser in one place. Errors come back as a
//! [`Diagnostic`] located in the *file* (not in the YAML fragment), so front
//! matter that starts on line 2 of a page reports the page's line numbers.
//!
//! Before serde_yaml sees a text, one linear pass ([`prescan`]) rejects what
//! would make it slow or mislocated: collections nested deeper than
//! [`MAX_DEPTH`] (libyaml's time grows faster than linearly with depth:
//! 64k nested `[` took 8.5 s, so a hostile page could stall `serve`), and
//! characters YAML forbids (serde_yaml reports those without a line).

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, Severity};

/// A YAML fragment inside a larger file.
#[derive(Clone, Copy, Debug)]
pub struct Fragment<'a> {
    /// The file as the user names it.
    pub file: &'a Path,
    /// The whole file's text (used to show the offending line).
    pub whole: &'a str,
    /// The YAML text itself.
    pub yaml: &'a str,
    /// How many lines of the file come before the fragment's first line.
    pub line_offset: usize,
}

impl<'a> Fragment<'a> {
    /// A whole file that is YAML (site.yaml, refund-rules.yaml).
    pub fn whole_file(file: &'a Path, text: &'a str) -> Self {
        Fragment {
            file,
            whole: text,
            yaml: text,
            line_offset: 0,
        }
    }
}

/// Deserializes `frag` into `T`. Unknown keys and wrong types are errors when
/// `T` says so (`#[serde(deny_unknown_fields)]`), named with file:line:col.
pub fn parse<T: DeserializeOwned>(frag: Fragment<'_>) -> Result<T, Diagnostic> {
    // An empty fragment (e.g. `---\n---`) means "no keys", not "null".
    let yaml = if frag.yaml.trim().is_empty() {
        "{}"
    } else {
        frag.yaml
    };
    if let Err(p) = prescan(yaml) {
        let (line, column) = crate::diag::line_col(frag.yaml, p.offset);
        return Err(Diagnostic::at_line_col(
            Severity::Error,
            frag.file,
            frag.whole,
            line + frag.line_offset,
            column,
            p.message,
        ));
    }
    serde_yaml::from_str::<T>(yaml).map_err(|e| to_diagnostic(&e, frag))
}

/// How deeply collections may nest in any YAML faqtory reads. Real files
/// use a handful of levels; the cap only has to keep the parser linear.
pub const MAX_DEPTH: usize = 64;

/// A problem the pre-scan found, at a byte offset of the YAML text.
#[derive(Debug, PartialEq, Eq)]
struct Problem {
    offset: usize,
    message: String,
}

/// One linear pass over `yaml`: the first character YAML does not allow
/// (libyaml's reader set), then the first place where collections nest
/// deeper than [`MAX_DEPTH`].
fn prescan(yaml: &str) -> Result<(), Problem> {
    if let Some((offset, c)) = yaml.char_indices().find(|&(_, c)| !yaml_allows(c)) {
        return Err(Problem {
            offset,
            message: format!(
                "control character U+{:04X} is not allowed in YAML",
                u32::from(c)
            ),
        });
    }
    DepthScan {
        b: yaml.as_bytes(),
        line_start: 0,
        stack: Vec::new(),
    }
    .run()
}

/// The characters libyaml's reader accepts (YAML 1.1 `c-printable`).
fn yaml_allows(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}'
        | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// An estimate of YAML nesting depth that errs on the high side and never
/// on the low side for what libyaml would parse: block nesting is a stack
/// of indentation columns (each `- `, `? ` and key on a line opens one
/// more), flow nesting counts `[`/`{`. Quoted scalars, comments, block
/// scalars and multi-line plain scalars are skipped the way libyaml's
/// scanner delimits them, so brackets inside them do not count.
struct DepthScan<'a> {
    b: &'a [u8],
    /// Byte offset where the current line starts (for columns).
    line_start: usize,
    /// Columns of the open block nodes, innermost last.
    stack: Vec<usize>,
}

/// What the previous line left open.
#[derive(Clone, Copy)]
enum Carry {
    None,
    /// A plain scalar that continues on lines indented past `parent`.
    Plain {
        parent: isize,
    },
    /// A block scalar (`|`, `>`) whose content is indented at least
    /// `indent` (known after its first non-blank line).
    BlockScalar {
        parent: isize,
        indent: Option<usize>,
    },
}

fn is_blank(b: Option<&u8>) -> bool {
    matches!(b, None | Some(b' ' | b'\t' | b'\r' | b'\n'))
}

fn is_flow_indicator(b: Option<&u8>) -> bool {
    matches!(b, Some(b',' | b'[' | b']' | b'{' | b'}'))
}

impl DepthScan<'_> {
    fn too_deep(offset: usize) -> Problem {
        Problem {
            offset,
            message: format!("YAML nested deeper than {MAX_DEPTH} levels"),
        }
    }

    /// Opens a block node at column `col` unless one is open there already.
    fn push(&mut self, col: usize, offset: usize) -> Result<(), Problem> {
        if self.stack.last().is_none_or(|&top| top < col) {
            self.stack.push(col);
            if self.stack.len() > MAX_DEPTH {
                return Err(Self::too_deep(offset));
            }
        }
        Ok(())
    }

    fn line_end(&self, from: usize) -> usize {
        memchr::memchr(b'\n', &self.b[from..]).map_or(self.b.len(), |i| from + i)
    }

    /// `---` or `...` at column 0, followed by a blank.
    fn is_document_marker(&self, p: usize) -> bool {
        p == self.line_start
            && (self.b[p..].starts_with(b"---") || self.b[p..].starts_with(b"..."))
            && is_blank(self.b.get(p + 3))
    }

    fn run(mut self) -> Result<(), Problem> {
        let b = self.b;
        let mut carry = Carry::None;
        let mut pos = 0;
        while pos < b.len() {
            self.line_start = pos;
            let end = self.line_end(pos);
            let indent = b[pos..end].iter().take_while(|&&c| c == b' ').count();
            let content = pos + indent;
            let blank = b[content..end]
                .iter()
                .all(|c| matches!(c, b' ' | b'\t' | b'\r'));
            let next_line = (end + 1).min(b.len());
            match carry {
                Carry::BlockScalar {
                    parent,
                    indent: want,
                } => {
                    if blank {
                        pos = next_line;
                        continue;
                    }
                    let want = want.unwrap_or_else(|| {
                        indent.max(usize::try_from(parent + 1).unwrap_or(0)).max(1)
                    });
                    if indent >= want && !self.is_document_marker(content) {
                        carry = Carry::BlockScalar {
                            parent,
                            indent: Some(want),
                        };
                        pos = next_line;
                        continue;
                    }
                    carry = Carry::None;
                }
                Carry::Plain { parent } => {
                    if blank {
                        pos = next_line;
                        continue;
                    }
                    if isize::try_from(indent).unwrap_or(isize::MAX) > parent
                        && !self.is_document_marker(content)
                    {
                        // A continuation line: plain text up to a comment,
                        // which also ends the scalar.
                        if b[content] == b'#' || self.comment_in(content, end).is_some() {
                            carry = Carry::None;
                        }
                        pos = next_line;
                        continue;
                    }
                    carry = Carry::None;
                }
                Carry::None => {}
            }
            if blank || b[content] == b'#' || (indent == 0 && b[content] == b'%') {
                pos = next_line;
                continue;
            }
            let first = if self.is_document_marker(content) {
                self.stack.clear();
                content + 3
            } else {
                while self.stack.last().is_some_and(|&top| top > indent) {
                    self.stack.pop();
                }
                self.push(indent, content)?;
                content
            };
            // A value at the start of a line belongs to the node around it.
            let parent = match self.stack.len() {
                0 | 1 => -1,
                n => isize::try_from(self.stack[n - 2]).unwrap_or(isize::MAX),
            };
            pos = self.line_tokens(first, parent, &mut carry)?;
        }
        Ok(())
    }

    /// Offset of a ` #` comment in plain text `from..end`, if any.
    fn comment_in(&self, from: usize, end: usize) -> Option<usize> {
        (from..end)
            .find(|&i| self.b[i] == b'#' && i > from && matches!(self.b[i - 1], b' ' | b'\t'))
    }

    /// The tokens of one line in block context, from `p`; returns where
    /// the next line starts (later than this line's end when a flow
    /// collection or a quoted scalar spans lines).
    fn line_tokens(
        &mut self,
        mut p: usize,
        mut parent: isize,
        carry: &mut Carry,
    ) -> Result<usize, Problem> {
        let b = self.b;
        let mut expect = true;
        loop {
            while p < b.len() && matches!(b[p], b' ' | b'\t' | b'\r') {
                p += 1;
            }
            if p >= b.len() {
                return Ok(p);
            }
            let c = b[p];
            if c == b'\n' {
                return Ok(p + 1);
            }
            if c == b'#' && (p == self.line_start || matches!(b[p - 1], b' ' | b'\t')) {
                return Ok((self.line_end(p) + 1).min(b.len()));
            }
            if !expect {
                // After a quoted scalar or a flow collection: `: ` makes it
                // a key; anything else is libyaml's error to report.
                if c == b':' {
                    expect = true;
                }
                p += 1;
                continue;
            }
            let col = p - self.line_start;
            match c {
                b'-' | b'?' | b':' if is_blank(b.get(p + 1)) => {
                    parent = isize::try_from(col).unwrap_or(isize::MAX);
                    p += 1;
                    while p < b.len() && matches!(b[p], b' ' | b'\t') {
                        p += 1;
                    }
                    if p < b.len() && !matches!(b[p], b'\n' | b'\r' | b'#') {
                        self.push(p - self.line_start, p)?;
                    }
                }
                b'"' | b'\'' => {
                    p = self.quoted(p);
                    expect = false;
                }
                b'[' | b'{' => {
                    p = self.flow(p)?;
                    expect = false;
                }
                b'|' | b'>' => {
                    let end = self.line_end(p);
                    let explicit = b[p + 1..end]
                        .iter()
                        .take_while(|c| !matches!(c, b' ' | b'\t' | b'#'))
                        .find(|c| c.is_ascii_digit())
                        .map(|d| usize::from(d - b'0'));
                    *carry = Carry::BlockScalar {
                        parent,
                        indent: explicit.map(|m| usize::try_from(parent.max(0)).unwrap_or(0) + m),
                    };
                    return Ok((end + 1).min(b.len()));
                }
                b'&' | b'!' => {
                    while p < b.len() && !is_blank(b.get(p)) {
                        p += 1;
                    }
                }
                _ => {
                    // A plain scalar: up to `: ` (a key), ` #` or the line end.
                    let end = self.line_end(p);
                    let mut i = p;
                    loop {
                        if i >= end {
                            if !matches!(c, b'*') {
                                *carry = Carry::Plain { parent };
                            }
                            return Ok((end + 1).min(b.len()));
                        }
                        if b[i] == b'#' && i > p && matches!(b[i - 1], b' ' | b'\t') {
                            return Ok((end + 1).min(b.len()));
                        }
                        if b[i] == b':' && is_blank(b.get(i + 1)) {
                            parent = isize::try_from(col).unwrap_or(isize::MAX);
                            p = i + 1;
                            break;
                        }
                        i += 1;
                    }
                }
            }
        }
    }

    /// Skips a quoted scalar starting at `p` (its quote); returns the
    /// offset after the closing quote (or the end, or a document marker).
    fn quoted(&mut self, mut p: usize) -> usize {
        let b = self.b;
        let q = b[p];
        p += 1;
        while p < b.len() {
            match b[p] {
                b'\n' => {
                    p += 1;
                    self.line_start = p;
                    if p < b.len() && self.is_document_marker(p) {
                        return p;
                    }
                }
                b'\\' if q == b'"' => {
                    if b.get(p + 1) == Some(&b'\n') {
                        self.line_start = p + 2;
                    }
                    p += 2;
                }
                c if c == q => {
                    if q == b'\'' && b.get(p + 1) == Some(&b'\'') {
                        p += 2;
                    } else {
                        return p + 1;
                    }
                }
                _ => p += 1,
            }
        }
        b.len()
    }

    /// Skips a flow collection starting at `p` (its `[` or `{`), counting
    /// its nesting on top of the open block nodes; returns the offset after
    /// its closing bracket (or the end).
    fn flow(&mut self, mut p: usize) -> Result<usize, Problem> {
        let b = self.b;
        let mut depth = 0usize;
        // At a token start (where a quote opens a quoted scalar).
        let mut expect = true;
        // Just after a quoted scalar or a collection (where `:` is a value
        // indicator even without a blank after it, as in JSON).
        let mut after_node = false;
        while p < b.len() {
            let c = b[p];
            match c {
                b'[' | b'{' => {
                    depth += 1;
                    if self.stack.len() + depth > MAX_DEPTH {
                        return Err(Self::too_deep(p));
                    }
                    expect = true;
                    after_node = false;
                    p += 1;
                }
                b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    p += 1;
                    if depth == 0 {
                        return Ok(p);
                    }
                    expect = false;
                    after_node = true;
                }
                b',' => {
                    expect = true;
                    after_node = false;
                    p += 1;
                }
                b'\n' => {
                    p += 1;
                    self.line_start = p;
                }
                b' ' | b'\t' | b'\r' => p += 1,
                b'#' if p == self.line_start || matches!(b[p - 1], b' ' | b'\t') => {
                    p = self.line_end(p);
                }
                b'"' | b'\'' if expect => {
                    p = self.quoted(p);
                    expect = false;
                    after_node = true;
                }
                b':' | b'?'
                    if after_node || is_blank(b.get(p + 1)) || is_flow_indicator(b.get(p + 1)) =>
                {
                    expect = true;
                    after_node = false;
                    p += 1;
                }
                b'&' | b'!' if expect => {
                    while p < b.len() && !is_blank(b.get(p)) && !is_flow_indicator(b.get(p)) {
                        p += 1;
                    }
                }
                _ => {
                    expect = false;
                    after_node = false;
                    p += 1;
                }
            }
        }
        Ok(p)
    }
}

fn to_diagnostic(e: &serde_yaml::Error, frag: Fragment<'_>) -> Diagnostic {
    let message = strip_location(&e.to_string());
    let help = did_you_mean(&message);
    let d = match e.location() {
        // libyaml counts a lone CR as a line break and the file's readers
        // (and `diag`) count LF only; its byte index is the same for both,
        // so the line and column come from the index.
        Some(loc) => {
            let mut byte = loc.index().min(frag.yaml.len());
            while !frag.yaml.is_char_boundary(byte) {
                byte -= 1;
            }
            let (line, column) = crate::diag::line_col(frag.yaml, byte);
            Diagnostic::at_line_col(
                Severity::Error,
                frag.file,
                frag.whole,
                line + frag.line_offset,
                column,
                message,
            )
        }
        None => Diagnostic::at_line_col(
            Severity::Error,
            frag.file,
            frag.whole,
            frag.line_offset + 1,
            1,
            message,
        ),
    };
    match help {
        Some(h) => d.with_help(h),
        None => d,
    }
}

/// For "unknown key `wieght`, expected one of `title`, `weight`": the
/// closest expected key, when one is close.
fn did_you_mean(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown key `")?;
    let (unknown, rest) = rest.split_once('`')?;
    let expected = rest.split_once("expected")?.1;
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|k| (edit_distance(unknown, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| format!("did you mean `{k}`?"))
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// serde_yaml appends " at line L column C" (locations relative to the
/// fragment); we print our own, so drop it.
fn strip_location(msg: &str) -> String {
    let msg = msg.trim();
    let cut = msg.rfind(" at line ").filter(|&i| {
        let tail = &msg[i + " at line ".len()..];
        let mut parts = tail.split(" column ");
        matches!(
            (parts.next(), parts.next(), parts.next()),
            (Some(l), Some(c), None)
                if l.chars().all(|ch| ch.is_ascii_digit()) && c.chars().all(|ch| ch.is_ascii_digit())
        )
    });
    let base = match cut {
        Some(i) => &msg[..i],
        None => msg,
    };
    // serde_yaml words are "unknown field `x`, expected one of ..."; we call
    // them keys, as the YAML author does.
    base.replacen("unknown field", "unknown key", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the front_matter fuzz target: a lone CR inside a value made
    /// libyaml's line (which counts CR as a break) point past the file's
    /// last line.
    #[test]
    fn lone_cr_does_not_push_the_error_past_the_last_line() {
        let text = "title: a\rb\nbase_url: \"open\n";
        let d = parse::<serde_yaml::Value>(Fragment::whole_file(Path::new("site.yaml"), text))
            .unwrap_err();
        assert_eq!(d.line, 2, "{d}");
        assert_eq!(d.source_line.as_deref(), Some("base_url: \"open"), "{d}");
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fm {
        title: Option<String>,
        weight: Option<i64>,
    }

    #[test]
    fn unknown_key_is_reported_at_its_file_line() {
        let whole = "---\ntitle: 退款\ntitel: x\n---\nbody\n";
        let frag = Fragment {
            file: Path::new("c/a.md"),
            whole,
            yaml: "title: 退款\ntitel: x\n",
            line_offset: 1,
        };
        let d = parse::<Fm>(frag).unwrap_err();
        assert_eq!((d.line, d.column), (3, 1), "{d}");
        assert!(
            d.message.starts_with("unknown key `titel`"),
            "{}",
            d.message
        );
        assert_eq!(d.source_line.as_deref(), Some("titel: x"));
        assert_eq!(d.help.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn wrong_type_names_the_key_line() {
        let whole = "---\ntitle: a\nweight: heavy\n---\n";
        let frag = Fragment {
            file: Path::new("a.md"),
            whole,
            yaml: "title: a\nweight: heavy\n",
            line_offset: 1,
        };
        let d = parse::<Fm>(frag).unwrap_err();
        assert_eq!(d.line, 3, "{d}");
        assert!(d.message.contains("weight"), "{}", d.message);
    }

    #[test]
    fn empty_fragment_is_an_empty_mapping() {
        let frag = Fragment {
            file: Path::new("a.md"),
            whole: "---\n---\n",
            yaml: "",
            line_offset: 1,
        };
        let fm = parse::<Fm>(frag).unwrap();
        assert!(fm.title.is_none());
    }

    fn depth_error(yaml: &str) -> Option<usize> {
        match prescan(yaml) {
            Err(p) if p.message.contains("nested deeper") => Some(p.offset),
            Err(p) => panic!("{p:?}"),
            Ok(()) => None,
        }
    }

    #[test]
    fn deep_flow_nesting_is_rejected_fast_at_the_crossing_bracket() {
        let n = 100_000;
        let yaml = format!("title: x\nx: {}{}\n", "[".repeat(n), "]".repeat(n));
        let start = std::time::Instant::now();
        // The mapping is one level, so the 64th `[` crosses the cap.
        assert_eq!(depth_error(&yaml), Some("title: x\nx: ".len() + 63));
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(
            depth_error(&format!("x: {}", "{a: ".repeat(n))),
            Some(3 + 63 * 4)
        );
    }

    #[test]
    fn deep_block_nesting_is_rejected() {
        let stairs: String = (0..2_000)
            .map(|i| format!("{}a{i}:\n", " ".repeat(i)))
            .collect();
        let at = depth_error(&stairs).unwrap();
        assert_eq!(crate::diag::line_col(&stairs, at), (65, 65));
        let dashes = format!("x: {}a\n", "- ".repeat(20_000));
        assert!(depth_error(&dashes).is_some());
        let mixed: String = (0..100)
            .map(|i| format!("{}- k{i}:\n", "  ".repeat(i)))
            .collect();
        assert!(depth_error(&mixed).is_some());
    }

    #[test]
    fn brackets_in_scalars_comments_and_block_scalars_do_not_count() {
        let deep = "[".repeat(100);
        let texts = [
            format!("a: \"{deep}\"\n"),
            format!("a: '{deep}'\n"),
            format!("a: \"it\\\"s {deep}\"\n"),
            format!("a: 'it''s {deep}'\n"),
            format!("a: it's {deep}\nb: x\n"),
            format!("a: x # {deep}\n"),
            format!("# {deep}\n"),
            format!("a: |\n  {deep}\n   {deep}\n\n  {deep}\nb: x\n"),
            format!("a: >-\n  {deep}\nb: x\n"),
            format!("a: plain\n  {deep}\n  \"{deep}\nb: x\n"),
            format!("a: [\"{deep}\", '{deep}', x]\n"),
            format!("a: [x # {deep}\n  ]\n"),
            format!("a: \"multi\n  line {deep}\"\nb: [1]\n"),
        ];
        for t in &texts {
            assert_eq!(depth_error(t), None, "{t}");
        }
    }

    #[test]
    fn ordinary_nesting_passes() {
        let t = "title: x\nconsole:\n  routes: [/a, {b: [c, d]}]\ntranslations:\n  - language: en\n    title: y\n    nested:\n      - - a\n        - b\n";
        assert_eq!(depth_error(t), None);
        let stairs: String = (0..63)
            .map(|i| format!("{}a{i}:\n", " ".repeat(i)))
            .collect();
        assert_eq!(depth_error(&stairs), None);
        // A line's own node counts as a level, so a flow collection at the
        // top level may nest 63 deep.
        let flow = format!("{}{}", "[".repeat(63), "]".repeat(63));
        assert_eq!(depth_error(&flow), None);
        assert!(depth_error(&format!("[{flow}]")).is_some());
    }

    #[test]
    fn a_plain_scalar_continued_with_a_quote_does_not_hide_nesting() {
        // libyaml reads `"more` as part of the plain scalar, so the deep
        // flow on the next key is real nesting.
        let deep = "[".repeat(100);
        assert!(depth_error(&format!("a: text\n  \"more\nb: {deep}\n")).is_some());
        assert!(depth_error(&format!("- text\n  \"more\n- {deep}\n")).is_some());
    }

    #[test]
    fn deep_front_matter_is_located_in_the_page() {
        let yaml = format!("title: a\ntags: {}\n", "[".repeat(100_000));
        let whole = format!("---\n{yaml}---\nbody\n");
        let d = parse::<Fm>(Fragment {
            file: Path::new("c/a.md"),
            whole: &whole,
            yaml: &yaml,
            line_offset: 1,
        })
        .unwrap_err();
        assert_eq!((d.line, d.column), (3, 7 + 63), "{d}");
        assert_eq!(d.message, "YAML nested deeper than 64 levels");
    }

    #[test]
    fn a_nul_is_located_where_it_is() {
        let whole = "title: t\nbase_url: x\0\n";
        let d = parse::<Fm>(Fragment::whole_file(Path::new("site.yaml"), whole)).unwrap_err();
        assert_eq!(d.location(), "site.yaml:2:12", "{d}");
        assert!(d.message.contains("U+0000"), "{}", d.message);
    }
}
