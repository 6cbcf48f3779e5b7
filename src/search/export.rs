//! The static export: tantivy's statistics and scorer → search-core's format.
//!
//! Streamed, so memory does not grow with the index: terms come one at a
//! time from a merge of the term dictionaries of every field and segment
//! (each term's postings scored, summed per document, then handed to the
//! exporter), documents in id order from the doc store, and every finished
//! part file goes to the caller as soon as it fills.

use std::sync::{Arc, Mutex, PoisonError};

use tantivy::InvertedIndexReader;
use tantivy::postings::Postings;
use tantivy::query::Bm25Weight;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::termdict::TermStreamer;
use tantivy::{DocSet, Index, TERMINATED, TantivyDocument};

use super::SearchError;
use super::index::{FIELD_BOOSTS, fields, index_synonyms, payload, reader};
use crate::sums::SparseSums;
use search_core::{Digest, DocMeta, ExportParams, Exporter};

/// Export settings (the defaults are the measured ones; see docs/search.md).
#[derive(Debug, Clone, Copy)]
pub struct ExportOptions {
    /// Target shard size in bytes (what a query fetches per term).
    pub shard_bytes: usize,
    /// Target size of a part file in bytes.
    pub part_bytes: usize,
    /// The most postings a term keeps: a longer list keeps its best (the
    /// highest impacts), so a query of common words fetches a bounded amount.
    pub max_postings: usize,
    /// Postings a term keeps in its shard (its head, the best); the rest of
    /// a longer list goes to a tail read only when the ranking needs it.
    pub head_postings: usize,
    /// Postings per block of a tail (what a query reads of it at once).
    pub tail_block: usize,
}

impl Default for ExportOptions {
    fn default() -> Self {
        // Shards: chosen by the sweep of bench/search.py (docs/search.md):
        // larger shards fetch more per query term. Parts: a handful of files
        // per 10,000 pages, each far below any static host's file limit.
        ExportOptions {
            shard_bytes: 4 * 1024,
            part_bytes: 4 * 1024 * 1024,
            max_postings: usize::MAX,
            head_postings: 768,
            tail_block: 64,
        }
    }
}

/// Exports the static index with the default options: every file as
/// `(path relative to the output root, bytes)`, all under `search/`.
pub fn export_static(index: &Index) -> Result<Vec<(String, Vec<u8>)>, SearchError> {
    export_static_with(index, &ExportOptions::default())
}

/// [`export_static`] with explicit options.
pub fn export_static_with(
    index: &Index,
    opts: &ExportOptions,
) -> Result<Vec<(String, Vec<u8>)>, SearchError> {
    let files = Mutex::new(Vec::new());
    export_static_into(index, opts, &|path, bytes| {
        files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((path, bytes));
    })?;
    Ok(files.into_inner().unwrap_or_else(PoisonError::into_inner))
}

fn err(e: impl std::fmt::Display) -> SearchError {
    SearchError::Index {
        path: None,
        message: e.to_string(),
    }
}

