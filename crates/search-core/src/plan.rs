//! What a query searches for, and how the matches of its terms combine into
//! a ranking: the part both engines (tantivy natively, the static export in
//! the browser and `--static`) share, so they agree by construction.
//!
//! * A query becomes **slots** (one per word the reader typed, roughly) over
//!   a list of distinct **terms**. A slot is a list of alternatives, each a
//!   run of terms that must all match. A plain term is a slot with one
//!   alternative of one term; a run of terms that spells a synonym word
//!   becomes one slot with an alternative per word of its group.
//! * A term of one CJK character is a **prefix term**: it stands for every
//!   index term that starts with that character (the index tokenizer makes
//!   one for each occurrence, see [`crate::tokenize`]). Its matches are the
//!   [`PREFIX_DOCS`] documents with the highest summed impact of those
//!   terms ([`cut_prefix`]); the export stores exactly that list under the
//!   character, tantivy computes it from its term dictionary.
//! * Each engine finds every term's postings `(doc, score)`; [`combine`]
//!   does the rest: an alternative scores the sum of its terms where all
//!   match, a slot the sum of its matching alternatives, a document the sum
//!   of its slots. Documents matching every slot rank first, then by score,
//!   then by document number ([`crate::rank_order`]).

use std::borrow::Cow;

use crate::engine::{Ranked, rank_order};
use crate::synonyms::Synonyms;
use crate::tokenize::{MAX_QUERY_CHARS, MAX_QUERY_TERMS, is_cjk, tokenize_with};

/// Documents kept for a one-character (prefix) term.
pub const PREFIX_DOCS: usize = 200;

/// A planned query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Distinct terms, in first-seen order.
    pub terms: Vec<String>,
    /// Per slot, its alternatives as indices into `terms`.
    pub slots: Vec<Vec<Vec<usize>>>,
}

/// Whether `term` is a prefix term (one CJK character).
pub fn is_prefix_term(term: &str) -> bool {
    let mut cs = term.chars();
    matches!((cs.next(), cs.next()), (Some(c), None) if is_cjk(c))
}

/// Plans `query` (its first [`MAX_QUERY_CHARS`] characters; at most
/// [`MAX_QUERY_TERMS`] slots) with `synonyms`.
pub fn plan(query: &str, synonyms: &Synonyms) -> Plan {
    let cut = query
        .char_indices()
        .nth(MAX_QUERY_CHARS)
        .map_or(query.len(), |(i, _)| i);
    let capped = query.get(..cut).unwrap_or(query);
    let mut tokens: Vec<String> = Vec::new();
    tokenize_with(capped, |t| tokens.push(t.text));
    let mut p = Plan::default();
    let mut i = 0usize;
    while i < tokens.len() && p.slots.len() < MAX_QUERY_TERMS {
        let rest = tokens.get(i..).unwrap_or(&[]);
        let (used, words): (usize, Vec<&[String]>) = match synonyms.longest_at(rest) {
            Some((n, group)) => (n, group.iter().map(Vec::as_slice).collect()),
            None => (1, vec![rest.get(..1).unwrap_or(&[])]),
        };
        i = i.saturating_add(used.max(1));
        let slot: Vec<Vec<usize>> = words
            .into_iter()
            .map(|w| w.iter().map(|t| p.term_index(t)).collect())
            .collect();
        if !slot.is_empty() && !p.slots.contains(&slot) {
            p.slots.push(slot);
        }
    }
    p
}

impl Plan {
    fn term_index(&mut self, t: &str) -> usize {
        match self.terms.iter().position(|x| x == t) {
            Some(k) => k,
            None => {
                self.terms.push(t.to_string());
                self.terms.len().saturating_sub(1)
            }
        }
    }
}

/// Cuts a prefix term's summed postings (ascending by document) to the
/// [`PREFIX_DOCS`] best: highest score, then lowest document; returned
/// ascending by document.
pub fn cut_prefix(list: Vec<(u32, f32)>) -> Vec<(u32, f32)> {
    cut_best(list, PREFIX_DOCS)
}

