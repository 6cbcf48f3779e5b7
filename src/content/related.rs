//! Related questions, computed at build time from shared search tokens:
//! for each question, the few others whose text shares the rarest tokens
//! with it (a small TF-IDF overlap), so a reader finds neighbours without a
//! query. Cost stays near-linear: each question keeps only its most
//! distinctive tokens, and tokens too common to tell questions apart are
//! skipped.
//!
//! The questions are tokenized once. Each token counts the questions it
//! occurs in, and lists them while it is rare enough to be telling (at most
//! `cap` of them): a common token drops its list, so what is held stays far
//! below every question's tokens (at 100,000 pages a list of those was the
//! peak of the whole build). The telling tokens' lists, turned around, are
//! each question's candidates.

use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

use crate::markdown::{Question, Rendered};
use crate::model::{Page, PageId, RelatedQuestion};
use crate::sums::SparseSums;

/// How many related questions each question gets.
pub const RELATED_PER_QUESTION: usize = 3;
/// Tokens kept per question (the rarest ones).
const TOKENS_PER_QUESTION: usize = 12;
/// Answer text considered, in characters (the start says what it is about).
const ANSWER_CHARS: usize = 200;
/// Pages tokenized side by side before their tokens are counted.
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
    // A token in more than this many questions says little about any one.
    let cap = (n / 20).clamp(8, 64) as u32;
    let counts = count_tokens(pages, |p: &Page| &p.doc, cap);
    let kept = keep_rarest(&counts, n, |d| ((n as f32) / d as f32).ln());
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

/// In how many questions a token occurs and, while that is at most the
/// cap, which ones.
#[derive(Default)]
struct Occurs {
    df: u32,
    /// The last question counted, so a token counts once per question.
    last: Option<u32>,
    questions: Vec<u32>,
}

impl Occurs {
    /// Counts question `q` (numbers only grow within one accumulator).
    fn count(&mut self, q: u32, cap: u32) {
        if self.last == Some(q) {
            return;
        }
        self.last = Some(q);
        self.df = self.df.saturating_add(1);
        if self.df <= cap {
            self.questions.push(q);
        } else if self.df == cap.saturating_add(1) {
            self.questions = Vec::new();
        }
    }

    /// Adds another accumulator's count (of other questions); past the cap
    /// the list goes.
    fn absorb(&mut self, other: Occurs, cap: u32) {
        self.df = self.df.saturating_add(other.df);
        if self.df <= cap {
            self.questions.extend(other.questions);
        } else {
            self.questions = Vec::new();
        }
    }
}

/// Every distinct token, in how many questions it is, and the questions of
/// the telling ones.
struct TokenCounts {
    /// By token id: the number of questions holding it.
    df: Vec<u32>,
    /// By token id: the questions holding it, for a token in at least two
    /// and at most `cap` of them; empty for every other token.
    questions: Vec<Vec<u32>>,
    /// By token id: the token's place among all tokens sorted by text, so
    /// ties break the same way on every run without keeping the texts.
    rank: Vec<u32>,
}

fn count_tokens<P: Sync>(
    pages: &[P],
    doc: impl Fn(&P) -> &Rendered + Sync,
    cap: u32,
) -> TokenCounts {
    // Token → id. Interned: a `String` per token per question was the peak
    // at 10,000 pages (heaptrack: 66 MB of 146 MB at 1,000).
    let mut ids: HashMap<TokenKey, u32> = HashMap::new();
    let mut all: Vec<Occurs> = Vec::new();
    // Each page's first question's number.
    let firsts: Vec<u32> = pages
        .iter()
        .scan(0u32, |next, page| {
            let first = *next;
            *next = next.saturating_add(doc(page).questions().count() as u32);
            Some(first)
        })
        .collect();
    // Tokenizing and counting run on every core, a batch of pages at a
    // time so the tokens' strings never pile up; only the batch's distinct
    // tokens are merged into the whole site's count, in one thread.
    for (batch, batch_firsts) in pages
        .chunks(TOKENIZE_BATCH)
        .zip(firsts.chunks(TOKENIZE_BATCH))
    {
        let counted = batch
            .par_iter()
            .zip(batch_firsts)
            .fold(HashMap::new, |mut acc, (page, &first)| {
                for (q, question) in (first..).zip(doc(page).questions()) {
                    add_question(&mut acc, q, question, cap);
                }
                acc
            })
            .reduce(HashMap::new, |mut a, mut b| {
                if a.len() < b.len() {
                    std::mem::swap(&mut a, &mut b);
                }
                for (token, o) in b {
                    a.entry(token).or_default().absorb(o, cap);
                }
                a
            });
        for (token, o) in counted {
            let next = all.len() as u32;
            let id = *ids.entry(token).or_insert(next);
            if id == next {
                all.push(Occurs::default());
            }
            if let Some(total) = all.get_mut(id as usize) {
                total.absorb(o, cap);
            }
        }
    }
    let mut by_text: Vec<(&TokenKey, u32)> = ids.iter().map(|(w, &id)| (w, id)).collect();
    by_text.sort_unstable_by(|(a, _), (b, _)| a.with_bytes(|a| b.with_bytes(|b| a.cmp(b))));
    let mut rank = vec![0; all.len()];
    for (place, (_, id)) in by_text.into_iter().enumerate() {
        if let Some(r) = rank.get_mut(id as usize) {
            *r = place as u32;
        }
    }
    let (df, questions) = all
        .into_iter()
        .map(|o| match o.df {
            2.. => (o.df, o.questions),
            _ => (o.df, Vec::new()),
        })
        .unzip();
    TokenCounts {
        df,
        questions,
        rank,
    }
}