/// Exports the static index, handing each file `(path relative to the output
/// root, bytes)` to `emit` as soon as it is complete; the manifest comes last.
///
/// Documents and terms are independent streams of the format, so they are
/// read on two threads: at 100,000 pages the export ran for 17 s on one
/// core after everything else was done. The terms side is two stages on
/// two threads of its own. Only adding to the exporter takes its lock;
/// reading, scoring and writing files do not.
pub fn export_static_into(
    index: &Index,
    opts: &ExportOptions,
    emit: &(dyn Fn(String, Vec<u8>) + Sync),
) -> Result<(), SearchError> {
    let searcher = reader(index)?.searcher();
    let ex = Mutex::new(Exporter::new(
        &ExportParams {
            shard_bytes: opts.shard_bytes,
            part_bytes: opts.part_bytes,
            head_postings: opts.head_postings,
            tail_block: opts.tail_block,
        },
        &build_id(index, opts),
    ));
    let with_exporter = |step: &mut dyn FnMut(&mut Exporter)| {
        let ready = {
            let mut ex = ex.lock().unwrap_or_else(PoisonError::into_inner);
            step(&mut ex);
            ex.take_ready()
        };
        for (name, bytes) in ready {
            emit(format!("search/{name}"), bytes);
        }
    };
    let ids = segment_ids(&searcher)?;
    let places = doc_places(&ids)?;
    let n_docs = u32::try_from(places.len()).map_err(err)?;
    let cut = opts.max_postings;
    let add = |ex: &mut Exporter, t: &str, l: &[(u32, f32)]| {
        if l.len() > cut {
            ex.add_term(t, &search_core::cut_best(l.to_vec(), cut));
        } else {
            ex.add_term(t, l);
        }
    };
    let (docs, terms) = std::thread::scope(|scope| {
        let docs = scope.spawn(|| {
            export_docs(index, &searcher, &places, &mut |doc| {
                with_exporter(&mut |ex| ex.add_doc(doc));
            })
        });
        // The terms side in two stages on two threads: this one walks the
        // term dictionaries and sums each term's impacts; the other puts
        // the prefix lists together and encodes the shards. One after the
        // other they were the last seconds of a 100,000-page build, on one
        // core.
        let (to_writer, for_writer) = std::sync::mpsc::sync_channel::<Term>(TERMS_IN_FLIGHT);
        let writer = scope.spawn(move || {
            let mut prefixes = PrefixLists::new(n_docs);
            for term in for_writer {
                prefixes.add(term, &mut |t, l| with_exporter(&mut |ex| add(ex, t, l)));
            }
            prefixes.flush(&mut |t, l| with_exporter(&mut |ex| add(ex, t, l)));
        });
        let terms = export_terms(index, &searcher, &ids, places.len(), &mut |term, list| {
            // The writer ends only when this sender is dropped.
            let _ = to_writer.send((term.to_owned(), list.to_vec()));
        });
        drop(to_writer);
        writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let docs = docs
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (docs, terms)
    });
    docs?;
    terms?;
    let ex = ex.into_inner().unwrap_or_else(PoisonError::into_inner);
    for (name, bytes) in ex.finish(&index_synonyms(index)) {
        emit(format!("search/{name}"), bytes);
    }
    Ok(())
}

/// The export's folder name: a digest of what was indexed (kept in the
/// index by `build_index_with`), the format and the settings, so the same
/// site exported the same way keeps its name and browsers their caches.
fn build_id(index: &Index, opts: &ExportOptions) -> String {
    let mut d = Digest::default();
    match payload(index) {
        Some(p) => d.write_str(&p.digest),
        // An index from elsewhere: its commit's identity stands in.
        None => d.write_str(&format!("{:?}", index.searchable_segment_ids().ok())),
    }
    d.write_str(env!("CARGO_PKG_VERSION"));
    d.write(&search_core::format::VERSION.to_le_bytes());
    for n in [
        opts.shard_bytes,
        opts.part_bytes,
        opts.max_postings,
        opts.head_postings,
        opts.tail_block,
    ] {
        d.write(&u64::try_from(n).unwrap_or(u64::MAX).to_le_bytes());
    }
    d.hex()
}

/// Each segment's document ids, by the document's number in the segment
/// (`None` for a deleted one), read once from the `id` fast field for both
/// sides of the export.
fn segment_ids(searcher: &tantivy::Searcher) -> Result<Vec<Vec<Option<u32>>>, SearchError> {
    searcher
        .segment_readers()
        .iter()
        .map(|seg| {
            let column = seg.fast_fields().u64("id").map_err(err)?;
            Ok((0..seg.max_doc())
                .map(|doc| match seg.is_deleted(doc) {
                    true => None,
                    false => column.first(doc).and_then(|v| u32::try_from(v).ok()),
                })
                .collect())
        })
        .collect()
}

/// Where each document id lives: (segment, doc) pairs, 8 bytes per
/// document; as long as the highest id plus one.
fn doc_places(ids: &[Vec<Option<u32>>]) -> Result<Vec<Option<(u32, u32)>>, SearchError> {
    let mut at: Vec<Option<(u32, u32)>> = Vec::new();
    for (s, of_seg) in ids.iter().enumerate() {
        let s = u32::try_from(s).map_err(err)?;
        for (doc, id) in of_seg.iter().enumerate() {
            let (Some(id), Ok(doc)) = (id, u32::try_from(doc)) else {
                continue;
            };
            let id = *id as usize;
            if at.len() <= id {
                at.resize(id.saturating_add(1), None);
            }
            if let Some(slot) = at.get_mut(id) {
                *slot = Some((s, doc));
            }
        }
    }
    Ok(at)
}

