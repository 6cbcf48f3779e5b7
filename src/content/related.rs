//! Related questions, computed at build time from shared search tokens:
//! for each question, the few others whose text shares the rarest tokens
//! with it (a small TF-IDF overlap), so a reader finds neighbours without a
//! query. Cost stays near-linear: each question keeps only its most
//! distinctive tokens, and tokens too common to tell questions apart are
//! skipped.
//!
//! Two passes over the questions, each tokenizing them again: the first
//! counts in how many questions each token occurs, the second keeps each
//! question's rarest tokens. Tokenizing twice costs less than holding every
//! question's tokens between the passes (at 100,000 pages that list was
//! the peak of the whole build).

use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

use crate::markdown::Question;
use crate::model::{Page, PageId, RelatedQuestion};
use crate::sums::SparseSums;

/// How many related questions each question gets.
pub const RELATED_PER_QUESTION: usize = 3;
/// Tokens kept per question (the rarest ones).
const TOKENS_PER_QUESTION: usize = 12;
/// Answer text considered, in characters (the start says what it is about).
const ANSWER_CHARS: usize = 200;
/// Pages tokenized side by side before their tokens are counted or kept.
const TOKENIZE_BATCH: usize = 256;

/// Fills `related` on every page: for its i-th question, `related[i]`.
pub fn compute(pages: &mut [Page]) {
    // Every question by number: (page, index on the page).
    let at: Vec<(PageId, usize)> = pages
        .iter()
        .enumerate()
        .flat_map(|(p, page)| (0..page.doc.questions().count()).map(move |i| (p, i)))
        .collect();
    let n = at.len();
    if n < 2 {
        return;
    }
    let counts = count_tokens(pages);
    // A token in more than this many questions says little about any one.
    let cap = (n / 20).clamp(8, 64) as u32;
    let idf = |t: u32| -> Option<f32> {
        let d = *counts.df.get(t as usize)?;
        (d >= 2 && d <= cap).then(|| ((n as f32) / d as f32).ln())
    };
    let kept = keep_rarest(pages, &counts, idf);
    let tokens = counts.df.len();
    drop(counts);
    // Questions by kept token, as u32 (a token is kept by at most `cap`
    // questions).
    let mut postings: Vec<Vec<u32>> = vec![Vec::new(); tokens];
    for q in 0..n {
        for &(t, _) in kept.of(q) {
            if let Some(list) = postings.get_mut(t as usize) {
                list.push(q as u32);
            }
        }
    }
    let best: Vec<Vec<RelatedQuestion>> = (0..n)
        .into_par_iter()
        .map_init(
            // A map per question was 3 to 4 % of a 1,000-page build's
            // samples (hashing, inserting, freeing); one array per worker.
            || (SparseSums::new(n), Vec::new()),
            |(scores, ranked), q| {
                for &(t, w) in kept.of(q) {
                    for &other in postings.get(t as usize).map_or(&[][..], Vec::as_slice) {
                        if other as usize != q {
                            scores.add(other, w);
                        }
                    }
                }
                scores.drain_into(ranked);
                ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                // By position: a `String` each for the title, page and anchor
                // was 10 MB of the heap at 2,000 pages, held for the whole build.
                ranked
                    .iter()
                    .take(RELATED_PER_QUESTION)
                    .filter_map(|&(o, _)| at.get(o as usize))
                    .map(|&(page, question)| RelatedQuestion { page, question })
                    .collect()
            },
        )
        .collect();
    drop(postings);
    drop(kept);
    for page in pages.iter_mut() {
        page.related = vec![Vec::new(); page.doc.questions().count()];
    }
    for (&(p, i), list) in at.iter().zip(best) {
        if let Some(slot) = pages.get_mut(p).and_then(|page| page.related.get_mut(i)) {
            *slot = list;
        }
    }
}

/// A token as a map key. Most tokens fit in an integer (a CJK bigram is 6
/// bytes), and two integers compare without a call to `memcmp`: with the
/// tokens as `String`s, comparing keys was a fifth of the related
/// questions' time at 10,000 pages.
#[derive(Clone, PartialEq, Eq, Hash)]
enum TokenKey {
    /// Up to 15 bytes, then their length in the last byte.
    Packed(u128),
    Text(Box<str>),
}

impl TokenKey {
    fn of(token: &str) -> TokenKey {
        let bytes = token.as_bytes();
        let mut packed = [0u8; 16];
        match packed.get_mut(..bytes.len()) {
            Some(head) if bytes.len() < 16 => {
                head.copy_from_slice(bytes);
                packed[15] = bytes.len() as u8;
                TokenKey::Packed(u128::from_le_bytes(packed))
            }
            _ => TokenKey::Text(token.into()),
        }
    }

    /// The token's bytes, for ordering tokens by text.
    fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            TokenKey::Packed(n) => {
                let packed = n.to_le_bytes();
                let len = usize::from(packed[15]);
                f(packed.get(..len).unwrap_or_default())
            }
            TokenKey::Text(t) => f(t.as_bytes()),
        }
    }
}

/// The first pass: every distinct token, and in how many questions it is.
struct TokenCounts {
    /// Token → id. Interned: a `String` per token per question was the
    /// peak at 10,000 pages (heaptrack: 66 MB of 146 MB at 1,000).
    ids: HashMap<TokenKey, u32>,
    /// By id: the number of questions holding the token.
    df: Vec<u32>,
    /// By id: the token's place among all tokens sorted by text, so ties
    /// break the same way on every run without keeping the texts twice.
    rank: Vec<u32>,
}

