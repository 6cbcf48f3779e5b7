//! CJK-friendly emphasis (DIALECT.md §3).
//!
//! pulldown-cmark decides emphasis with CommonMark's flanking rules, which
//! leave `**复议期：**如果` unclosed. This pass re-decides emphasis for one
//! inline run of events (a paragraph's or heading's content) under the
//! markdown-cjk-friendly amendment:
//!
//! 1. every unescaped `*`, `_`, `~` in the run's source is found, both the
//!    literal ones pulldown left in text and the ones it turned into
//!    emphasis tags (their positions come from the tags' source ranges);
//! 2. each delimiter run gets its can-open/can-close flags twice: under
//!    CommonMark (as pulldown-cmark computes them) and under the amendment;
//! 3. only if some run's flags differ is the CommonMark delimiter algorithm
//!    re-run with the amended flags; otherwise pulldown's events stand as
//!    they are.
//!
//! The amendment changes the flags only where a CJK character, a variation
//! selector or an ideographic variation selector touches a run, so text
//! without CJK keeps pulldown-cmark's output exactly (step 3).
//! Links and images are scopes of their own (as in CommonMark, emphasis
//! never crosses a link boundary); code, HTML and autolinks are opaque.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::chars::{is_ambiguous_quote, is_cjk, is_ivs, is_punct, is_text_vs};

type Ev<'a> = (Event<'a>, Range<usize>);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Em,
    Strong,
    Strike,
}

#[derive(Debug)]
struct Run {
    ch: u8,
    start: usize,
    len: usize,
    open: bool,
    close: bool,
    left: usize,
    /// Kinds closed here, innermost first (each with its char count).
    closes: Vec<(Kind, usize)>,
    /// Kinds opened here, innermost first.
    opens: Vec<(Kind, usize)>,
}

enum Tok<'a> {
    Ev(Event<'a>, Range<usize>),
    Text(usize, usize),
    Run(usize),
}

