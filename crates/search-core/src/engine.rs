//! The query engine over static index files: the code the browser runs (as
//! wasm) and `faqtory search --static` runs natively.
//!
//! The engine is fed files by name and asked to search; when it lacks a file
//! it answers [`Step::Need`] with the names to fetch, so the caller (JS or the
//! CLI) only does I/O and the engine decides what is needed.

use std::collections::BTreeMap;

use crate::format::{
    DocMeta, FormatError, MANIFEST, Manifest, decode_chunk, decode_postings, shard_lookup,
};
use crate::snippet::{marks, snippet};
use crate::tokenize::query_terms;

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
    /// Fetch these files (names relative to `search/`) and search again.
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

/// Holds the static index files fetched so far.
#[derive(Debug, Default)]
pub struct Engine {
    manifest: Option<Manifest>,
    files: BTreeMap<String, Vec<u8>>,
    chunks: BTreeMap<u32, Vec<DocMeta>>,
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

    /// Adds a fetched file. The manifest is decoded at once; a new manifest
    /// (another build) drops the files of the old one.
    pub fn put(&mut self, name: &str, bytes: Vec<u8>) -> Result<(), FormatError> {
        if name == MANIFEST {
            let m = Manifest::decode(&bytes)?;
            if self
                .manifest
                .as_ref()
                .is_some_and(|old| old.build_id != m.build_id)
            {
                self.files.clear();
                self.chunks.clear();
            }
            self.manifest = Some(m);
            return Ok(());
        }
        if let Some(i) = self.chunk_index(name) {
            let docs = decode_chunk(name, &bytes)?;
            self.chunks.insert(i, docs);
            return Ok(());
        }
        self.files.insert(name.to_string(), bytes);
        Ok(())
    }

    fn chunk_index(&self, name: &str) -> Option<u32> {
        let m = self.manifest.as_ref()?;
        let rest = name.strip_prefix(m.build_id.as_str())?.strip_prefix("/m")?;
        rest.strip_suffix(".bin")?.parse().ok()
    }

    /// Ranks documents for `query` (no metadata), or names the shards needed.
    pub fn rank(
        &self,
        query: &str,
        limit: usize,
    ) -> Result<Result<Vec<Ranked>, Vec<String>>, FormatError> {
        let Some(m) = &self.manifest else {
            return Ok(Err(vec![MANIFEST.to_string()]));
        };
        let terms = query_terms(query);
        if terms.is_empty() || limit == 0 {
            return Ok(Ok(Vec::new()));
        }
        let mut need: Vec<String> = Vec::new();
        let mut located: Vec<(usize, String)> = Vec::new();
        for (ti, t) in terms.iter().enumerate() {
            if let Some(s) = m.shard_of(t) {
                let name = m.shard_name(s);
                if !self.files.contains_key(&name) && !need.contains(&name) {
                    need.push(name.clone());
                }
                located.push((ti, name));
            }
        }
        if !need.is_empty() {
            return Ok(Err(need));
        }
        // (doc, impact, term index), then grouped by doc.
        let mut post: Vec<(u32, f32, usize)> = Vec::new();
        for (ti, name) in &located {
            let Some(bytes) = self.files.get(name) else {
                continue;
            };
            let Some(term) = terms.get(*ti) else { continue };
            if let Some((count, body)) = shard_lookup(name, bytes, term)? {
                decode_postings(name, body, count, |doc, q| {
                    if doc < m.doc_count {
                        post.push((doc, m.impact(q), *ti));
                    }
                })?;
            }
        }
        post.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.cmp(&b.2)));
        let mut ranked: Vec<Ranked> = Vec::new();
        let mut cur: Option<(u32, f32, usize, usize)> = None; // doc, score, matched, last term
        let n_terms = terms.len();
        let flush = |c: Option<(u32, f32, usize, usize)>, ranked: &mut Vec<Ranked>| {
            if let Some((doc, score, matched, _)) = c {
                ranked.push(Ranked {
                    doc,
                    score,
                    all: matched >= n_terms,
                });
            }
        };
        for (doc, imp, ti) in post {
            match &mut cur {
                Some((d, s, matched, last)) if *d == doc => {
                    *s += imp;
                    if *last != ti {
                        *matched = matched.saturating_add(1);
                        *last = ti;
                    }
                }
                _ => {
                    flush(cur.take(), &mut ranked);
                    cur = Some((doc, imp, 1, ti));
                }
            }
        }
        flush(cur.take(), &mut ranked);
        ranked.sort_by(rank_order);
        ranked.truncate(limit);
        Ok(Ok(ranked))
    }

    /// Searches: the top `limit` hits with metadata and highlights, or the
    /// files still needed.
    pub fn search(&self, query: &str, limit: usize) -> Result<Step, FormatError> {
        let ranked = match self.rank(query, limit)? {
            Ok(r) => r,
            Err(need) => return Ok(Step::Need(need)),
        };
        let Some(m) = &self.manifest else {
            return Ok(Step::Need(vec![MANIFEST.to_string()]));
        };
        let per = m.docs_per_chunk.max(1);
        let mut need: Vec<String> = Vec::new();
        for r in &ranked {
            let c = r.doc.checked_div(per).unwrap_or(0);
            let name = m.chunk_name(c);
            if !self.chunks.contains_key(&c) && !need.contains(&name) {
                need.push(name);
            }
        }
        if !need.is_empty() {
            return Ok(Step::Need(need));
        }
        let terms = query_terms(query);
        let hits = ranked
            .into_iter()
            .filter_map(|r| {
                let c = r.doc.checked_div(per)?;
                let i = usize::try_from(r.doc.checked_rem(per)?).ok()?;
                let meta = self.chunks.get(&c)?.get(i)?.clone();
                let title_marks = marks(&meta.title, &terms);
                let (snip, snippet_marks) = snippet(&meta.snippet, &terms, SNIPPET_CHARS);
                Some(Hit {
                    doc: r.doc,
                    score: r.score,
                    all: r.all,
                    meta,
                    title_marks,
                    snippet: snip,
                    snippet_marks,
                })
            })
            .collect();
        Ok(Step::Done(hits))
    }
}
