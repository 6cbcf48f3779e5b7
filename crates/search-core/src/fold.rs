//! Character folding: `lowercase(NFKC(c))`, one code point at a time.
//!
//! The full `unicode-normalization` crate costs 134 KB (67 KB gzipped) in
//! wasm, more than the whole first-query budget. Search only needs the fold of
//! each character, so [`fold_table`](crate::fold_table) stores just the code
//! points whose fold differs from themselves, compressed into arithmetic runs
//! (`Ａ`..`Ｚ` → `a`..`z`) and a small pool for the rest. The table is generated
//! from `unicode-normalization` and std's lowercase mapping by
//! `tests/fold_table.rs`, which also checks every code point against them.
//!
//! What per-character folding does not do, compared with NFKC of a whole
//! string: it does not compose a base letter with a following combining mark
//! (`e` + U+0301 stays two chars; the mark is a separator for the tokenizer),
//! nor conjoining Hangul jamo into syllables, nor a halfwidth katakana with a
//! following halfwidth voiced mark. Precomposed text, which is what editors and
//! IMEs produce, folds exactly as NFKC would.

use crate::fold_table::{KEY, POOL, RUN_DELTA, RUN_LEN_STRIDE, RUN_START, VAL};

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
    if let Ok(i) = KEY.binary_search(&cp)
        && let Some(&v) = VAL.get(i)
    {
        if v & 0x8000_0000 == 0 {
            if let Some(f) = char::from_u32(v) {
                return Fold::Char(f);
            }
        } else {
            let off = usize::try_from((v >> 8) & 0xFFFF).unwrap_or(usize::MAX);
            let len = usize::try_from(v & 0xFF).unwrap_or(0);
            if let Some(s) = POOL.get(off..off.saturating_add(len)) {
                return Fold::Text(s);
            }
        }
    }
    Fold::Same
}