/// Cuts postings (ascending by document) to the `n` best: highest score,
/// then lowest document; returned ascending by document.
pub fn cut_best(list: Vec<(u32, f32)>, n: usize) -> Vec<(u32, f32)> {
    if list.len() <= n {
        return list;
    }
    let mut best = list;
    // Selection, not a sort: a common character's list is most of the
    // documents, and only the best `n` are kept (ordered by document
    // afterwards, so their order here does not matter).
    if let Some(last) = n.checked_sub(1) {
        best.select_nth_unstable_by(last, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    }
    best.truncate(n);
    best.sort_unstable_by_key(|p| p.0);
    best
}

/// Ranks documents from each term's postings (`lists[i]` for
/// `plan.terms[i]`, ascending by document, one entry per document): the best
/// `limit`.
///
/// A document's score adds its slots' scores in slot order (and a slot's
/// alternatives in order, an alternative's terms in order), so both engines
/// sum the same floats in the same order. When at least `limit` documents
/// match every slot, those are the best `limit` (they rank first), and only
/// they are scored: the shortest slot's documents are looked up in the other
/// slots. Otherwise every document of every slot is scored in one merge.
pub fn combine<L: AsRef<[(u32, f32)]>>(plan: &Plan, lists: &[L], limit: usize) -> Vec<Ranked> {
    let mut top = Top::new(limit);
    if limit == 0 || plan.slots.is_empty() {
        return top.ranked;
    }
    let list = |k: &usize| lists.get(*k).map_or(&[][..], AsRef::as_ref);
    let slots: Vec<Cow<'_, [(u32, f32)]>> = plan
        .slots
        .iter()
        .map(|slot| slot_postings(slot, list))
        .collect();
    let n_slots = slots.len();
    // Documents matching every slot, driven by the shortest slot's list.
    let driver = slots
        .iter()
        .enumerate()
        .min_by_key(|(_, l)| l.len())
        .map_or(0, |(i, _)| i);
    let mut rest: Vec<&[(u32, f32)]> = slots.iter().map(|l| l.as_ref()).collect();
    let mut all_count = 0usize;
    for &(doc, own) in slots.get(driver).map_or(&[][..], |l| l.as_ref()) {
        let mut score: Option<f32> = None;
        let mut every = true;
        for (j, l) in rest.iter_mut().enumerate() {
            if j == driver {
                score = Some(score.map_or(own, |a| a + own));
                continue;
            }
            *l = l.get(seek(l, doc)..).unwrap_or(&[]);
            match l.first() {
                Some(&(d, s)) if d == doc => score = Some(score.map_or(s, |a| a + s)),
                _ => {
                    every = false;
                    break;
                }
            }
        }
        if let (true, Some(score)) = (every, score) {
            all_count = all_count.saturating_add(1);
            top.push(Ranked {
                doc,
                score,
                all: true,
            });
        }
    }
    if all_count >= limit {
        return top.ranked;
    }
    // Fewer than `limit` match every slot: partial matches count too.
    let mut top = Top::new(limit);
    let mut rest: Vec<&[(u32, f32)]> = slots.iter().map(|l| l.as_ref()).collect();
    while let Some(doc) = rest.iter().filter_map(|l| l.first().map(|p| p.0)).min() {
        let mut score: Option<f32> = None;
        let mut matched = 0usize;
        for l in &mut rest {
            if let Some(&(d, s)) = l.first()
                && d == doc
            {
                score = Some(score.map_or(s, |a| a + s));
                matched = matched.saturating_add(1);
                *l = l.get(1..).unwrap_or(&[]);
            }
        }
        if let Some(score) = score {
            top.push(Ranked {
                doc,
                score,
                all: matched >= n_slots,
            });
        }
    }
    top.ranked
}

/// A slot's postings: the sum of its matching alternatives, each the sum of
/// its terms where all match. A slot of one term borrows that term's list.
fn slot_postings<'a>(
    slot: &[Vec<usize>],
    list: impl Fn(&usize) -> &'a [(u32, f32)],
) -> Cow<'a, [(u32, f32)]> {
    if let [alt] = slot
        && let [k] = alt.as_slice()
    {
        return Cow::Borrowed(list(k));
    }
    let mut slot_list: Vec<(u32, f32)> = Vec::new();
    for alt in slot {
        let mut terms = alt.iter();
        let Some(first) = terms.next() else { continue };
        let mut alt_list = list(first).to_vec();
        for k in terms {
            alt_list = intersect(&alt_list, list(k));
        }
        slot_list = union(&slot_list, &alt_list);
    }
    Cow::Owned(slot_list)
}

