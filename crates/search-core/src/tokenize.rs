//! The tokenizer: folded (NFKC + lowercase) text split into CJK bigrams and words.
//!
//! * Han, Kana and Hangul runs become overlapping two-character tokens
//!   (`退款规则` → `退款`, `款规`, `规则`); a run of one character is a unigram.
//! * For the index ([`tokenize_index_with`]) a run of two or more characters
//!   also ends with a unigram of its last character (`退款规则` → … `规则`,
//!   `则`), so every character of the text starts some token: the terms that
//!   begin with a character cover all of its occurrences (what a one-character
//!   query searches, see [`crate::plan`]). Queries never make that unigram.
//! * Other letters and digits (`char::is_alphanumeric`) form words, lowercased;
//!   a word longer than [`MAX_WORD_CHARS`] is cut there.
//! * Everything else (punctuation, spaces, zero-width characters, U+FFFD from
//!   lone surrogates, combining marks) separates tokens.
//!
//! Offsets are byte offsets into the original, unfolded input, so a token can
//! be highlighted in the text the user sees.

use crate::fold::{Fold, fold_lookup};

/// Longest word kept, in characters; the rest of a longer word is dropped.
pub const MAX_WORD_CHARS: usize = 40;

/// One token with its byte span in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The folded token text.
    pub text: String,
    /// Byte offset of the token's first source character.
    pub start: usize,
    /// Byte offset just after the token's last source character.
    pub end: usize,
}

/// Whether `c` (already folded) belongs to a CJK run.
pub fn is_cjk(c: char) -> bool {
    matches!(u32::from(c),
        // Han: radicals, iteration/numeral marks, ideographs and extensions.
        0x2E80..=0x2FDF | 0x3005 | 0x3007 | 0x3021..=0x3029 | 0x3038..=0x303B
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF
        // Kana (without the middle dot U+30FB, a separator), kana supplements.
        | 0x3041..=0x309F | 0x30A0..=0x30FA | 0x30FC..=0x30FF | 0x31F0..=0x31FF
        | 0x1AFF0..=0x1B16F
        // Hangul: jamo, compatibility jamo, extensions and syllables.
        | 0x1100..=0x11FF | 0x3131..=0x318E | 0xA960..=0xA97F | 0xAC00..=0xD7A3
        | 0xD7B0..=0xD7FF)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Cjk,
    Word,
    Sep,
}

fn class(c: char) -> Class {
    if is_cjk(c) {
        Class::Cjk
    } else if c.is_alphanumeric() {
        Class::Word
    } else {
        Class::Sep
    }
}

/// Splits `text` into tokens, calling `emit` for each in order (query
/// tokens: no unigram at the end of a longer CJK run).
pub fn tokenize_with(text: &str, mut emit: impl FnMut(Token)) {
    tokenize_str_with(text, false, |t, start, end| {
        emit(Token {
            text: t.to_owned(),
            start,
            end,
        })
    });
}

/// Splits `text` into index tokens: [`tokenize_with`] plus, after each CJK
/// run of two or more characters, a unigram of its last character.
pub fn tokenize_index_with(text: &str, mut emit: impl FnMut(Token)) {
    tokenize_str_with(text, true, |t, start, end| {
        emit(Token {
            text: t.to_owned(),
            start,
            end,
        })
    });
}

/// Index tokens of `text` (see [`tokenize_index_with`]).
pub fn tokenize_index(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    tokenize_index_with(text, |t| out.push(t));
    out
}

/// The tokens of [`tokenize_with`] (`index` false) or
/// [`tokenize_index_with`] (`index` true), lent to `emit` as
/// `(text, start, end)` instead of each made into a `String`: for callers
/// that look tokens up or copy them into a buffer of their own, a build
/// tokenizes every text of a site more than once.
pub fn tokenize_str_with(text: &str, index: bool, mut emit: impl FnMut(&str, usize, usize)) {
    let mut st = State {
        index,
        ..State::default()
    };
    for (start, c) in text.char_indices() {
        let end = start.saturating_add(c.len_utf8());
        match fold_lookup(c) {
            Fold::Same => st.push(c, start, end, &mut emit),
            Fold::Char(f) => st.push(f, start, end, &mut emit),
            Fold::Text(s) => {
                for f in s.chars() {
                    st.push(f, start, end, &mut emit);
                }
            }
        }
    }
    st.finish(&mut emit);
}

/// Splits `text` into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    tokenize_with(text, |t| out.push(t));
    out
}

#[derive(Default)]
struct State {
    /// The word being built, its char count and span.
    word: String,
    word_chars: usize,
    word_start: usize,
    word_end: usize,
    /// The previous CJK character of the current run, its start, and the run length.
    prev_cjk: Option<(char, usize, usize)>,
    run_len: usize,
    /// Index mode: a run of two or more ends with a unigram of its last char.
    index: bool,
    /// Where a CJK token's text is put together, reused for every one.
    cjk: String,
}

impl State {
    fn push(
        &mut self,
        c: char,
        start: usize,
        end: usize,
        emit: &mut impl FnMut(&str, usize, usize),
    ) {
        match class(c) {
            Class::Word => {
                self.end_run(emit);
                if self.word_chars == 0 {
                    self.word_start = start;
                }
                if self.word_chars < MAX_WORD_CHARS {
                    self.word.push(c);
                    self.word_chars = self.word_chars.saturating_add(1);
                    self.word_end = end;
                }
            }
            Class::Cjk => {
                self.end_word(emit);
                if let Some((p, pstart, _)) = self.prev_cjk {
                    self.cjk.clear();
                    self.cjk.push(p);
                    self.cjk.push(c);
                    emit(&self.cjk, pstart, end);
                }
                self.prev_cjk = Some((c, start, end));
                self.run_len = self.run_len.saturating_add(1);
            }
            Class::Sep => {
                self.end_word(emit);
                self.end_run(emit);
            }
        }
    }

    fn end_word(&mut self, emit: &mut impl FnMut(&str, usize, usize)) {
        if self.word_chars > 0 {
            emit(&self.word, self.word_start, self.word_end);
            self.word.clear();
            self.word_chars = 0;
        }
    }

    fn end_run(&mut self, emit: &mut impl FnMut(&str, usize, usize)) {
        if let Some((p, pstart, pend)) = self.prev_cjk.take()
            && (self.run_len == 1 || self.index)
        {
            self.cjk.clear();
            self.cjk.push(p);
            emit(&self.cjk, pstart, pend);
        }
        self.run_len = 0;
    }

    fn finish(&mut self, emit: &mut impl FnMut(&str, usize, usize)) {
        self.end_word(emit);
        self.end_run(emit);
    }
}

/// Longest query kept, in characters; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 256;
/// Most distinct terms a query keeps.
pub const MAX_QUERY_TERMS: usize = 32;

/// The distinct terms of a user query, in first-seen order, from at most
/// [`MAX_QUERY_CHARS`] characters and at most [`MAX_QUERY_TERMS`] terms. Any
/// input is just text: there is no query syntax.
pub fn query_terms(query: &str) -> Vec<String> {
    let cut = query
        .char_indices()
        .nth(MAX_QUERY_CHARS)
        .map_or(query.len(), |(i, _)| i);
    let capped = query.get(..cut).unwrap_or(query);
    let mut terms: Vec<String> = Vec::new();
    tokenize_with(capped, |t| {
        if terms.len() < MAX_QUERY_TERMS && !terms.contains(&t.text) {
            terms.push(t.text);
        }
    });
    terms
}