/// Counts question `q`'s tokens into `acc`.
fn add_question(acc: &mut HashMap<TokenKey, Occurs>, q: u32, question: &Question, cap: u32) {
    // The title and the answer's start are tokenized one after the other:
    // the same tokens as of the two joined by a space, without the copy.
    for text in [question.title_text.as_str(), answer_start(question)] {
        search_core::tokenize::tokenize_str_with(text, false, |t, _, _| {
            acc.entry(TokenKey::of(t)).or_default().count(q, cap);
        });
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

/// Each question's rarest telling tokens, weighted by `idf` of their
/// question counts: the telling tokens' lists of questions, turned around.
fn keep_rarest(counts: &TokenCounts, n: usize, idf: impl Fn(u32) -> f32) -> Kept {
    // Candidates by question, end to end: count, then place.
    let mut starts = vec![0usize; n + 1];
    for list in &counts.questions {
        for &q in list {
            if let Some(s) = starts.get_mut(q as usize + 1) {
                *s += 1;
            }
        }
    }
    for q in 1..starts.len() {
        let before = starts.get(q - 1).copied().unwrap_or(0);
        if let Some(s) = starts.get_mut(q) {
            *s += before;
        }
    }
    let mut next = starts.clone();
    let mut candidates = vec![0u32; starts.last().copied().unwrap_or(0)];
    for (t, list) in counts.questions.iter().enumerate() {
        for &q in list {
            if let Some(at) = next.get_mut(q as usize) {
                if let Some(slot) = candidates.get_mut(*at) {
                    *slot = t as u32;
                }
                *at += 1;
            }
        }
    }
    let rank = |t: u32| counts.rank.get(t as usize).copied().unwrap_or(u32::MAX);
    let weight = |t: u32| idf(counts.df.get(t as usize).copied().unwrap_or(u32::MAX));
    let mut kept = Kept {
        tokens: Vec::new(),
        starts: vec![0],
    };
    let mut w: Vec<(u32, f32)> = Vec::new();
    for q in 0..n {
        let (a, b) = (starts.get(q).copied(), starts.get(q + 1).copied());
        let mine = a.zip(b).and_then(|(a, b)| candidates.get(a..b));
        w.clear();
        w.extend(mine.unwrap_or_default().iter().map(|&t| (t, weight(t))));
        w.sort_by(|a, b| b.1.total_cmp(&a.1).then(rank(a.0).cmp(&rank(b.0))));
        kept.tokens.extend(w.iter().take(TOKENS_PER_QUESTION));
        kept.starts.push(kept.tokens.len());
    }
    kept
}

/// What a question is compared by, with its title: the start of its answer.
fn answer_start(q: &Question) -> &str {
    let cut = q
        .answer_text
        .char_indices()
        .nth(ANSWER_CHARS)
        .map_or(q.answer_text.len(), |(i, _)| i);
    q.answer_text.get(..cut).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Section;
    use std::collections::{BTreeMap, BTreeSet};

    fn question(title: &str, answer: &str) -> Question {
        Question {
            id: String::new(),
            title_html: String::new(),
            title_text: title.to_owned(),
            answer_text: answer.to_owned(),
            line: 1,
        }
    }

    /// Pages of questions drawn from a small vocabulary, so that some
    /// tokens are in one question, some in a few and some in far more than
    /// the cap.
    fn pages(count: usize) -> Vec<Rendered> {
        let words = [
            "退款",
            "发票",
            "云硬盘",
            "快照",
            "镜像",
            "带宽",
            "账单",
            "余额",
            "证书",
            "域名",
            "备案",
            "实例",
            "网络",
            "安全组",
            "密钥",
            "日志",
            "告警",
            "存储桶",
            "子网",
            "路由",
        ];
        let mut seed = 7u64;
        let mut next = move |m: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % m
        };
        (0..count)
            .map(|p| {
                let sections = (0..1 + p % 4)
                    .map(|i| {
                        let title: String = (0..3).map(|_| words[next(words.len())]).collect();
                        let mut answer: String = (0..40)
                            .map(|_| words[next(words.len())])
                            .collect::<Vec<_>>()
                            .join("，");
                        // A word of its own, one shared by a few pages (twice:
                        // a question counts once), and more words in a dozen
                        // questions each than are kept.
                        answer.push_str(&format!(" only{p}x{i} few{0} few{0}", p / 3));
                        for k in 0..TOKENS_PER_QUESTION + 2 {
                            answer.push_str(&format!(" w{k}x{}", next(50)));
                        }
                        Section {
                            question: Some(question(&title, &answer)),
                            html: String::new(),
                        }
                    })
                    .collect();
                Rendered {
                    sections,
                    ..Rendered::default()
                }
            })
            .collect()
    }

    /// The kept tokens as the definition says, the slow way: each
    /// question's distinct tokens, those in 2 to `cap` questions, the rarest
    /// first (ties by text), at most `TOKENS_PER_QUESTION`.
    fn kept_by_definition(docs: &[Rendered], cap: u32) -> Vec<Vec<String>> {
        let sets: Vec<BTreeSet<String>> = docs
            .iter()
            .flat_map(|d| d.questions())
            .map(|q| {
                let text = format!("{} {}", q.title_text, answer_start(q));
                search_core::tokenize::tokenize(&text)
                    .into_iter()
                    .map(|t| t.text)
                    .collect()
            })
            .collect();
        let mut df: BTreeMap<&str, u32> = BTreeMap::new();
        for set in &sets {
            for t in set {
                *df.entry(t).or_default() += 1;
            }
        }
        sets.iter()
            .map(|set| {
                let mut telling: Vec<(&str, u32)> = set
                    .iter()
                    .map(|t| (t.as_str(), df[t.as_str()]))
                    .filter(|&(_, d)| (2..=cap).contains(&d))
                    .collect();
                telling.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
                telling
                    .iter()
                    .take(TOKENS_PER_QUESTION)
                    .map(|(t, _)| t.to_string())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn kept_tokens_are_each_questions_rarest_telling_ones() {
        let docs = pages(240);
        let n = docs.iter().map(|d| d.questions().count()).sum::<usize>();
        let cap = (n / 20).clamp(8, 64) as u32;
        let counts = count_tokens(&docs, |d: &Rendered| d, cap);
        let kept = keep_rarest(&counts, n, |d| ((n as f32) / d as f32).ln());
        // Token ids back to texts, through the ranks (the tokens' order by text).
        let mut texts: BTreeSet<String> = BTreeSet::new();
        for d in &docs {
            for q in d.questions() {
                let text = format!("{} {}", q.title_text, answer_start(q));
                texts.extend(
                    search_core::tokenize::tokenize(&text)
                        .into_iter()
                        .map(|t| t.text),
                );
            }
        }
        let by_rank: Vec<String> = texts.into_iter().collect();
        let expected = kept_by_definition(&docs, cap);
        let mut some_cut = false;
        for (q, want) in expected.iter().enumerate() {
            let got: Vec<String> = kept
                .of(q)
                .iter()
                .map(|&(t, _)| by_rank[counts.rank[t as usize] as usize].clone())
                .collect();
            assert_eq!(&got, want, "question {q}");
            some_cut |= want.len() == TOKENS_PER_QUESTION;
        }
        // The vocabulary does what it is for: tokens on both sides of the
        // cap, and questions with more telling tokens than are kept.
        assert!(
            counts.df.iter().any(|&d| d > cap) && counts.df.iter().any(|&d| (2..=cap).contains(&d))
        );
        assert!(some_cut);
    }

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