/// The first index of `list` (ascending by document) whose document is at
/// least `doc`: a galloping search, cheap when it is near the start.
fn seek(list: &[(u32, f32)], doc: u32) -> usize {
    if list.first().is_none_or(|p| p.0 >= doc) {
        return 0;
    }
    let mut hi = 2usize;
    while list.get(hi.saturating_sub(1)).is_some_and(|p| p.0 < doc) {
        hi = hi.saturating_mul(2);
    }
    // Everything before `hi / 2` is below `doc` (checked last round).
    let lo = hi.checked_div(2).unwrap_or(0);
    let window = list.get(lo..hi.min(list.len())).unwrap_or(&[]);
    lo.saturating_add(window.partition_point(|p| p.0 < doc))
}

/// The best `limit` documents so far, kept in rank order by insertion (no
/// sort: the sort routines are large in wasm).
pub(crate) struct Top {
    limit: usize,
    pub(crate) ranked: Vec<Ranked>,
}

impl Top {
    pub(crate) fn new(limit: usize) -> Self {
        Top {
            limit,
            ranked: Vec::with_capacity(limit.min(1024).saturating_add(1)),
        }
    }

    pub(crate) fn push(&mut self, r: Ranked) {
        // Most documents rank below a full list's last: one comparison.
        if self.ranked.len() >= self.limit
            && self
                .ranked
                .last()
                .is_none_or(|last| rank_order(&r, last) != std::cmp::Ordering::Less)
        {
            return;
        }
        let pos = self
            .ranked
            .partition_point(|x| rank_order(x, &r) == std::cmp::Ordering::Less);
        if pos < self.limit {
            self.ranked.insert(pos, r);
            self.ranked.truncate(self.limit);
        }
    }
}

/// Documents in both, scores summed.
fn intersect(a: &[(u32, f32)], b: &[(u32, f32)]) -> Vec<(u32, f32)> {
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    let mut bi = b.iter().peekable();
    for &(d, s) in a {
        while bi.peek().is_some_and(|x| x.0 < d) {
            bi.next();
        }
        if let Some(&&(e, t)) = bi.peek()
            && e == d
        {
            out.push((d, s + t));
        }
    }
    out
}

/// Documents in either, scores summed.
fn union(a: &[(u32, f32)], b: &[(u32, f32)]) -> Vec<(u32, f32)> {
    let mut out = Vec::with_capacity(a.len().saturating_add(b.len()));
    let mut x = a.iter().peekable();
    let mut y = b.iter().peekable();
    loop {
        let next = match (x.peek(), y.peek()) {
            (None, None) => break,
            (Some(_), None) => x.next().copied(),
            (None, Some(_)) => y.next().copied(),
            (Some(p), Some(q)) => match p.0.cmp(&q.0) {
                std::cmp::Ordering::Less => x.next().copied(),
                std::cmp::Ordering::Greater => y.next().copied(),
                std::cmp::Ordering::Equal => match (x.next(), y.next()) {
                    (Some(p), Some(q)) => Some((p.0, p.1 + q.1)),
                    _ => None,
                },
            },
        };
        if let Some(n) = next {
            out.push(n);
        }
    }
    out
}