/// Hands every document's metadata to `add`, in id order.
fn export_docs(
    index: &Index,
    searcher: &tantivy::Searcher,
    at: &[Option<(u32, u32)>],
    add: &mut dyn FnMut(&DocMeta),
) -> Result<(), SearchError> {
    let f = fields(index)?;
    let stores = searcher
        .segment_readers()
        .iter()
        .map(|seg| seg.get_store_reader(64).map_err(err))
        .collect::<Result<Vec<_>, _>>()?;
    for place in at {
        // Ids are contiguous; a gap (never made by build_index) keeps its
        // number with an empty entry.
        let meta = match place {
            None => DocMeta::default(),
            Some((s, doc)) => {
                let store = stores
                    .get(usize::try_from(*s).map_err(err)?)
                    .ok_or_else(|| err("segment store missing"))?;
                let d: TantivyDocument = store.get(*doc).map_err(err)?;
                let text = |field| {
                    d.get_first(field)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_string()
                };
                DocMeta {
                    title: text(f.title),
                    url: text(f.url),
                    category: text(f.category),
                    snippet: text(f.snippet),
                }
            }
        };
        add(&meta);
    }
    Ok(())
}

/// A term and its postings, on their way from the walk to the writer.
type Term = (String, Vec<(u32, f32)>);

/// Terms the walk may be ahead of the writer. Most lists are short; even
/// 16 of the longest at a million questions (a posting is 8 bytes) would
/// be a few tens of MB, and the export runs after the pages, well below
/// the build's peak.
const TERMS_IN_FLIGHT: usize = 16;

/// Receives a term and its postings `(document, impact)`.
type TermSink<'a> = dyn FnMut(&str, &[(u32, f32)]) + 'a;

/// One field's term dictionary in one segment, being walked in order.
struct Walk<'a> {
    segment: usize,
    field: usize,
    terms: TermStreamer<'a>,
    live: bool,
}