/// Re-decides emphasis in `seg` (the events of one inline run, with ranges
/// into `src`). Returns `None` when the amendment changes nothing.
pub fn apply<'a>(src: &'a str, seg: &[Ev<'a>], in_table: bool) -> Option<Vec<Ev<'a>>> {
    // Cheap exit: unless some delimiter run in the source touches a CJK
    // character or a variation selector and gets different flags under the
    // amendment, nothing can change.
    let (Some(first), Some(last)) = (seg.first(), seg.last()) else {
        return None;
    };
    if !may_differ(src, first.1.start, last.1.end, in_table) {
        return None;
    }

    let bytes = src.as_bytes();
    let mut toks: Vec<Tok<'a>> = Vec::with_capacity(seg.len() + 8);
    let mut runs: Vec<Run> = Vec::new();
    let mut line_starts: Vec<usize> = Vec::new();
    let mut at_line_start = true;
    let mut in_autolink = false;

    let push_delim = |toks: &mut Vec<Tok<'a>>, runs: &mut Vec<Run>, pos: usize| -> Option<()> {
        let ch = *bytes.get(pos)?;
        if !matches!(ch, b'*' | b'_' | b'~') {
            return None;
        }
        if let Some(Tok::Run(i)) = toks.last() {
            let run = &mut runs[*i];
            if run.ch == ch && run.start + run.len == pos {
                run.len += 1;
                return Some(());
            }
        }
        toks.push(Tok::Run(runs.len()));
        runs.push(Run {
            ch,
            start: pos,
            len: 1,
            open: false,
            close: false,
            left: 0,
            closes: Vec::new(),
            opens: Vec::new(),
        });
        Some(())
    };

    for (ev, r) in seg {
        if at_line_start {
            line_starts.push(r.start);
            at_line_start = false;
        }
        match ev {
            Event::Start(Tag::Emphasis) => push_delim(&mut toks, &mut runs, r.start)?,
            Event::Start(Tag::Strong) => {
                push_delim(&mut toks, &mut runs, r.start)?;
                push_delim(&mut toks, &mut runs, r.start + 1)?;
            }
            Event::Start(Tag::Strikethrough) => {
                let n = tilde_width(bytes, r.start, true);
                for i in 0..n {
                    push_delim(&mut toks, &mut runs, r.start + i)?;
                }
            }
            Event::End(TagEnd::Emphasis) => {
                push_delim(&mut toks, &mut runs, r.end.checked_sub(1)?)?
            }
            Event::End(TagEnd::Strong) => {
                push_delim(&mut toks, &mut runs, r.end.checked_sub(2)?)?;
                push_delim(&mut toks, &mut runs, r.end - 1)?;
            }
            Event::End(TagEnd::Strikethrough) => {
                let n = tilde_width(bytes, r.end.checked_sub(1)?, false);
                for i in (1..=n).rev() {
                    push_delim(&mut toks, &mut runs, r.end.checked_sub(i)?)?;
                }
            }
            Event::Text(t) if !in_autolink && src.get(r.clone()) == Some(t.as_ref()) => {
                let mut from = r.start;
                for (i, b) in t.bytes().enumerate() {
                    if matches!(b, b'*' | b'_' | b'~') {
                        let pos = r.start + i;
                        if escaped(bytes, pos) {
                            continue;
                        }
                        if from < pos {
                            toks.push(Tok::Text(from, pos));
                        }
                        push_delim(&mut toks, &mut runs, pos)?;
                        from = pos + 1;
                    }
                }
                if from < r.end {
                    toks.push(Tok::Text(from, r.end));
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                at_line_start = true;
                toks.push(Tok::Ev(ev.clone(), r.clone()));
            }
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => {
                in_autolink = true;
                toks.push(Tok::Ev(ev.clone(), r.clone()));
            }
            Event::End(TagEnd::Link) => {
                in_autolink = false;
                toks.push(Tok::Ev(ev.clone(), r.clone()));
            }
            _ => toks.push(Tok::Ev(ev.clone(), r.clone())),
        }
    }

    // Flags under both rule sets; stop here if the amendment changes nothing.
    let mut differs = false;
    for run in runs.iter_mut() {
        run.left = run.len;
        if run.ch == b'~' && run.len > 2 {
            continue; // never a delimiter (GFM)
        }
        let line_start = line_starts.binary_search(&run.start).is_ok();
        let cm = flags(src, run, line_start, in_table, false);
        let cjk = flags(src, run, line_start, in_table, true);
        differs |= cm != cjk;
        (run.open, run.close) = cjk;
    }
    if !differs {
        return None;
    }

    match_delims(&toks, &mut runs);
    Some(emit(src, toks, &runs))
}

/// A quick scan of `src[from..to]` for a run of `*`, `_` or `~` whose
/// flags the amendment could change. Conservative: it looks at every such
/// byte run in the source (even in code or URLs) and tries both a line-start
/// and a mid-line reading.
fn may_differ(src: &str, from: usize, to: usize, in_table: bool) -> bool {
    let bytes = src.as_bytes();
    let to = to.min(bytes.len());
    let mut i = from;
    while let Some(start) = find_delim(bytes, i, to) {
        let b = bytes[start];
        i = start;
        while i < to && bytes[i] == b {
            i += 1;
        }
        let touches = |c: Option<char>| {
            c.is_some_and(|c| is_cjk(c) || is_text_vs(c) || is_ivs(c) || is_ambiguous_quote(c))
        };
        let mut before = src.get(..start).unwrap_or("").chars().rev();
        let mut after = src.get(i..).unwrap_or("").chars();
        let near = touches(before.next())
            || touches(before.next())
            || touches(after.next())
            || touches(after.next());
        if !near {
            continue;
        }
        let run = Run {
            ch: b,
            start,
            len: i - start,
            open: false,
            close: false,
            left: 0,
            closes: Vec::new(),
            opens: Vec::new(),
        };
        // A run right after a blockquote's `>` may be at a line start for
        // the parser; try that reading too.
        let after_gt = start > 0 && bytes[start - 1] == b'>';
        for line_start in [false, true] {
            if line_start && !after_gt {
                continue;
            }
            if flags(src, &run, line_start, in_table, false)
                != flags(src, &run, line_start, in_table, true)
            {
                return true;
            }
        }
    }
    false
}

/// The first `*`, `_` or `~` in `bytes[from..to]`, eight bytes at a time.
fn find_delim(bytes: &[u8], from: usize, to: usize) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let has = |w: u64, b: u8| {
        let x = w ^ (LO * u64::from(b));
        x.wrapping_sub(LO) & !x & HI
    };
    let mut i = from;
    while i + 8 <= to {
        let mut chunk = [0u8; 8];
        chunk.copy_from_slice(&bytes[i..i + 8]);
        let w = u64::from_le_bytes(chunk);
        if has(w, b'*') | has(w, b'_') | has(w, b'~') != 0 {
            break;
        }
        i += 8;
    }
    (i..to).find(|&k| matches!(bytes[k], b'*' | b'_' | b'~'))
}

/// How many `~` make up the strikethrough delimiter at `pos` (1 or 2),
/// looking forward (an opener) or backward (a closer).
fn tilde_width(bytes: &[u8], pos: usize, forward: bool) -> usize {
    let next = if forward {
        pos.checked_add(1)
    } else {
        pos.checked_sub(1)
    };
    match next.and_then(|p| bytes.get(p)) {
        Some(b'~') => 2,
        _ => 1,
    }
}