fn count_tokens(pages: &[Page]) -> TokenCounts {
    let mut ids: HashMap<TokenKey, u32> = HashMap::new();
    let mut df: Vec<u32> = Vec::new();
    // Tokenizing and counting run on every core, a batch of pages at a
    // time so the tokens' strings never pile up; only the batch's distinct
    // tokens are merged into the whole site's count, in one thread.
    for batch in pages.chunks(TOKENIZE_BATCH) {
        let counted = batch
            .par_iter()
            .fold(BatchCounts::default, |mut acc, page| {
                page.doc.questions().for_each(|q| acc.add(q));
                acc
            })
            .reduce(BatchCounts::default, BatchCounts::merge);
        for (word, (d, _)) in counted.df {
            let next = df.len() as u32;
            let id = *ids.entry(word).or_insert(next);
            if id == next {
                df.push(0);
            }
            if let Some(total) = df.get_mut(id as usize) {
                *total += d;
            }
        }
    }
    let mut by_text: Vec<(&TokenKey, u32)> = ids.iter().map(|(w, &id)| (w, id)).collect();
    by_text.sort_unstable_by(|(a, _), (b, _)| a.with_bytes(|a| b.with_bytes(|b| a.cmp(b))));
    let mut rank = vec![0; df.len()];
    for (place, (_, id)) in by_text.into_iter().enumerate() {
        if let Some(r) = rank.get_mut(id as usize) {
            *r = place as u32;
        }
    }
    TokenCounts { ids, df, rank }
}

/// Token counts of a batch of questions.
#[derive(Default)]
struct BatchCounts {
    /// Token → (questions holding it, the last question that counted it).
    df: HashMap<TokenKey, (u32, u32)>,
    questions: usize,
}

impl BatchCounts {
    fn add(&mut self, q: &Question) {
        self.questions += 1;
        // Numbers this batch's questions from 1: a token counts once per
        // question however often it occurs, with no sorting of strings.
        let this = self.questions as u32;
        search_core::tokenize::tokenize_str_with(&related_text(q), false, |t, _, _| {
            let entry = self.df.entry(TokenKey::of(t)).or_insert((0, 0));
            if entry.1 != this {
                entry.0 += 1;
                entry.1 = this;
            }
        });
    }

    fn merge(mut a: BatchCounts, mut b: BatchCounts) -> BatchCounts {
        if a.df.len() < b.df.len() {
            std::mem::swap(&mut a, &mut b);
        }
        for (word, (d, _)) in b.df {
            a.df.entry(word).or_insert((0, 0)).0 += d;
        }
        a.questions += b.questions;
        a
    }
}

/// Every question's kept tokens and their weights, end to end.
struct Kept {
    tokens: Vec<(u32, f32)>,
    /// Question q's tokens are `tokens[starts[q]..starts[q + 1]]`.
    starts: Vec<usize>,
}

impl Kept {
    fn of(&self, q: usize) -> &[(u32, f32)] {
        match (self.starts.get(q), self.starts.get(q + 1)) {
            (Some(&a), Some(&b)) => self.tokens.get(a..b).unwrap_or_default(),
            _ => &[],
        }
    }
}

/// The second pass: each question's rarest tokens that are still telling.
fn keep_rarest(
    pages: &[Page],
    counts: &TokenCounts,
    idf: impl Fn(u32) -> Option<f32> + Sync,
) -> Kept {
    let rank = |t: u32| counts.rank.get(t as usize).copied().unwrap_or(u32::MAX);
    let mut kept = Kept {
        tokens: Vec::new(),
        starts: vec![0],
    };
    for batch in pages.chunks(TOKENIZE_BATCH) {
        let lists: Vec<Vec<Vec<(u32, f32)>>> = batch
            .par_iter()
            .map(|page| {
                page.doc
                    .questions()
                    .map(|q| {
                        let mut ids: Vec<u32> = Vec::new();
                        search_core::tokenize::tokenize_str_with(
                            &related_text(q),
                            false,
                            |t, _, _| ids.extend(counts.ids.get(&TokenKey::of(t))),
                        );
                        ids.sort_unstable();
                        ids.dedup();
                        let mut w: Vec<(u32, f32)> =
                            ids.into_iter().filter_map(|t| Some((t, idf(t)?))).collect();
                        w.sort_by(|a, b| b.1.total_cmp(&a.1).then(rank(a.0).cmp(&rank(b.0))));
                        w.truncate(TOKENS_PER_QUESTION);
                        w
                    })
                    .collect()
            })
            .collect();
        for list in lists.into_iter().flatten() {
            kept.tokens.extend(list);
            kept.starts.push(kept.tokens.len());
        }
    }
    kept
}

/// What a question is compared by: its title and the start of its answer.
fn related_text(q: &Question) -> String {
    let cut = q
        .answer_text
        .char_indices()
        .nth(ANSWER_CHARS)
        .map_or(q.answer_text.len(), |(i, _)| i);
    let answer = q.answer_text.get(..cut).unwrap_or_default();
    format!("{} {answer}", q.title_text)
}

#[cfg(test)]
mod tests {
    use super::TokenKey;

    #[test]
    fn token_keys_order_and_compare_as_their_texts() {
        // Either side of the 15-byte limit, prefixes of one another, CJK.
        let texts = [
            "",
            "a",
            "ab",
            "abcdefghijklmno",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "abd",
            "b",
            "退款",
            "退",
            "款规",
            "zzzzzzzzzzzzzzzzzzzz",
        ];
        for a in texts {
            for b in texts {
                let (ka, kb) = (TokenKey::of(a), TokenKey::of(b));
                assert_eq!(ka == kb, a == b, "{a:?} {b:?}");
                let order = ka.with_bytes(|x| kb.with_bytes(|y| x.cmp(y)));
                assert_eq!(order, a.cmp(b), "{a:?} {b:?}");
            }
        }
    }
}
