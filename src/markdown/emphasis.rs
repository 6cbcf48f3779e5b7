//! CJK-friendly emphasis (docs/dialect.md §3).
//!
//! pulldown-cmark decides emphasis with CommonMark's flanking rules, which
//! leave `**复议期：**如果` unclosed. This pass re-decides emphasis for one
//! inline run of events (a paragraph's or heading's content) under the
//! markdown-cjk-friendly amendment:
//!
//! 1. every unescaped `*`, `_`, `~` in the run's source is found, both the
//!    literal ones pulldown left in text and the ones it turned into
//!    emphasis tags (their positions come from the tags' source ranges);
//! 2. each delimiter run next to a CJK character or a variation selector
//!    gets its can-open/can-close flags twice: under CommonMark (as
//!    pulldown-cmark computes them) and under the amendment (other runs
//!    cannot differ);
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
use super::inline::Item;

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
    /// The run starts a line (nothing before it counts as a neighbour).
    line_start: bool,
    /// Its flags are set (it was near CJK, or can never be a delimiter).
    decided: bool,
    open: bool,
    close: bool,
    left: usize,
    /// Its matches as a closer, `matches[closes]`, innermost first (one
    /// `close_run` call makes them all, so they are adjacent).
    closes: Range<usize>,
    /// The last match it opened; its opens, outermost first, run back from
    /// here through [`Match::prev_open`].
    last_open: Option<usize>,
}

/// A pair of delimiters that became one tag.
struct Match {
    kind: Kind,
    /// Delimiter characters used on each side.
    n: usize,
    /// The opener's match before this one.
    prev_open: Option<usize>,
}

/// Buffers the pass keeps across a page's inline runs (a page has hundreds
/// of runs, and each would otherwise allocate its own).
#[derive(Default)]
pub struct Scratch<'a> {
    toks: Vec<Tok>,
    runs: Vec<Run>,
    matches: Vec<Match>,
    scopes: Vec<Scope>,
    out: Vec<Item<'a>>,
}

/// The run's pieces: an event of `seg` (by index), literal text between
/// delimiters, or a delimiter run (index into the runs).
enum Tok {
    Ev(usize),
    Text(usize, usize),
    Run(usize),
}

/// Re-decides emphasis in `items` (the events of one inline run, with
/// ranges into `src`); leaves them alone when the amendment changes nothing.
pub fn apply<'a>(src: &'a str, items: &mut Vec<Item<'a>>, in_table: bool, s: &mut Scratch<'a>) {
    if redecide(src, items, in_table, s).is_some() {
        emit(src, items, s);
    }
}

/// Steps 1-3 up to the matching: `None` when pulldown's events stand.
fn redecide<'a>(src: &'a str, seg: &[Item<'a>], in_table: bool, s: &mut Scratch<'a>) -> Option<()> {
    // Cheap exit: no `*`, `_` or `~` anywhere in the run's source.
    let (Some((_, first)), Some((_, last))) =
        (seg.first().and_then(event), seg.last().and_then(event))
    else {
        return None;
    };
    let first_delim = find_delim(src.as_bytes(), first.start, last.end)?;

    tokenize(src, seg, first_delim, last.end, &mut s.toks, &mut s.runs)?;
    let runs = &mut s.runs;

    // Flags under both rule sets, only for runs the amendment can reach (a
    // CJK character or a variation selector next to them); stop here if it
    // changes none of them.
    let mut differs = false;
    for run in runs.iter_mut() {
        run.left = run.len;
        if run.ch == b'~' && run.len > 2 {
            run.decided = true; // never a delimiter (GFM)
            continue;
        }
        let nb = Neighbours::of(src, run.start, run.start + run.len, run.line_start);
        if !nb.near_cjk() {
            continue;
        }
        let cm = flags(src, run, &nb, in_table, false);
        let cjk = flags(src, run, &nb, in_table, true);
        differs |= cm != cjk;
        (run.open, run.close) = cjk;
        run.decided = true;
    }
    if !differs {
        return None;
    }
    for run in runs.iter_mut() {
        if !run.decided {
            let nb = Neighbours::of(src, run.start, run.start + run.len, run.line_start);
            (run.open, run.close) = flags(src, run, &nb, in_table, true);
        }
    }

    match_delims(seg, s);
    Some(())
}

