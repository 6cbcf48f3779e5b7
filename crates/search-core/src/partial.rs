//! Ranking from partly fetched posting lists: the exact top results, or
//! what to fetch before they are certain.
//!
//! The export keeps a long list's best postings (its head) apart from the
//! rest (its tail, in blocks by document, see [`crate::format`]). What the
//! static engine knows of a term is then its head, the tail blocks fetched
//! so far, and the largest impact anywhere in the tail. [`rank_partial`]
//! ranks the documents whose every term is known with [`combine`], exactly
//! as over whole lists, and accepts that ranking only when no other
//! document could rank among the best `limit`, even with every unknown
//! posting at its tail's largest impact. Otherwise it names what would
//! settle it: the tail blocks that hold the strongest undecided candidates,
//! or, when a document outside every fetched posting could still rank, the
//! shortest tail whole. Each answer adds knowledge, so asking again until it ranks
//! ends, at worst with every list whole: the result is always the ranking of
//! whole lists.

use std::cmp::Ordering;

use crate::engine::{Ranked, rank_order};
use crate::plan::{Plan, Top, combine};

/// Undecided candidates resolved per round of fetching, at least (a
/// round resolves as many as the results asked for, or as the tail blocks
/// read so far, if more).
pub const RESOLVE_PER_ROUND: usize = 64;

/// An upper bound is raised by this factor before it is compared, so a
/// float summed in another order can only make the engine fetch more.
const BOUND_SLACK: f32 = 1.0 + 1e-4;

/// What is known of one term's postings.
#[derive(Debug, Clone, Copy)]
pub struct Partial<'a> {
    /// The postings known (ascending by document).
    pub postings: &'a [(u32, f32)],
    /// `None` when the list is whole; otherwise what is not fetched yet.
    pub rest: Option<Rest<'a>>,
}

/// The unfetched part of a list.
#[derive(Debug, Clone, Copy)]
pub struct Rest<'a> {
    /// The largest impact of any posting not in `postings`' head.
    pub max: f32,
    /// Document ranges `[from, to)` of the tail already fetched (ascending):
    /// a document there that is not in `postings` is not in the list.
    pub known: &'a [(u32, u32)],
    /// Postings in the tail (what reading it whole costs).
    pub len: u32,
    /// Blocks of the tail read so far.
    pub read: usize,
}

/// The answer of [`rank_partial`].
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The best documents, exactly as [`combine`] ranks the whole lists.
    Ranked(Vec<Ranked>),
    /// Fetch these, then rank again: `(term, document)` pairs whose tail
    /// block is needed, and terms whose whole tail is.
    Fetch {
        /// Tail blocks to fetch: the term's index and a document.
        blocks: Vec<(usize, u32)>,
        /// Terms whose whole tail is needed.
        whole: Vec<usize>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Status {
    Present(f32),
    Absent,
    /// Not known: absent, or present with an impact up to this.
    Unknown(f32),
}

impl Partial<'_> {
    fn status(&self, doc: u32) -> Status {
        if let Ok(i) = self.postings.binary_search_by_key(&doc, |p| p.0) {
            return Status::Present(self.postings.get(i).map_or(0.0, |p| p.1));
        }
        match &self.rest {
            None => Status::Absent,
            Some(rest) => {
                let i = rest.known.partition_point(|r| r.1 <= doc);
                match rest.known.get(i) {
                    Some(&(from, _)) if from <= doc => Status::Absent,
                    _ => Status::Unknown(rest.max),
                }
            }
        }
    }
}

