//! The static export: tantivy's statistics and scorer → search-core's format.

use std::collections::BTreeMap;

use tantivy::postings::Postings;
use tantivy::query::Bm25Weight;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocSet, Index, TERMINATED, TantivyDocument, Term};

use super::index::{FIELD_BOOSTS, fields, index_synonyms, reader};
use super::{SearchError, snippet_source};
use search_core::{DocMeta, ExportParams, Exporter};

/// Export settings (the defaults are the measured ones; see docs/search.md).
#[derive(Debug, Clone, Copy)]
pub struct ExportOptions {
    /// Target shard size in bytes.
    pub shard_bytes: usize,
    /// Documents per metadata chunk.
    pub docs_per_chunk: u32,
}

impl Default for ExportOptions {
    fn default() -> Self {
        // Chosen by the sweep of bench/search.py (docs/search.md): at 10,000
        // entries a first query fetches 51 KB gzipped (median, wasm included)
        // with these; larger shards or chunks fetch more.
        ExportOptions {
            shard_bytes: 4 * 1024,
            docs_per_chunk: 4,
        }
    }
}

/// Exports the static index with the default options: every file as
/// `(path relative to the output root, bytes)`, all under `search/`.
pub fn export_static(index: &Index) -> Result<Vec<(String, Vec<u8>)>, SearchError> {
    export_static_with(index, &ExportOptions::default())
}

fn err(e: impl std::fmt::Display) -> SearchError {
    SearchError::Index {
        path: None,
        message: e.to_string(),
    }
}

