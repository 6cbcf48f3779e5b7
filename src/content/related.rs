//! Related questions, computed at build time from shared search tokens:
//! for each question, the few others whose text shares the rarest tokens
//! with it (a small TF-IDF overlap), so a reader finds neighbours without a
//! query. Cost stays near-linear: each question keeps only its most
//! distinctive tokens, and tokens too common to tell questions apart are
//! skipped.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::model::{Page, RelatedQuestion};

/// How many related questions each question gets.
pub const RELATED_PER_QUESTION: usize = 3;
/// Tokens kept per question (the rarest ones).
const TOKENS_PER_QUESTION: usize = 12;
/// Answer text considered, in characters (the start says what it is about).
const ANSWER_CHARS: usize = 200;
/// Pages tokenized side by side before their tokens are interned.
const TOKENIZE_BATCH: usize = 256;

/// Fills `related` on every page: for its i-th question, `related[i]`.
pub fn compute(pages: &mut [Page]) {
    // Every question: (page, index on page, distinct token ids). Tokens are
    // interned: at 10,000 pages a `String` per token per question was the
    // build's peak (heaptrack: 66 MB of 146 MB at 1,000 pages).
    let mut vocab: HashMap<String, u32> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut questions: Vec<(usize, usize, Box<[u32]>)> = Vec::new();
    // Tokenizing is the costly part: done on every core, a batch of pages
    // at a time so the tokens' strings never pile up before interning.
    for (batch_no, batch) in pages.chunks(TOKENIZE_BATCH).enumerate() {
        let first = batch_no * TOKENIZE_BATCH;
        let tokenized: Vec<Vec<Vec<String>>> = batch
            .par_iter()
            .map(|page| {
                page.doc
                    .questions()
                    .map(|q| {
                        let answer: String = q.answer_text.chars().take(ANSWER_CHARS).collect();
                        search_core::tokenize(&format!("{} {answer}", q.title_text))
                            .into_iter()
                            .map(|t| t.text)
                            .collect()
                    })
                    .collect()
            })
            .collect();
        for (k, page_questions) in tokenized.into_iter().enumerate() {
            for (i, words) in page_questions.into_iter().enumerate() {
                let mut toks: Vec<u32> = words
                    .into_iter()
                    .map(|w| {
                        let next = names.len() as u32;
                        *vocab.entry(w).or_insert_with_key(|k| {
                            names.push(k.clone());
                            next
                        })
                    })
                    .collect();
                toks.sort_unstable();
                toks.dedup();
                // Exactly as long as the distinct tokens: `dedup` leaves
                // the capacity of every token, repeats and all, and a
                // million questions hold these at once.
                questions.push((first + k, i, toks.into_boxed_slice()));
            }
        }
    }
    drop(vocab);
    let n = questions.len();
    if n < 2 {
        return;
    }
    let mut df: Vec<u32> = vec![0; names.len()];
    for (_, _, toks) in &questions {
        for &t in toks {
            if let Some(d) = df.get_mut(t as usize) {
                *d += 1;
            }
        }
    }
    // A token in more than this many questions says little about any one.
    let cap = (n / 20).clamp(8, 64) as u32;
    let idf = |t: u32| -> Option<f32> {
        let d = *df.get(t as usize)?;
        (d >= 2 && d <= cap).then(|| ((n as f32) / d as f32).ln())
    };
    let name = |t: u32| names.get(t as usize).map_or("", String::as_str);
    // Token ids and weights, not names: 8 bytes a token, where a `&str`
    // and its weight took 24 (a million questions keep 12 each).
    let kept: Vec<Vec<(u32, f32)>> = questions
        .par_iter()
        .map(|(_, _, toks)| {
            let mut w: Vec<(u32, f32)> = toks.iter().filter_map(|&t| Some((t, idf(t)?))).collect();
            w.sort_by(|a, b| b.1.total_cmp(&a.1).then(name(a.0).cmp(name(b.0))));
            w.truncate(TOKENS_PER_QUESTION);
            w
        })
        .collect();
    // Only the kept tokens are needed from here on.
    for q in &mut questions {
        q.2 = Box::default();
    }
    // Questions by kept token, as u32 (a token is kept by at most `cap`
    // questions).
    let mut postings: Vec<Vec<u32>> = vec![Vec::new(); names.len()];
    for (q, toks) in kept.iter().enumerate() {
        for &(t, _) in toks {
            if let Some(list) = postings.get_mut(t as usize) {
                list.push(q as u32);
            }
        }
    }
    let best: Vec<Vec<usize>> = (0..n)
        .into_par_iter()
        .map(|q| {
            let mut scores: HashMap<usize, f32> = HashMap::new();
            for &(t, w) in &kept[q] {
                for &other in postings.get(t as usize).map_or(&[][..], Vec::as_slice) {
                    let other = other as usize;
                    if other != q {
                        *scores.entry(other).or_default() += w;
                    }
                }
            }
            let mut ranked: Vec<(usize, f32)> = scores.into_iter().collect();
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            ranked
                .into_iter()
                .take(RELATED_PER_QUESTION)
                .map(|(o, _)| o)
                .collect()
        })
        .collect();
    for page in pages.iter_mut() {
        page.related = vec![Vec::new(); page.doc.questions().count()];
    }
    for (q, others) in best.into_iter().enumerate() {
        let (p, i, _) = &questions[q];
        // By position: a `String` each for the title, page and anchor was
        // 10 MB of the heap at 2,000 pages, held for the whole build.
        let list: Vec<RelatedQuestion> = others
            .into_iter()
            .map(|o| {
                let (op, oi, _) = &questions[o];
                RelatedQuestion {
                    page: *op,
                    question: *oi,
                }
            })
            .collect();
        if let Some(slot) = pages[*p].related.get_mut(*i) {
            *slot = list;
        }
    }
}