/// Hands every term (in byte order) with its postings to `add`: per
/// document, the sum over fields and segments of exactly the score a boosted
/// tantivy `TermQuery` gives it, documents ascending.
fn export_terms(
    index: &Index,
    searcher: &tantivy::Searcher,
    ids: &[Vec<Option<u32>>],
    n_ids: usize,
    add: &mut TermSink<'_>,
) -> Result<(), SearchError> {
    let f = fields(index)?;
    let stats: &dyn tantivy::query::Bm25StatisticsProvider = searcher;
    let n_docs = stats.total_num_docs().map_err(err)?;
    let mut avg = [0f32; 3];
    for (slot, &field) in avg.iter_mut().zip(f.text.iter()) {
        let total = stats.total_num_tokens(field).map_err(err)?;
        #[allow(clippy::cast_precision_loss)]
        let a = if n_docs == 0 {
            0.0
        } else {
            total as f32 / n_docs as f32
        };
        *slot = a;
    }
    let segs = searcher.segment_readers();
    let mut inverted: Vec<Vec<Arc<InvertedIndexReader>>> = Vec::with_capacity(segs.len());
    let mut norms = Vec::with_capacity(segs.len());
    for seg in segs {
        let mut inv = Vec::with_capacity(3);
        let mut nrm = Vec::with_capacity(3);
        for &field in &f.text {
            inv.push(seg.inverted_index(field).map_err(err)?);
            nrm.push(seg.get_fieldnorms_reader(field).map_err(err)?);
        }
        inverted.push(inv);
        norms.push(nrm);
    }
    let mut walks: Vec<Walk<'_>> = Vec::with_capacity(segs.len().saturating_mul(3));
    for (segment, inv) in inverted.iter().enumerate() {
        for (field, reader) in inv.iter().enumerate() {
            let mut terms = reader.terms().stream().map_err(err)?;
            let live = terms.advance();
            walks.push(Walk {
                segment,
                field,
                terms,
                live,
            });
        }
    }
    // A term's impacts summed per document over fields and segments.
    let mut sums = SparseSums::new(n_ids);
    let mut list: Vec<(u32, f32)> = Vec::new();
    let mut here: Vec<usize> = Vec::new();
    // The smallest current term, and every walk standing on it.
    while let Some(min) = walks
        .iter()
        .filter(|w| w.live)
        .map(|w| w.terms.key())
        .min()
        .map(<[u8]>::to_vec)
    {
        here.clear();
        here.extend(
            walks
                .iter()
                .enumerate()
                .filter(|(_, w)| w.live && w.terms.key() == min.as_slice())
                .map(|(i, _)| i),
        );
        // Fields in order, so each document's impacts are added in field
        // order: the same float sums as before this was a sort.
        for field in 0..3usize {
            // Document frequency over segments, as tantivy's searcher sums it.
            let df: u64 = here
                .iter()
                .filter_map(|&i| walks.get(i))
                .filter(|w| w.field == field)
                .map(|w| u64::from(w.terms.value().doc_freq))
                .sum();
            if df == 0 {
                continue;
            }
            let (Some(&avg_norm), Some(&(_, boost))) = (avg.get(field), FIELD_BOOSTS.get(field))
            else {
                continue;
            };
            // Exactly the weight a boosted TermQuery uses.
            let weight = Bm25Weight::for_one_term(df, n_docs, avg_norm).boost_by(boost);
            for w in here.iter().filter_map(|&i| walks.get(i)) {
                if w.field != field {
                    continue;
                }
                let (Some(inv), Some(nrm), Some(id_of)) = (
                    inverted.get(w.segment).and_then(|v| v.get(field)),
                    norms.get(w.segment).and_then(|v| v.get(field)),
                    ids.get(w.segment),
                ) else {
                    continue;
                };
                let mut p = inv
                    .read_postings_from_terminfo(w.terms.value(), IndexRecordOption::WithFreqs)
                    .map_err(err)?;
                let mut doc = p.doc();
                while doc != TERMINATED {
                    if let Some(&Some(id)) = id_of.get(doc as usize) {
                        sums.add(id, weight.score(nrm.fieldnorm_id(doc), p.term_freq()));
                    }
                    doc = p.advance();
                }
            }
        }
        for &i in &here {
            if let Some(w) = walks.get_mut(i) {
                w.live = w.terms.advance();
            }
        }
        sums.drain_into(&mut list);
        let Ok(text) = std::str::from_utf8(&min) else {
            continue;
        };
        if !list.is_empty() {
            add(text, &list);
        }
    }
    Ok(())
}

/// Puts under each CJK character that starts a term its prefix list: per
/// document, the sum of the impacts of every term starting with it, cut to
/// the best [`search_core::PREFIX_DOCS`] (what tantivy computes for a
/// one-character query, see `index::term_postings`). It replaces the
/// postings of the character's own unigram, which no query looks up.
///
/// Terms arrive in byte order, so the terms starting with one character
/// come together, the character itself first: they are held until the
/// next character starts, then passed on after its list.
struct PrefixLists {
    sums: SparseSums,
    current: Option<char>,
    held: Vec<Term>,
}

impl PrefixLists {
    fn new(n_docs: u32) -> Self {
        PrefixLists {
            sums: SparseSums::new(usize::try_from(n_docs).unwrap_or(0)),
            current: None,
            held: Vec::new(),
        }
    }

    fn add(&mut self, (term, list): Term, out: &mut TermSink<'_>) {
        let first = term
            .chars()
            .next()
            .filter(|&c| search_core::tokenize::is_cjk(c));
        if first != self.current {
            self.flush(out);
            self.current = first;
        }
        if first.is_none() {
            out(&term, &list);
            return;
        }
        for &(d, imp) in &list {
            self.sums.add(d, imp);
        }
        self.held.push((term, list));
    }

    fn flush(&mut self, out: &mut TermSink<'_>) {
        let Some(c) = self.current.take() else {
            return;
        };
        let mut list = Vec::new();
        self.sums.drain_into(&mut list);
        let key = c.to_string();
        let list = search_core::cut_prefix(list);
        if !list.is_empty() {
            out(&key, &list);
        }
        for (term, postings) in self.held.drain(..) {
            if term != key {
                out(&term, &postings);
            }
        }
    }
}
