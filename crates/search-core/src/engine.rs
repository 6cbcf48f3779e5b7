//! The query engine over static index files: the code the browser runs (as
//! wasm) and `faqtory search --static` runs natively.
//!
//! The engine is fed files by name and asked to search; when it lacks a file
//! it answers [`Step::Need`] with the names to fetch, so the caller (JS or the
//! CLI) only does I/O and the engine decides what is needed.

use crate::format::{
    DocMeta, FormatError, MANIFEST, Manifest, decode_postings, decode_record, shard_lookup,
    shard_terms,
};
use crate::plan::{Plan, combine, edit_distance, plan};
use crate::snippet::{marks, snippet};
use crate::synonyms::Synonyms;
use crate::tokenize::is_cjk;

/// Characters shown in a result snippet.
pub const SNIPPET_CHARS: usize = 90;

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Document number in the export.
    pub doc: u32,
    /// Sum of the matched terms' impacts.
    pub score: f32,
    /// Whether every query term matched.
    pub all: bool,
    /// Title, url, category and snippet of the document.
    pub meta: DocMeta,
    /// Highlighted byte ranges of the title.
    pub title_marks: Vec<(usize, usize)>,
    /// The snippet shown (a window of the stored answer start).
    pub snippet: String,
    /// Highlighted byte ranges of the snippet.
    pub snippet_marks: Vec<(usize, usize)>,
}

/// What a search needs next.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Fetch these (the manifest's name, or pieces: byte ranges of files,
    /// see [`crate::format::piece_range`]; relative to `search/`), hand them
    /// to [`Engine::put`] under the same names, and search again.
    Need(Vec<String>),
    /// The results.
    Done(Vec<Hit>),
}

/// A ranked document before its metadata is known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    /// Document number.
    pub doc: u32,
    /// Score.
    pub score: f32,
    /// Whether all terms matched.
    pub all: bool,
}

/// Sorts ranked documents: all-terms matches first, then by score, then doc.
pub fn rank_order(a: &Ranked, b: &Ranked) -> std::cmp::Ordering {
    b.all
        .cmp(&a.all)
        .then(b.score.total_cmp(&a.score))
        .then(a.doc.cmp(&b.doc))
}

/// The most postings the engine keeps decoded between searches: 2 MB of
/// `(document, score)` pairs, about the lists of a five-term query of
/// frequent bigrams at 100,000 entries (`数据库实例`: 126,000 postings).
pub const CACHED_POSTINGS: usize = 1 << 18;

/// Holds the static index files fetched so far.
#[derive(Debug, Default)]
pub struct Engine {
    manifest: Option<Manifest>,
    // A small association list: a session holds a few hundred pieces at
    // most, and maps cost kilobytes of wasm.
    files: Vec<(String, Vec<u8>)>,
    // Decoded postings of recent terms, least recently used first: a typed
    // query searches again at every keystroke, mostly with the terms of the
    // keystroke before. Together at most `CACHED_POSTINGS` postings.
    lists: Vec<Cached>,
}

/// A term's decoded postings and the piece they came from.
#[derive(Debug)]
struct Cached {
    term: String,
    piece: String,
    postings: Vec<(u32, f32)>,
}

impl Engine {
    /// An engine with no files.
    pub fn new() -> Self {
        Engine::default()
    }

    /// The manifest, once loaded.
    pub fn manifest(&self) -> Option<&Manifest> {
        self.manifest.as_ref()
    }

