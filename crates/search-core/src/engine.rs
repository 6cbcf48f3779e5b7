//! The query engine over static index files: the code the browser runs (as
//! wasm) and `faqtory search --static` runs natively.
//!
//! The engine is fed files by name and asked to search; when it lacks a file
//! it answers [`Step::Need`] with the names to fetch, so the caller (JS or the
//! CLI) only does I/O and the engine decides what is needed.

use crate::format::{
    DocMeta, FormatError, MANIFEST, Manifest, Tail, TailBlock, decode_block, decode_postings,
    decode_record, decode_skip, piece_range, range_piece, shard_lookup, shard_terms,
};
use crate::partial::{Outcome, Partial, Rest, rank_partial};
use crate::plan::{Plan, edit_distance, plan};
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

/// The most rounds of fetching a search takes: every round asks for pieces
/// not fetched before, so callers stop here only on files that do not
/// match their manifest. (Manifest, shards, the tails' skip tables and a few
/// rounds of blocks or whole tails, offset blocks, records.)
pub const MAX_ROUNDS: usize = 64;

/// From this round of a search on (its callers count them from 0), the
/// engine reads every open tail whole instead of more blocks, which settles
/// the ranking: a search takes at most this many rounds and the three after
/// (whole tails, offsets, records), well inside [`MAX_ROUNDS`].
pub const WHOLE_TAILS_FROM_ROUND: usize = 16;

/// Holds the static index files fetched so far.
#[derive(Debug, Default)]
pub struct Engine {
    manifest: Option<Manifest>,
    // A small association list: a session holds a few hundred pieces at
    // most, and maps cost kilobytes of wasm.
    files: Vec<(String, Vec<u8>)>,
}

/// What the fetched pieces tell of one term's postings.
#[derive(Debug, Default)]
struct TermView {
    /// Its head and the tail blocks fetched, ascending by document.
    postings: Vec<(u32, f32)>,
    /// What is not fetched yet of a long list's tail.
    open: Option<OpenTail>,
}

/// Where a term's shard is.
enum Place {
    /// There are no shards.
    Nowhere,
    /// Its directory page is not fetched yet (the page's piece).
    Unknown(String),
    /// The shard's piece.
    Shard(String),
}

/// A fetched piece of a file: its byte range `[start, end)` and bytes.
type Piece<'a> = (u64, u64, &'a [u8]);

/// Bytes `[start, end)` of a file from any of its fetched pieces that holds
/// them.
fn covering<'a>(pieces: &[Piece<'a>], start: u32, end: u32) -> Option<&'a [u8]> {
    let (start, end) = (u64::from(start), u64::from(end));
    pieces.iter().find_map(|&(a, b, bytes)| {
        if start < a || end > b {
            return None;
        }
        let from = usize::try_from(start.checked_sub(a)?).ok()?;
        let to = usize::try_from(end.checked_sub(a)?).ok()?;
        bytes.get(from..to)
    })
}

