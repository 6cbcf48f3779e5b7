//! The query engine over static index files: the code the browser runs (as
//! wasm) and `faqtory search --static` runs natively.
//!
//! The engine is fed files by name and asked to search; when it lacks a file
//! it answers [`Step::Need`] with the names to fetch, so the caller (JS or the
//! CLI) only does I/O and the engine decides what is needed.

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
    // Small association lists: a session holds a few dozen files at most,
    // and maps cost kilobytes of wasm.
    files: Vec<(String, Vec<u8>)>,
    chunks: Vec<(u32, Vec<DocMeta>)>,
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
            self.chunks.retain(|c| c.0 != i);
            self.chunks.push((i, docs));
            return Ok(());
        }
        self.files.retain(|f| f.0 != name);
        self.files.push((name.to_string(), bytes));
        Ok(())
    }

    fn file(&self, name: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|f| f.0 == name)
            .map(|f| f.1.as_slice())
    }

    fn chunk(&self, i: u32) -> Option<&[DocMeta]> {
        self.chunks
            .iter()
            .find(|c| c.0 == i)
            .map(|c| c.1.as_slice())
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
                if self.file(&name).is_none() && !need.contains(&name) {
                    need.push(name.clone());
                }
                located.push((ti, name));
            }
        }
        if !need.is_empty() {
            return Ok(Err(need));
        }
        // Per document, ascending: score and the number of terms matched.
        // Each term's postings are ascending, so merging keeps the order.
        let mut acc: Vec<(u32, f32, usize)> = Vec::new();
        for (ti, name) in &located {
            let Some(bytes) = self.file(name) else {
                continue;
            };
            let Some(term) = terms.get(*ti) else { continue };
            let Some((count, body)) = shard_lookup(name, bytes, term)? else {
                continue;
            };
            let mut list: Vec<(u32, f32)> = Vec::new();
            decode_postings(name, body, count, |doc, q| {
                if doc < m.doc_count && list.last().is_none_or(|l| l.0 < doc) {
                    list.push((doc, m.impact(q)));
                }
            })?;
            acc = merge(acc, list);
        }
        // The best `limit`, kept in rank order by insertion (no sort: the
        // sort routines are large in wasm).
        let n_terms = terms.len();
        let mut ranked: Vec<Ranked> = Vec::with_capacity(limit.min(acc.len()).saturating_add(1));
        for (doc, score, matched) in acc {
            let r = Ranked {
                doc,
                score,
                all: matched >= n_terms,
            };
            let pos = ranked.partition_point(|x| rank_order(x, &r) == std::cmp::Ordering::Less);
            if pos < limit {
                ranked.insert(pos, r);
                ranked.truncate(limit);
            }
        }
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
            if self.chunk(c).is_none() && !need.contains(&name) {
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
                let meta = self.chunk(c)?.get(i)?.clone();
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

/// Merges one term's postings into the per-document accumulator; both are
/// ascending by document.
fn merge(acc: Vec<(u32, f32, usize)>, list: Vec<(u32, f32)>) -> Vec<(u32, f32, usize)> {
    let mut out = Vec::with_capacity(acc.len().saturating_add(list.len()));
    let mut a = acc.into_iter().peekable();
    let mut b = list.into_iter().peekable();
    loop {
        let next = match (a.peek(), b.peek()) {
            (None, None) => break,
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next().map(|(d, s)| (d, s, 1)),
            (Some(x), Some(y)) => match x.0.cmp(&y.0) {
                std::cmp::Ordering::Less => a.next(),
                std::cmp::Ordering::Greater => b.next().map(|(d, s)| (d, s, 1)),
                std::cmp::Ordering::Equal => match (a.next(), b.next()) {
                    (Some((d, s, n)), Some((_, t))) => Some((d, s + t, n.saturating_add(1))),
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