/// Whether the byte at `pos` is backslash-escaped (odd run of `\` before it).
fn escaped(bytes: &[u8], pos: usize) -> bool {
    let mut n = 0;
    let mut i = pos;
    while i > 0 && bytes[i - 1] == b'\\' {
        n += 1;
        i -= 1;
    }
    n % 2 == 1
}

#[derive(Default, Clone, Copy)]
struct Side {
    ws: bool,
    /// Unicode punctuation (a "punctuation sequence" on the left side).
    punct: bool,
    noncjk_punct: bool,
    cjk: bool,
    ivs: bool,
}

fn prev_side(src: &str, start: usize, line_start: bool, cjk_rules: bool) -> (Side, Option<char>) {
    let before = src.get(..start).unwrap_or("");
    let mut it = before.chars().rev();
    let p1 = if line_start { None } else { it.next() };
    let Some(p1) = p1 else {
        return (
            Side {
                ws: true,
                ..Side::default()
            },
            None,
        );
    };
    if p1.is_whitespace() {
        return (
            Side {
                ws: true,
                ..Side::default()
            },
            Some(p1),
        );
    }
    if !cjk_rules {
        let p = is_punct(p1);
        return (
            Side {
                punct: p,
                noncjk_punct: p,
                ..Side::default()
            },
            Some(p1),
        );
    }
    if is_ivs(p1) {
        return (
            Side {
                ivs: true,
                ..Side::default()
            },
            Some(p1),
        );
    }
    let (base, amb) = if is_text_vs(p1) {
        match it.next() {
            Some(b) if !b.is_whitespace() => (b, p1 == '\u{FE01}' && is_ambiguous_quote(b)),
            _ => return (Side::default(), Some(p1)),
        }
    } else {
        (p1, false)
    };
    let punct = is_punct(base);
    let cjk = is_cjk(base) || amb;
    (
        Side {
            ws: false,
            punct,
            noncjk_punct: punct && !cjk,
            cjk,
            ivs: false,
        },
        Some(p1),
    )
}

fn next_side(src: &str, end: usize, cjk_rules: bool) -> (Side, Option<char>) {
    let mut it = src.get(end..).unwrap_or("").chars();
    let Some(n1) = it.next() else {
        return (
            Side {
                ws: true,
                ..Side::default()
            },
            None,
        );
    };
    if n1.is_whitespace() {
        return (
            Side {
                ws: true,
                ..Side::default()
            },
            Some(n1),
        );
    }
    let punct = is_punct(n1);
    if !cjk_rules {
        return (
            Side {
                punct,
                noncjk_punct: punct,
                ..Side::default()
            },
            Some(n1),
        );
    }
    let amb = is_ambiguous_quote(n1) && it.next() == Some('\u{FE01}');
    let cjk = is_cjk(n1) || amb;
    (
        Side {
            ws: false,
            punct,
            noncjk_punct: punct && !cjk,
            cjk,
            ivs: false,
        },
        Some(n1),
    )
}

/// (can open, can close) of `run`, under CommonMark as pulldown-cmark
/// applies it (`cjk_rules == false`) or under the CJK-friendly amendment.
fn flags(src: &str, run: &Run, line_start: bool, in_table: bool, cjk_rules: bool) -> (bool, bool) {
    let end = run.start + run.len;
    let (p, pc) = prev_side(src, run.start, line_start, cjk_rules);
    let (n, nc) = next_side(src, end, cjk_rules);
    let left = !n.ws && (!n.noncjk_punct || p.ws || p.noncjk_punct || p.cjk || p.ivs);
    let right = !p.ws && (!p.noncjk_punct || n.ws || n.noncjk_punct || n.cjk);
    let (mut open, mut close) = match (run.ch, run.len) {
        (b'*', _) => (left, right),
        (b'~', 2) => (!n.ws, right || (!p.ws && pc == Some('~'))),
        (b'~', _) => (
            left && (!right || p.punct) || (!n.ws && pc == Some('~') && !n.punct),
            right && (!left || n.punct) || (!p.ws && pc == Some('~')),
        ),
        _ => (left && (!right || p.punct), right && (!left || n.punct)),
    };
    if in_table && !line_start {
        let pipe_before = pc == Some('|') && !escaped(src.as_bytes(), run.start - 1);
        if !n.ws && pipe_before {
            open = true;
        } else if nc == Some('|') {
            open = false;
        }
        if !p.ws && nc.is_some() {
            if pipe_before {
                close = false;
            } else if nc == Some('|') {
                close = true;
            }
        }
    }
    (open, close)
}