    /// Adds a fetched file or piece. The manifest is decoded at once; a new
    /// manifest (another build) drops the pieces of the old one.
    pub fn put(&mut self, name: &str, bytes: Vec<u8>) -> Result<(), FormatError> {
        if name == MANIFEST {
            let m = Manifest::decode(&bytes)?;
            if self
                .manifest
                .as_ref()
                .is_some_and(|old| old.build_id != m.build_id)
            {
                self.files.clear();
                self.lists.clear();
            }
            self.manifest = Some(m);
            return Ok(());
        }
        let expected = crate::format::piece_range(name)
            .and_then(|(_, a, b)| usize::try_from(b.checked_sub(a)?).ok());
        if expected != Some(bytes.len()) {
            return Err(FormatError {
                file: name.to_string(),
                what: "not a piece of the expected length",
            });
        }
        self.files.retain(|f| f.0 != name);
        self.lists.retain(|c| c.piece != name);
        self.files.push((name.to_string(), bytes));
        Ok(())
    }

    fn file(&self, name: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|f| f.0 == name)
            .map(|f| f.1.as_slice())
    }

    /// A document's metadata: `Ok(Err(piece))` names the piece to fetch
    /// first (its offset-table block, then its record).
    fn doc_meta(&self, m: &Manifest, doc: u32) -> Result<Result<DocMeta, String>, FormatError> {
        let bad = |what| FormatError::new(MANIFEST, what);
        let block_name = m
            .doc_block_piece(doc)
            .ok_or_else(|| bad("document out of range"))?;
        let Some(block) = self.file(&block_name) else {
            return Ok(Err(block_name));
        };
        let record_name = m.doc_piece(doc, block).ok_or(FormatError {
            file: block_name,
            what: "bad document offsets",
        })?;
        match self.file(&record_name) {
            Some(bytes) => Ok(Ok(decode_record(&record_name, bytes)?)),
            None => Ok(Err(record_name)),
        }
    }

    /// The planned query (with the manifest's synonyms, once loaded).
    pub fn plan(&self, query: &str) -> Plan {
        match &self.manifest {
            Some(m) => plan(query, &m.synonyms),
            None => plan(query, &Synonyms::none()),
        }
    }

    /// Ranks documents for `query` (no metadata), or names the shards needed.
    /// Keeps the decoded postings of its terms for the next search (see
    /// [`CACHED_POSTINGS`]).
    pub fn rank(
        &mut self,
        query: &str,
        limit: usize,
    ) -> Result<Result<Vec<Ranked>, Vec<String>>, FormatError> {
        let Some(m) = &self.manifest else {
            return Ok(Err(vec![MANIFEST.to_string()]));
        };
        let p = plan(query, &m.synonyms);
        if p.slots.is_empty() || limit == 0 {
            return Ok(Ok(Vec::new()));
        }
        let mut need: Vec<String> = Vec::new();
        for t in &p.terms {
            if let Some(name) = m.shard_of(t).and_then(|s| m.shard_piece(s))
                && self.file(&name).is_none()
                && !need.contains(&name)
            {
                need.push(name);
            }
        }
        if !need.is_empty() {
            return Ok(Err(need));
        }
        // The terms not cached yet, decoded.
        let mut fresh: Vec<Cached> = Vec::new();
        for t in &p.terms {
            if self.cached(t).is_none()
                && let Some(c) = self.decode(m, t)?
            {
                fresh.push(c);
            }
        }
        let ranked = {
            let lists: Vec<&[(u32, f32)]> = p
                .terms
                .iter()
                .map(|t| {
                    fresh
                        .iter()
                        .find(|c| &c.term == t)
                        .or_else(|| self.cached(t))
                        .map_or(&[][..], |c| c.postings.as_slice())
                })
                .collect();
            combine(&p, &lists, limit)
        };
        self.keep(&p.terms, fresh);
        Ok(Ok(ranked))
    }

    fn cached(&self, term: &str) -> Option<&Cached> {
        self.lists.iter().find(|c| c.term == term)
    }

    /// Marks the query's cached lists used and caches its fresh ones,
    /// dropping the least recently used beyond [`CACHED_POSTINGS`]. A list
    /// longer than that is not kept.
    fn keep(&mut self, terms: &[String], fresh: Vec<Cached>) {
        for t in terms {
            if let Some(i) = self.lists.iter().position(|c| &c.term == t) {
                let c = self.lists.remove(i);
                self.lists.push(c);
            }
        }
        for c in fresh {
            let n = c.postings.len();
            if n > CACHED_POSTINGS {
                continue;
            }
            let mut held: usize = self.lists.iter().map(|c| c.postings.len()).sum();
            while held.saturating_add(n) > CACHED_POSTINGS && !self.lists.is_empty() {
                let old = self.lists.remove(0);
                held = held.saturating_sub(old.postings.len());
            }
            self.lists.push(c);
        }
    }

    /// Whether a term has postings in the fetched shards (its cached list,
    /// else its shard decoded).
    fn has_postings(&self, m: &Manifest, term: &str) -> Result<bool, FormatError> {
        if let Some(c) = self.cached(term) {
            return Ok(!c.postings.is_empty());
        }
        Ok(self
            .decode(m, term)?
            .is_some_and(|c| !c.postings.is_empty()))
    }

    /// Decodes a term's postings from its fetched shard; `None` when the
    /// shard is not fetched (or there is none).
    fn decode(&self, m: &Manifest, term: &str) -> Result<Option<Cached>, FormatError> {
        let Some(name) = m.shard_of(term).and_then(|s| m.shard_piece(s)) else {
            return Ok(None);
        };
        let Some(bytes) = self.file(&name) else {
            return Ok(None);
        };
        let mut list: Vec<(u32, f32)> = Vec::new();
        if let Some(entry) = shard_lookup(&name, bytes, term)? {
            list.reserve(usize::try_from(entry.count).unwrap_or(0).min(bytes.len()));
            decode_postings(&name, entry.body, entry.count, |doc, q| {
                if doc < m.doc_count && list.last().is_none_or(|l| l.0 < doc) {
                    list.push((doc, Manifest::impact(q, entry.scale)));
                }
            })?;
        }
        Ok(Some(Cached {
            term: term.to_string(),
            piece: name,
            postings: list,
        }))
    }

    /// Searches: the top `limit` hits with metadata and highlights, or the
    /// files still needed.
    pub fn search(&mut self, query: &str, limit: usize) -> Result<Step, FormatError> {
        let ranked = match self.rank(query, limit)? {
            Ok(r) => r,
            Err(need) => return Ok(Step::Need(need)),
        };
        let Some(m) = &self.manifest else {
            return Ok(Step::Need(vec![MANIFEST.to_string()]));
        };
        let mut need: Vec<String> = Vec::new();
        let mut metas: Vec<DocMeta> = Vec::with_capacity(ranked.len());
        for r in &ranked {
            match self.doc_meta(m, r.doc)? {
                Ok(meta) => metas.push(meta),
                Err(name) => {
                    if !need.contains(&name) {
                        need.push(name);
                    }
                }
            }
        }
        if !need.is_empty() {
            return Ok(Step::Need(need));
        }
        let terms = plan(query, &m.synonyms).terms;
        let hits = ranked
            .into_iter()
            .zip(metas)
            .map(|(r, meta)| {
                let title_marks = marks(&meta.title, &terms);
                let (snip, snippet_marks) = snippet(&meta.snippet, &terms, SNIPPET_CHARS);
                Hit {
                    doc: r.doc,
                    score: r.score,
                    all: r.all,
                    meta,
                    title_marks,
                    snippet: snip,
                    snippet_marks,
                }
            })
            .collect();
        Ok(Step::Done(hits))
    }

    /// Terms that do exist near the query's terms that match nothing, from
    /// the shards already fetched (a search of `query` fetched the shard
    /// where each of its terms would be): Latin words within a small edit
    /// distance (over bytes), CJK bigrams sharing a character in place with
    /// a missing bigram (or starting with a missing character); nearest
    /// first, then the most frequent, at most `max`.
    pub fn suggest(&self, query: &str, max: usize) -> Vec<String> {
        let Some(m) = &self.manifest else {
            return Vec::new();
        };
        let p = plan(query, &m.synonyms);
        // (distance, document count, term)
        let mut found: Vec<(usize, u32, String)> = Vec::new();
        for t in &p.terms {
            if self.has_postings(m, t).unwrap_or(false) {
                continue;
            }
            let Some(name) = m.shard_of(t).and_then(|s| m.shard_piece(s)) else {
                continue;
            };
            let Some(bytes) = self.file(&name) else {
                continue;
            };
            let mut want = t.chars();
            let (w0, w1) = (want.next(), want.next());
            let cjk = w0.is_some_and(is_cjk);
            let max_dist = (t.len() / 4).saturating_add(1);
            let _ = shard_terms(&name, bytes, |cand, count| {
                let mut have = cand.chars();
                let (h0, h1, h2) = (have.next(), have.next(), have.next());
                let dist = if cjk {
                    (h1.is_some() && h2.is_none() && (h0 == w0 || (w1.is_some() && h1 == w1)))
                        .then_some(1)
                } else if h0.is_some_and(is_cjk) {
                    None
                } else {
                    edit_distance(t.as_bytes(), cand.as_bytes(), max_dist)
                };
                if let Some(d) = dist
                    && cand != t
                    && !found.iter().any(|f| f.2 == cand)
                {
                    found.push((d, count, cand.to_string()));
                }
            });
        }
        // The best `max`, by selection (sorts are large in wasm).
        let mut out = Vec::new();
        while out.len() < max {
            let best = found
                .iter()
                .enumerate()
                .min_by(|a, b| (a.1.0, b.1.1, &a.1.2).cmp(&(b.1.0, a.1.1, &b.1.2)))
                .map(|b| b.0);
            match best {
                Some(i) if i < found.len() => out.push(found.swap_remove(i).2),
                _ => break,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
    use super::*;

    fn list(term: &str, piece: &str, n: usize) -> Cached {
        Cached {
            term: term.to_string(),
            piece: piece.to_string(),
            postings: (0..n).map(|d| (d as u32, 1.0)).collect(),
        }
    }

    fn terms(e: &Engine) -> Vec<&str> {
        e.lists.iter().map(|c| c.term.as_str()).collect()
    }

    #[test]
    fn kept_postings_stay_within_the_bound_least_recently_used_out() {
        let half = CACHED_POSTINGS / 2;
        let mut e = Engine::new();
        let q = |ts: &[&str]| ts.iter().map(|t| (*t).to_string()).collect::<Vec<_>>();
        e.keep(
            &q(&["a", "b"]),
            vec![list("a", "p1", half), list("b", "p2", half)],
        );
        assert_eq!(terms(&e), ["a", "b"]);
        // One more posting: the oldest list goes.
        e.keep(&q(&["c"]), vec![list("c", "p1", 1)]);
        assert_eq!(terms(&e), ["b", "c"]);
        // A query that uses b makes it the most recent: c goes first.
        e.keep(&q(&["b"]), Vec::new());
        e.keep(&q(&["d"]), vec![list("d", "p3", half)]);
        assert_eq!(terms(&e), ["b", "d"]);
        assert!(e.lists.iter().map(|c| c.postings.len()).sum::<usize>() <= CACHED_POSTINGS);
        // A list longer than the bound is not kept, nor does it evict.
        e.keep(&q(&["e"]), vec![list("e", "p1", CACHED_POSTINGS + 1)]);
        assert_eq!(terms(&e), ["b", "d"]);
    }

    #[test]
    fn a_piece_handed_in_again_drops_the_postings_decoded_from_it() {
        let mut e = Engine::new();
        e.keep(
            &["a".to_string(), "b".to_string()],
            vec![list("a", "x/t0.bin#0-4", 3), list("b", "x/t0.bin#4-8", 3)],
        );
        assert!(e.put("x/t0.bin#0-4", vec![0; 4]).is_ok());
        assert_eq!(terms(&e), ["b"]);
    }
}
