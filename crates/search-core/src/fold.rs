//! Character folding: `lowercase(NFKC(c))`, one code point at a time.
//!
//! The full `unicode-normalization` crate costs 134 KB (67 KB gzipped) in
//! wasm, more than the whole first-query budget. Search only needs the fold of
//! each character, so `fold_table` stores just the code points whose fold
//! differs from themselves: arithmetic runs (`Ａ`..`Ｚ` → `a`..`z`) and a
//! delta-coded byte stream for the rest, decoded once on first use. The table
//! is generated
//! from `unicode-normalization` and std's lowercase mapping by
//! `tests/fold_table.rs`, which also checks every code point against them.
//!
//! What per-character folding does not do, compared with NFKC of a whole
//! string: it does not compose a base letter with a following combining mark
//! (`e` + U+0301 stays two chars; the mark is a separator for the tokenizer),
//! nor conjoining Hangul jamo into syllables, nor a halfwidth katakana with a
//! following halfwidth voiced mark. Precomposed text, which is what editors and
//! IMEs produce, folds exactly as NFKC would.

use std::sync::OnceLock;

use crate::fold_table::{RUN_DELTA, RUN_LEN_STRIDE, RUN_START, STREAM, STREAM_ENTRIES};

/// The decoded stream: code points, and the span of each fold in `text`.
struct Table {
    keys: Vec<u32>,
    spans: Vec<(u32, u32)>,
    text: String,
}

static TABLE: OnceLock<Table> = OnceLock::new();

fn varint(bytes: &[u8], pos: &mut usize) -> Option<u32> {
    let mut v: u32 = 0;
    for shift in [0u32, 7, 14, 21, 28] {
        let b = *bytes.get(*pos)?;
        *pos = pos.checked_add(1)?;
        v |= u32::from(b & 0x7F).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// Decodes `STREAM` (written by tests/fold_table.rs); stops at the first
/// malformed entry, which the table test would have caught.
fn decode_stream() -> Table {
    let mut t = Table {
        keys: Vec::with_capacity(STREAM_ENTRIES),
        spans: Vec::with_capacity(STREAM_ENTRIES),
        text: String::new(),
    };
    let mut pos = 0usize;
    let mut cp = 0u32;
    while pos < STREAM.len() {
        let Some(step) = (|| {
            cp = cp.checked_add(varint(&STREAM, &mut pos)?)?;
            let n = varint(&STREAM, &mut pos)?;
            let start = u32::try_from(t.text.len()).ok()?;
            let mut prev = i64::from(cp);
            for _ in 0..n {
                let z = i64::from(varint(&STREAM, &mut pos)?);
                let d = (z >> 1) ^ (z & 1).wrapping_neg();
                prev = prev.checked_add(d)?;
                t.text.push(char::from_u32(u32::try_from(prev).ok()?)?);
            }
            let end = u32::try_from(t.text.len()).ok()?;
            t.keys.push(cp);
            t.spans.push((start, end));
            Some(())
        })() else {
            break;
        };
        step
    }
    t
}

/// Appends the fold of `c` to `out`.
pub fn fold_char(c: char, out: &mut String) {
    match fold_lookup(c) {
        Fold::Same => out.push(c),
        Fold::Char(f) => out.push(f),
        Fold::Text(s) => out.push_str(s),
    }
}

/// The fold of one character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fold {
    /// The character folds to itself.
    Same,
    /// The character folds to one other character.
    Char(char),
    /// The character folds to this text (possibly empty or several chars).
    Text(&'static str),
}

/// Looks up the fold of `c` without allocating.
pub fn fold_lookup(c: char) -> Fold {
    let cp = u32::from(c);
    // Fast path: ASCII other than upper-case letters is unchanged.
    if cp < 0x80 {
        return if c.is_ascii_uppercase() {
            Fold::Char(c.to_ascii_lowercase())
        } else {
            Fold::Same
        };
    }
    // Fast path: CJK unified ideographs and Hangul syllables, most of the
    // text this tokenizer sees, have no case and are NFKC-stable (the table
    // test checks every code point, these included).
    if (0x4E00..=0x9FFF).contains(&cp) || (0xAC00..=0xD7A3).contains(&cp) {
        return Fold::Same;
    }
    // The last run starting at or before `cp`.
    let idx = RUN_START.partition_point(|&s| s <= cp);
    if let Some(i) = idx.checked_sub(1)
        && let (Some(&start), Some(&ls), Some(&delta)) =
            (RUN_START.get(i), RUN_LEN_STRIDE.get(i), RUN_DELTA.get(i))
    {
        let off = cp.wrapping_sub(start);
        let (len, stride) = (ls >> 2, ls & 3);
        if off.checked_rem(stride) == Some(0)
            && off.checked_div(stride).is_some_and(|k| k < len)
            && let Some(f) = u32::try_from(i64::from(cp).saturating_add(i64::from(delta)))
                .ok()
                .and_then(char::from_u32)
        {
            return Fold::Char(f);
        }
    }
    let t = TABLE.get_or_init(decode_stream);
    if let Ok(i) = t.keys.binary_search(&cp)
        && let Some(&(a, b)) = t.spans.get(i)
        && let (Ok(a), Ok(b)) = (usize::try_from(a), usize::try_from(b))
        && let Some(s) = t.text.get(a..b)
    {
        let mut it = s.chars();
        return match (it.next(), it.next()) {
            (Some(c), None) => Fold::Char(c),
            _ => Fold::Text(s),
        };
    }
    Fold::Same
}