/// CommonMark's "process emphasis" over the runs, scope by scope (a link's
/// or image's content is its own scope).
fn match_delims(toks: &[Tok<'_>], runs: &mut [Run]) {
    struct Scope {
        stack: Vec<usize>,
        /// openers_bottom: [char][closer can open][len % 3] -> stack height.
        bottom: [[[usize; 3]; 2]; 3],
    }
    let new_scope = || Scope {
        stack: Vec::new(),
        bottom: [[[0; 3]; 2]; 3],
    };
    let mut scopes = vec![new_scope()];
    for tok in toks {
        match tok {
            Tok::Ev(Event::Start(Tag::Link { .. } | Tag::Image { .. }), _) => {
                scopes.push(new_scope())
            }
            Tok::Ev(Event::End(TagEnd::Link | TagEnd::Image), _) if scopes.len() > 1 => {
                scopes.pop();
            }
            Tok::Run(ci) => {
                let ci = *ci;
                let Some(scope) = scopes.last_mut() else {
                    return;
                };
                if runs[ci].ch == b'~' && runs[ci].len > 2 {
                    continue;
                }
                if runs[ci].close {
                    close_run(ci, runs, scope.stack.as_mut(), &mut scope.bottom);
                }
                if runs[ci].left > 0 && runs[ci].open {
                    scope.stack.push(ci);
                }
            }
            _ => {}
        }
    }
}

fn char_slot(ch: u8) -> usize {
    match ch {
        b'*' => 0,
        b'_' => 1,
        _ => 2,
    }
}

fn close_run(
    ci: usize,
    runs: &mut [Run],
    stack: &mut Vec<usize>,
    bottom: &mut [[[usize; 3]; 2]; 3],
) {
    let (ch, clen, cboth) = {
        let c = &runs[ci];
        (c.ch, c.len, c.open && c.close)
    };
    let key = (char_slot(ch), usize::from(runs[ci].open), clen % 3);
    while runs[ci].left > 0 {
        let floor = bottom[key.0][key.1][key.2].min(stack.len());
        let mut found = None;
        for k in (floor..stack.len()).rev() {
            let o = &runs[stack[k]];
            if o.ch != ch || o.left == 0 {
                continue;
            }
            if ch == b'~' {
                if o.len == clen {
                    found = Some(k);
                    break;
                }
                continue;
            }
            let oboth = o.open && o.close;
            if (oboth || cboth)
                && (o.len + clen).is_multiple_of(3)
                && !(o.len.is_multiple_of(3) && clen % 3 == 0)
            {
                continue;
            }
            found = Some(k);
            break;
        }
        let Some(k) = found else {
            bottom[key.0][key.1][key.2] = stack.len();
            break;
        };
        let oi = stack[k];
        let (kind, n) = if ch == b'~' {
            (Kind::Strike, clen)
        } else if runs[oi].left >= 2 && runs[ci].left >= 2 {
            (Kind::Strong, 2)
        } else {
            (Kind::Em, 1)
        };
        runs[oi].left -= n;
        runs[oi].opens.push((kind, n));
        runs[ci].left -= n;
        runs[ci].closes.push((kind, n));
        // Openers between the pair can no longer match anything.
        let keep = if runs[oi].left > 0 { k + 1 } else { k };
        stack.truncate(keep);
        for a in bottom.iter_mut() {
            for b in a.iter_mut() {
                for h in b.iter_mut() {
                    *h = (*h).min(stack.len());
                }
            }
        }
    }
}

fn tag(kind: Kind) -> (Tag<'static>, TagEnd) {
    match kind {
        Kind::Em => (Tag::Emphasis, TagEnd::Emphasis),
        Kind::Strong => (Tag::Strong, TagEnd::Strong),
        Kind::Strike => (Tag::Strikethrough, TagEnd::Strikethrough),
    }
}

fn emit<'a>(src: &'a str, toks: Vec<Tok<'a>>, runs: &[Run]) -> Vec<Ev<'a>> {
    let mut out = Vec::with_capacity(toks.len() + runs.len() * 2);
    for tok in toks {
        match tok {
            Tok::Ev(ev, r) => out.push((ev, r)),
            Tok::Text(a, b) => {
                if let Some(s) = src.get(a..b) {
                    out.push((Event::Text(CowStr::Borrowed(s)), a..b));
                }
            }
            Tok::Run(i) => {
                let run = &runs[i];
                let mut pos = run.start;
                for &(kind, n) in &run.closes {
                    out.push((Event::End(tag(kind).1), pos..pos + n));
                    pos += n;
                }
                let opened: usize = run.opens.iter().map(|&(_, n)| n).sum();
                let lit_end = run.start + run.len - opened;
                if pos < lit_end
                    && let Some(s) = src.get(pos..lit_end)
                {
                    out.push((Event::Text(CowStr::Borrowed(s)), pos..lit_end));
                }
                let mut pos = lit_end;
                for &(kind, n) in run.opens.iter().rev() {
                    out.push((Event::Start(tag(kind).0), pos..pos + n));
                    pos += n;
                }
            }
        }
    }
    out
}