/// Splits the run into events, literal text and delimiter runs: both the
/// literal `*`, `_`, `~` pulldown-cmark left in text and those it turned into
/// emphasis tags (found from the tags' source ranges). `None` when a tag's
/// range does not hold its delimiters (then pulldown's events stand).
/// `next_delim` is the offset of the run's first `*`, `_` or `~` and `end`
/// where the run's source ends: text before the next one is not scanned.
/// `toks` and `runs` are cleared first.
fn tokenize(
    src: &str,
    seg: &[Item<'_>],
    mut next_delim: usize,
    end: usize,
    toks: &mut Vec<Tok>,
    runs: &mut Vec<Run>,
) -> Option<()> {
    let bytes = src.as_bytes();
    toks.clear();
    runs.clear();
    let mut at_line_start = true;
    let mut in_autolink = false;

    // `ls`: where the current line starts, if the event is the line's first.
    let mut push_delim = |toks: &mut Vec<Tok>, pos: usize, ls: Option<usize>| -> Option<()> {
        let ch = *bytes.get(pos)?;
        if !matches!(ch, b'*' | b'_' | b'~') {
            return None;
        }
        if let Some(Tok::Run(i)) = toks.last()
            && let Some(run) = runs.get_mut(*i)
            && run.ch == ch
            && run.start + run.len == pos
        {
            run.len += 1;
            return Some(());
        }
        toks.push(Tok::Run(runs.len()));
        runs.push(Run {
            ch,
            start: pos,
            len: 1,
            line_start: ls == Some(pos),
            decided: false,
            open: false,
            close: false,
            left: 0,
            closes: 0..0,
            last_open: None,
        });
        Some(())
    };

    for (k, it) in seg.iter().enumerate() {
        let Some((ev, r)) = event(it) else {
            toks.push(Tok::Ev(k));
            continue;
        };
        // The first event of a line starts at the line's start for the
        // parser (a blockquote's `>` and indentation are not text).
        let ls = std::mem::take(&mut at_line_start).then_some(r.start);
        match ev {
            Event::Start(Tag::Emphasis) => push_delim(toks, r.start, ls)?,
            Event::Start(Tag::Strong) => {
                push_delim(toks, r.start, ls)?;
                push_delim(toks, r.start + 1, ls)?;
            }
            Event::Start(Tag::Strikethrough) => {
                let n = tilde_width(bytes, r.start, true);
                for i in 0..n {
                    push_delim(toks, r.start + i, ls)?;
                }
            }
            Event::End(TagEnd::Emphasis) => push_delim(toks, r.end.checked_sub(1)?, ls)?,
            Event::End(TagEnd::Strong) => {
                push_delim(toks, r.end.checked_sub(2)?, ls)?;
                push_delim(toks, r.end - 1, ls)?;
            }
            Event::End(TagEnd::Strikethrough) => {
                let n = tilde_width(bytes, r.end.checked_sub(1)?, false);
                for i in (1..=n).rev() {
                    push_delim(toks, r.end.checked_sub(i)?, ls)?;
                }
            }
            Event::Text(t) if !in_autolink && is_literal(src, t, r) => {
                if next_delim < r.start {
                    next_delim = find_delim(bytes, r.start, end.max(r.end)).unwrap_or(usize::MAX);
                }
                if next_delim >= r.end {
                    toks.push(Tok::Text(r.start, r.end));
                    continue;
                }
                let mut from = r.start;
                for i in memchr::memchr3_iter(b'*', b'_', b'~', t.as_bytes()) {
                    let pos = r.start + i;
                    if escaped(bytes, pos) {
                        continue;
                    }
                    if from < pos {
                        toks.push(Tok::Text(from, pos));
                    }
                    push_delim(toks, pos, ls)?;
                    from = pos + 1;
                }
                if from < r.end {
                    toks.push(Tok::Text(from, r.end));
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                at_line_start = true;
                toks.push(Tok::Ev(k));
            }
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => {
                in_autolink = true;
                toks.push(Tok::Ev(k));
            }
            Event::End(TagEnd::Link) => {
                in_autolink = false;
                toks.push(Tok::Ev(k));
            }
            _ => toks.push(Tok::Ev(k)),
        }
    }
    Some(())
}

/// The first `*`, `_` or `~` in `bytes[from..to]` (memchr's vectorised
/// search: this scan covers every paragraph, so it is a hot loop).
fn find_delim(bytes: &[u8], from: usize, to: usize) -> Option<usize> {
    let hay = bytes.get(from..to.min(bytes.len()))?;
    memchr::memchr3(b'*', b'_', b'~', hay).map(|k| from + k)
}

/// The event of an item (every item is one when this pass runs first).
fn event<'s, 'a>(it: &'s Item<'a>) -> Option<(&'s Event<'a>, &'s Range<usize>)> {
    match it {
        Item::Ev(ev, r) => Some((ev, r)),
        Item::Raw { .. } => None,
    }
}

/// Whether a text event is the source text at its range as written (not
/// unescaped or decoded): then its `*`, `_`, `~` are delimiters. A borrowed
/// slice of the source at the same place is literal without comparing bytes.
fn is_literal(src: &str, t: &CowStr<'_>, r: &Range<usize>) -> bool {
    let Some(at) = src.get(r.clone()) else {
        return false;
    };
    match t {
        CowStr::Borrowed(b) => {
            std::ptr::eq(b.as_ptr(), at.as_ptr()) && b.len() == at.len() || *b == at
        }
        other => other.as_ref() == at,
    }
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

impl Side {
    /// Whitespace, or the start or end of the text.
    const WS: Side = Side {
        ws: true,
        punct: false,
        noncjk_punct: false,
        cjk: false,
        ivs: false,
    };
}

/// The two characters before a run (nearest first; none at a line start)
/// and the two after it.
struct Neighbours {
    before: [Option<char>; 2],
    after: [Option<char>; 2],
}

impl Neighbours {
    fn of(src: &str, start: usize, end: usize, line_start: bool) -> Self {
        let mut it = src.get(..start).unwrap_or("").chars().rev();
        let before = if line_start {
            [None, None]
        } else {
            [it.next(), it.next()]
        };
        let mut it = src.get(end..).unwrap_or("").chars();
        Neighbours {
            before,
            after: [it.next(), it.next()],
        }
    }

    /// Whether the amendment can read this run differently: only a CJK
    /// character, a variation selector or an ambiguous quote next to it
    /// changes a side (two characters each way covers a base + selector).
    fn near_cjk(&self) -> bool {
        self.before
            .iter()
            .chain(&self.after)
            .flatten()
            .any(|&c| is_cjk(c) || is_text_vs(c) || is_ivs(c) || is_ambiguous_quote(c))
    }

    /// The side before the run, under CommonMark or the amendment.
    fn prev_side(&self, cjk_rules: bool) -> Side {
        let [p1, p2] = self.before;
        let Some(p1) = p1 else {
            return Side::WS;
        };
        if p1.is_whitespace() {
            return Side::WS;
        }
        if !cjk_rules {
            let p = is_punct(p1);
            return Side {
                punct: p,
                noncjk_punct: p,
                ..Side::default()
            };
        }
        if is_ivs(p1) {
            return Side {
                ivs: true,
                ..Side::default()
            };
        }
        let (base, amb) = if is_text_vs(p1) {
            match p2 {
                Some(b) if !b.is_whitespace() => (b, p1 == '\u{FE01}' && is_ambiguous_quote(b)),
                _ => return Side::default(),
            }
        } else {
            (p1, false)
        };
        let punct = is_punct(base);
        let cjk = is_cjk(base) || amb;
        Side {
            ws: false,
            punct,
            noncjk_punct: punct && !cjk,
            cjk,
            ivs: false,
        }
    }

    /// The side after the run, under CommonMark or the amendment.
    fn next_side(&self, cjk_rules: bool) -> Side {
        let [n1, n2] = self.after;
        let Some(n1) = n1 else {
            return Side::WS;
        };
        if n1.is_whitespace() {
            return Side::WS;
        }
        let punct = is_punct(n1);
        if !cjk_rules {
            return Side {
                punct,
                noncjk_punct: punct,
                ..Side::default()
            };
        }
        let amb = is_ambiguous_quote(n1) && n2 == Some('\u{FE01}');
        let cjk = is_cjk(n1) || amb;
        Side {
            ws: false,
            punct,
            noncjk_punct: punct && !cjk,
            cjk,
            ivs: false,
        }
    }
}

/// (can open, can close) of `run`, under CommonMark as pulldown-cmark
/// applies it (`cjk_rules == false`) or under the CJK-friendly amendment.
fn flags(src: &str, run: &Run, nb: &Neighbours, in_table: bool, cjk_rules: bool) -> (bool, bool) {
    let p = nb.prev_side(cjk_rules);
    let n = nb.next_side(cjk_rules);
    let pc = nb.before[0];
    let nc = nb.after[0];
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
    if in_table && !run.line_start {
        let pipe_before = pc == Some('|') && !escaped(src.as_bytes(), run.start.saturating_sub(1));
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

/// One scope of the delimiter algorithm: the run's top level, or a link's
/// or image's content.
#[derive(Default)]
struct Scope {
    stack: Vec<usize>,
    /// openers_bottom: [char][closer can open][len % 3] -> stack height.
    bottom: [[[usize; 3]; 2]; 3],
}

/// CommonMark's "process emphasis" over the runs, scope by scope (a link's
/// or image's content is its own scope). Fills `s.matches`.
fn match_delims(seg: &[Item<'_>], s: &mut Scratch<'_>) {
    let Scratch {
        toks,
        runs,
        matches,
        scopes,
        ..
    } = s;
    matches.clear();
    // scopes[..=depth] are open; deeper ones are kept for their buffers.
    let mut depth = 0;
    enter(scopes, 0);
    for tok in toks.iter() {
        match tok {
            Tok::Ev(k) => match seg.get(*k).and_then(event).map(|(e, _)| e) {
                Some(Event::Start(Tag::Link { .. } | Tag::Image { .. })) => {
                    depth += 1;
                    enter(scopes, depth);
                }
                Some(Event::End(TagEnd::Link | TagEnd::Image)) if depth > 0 => depth -= 1,
                _ => {}
            },
            Tok::Run(ci) => {
                let ci = *ci;
                let Some(scope) = scopes.get_mut(depth) else {
                    return;
                };
                if runs[ci].ch == b'~' && runs[ci].len > 2 {
                    continue;
                }
                if runs[ci].close {
                    close_run(ci, runs, scope, matches);
                }
                if runs[ci].left > 0 && runs[ci].open {
                    scope.stack.push(ci);
                }
            }
            _ => {}
        }
    }
}

/// Opens the scope at `depth`, empty, reusing its buffer when there is one.
fn enter(scopes: &mut Vec<Scope>, depth: usize) {
    if scopes.len() <= depth {
        scopes.push(Scope::default());
    }
    if let Some(scope) = scopes.get_mut(depth) {
        scope.stack.clear();
        scope.bottom = [[[0; 3]; 2]; 3];
    }
}

fn char_slot(ch: u8) -> usize {
    match ch {
        b'*' => 0,
        b'_' => 1,
        _ => 2,
    }
}

fn close_run(ci: usize, runs: &mut [Run], scope: &mut Scope, matches: &mut Vec<Match>) {
    let Scope { stack, bottom } = scope;
    let first_match = matches.len();
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
        matches.push(Match {
            kind,
            n,
            prev_open: runs[oi].last_open,
        });
        runs[oi].last_open = Some(matches.len() - 1);
        runs[ci].left -= n;
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
    runs[ci].closes = first_match..matches.len();
}

fn tag(kind: Kind) -> (Tag<'static>, TagEnd) {
    match kind {
        Kind::Em => (Tag::Emphasis, TagEnd::Emphasis),
        Kind::Strong => (Tag::Strong, TagEnd::Strong),
        Kind::Strike => (Tag::Strikethrough, TagEnd::Strikethrough),
    }
}

/// Writes the re-decided run into `s.out` (the events kept moved out of
/// `items`), then swaps the two buffers.
fn emit<'a>(src: &'a str, items: &mut Vec<Item<'a>>, s: &mut Scratch<'a>) {
    let Scratch {
        toks,
        runs,
        matches,
        out,
        ..
    } = s;
    out.clear();
    // Toks name the kept events in increasing order.
    let mut old = items.drain(..).enumerate();
    let text = |a: usize, b: usize| {
        src.get(a..b)
            .map(|t| Item::Ev(Event::Text(CowStr::Borrowed(t)), a..b))
    };
    for tok in toks.iter() {
        match *tok {
            Tok::Ev(k) => out.extend(old.by_ref().find(|(i, _)| *i == k).map(|(_, it)| it)),
            Tok::Text(a, b) => out.extend(text(a, b)),
            Tok::Run(i) => {
                let run = &runs[i];
                let mut pos = run.start;
                for m in matches.get(run.closes.clone()).unwrap_or_default() {
                    out.push(Item::Ev(Event::End(tag(m.kind).1), pos..pos + m.n));
                    pos += m.n;
                }
                let opens = || {
                    std::iter::successors(run.last_open.and_then(|o| matches.get(o)), |m| {
                        m.prev_open.and_then(|o| matches.get(o))
                    })
                };
                let opened: usize = opens().map(|m| m.n).sum();
                let lit_end = run.start + run.len - opened;
                if pos < lit_end {
                    out.extend(text(pos, lit_end));
                }
                let mut pos = lit_end;
                for m in opens() {
                    out.push(Item::Ev(Event::Start(tag(m.kind).0), pos..pos + m.n));
                    pos += m.n;
                }
            }
        }
    }
    drop(old);
    std::mem::swap(items, out);
}