/// A tail not fetched whole.
#[derive(Debug)]
struct OpenTail {
    tail: Tail,
    /// Its tails part (relative to `search/`).
    file: String,
    /// Its largest impact.
    max: f32,
    /// Document ranges `[from, to)` whose tail postings are fetched.
    known: Vec<(u32, u32)>,
    /// Its blocks, once the skip table is fetched.
    blocks: Option<Vec<TailBlock>>,
    /// How many of them are fetched.
    blocks_read: usize,
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
        self.files.push((name.to_string(), bytes));
        Ok(())
    }

    fn file(&self, name: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|f| f.0 == name)
            .map(|f| f.1.as_slice())
    }

    /// Where `term`'s shard is, as far as the fetched pieces tell.
    fn shard_of(&self, m: &Manifest, term: &str) -> Result<Place, FormatError> {
        let Some(page) = m.page_of(term) else {
            return Ok(Place::Nowhere);
        };
        let Some(bytes) = self.file(&page) else {
            return Ok(Place::Unknown(page));
        };
        Ok(match m.shard_in_page(&page, bytes, term)? {
            Some(shard) => Place::Shard(shard),
            None => Place::Nowhere,
        })
    }

    /// The fetched pieces of `file`: their byte ranges and bytes.
    fn pieces_of(&self, file: &str) -> Vec<Piece<'_>> {
        self.files
            .iter()
            .filter_map(|(name, bytes)| {
                let (f, a, b) = piece_range(name)?;
                (f == file).then_some((a, b, bytes.as_slice()))
            })
            .collect()
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

    /// Ranks documents for `query` (no metadata), or names the pieces
    /// needed: the shards of its terms, then whatever of their tails the
    /// ranking needs to be exact (see [`crate::partial`]). `round` counts
    /// the rounds of fetching this search has done (see
    /// [`WHOLE_TAILS_FROM_ROUND`]).
    pub fn rank(
        &self,
        query: &str,
        limit: usize,
        round: usize,
    ) -> Result<Result<Vec<Ranked>, Vec<String>>, FormatError> {
        let Some(m) = &self.manifest else {
            return Ok(Err(vec![MANIFEST.to_string()]));
        };
        let p = plan(query, &m.synonyms);
        if p.slots.is_empty() || limit == 0 {
            return Ok(Ok(Vec::new()));
        }
        // Each term's shard, found once (its directory page decoded once).
        let places = p
            .terms
            .iter()
            .map(|t| self.shard_of(m, t))
            .collect::<Result<Vec<Place>, FormatError>>()?;
        let mut need: Vec<String> = Vec::new();
        for place in &places {
            let name = match place {
                Place::Unknown(page) => page,
                Place::Shard(shard) => shard,
                Place::Nowhere => continue,
            };
            if self.file(name).is_none() && !need.contains(name) {
                need.push(name.clone());
            }
        }
        if !need.is_empty() {
            return Ok(Err(need));
        }
        let views = p
            .terms
            .iter()
            .zip(&places)
            .map(|(t, place)| match place {
                Place::Shard(name) => self.view(m, name, t),
                _ => Ok(TermView::default()),
            })
            .collect::<Result<Vec<TermView>, FormatError>>()?;
        let partials: Vec<Partial<'_>> = views
            .iter()
            .map(|v| Partial {
                postings: &v.postings,
                rest: v.open.as_ref().map(|o| Rest {
                    max: o.max,
                    known: &o.known,
                    len: o.tail.count,
                    read: o.blocks_read,
                }),
            })
            .collect();
        let (blocks, whole) = match rank_partial(&p, &partials, limit) {
            Outcome::Ranked(r) => return Ok(Ok(r)),
            // Enough rounds: every open tail whole, and the next ranks.
            Outcome::Fetch { .. } if round >= WHOLE_TAILS_FROM_ROUND => {
                let open = views.iter().enumerate().filter(|v| v.1.open.is_some());
                (Vec::new(), open.map(|v| v.0).collect())
            }
            Outcome::Fetch { blocks, whole } => (blocks, whole),
        };
        let merged = tail_ranges(&views, &blocks, &whole);
        let need: Vec<String> = merged
            .into_iter()
            .map(|(f, a, b)| range_piece(f, a, b))
            .filter(|n| self.file(n).is_none())
            .collect();
        if need.is_empty() {
            return Err(FormatError::new(
                MANIFEST,
                "the fetched tails do not settle the ranking",
            ));
        }
        Ok(Err(need))
    }

    /// What the fetched pieces tell of `term`'s postings, given its shard
    /// (`name`): nothing when the shard is not fetched.
    fn view(&self, m: &Manifest, name: &str, term: &str) -> Result<TermView, FormatError> {
        let Some(entry) = self
            .file(name)
            .map(|bytes| shard_lookup(name, bytes, term))
            .transpose()?
            .flatten()
        else {
            return Ok(TermView::default());
        };
        let scale = entry.scale;
        let mut postings: Vec<(u32, f32)> = Vec::new();
        decode_postings(name, entry.body, entry.head, |doc, q| {
            if doc < m.doc_count && postings.last().is_none_or(|l| l.0 < doc) {
                postings.push((doc, Manifest::impact(q, scale)));
            }
        })?;
        let Some(tail) = entry.tail else {
            return Ok(TermView {
                postings,
                open: None,
            });
        };
        let mut open = OpenTail {
            tail,
            file: tail.file(&m.build_id),
            max: Manifest::impact(tail.max_q, scale),
            known: Vec::new(),
            blocks: None,
            blocks_read: 0,
        };
        // Parsed once: a tail read block by block is hundreds of pieces.
        let pieces = self.pieces_of(&open.file);
        let skip = tail.skip_range().and_then(|(a, b)| covering(&pieces, a, b));
        let Some(skip) = skip else {
            return Ok(TermView {
                postings,
                open: Some(open),
            });
        };
        let blocks = decode_skip(&open.file, skip, &tail)?;
        let mut fetched: Vec<(u32, f32)> = Vec::new();
        // Nothing of the tail lies before its first block.
        open.known
            .push((0, blocks.first().map_or(u32::MAX, |b| b.first)));
        for (k, b) in blocks.iter().enumerate() {
            let to = blocks
                .get(k.saturating_add(1))
                .map_or(u32::MAX, |n| n.first);
            let Some(bytes) = covering(&pieces, b.start, b.end) else {
                continue;
            };
            decode_block(&open.file, bytes, b, |doc, q| {
                if doc < m.doc_count && doc < to && fetched.last().is_none_or(|l| l.0 < doc) {
                    fetched.push((doc, Manifest::impact(q, scale)));
                }
            })?;
            open.blocks_read = open.blocks_read.saturating_add(1);
            match open.known.last_mut() {
                Some(last) if last.1 == b.first => last.1 = to,
                _ => open.known.push((b.first, to)),
            }
        }
        let whole = matches!(open.known.as_slice(), [(0, u32::MAX)]);
        open.blocks = Some(blocks);
        Ok(TermView {
            postings: merge(&postings, &fetched),
            open: (!whole).then_some(open),
        })
    }

    /// Searches: the top `limit` hits with metadata and highlights, or the
    /// files still needed. `round` is how many rounds of fetching this
    /// search has done so far (0 at first).
    pub fn search(&self, query: &str, limit: usize, round: usize) -> Result<Step, FormatError> {
        let ranked = match self.rank(query, limit, round)? {
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
            let Ok(Place::Shard(name)) = self.shard_of(m, t) else {
                continue;
            };
            let Some(bytes) = self.file(&name) else {
                continue;
            };
            if shard_lookup(&name, bytes, t).is_ok_and(|e| e.is_some_and(|e| e.count > 0)) {
                continue;
            }
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

/// The byte ranges of the tails that `blocks` (term, document) and
/// `whole` (terms) need, term by term in file order, merged where they
/// touch: a skip table first where it is not fetched yet. A tail is read
/// whole once what a query has read or needs of it comes to half its
/// blocks: the rest costs at most as many bytes again, in one request
/// instead of many.
fn tail_ranges<'a>(
    views: &'a [TermView],
    blocks: &[(usize, u32)],
    whole: &[usize],
) -> Vec<(&'a str, u32, u32)> {
    let mut merged: Vec<(&str, u32, u32)> = Vec::new();
    for (i, v) in views.iter().enumerate() {
        let Some(o) = &v.open else { continue };
        let mut wanted = blocks.iter().filter(|b| b.0 == i).map(|b| b.1).peekable();
        let whole_range = || o.tail.whole_range().map(|(a, b)| (o.file.as_str(), a, b));
        let Some(bs) = &o.blocks else {
            if whole.contains(&i) {
                merged.extend(whole_range());
            } else if wanted.peek().is_some() {
                merged.extend(o.tail.skip_range().map(|(a, b)| (o.file.as_str(), a, b)));
            }
            continue;
        };
        // Which blocks, in file order (no sort: sorts are large in wasm).
        let mut need_block = vec![false; bs.len()];
        for doc in wanted {
            if let Some(k) = bs.partition_point(|b| b.first <= doc).checked_sub(1)
                && let Some(flag) = need_block.get_mut(k)
            {
                *flag = true;
            }
        }
        let n = need_block.iter().filter(|f| **f).count();
        if whole.contains(&i) || o.blocks_read.saturating_add(n) > bs.len() / 2 {
            merged.extend(whole_range());
            continue;
        }
        for (b, _) in bs.iter().zip(&need_block).filter(|(_, f)| **f) {
            match merged.last_mut() {
                Some(last) if last.0 == o.file && last.2 == b.start => last.2 = b.end,
                _ => merged.push((o.file.as_str(), b.start, b.end)),
            }
        }
    }
    merged
}

/// Two lists ascending by document with no document in both, as one.
fn merge(a: &[(u32, f32)], b: &[(u32, f32)]) -> Vec<(u32, f32)> {
    if b.is_empty() {
        return a.to_vec();
    }
    let mut out = Vec::with_capacity(a.len().saturating_add(b.len()));
    let (mut x, mut y) = (a.iter().peekable(), b.iter().peekable());
    while let (Some(p), Some(q)) = (x.peek(), y.peek()) {
        if p.0 <= q.0 {
            out.extend(x.next());
        } else {
            out.extend(y.next());
        }
    }
    out.extend(x);
    out.extend(y);
    out
}