/// Levenshtein distance over bytes (Latin words are ASCII but for a few),
/// or `None` once it exceeds `max`.
pub fn edit_distance(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = Vec::with_capacity(prev.len());
    for (i, &ca) in a.iter().enumerate() {
        cur.clear();
        cur.push(i.saturating_add(1));
        for (j, &cb) in b.iter().enumerate() {
            let diag = prev.get(j).copied().unwrap_or(usize::MAX);
            let up = prev.get(j.saturating_add(1)).copied().unwrap_or(usize::MAX);
            let left = cur.last().copied().unwrap_or(usize::MAX);
            cur.push(
                diag.saturating_add(usize::from(ca != cb))
                    .min(up.saturating_add(1))
                    .min(left.saturating_add(1)),
            );
        }
        if cur.iter().min().is_some_and(|&m| m > max) {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().filter(|&d| d <= max)
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::arithmetic_side_effects
    )]
    use super::*;

    fn syn(groups: &[&[&str]]) -> Synonyms {
        let g: Vec<Vec<String>> = groups
            .iter()
            .map(|g| g.iter().map(|w| (*w).to_string()).collect())
            .collect();
        Synonyms::new(&g).unwrap()
    }

    #[test]
    fn plain_terms_are_one_slot_each() {
        let p = plan("退款规则 退款", &Synonyms::none());
        assert_eq!(p.terms, vec!["退款", "款规", "规则"]);
        assert_eq!(p.slots, vec![vec![vec![0]], vec![vec![1]], vec![vec![2]]]);
    }

    #[test]
    fn synonym_words_share_a_slot() {
        let s = syn(&[&["退款", "退费", "退钱"], &["云服务器", "CVM"]]);
        let p = plan("退费规则", &s);
        assert_eq!(p.terms, vec!["退款", "退费", "退钱", "费规", "规则"]);
        assert_eq!(p.slots[0], vec![vec![0], vec![1], vec![2]]);
        let p = plan("ＣＶＭ", &s);
        assert_eq!(p.terms, vec!["云服", "服务", "务器", "cvm"]);
        assert_eq!(p.slots, vec![vec![vec![0, 1, 2], vec![3]]]);
    }

    /// The combine of commit 9ec049c, kept as the reference: a union per
    /// slot, an accumulator merged slot by slot, every document ranked.
    fn combine_reference(plan: &Plan, lists: &[Vec<(u32, f32)>], limit: usize) -> Vec<Ranked> {
        fn merge(acc: Vec<(u32, f32, usize)>, list: Vec<(u32, f32)>) -> Vec<(u32, f32, usize)> {
            let mut out = Vec::new();
            let (mut a, mut b) = (acc.into_iter().peekable(), list.into_iter().peekable());
            loop {
                let next = match (a.peek(), b.peek()) {
                    (None, None) => break,
                    (Some(_), None) => a.next(),
                    (None, Some(_)) => b.next().map(|(d, s)| (d, s, 1)),
                    (Some(x), Some(y)) => match x.0.cmp(&y.0) {
                        std::cmp::Ordering::Less => a.next(),
                        std::cmp::Ordering::Greater => b.next().map(|(d, s)| (d, s, 1)),
                        std::cmp::Ordering::Equal => {
                            let ((d, s, n), (_, t)) = (a.next().unwrap(), b.next().unwrap());
                            Some((d, s + t, n + 1))
                        }
                    },
                };
                out.extend(next);
            }
            out
        }
        let mut acc: Vec<(u32, f32, usize)> = Vec::new();
        for slot in &plan.slots {
            let mut slot_list: Vec<(u32, f32)> = Vec::new();
            for alt in slot {
                let Some((first, more)) = alt.split_first() else {
                    continue;
                };
                let mut alt_list = lists[*first].clone();
                for k in more {
                    alt_list = intersect(&alt_list, &lists[*k]);
                }
                slot_list = union(&slot_list, &alt_list);
            }
            acc = merge(acc, slot_list);
        }
        let mut ranked: Vec<Ranked> = acc
            .into_iter()
            .map(|(doc, score, n)| Ranked {
                doc,
                score,
                all: n >= plan.slots.len(),
            })
            .collect();
        ranked.sort_by(rank_order);
        ranked.truncate(limit);
        ranked
    }

    /// Random postings: ascending, one per document, scores on a coarse
    /// grid so that sums tie and rounding differs by order.
    fn random_lists(seed: &mut u64, terms: usize, docs: u32) -> Vec<Vec<(u32, f32)>> {
        fn next(seed: &mut u64) -> u64 {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            *seed
        }
        let mut lists = Vec::new();
        for _ in 0..terms {
            let density = next(seed) % 100;
            let mut list = Vec::new();
            for d in 0..docs {
                if next(seed) % 100 < density {
                    list.push((d, (next(seed) % 50) as f32 * 0.1 + 0.01));
                }
            }
            lists.push(list);
        }
        lists
    }

    #[test]
    fn combine_matches_the_reference_bit_for_bit() {
        let s = syn(&[&["退款", "退费"], &["云服务器", "cvm"]]);
        let queries = [
            "a",
            "a b",
            "a b c d",
            "a b c d e f g h",
            "退款规则",
            "退费 cvm 规则",
            "云服务器 退款 a",
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for q in queries {
            let p = plan(q, &s);
            for round in 0..60 {
                let docs = [5, 40, 300, 3000][round % 4];
                let lists = random_lists(&mut seed, p.terms.len(), docs);
                for limit in [0, 1, 3, 8, 10, 100, 10_000] {
                    let got = combine(&p, &lists, limit);
                    let want = combine_reference(&p, &lists, limit);
                    let bits = |r: &[Ranked]| -> Vec<(u32, u32, bool)> {
                        r.iter()
                            .map(|x| (x.doc, x.score.to_bits(), x.all))
                            .collect()
                    };
                    assert_eq!(bits(&got), bits(&want), "{q} docs {docs} limit {limit}");
                }
            }
        }
    }

    #[test]
    fn combine_sums_and_ranks_all_matches_first() {
        let p = plan("a b", &Synonyms::none());
        let lists = vec![vec![(1, 5.0), (2, 1.0)], vec![(2, 1.0), (3, 9.0)]];
        let r = combine(&p, &lists, 10);
        let docs: Vec<(u32, bool)> = r.iter().map(|x| (x.doc, x.all)).collect();
        assert_eq!(docs, vec![(2, true), (3, false), (1, false)]);
        assert_eq!(r[0].score, 2.0);
    }

    #[test]
    fn alternatives_need_all_their_terms() {
        let s = syn(&[&["云服务器", "cvm"]]);
        let p = plan("cvm", &s);
        // 云服, 服务, 务器, cvm
        let lists = vec![
            vec![(1, 1.0), (2, 1.0)],
            vec![(1, 1.0)],
            vec![(1, 1.0), (2, 1.0)],
            vec![(3, 1.0)],
        ];
        let r = combine(&p, &lists, 10);
        let docs: Vec<u32> = r.iter().map(|x| x.doc).collect();
        assert_eq!(docs, vec![1, 3]);
        assert_eq!(r[0].score, 3.0);
    }

    #[test]
    fn prefix_cut_keeps_the_best() {
        let list: Vec<(u32, f32)> = (0..500u32).map(|d| (d, (d % 7) as f32)).collect();
        let cut = cut_prefix(list);
        assert_eq!(cut.len(), PREFIX_DOCS);
        assert!(cut.windows(2).all(|w| w[0].0 < w[1].0));
        // 71 sixes, 71 fives, then the lowest-numbered fours.
        assert_eq!(cut.iter().filter(|p| p.1 == 6.0).count(), 71);
        assert!(cut.iter().all(|p| p.1 >= 4.0));
        let fours: Vec<u32> = cut.iter().filter(|p| p.1 == 4.0).map(|p| p.0).collect();
        assert_eq!(fours.first(), Some(&4));
    }

    #[test]
    fn edit_distance_is_bounded() {
        assert_eq!(edit_distance(b"password", b"pasword", 2), Some(1));
        assert_eq!(edit_distance(b"invoice", b"invoices", 2), Some(1));
        assert_eq!(edit_distance(b"kitten", b"sitting", 3), Some(3));
        assert_eq!(edit_distance(b"abc", b"xyz", 2), None);
        assert_eq!(edit_distance(b"", b"ab", 2), Some(2));
    }

    #[test]
    fn prefix_terms_are_one_cjk_char() {
        assert!(is_prefix_term("退"));
        assert!(!is_prefix_term("退款"));
        assert!(!is_prefix_term("a"));
    }
}