/// [`export_static`] with explicit options.
pub fn export_static_with(
    index: &Index,
    opts: &ExportOptions,
) -> Result<Vec<(String, Vec<u8>)>, SearchError> {
    let f = fields(index)?;
    let searcher = reader(index)?.searcher();
    let stats: &dyn tantivy::query::Bm25StatisticsProvider = &searcher;
    let n_docs = stats.total_num_docs().map_err(err)?;
    // Per document id: stored metadata, in id order.
    let mut metas: Vec<(u32, DocMeta)> = Vec::new();
    // term → (doc id, impact) pairs from every field and segment.
    let mut postings: BTreeMap<String, Vec<(u32, f32)>> = BTreeMap::new();
    let mut avg = [0f32; 3];
    for (k, &field) in f.text.iter().enumerate() {
        let total = stats.total_num_tokens(field).map_err(err)?;
        #[allow(clippy::cast_precision_loss)]
        let a = if n_docs == 0 {
            0.0
        } else {
            total as f32 / n_docs as f32
        };
        if let Some(slot) = avg.get_mut(k) {
            *slot = a;
        }
    }
    for seg in searcher.segment_readers() {
        let ids = seg.fast_fields().u64("id").map_err(err)?;
        let id_of = |doc: u32| ids.first(doc).and_then(|v| u32::try_from(v).ok());
        let store = seg.get_store_reader(64).map_err(err)?;
        for doc in 0..seg.max_doc() {
            if seg.is_deleted(doc) {
                continue;
            }
            let Some(id) = id_of(doc) else { continue };
            let d: TantivyDocument = store.get(doc).map_err(err)?;
            let text = |field| {
                d.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            metas.push((
                id,
                DocMeta {
                    title: text(f.title),
                    url: text(f.url),
                    category: text(f.category),
                    snippet: snippet_source(&text(f.body)),
                },
            ));
        }
        for ((&field, (_, boost)), &avg_norm) in f.text.iter().zip(FIELD_BOOSTS).zip(avg.iter()) {
            let inv = seg.inverted_index(field).map_err(err)?;
            let norms = seg.get_fieldnorms_reader(field).map_err(err)?;
            let mut terms = inv.terms().stream().map_err(err)?;
            while terms.advance() {
                let Ok(text) = std::str::from_utf8(terms.key()) else {
                    continue;
                };
                let df = searcher
                    .doc_freq(&Term::from_field_text(field, text))
                    .map_err(err)?;
                // Exactly the weight a boosted TermQuery uses.
                let weight = Bm25Weight::for_one_term(df, n_docs, avg_norm).boost_by(boost);
                let mut p = inv
                    .read_postings_from_terminfo(terms.value(), IndexRecordOption::WithFreqs)
                    .map_err(err)?;
                let list = postings.entry(text.to_string()).or_default();
                let mut doc = p.doc();
                while doc != TERMINATED {
                    if !seg.is_deleted(doc)
                        && let Some(id) = id_of(doc)
                    {
                        list.push((id, weight.score(norms.fieldnorm_id(doc), p.term_freq())));
                    }
                    doc = p.advance();
                }
            }
        }
    }
    metas.sort_by_key(|m| m.0);
    let docs: Vec<DocMeta> = metas.into_iter().map(|m| m.1).collect();
    // Sum a document's impacts over fields (and segments), then quantize
    // against the largest.
    let mut max_impact = 0f32;
    for list in postings.values_mut() {
        list.sort_by_key(|p| p.0);
        let mut merged: Vec<(u32, f32)> = Vec::with_capacity(list.len());
        for &(id, imp) in list.iter() {
            match merged.last_mut() {
                Some(last) if last.0 == id => last.1 += imp,
                _ => merged.push((id, imp)),
            }
        }
        for p in &merged {
            max_impact = max_impact.max(p.1);
        }
        *list = merged;
    }
    add_prefix_lists(&mut postings, n_docs);
    for list in postings.values() {
        for p in list {
            max_impact = max_impact.max(p.1);
        }
    }
    let params = ExportParams {
        shard_bytes: opts.shard_bytes,
        docs_per_chunk: opts.docs_per_chunk,
        max_impact,
    };
    let mut ex = Exporter::new(&params);
    for (term, list) in &postings {
        ex.add_term(term, list);
    }
    Ok(ex
        .finish(&docs, params.docs_per_chunk, &index_synonyms(index))
        .into_iter()
        .map(|(name, bytes)| (format!("search/{name}"), bytes))
        .collect())
}

/// Stores under each CJK character that starts a term its prefix list: per
/// document, the sum of the impacts of every term starting with it, cut to
/// the best [`search_core::PREFIX_DOCS`] (what tantivy computes for a
/// one-character query, see `index::term_postings`). It replaces the
/// postings of the character's own unigram, which no query looks up.
fn add_prefix_lists(postings: &mut BTreeMap<String, Vec<(u32, f32)>>, n_docs: u64) {
    let n = usize::try_from(n_docs).unwrap_or(0);
    let mut sums = vec![0f32; n];
    let mut touched: Vec<u32> = Vec::new();
    let mut lists: Vec<(String, Vec<(u32, f32)>)> = Vec::new();
    let mut current: Option<char> = None;
    let mut flush = |c: Option<char>, sums: &mut Vec<f32>, touched: &mut Vec<u32>| {
        let Some(c) = c else { return };
        touched.sort_unstable();
        let list: Vec<(u32, f32)> = touched
            .iter()
            .filter_map(|&d| Some((d, *sums.get(usize::try_from(d).ok()?)?)))
            .collect();
        for &d in touched.iter() {
            if let Some(s) = usize::try_from(d).ok().and_then(|i| sums.get_mut(i)) {
                *s = 0.0;
            }
        }
        touched.clear();
        lists.push((c.to_string(), search_core::cut_prefix(list)));
    };
    for (term, list) in postings.iter() {
        let first = term
            .chars()
            .next()
            .filter(|&c| search_core::tokenize::is_cjk(c));
        if first != current {
            flush(current, &mut sums, &mut touched);
            current = first;
        }
        if first.is_none() {
            continue;
        }
        for &(d, imp) in list {
            if let Some(s) = usize::try_from(d).ok().and_then(|i| sums.get_mut(i)) {
                if *s == 0.0 {
                    touched.push(d);
                }
                *s += imp;
            }
        }
    }
    flush(current, &mut sums, &mut touched);
    for (c, list) in lists {
        if list.is_empty() {
            postings.remove(&c);
        } else {
            postings.insert(c, list);
        }
    }
}