/// Ranks the best `limit` documents for `plan` from what is known of each
/// term's list (`lists[i]` for `plan.terms[i]`), or names what to fetch.
pub fn rank_partial(plan: &Plan, lists: &[Partial<'_>], limit: usize) -> Outcome {
    if lists.iter().all(|l| l.rest.is_none()) {
        let whole: Vec<&[(u32, f32)]> = lists.iter().map(|l| l.postings).collect();
        return Outcome::Ranked(combine(plan, &whole, limit));
    }
    // Documents whose every term is known, and the best case of the rest.
    let mut known: Vec<u32> = Vec::new();
    let mut open: Vec<Ranked> = Vec::new();
    let mut statuses: Vec<Status> = Vec::with_capacity(lists.len());
    for doc in union(lists) {
        statuses.clear();
        statuses.extend(lists.iter().map(|l| l.status(doc)));
        if statuses.iter().all(|s| !matches!(s, Status::Unknown(_))) {
            known.push(doc);
        } else if let Some(best) = best_case(plan, &statuses, doc) {
            open.push(best);
        }
    }
    let restricted: Vec<Vec<(u32, f32)>> = lists
        .iter()
        .map(|l| {
            l.postings
                .iter()
                .copied()
                .filter(|p| known.binary_search(&p.0).is_ok())
                .collect()
        })
        .collect();
    let top = combine(plan, &restricted, limit);
    let last = top
        .get(limit.saturating_sub(1))
        .filter(|_| top.len() >= limit);
    let could_rank = |r: &Ranked| last.is_none_or(|l| rank_order(r, l) == Ordering::Less);
    // A document in no fetched posting: unknown wherever a tail is not whole.
    statuses.clear();
    statuses.extend(lists.iter().map(|l| match &l.rest {
        None => Status::Absent,
        Some(rest) => Status::Unknown(rest.max),
    }));
    let unseen = best_case(plan, &statuses, 0).is_some_and(|r| could_rank(&r));
    open.retain(|r| could_rank(r));
    if open.is_empty() && !unseen {
        return Outcome::Ranked(top);
    }
    // Candidates first: settling them raises the bar an unseen document
    // must clear, which usually spares the whole tails. Then the shortest
    // tail, whole: once a list is whole, a document outside everything read
    // is known to be absent from it, which alone may keep it out.
    if open.is_empty() {
        let shortest = lists
            .iter()
            .enumerate()
            .filter_map(|(i, l)| l.rest.map(|r| (r.len, i)))
            .min();
        return Outcome::Fetch {
            blocks: Vec::new(),
            whole: shortest.map(|s| s.1).into_iter().collect(),
        };
    }
    // The strongest undecided candidates, kept in rank order as they come
    // (a sort is large in wasm): as many as the blocks read so far, so the
    // rounds a query takes grow with the logarithm of what it reads.
    let read: usize = lists
        .iter()
        .filter_map(|l| l.rest.map(|r| r.read))
        .fold(0, usize::saturating_add);
    let mut strongest = Top::new(RESOLVE_PER_ROUND.max(limit).max(read));
    for r in open {
        strongest.push(r);
    }
    let mut blocks = Vec::new();
    for r in &strongest.ranked {
        for (i, l) in lists.iter().enumerate() {
            if matches!(l.status(r.doc), Status::Unknown(_)) {
                blocks.push((i, r.doc));
            }
        }
    }
    Outcome::Fetch {
        blocks,
        whole: Vec::new(),
    }
}

/// Every document of the lists, ascending, once each.
fn union(lists: &[Partial<'_>]) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::new();
    let mut rest: Vec<&[(u32, f32)]> = lists.iter().map(|l| l.postings).collect();
    while let Some(doc) = rest.iter().filter_map(|l| l.first().map(|p| p.0)).min() {
        out.push(doc);
        for l in &mut rest {
            if l.first().is_some_and(|p| p.0 == doc) {
                *l = l.get(1..).unwrap_or(&[]);
            }
        }
    }
    out
}

/// The best a document could rank given its terms' statuses (`None` when
/// it cannot match at all): unknown postings at their tail's largest
/// impact, scores summed as [`combine`] sums them, raised by
/// [`BOUND_SLACK`].
fn best_case(plan: &Plan, statuses: &[Status], doc: u32) -> Option<Ranked> {
    let mut score = 0f32;
    let mut all = true;
    let mut any = false;
    for slot in &plan.slots {
        let mut slot_score = 0f32;
        let mut slot_may = false;
        for alt in slot {
            let mut alt_score = 0f32;
            let mut may = !alt.is_empty();
            for k in alt {
                match statuses.get(*k) {
                    Some(Status::Present(s) | Status::Unknown(s)) => alt_score += *s,
                    _ => {
                        may = false;
                        break;
                    }
                }
            }
            if may {
                slot_may = true;
                slot_score += alt_score;
            }
        }
        if slot_may {
            any = true;
            score += slot_score;
        } else {
            all = false;
        }
    }
    any.then_some(Ranked {
        doc,
        score: score * BOUND_SLACK,
        all,
    })
}
