//! The tantivy index: schema, the search-core tokenizer adapter, building,
//! opening, and token-built queries.

use std::path::Path;

use search_core::Synonyms;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{DocAddress, Index, IndexReader, Searcher, TantivyDocument, Term};

use super::{Hit, SearchDoc, SearchError, snippet_source};

/// Name under which search-core's tokenizer is registered with tantivy.
pub const TOKENIZER: &str = "faqtory-cjk";

/// Indexed text fields and their boosts: the question text counts twice the
/// answer; page title and category (the "context" field) count half.
pub const FIELD_BOOSTS: [(&str, f32); 3] = [("title", 2.0), ("body", 1.0), ("context", 0.5)];

/// search-core's index tokenizer as a tantivy tokenizer (CJK bigrams plus a
/// unigram for the last character of each run, see search-core's tokenize).
///
/// A text's tokens are gathered into buffers the tokenizer keeps and reuses
/// (each indexing thread has its own clone), and each is copied into the one
/// [`Token`] the stream hands out: no allocation per token, where tantivy's
/// `Token` owns its text.
#[derive(Clone, Default)]
pub struct CoreTokenizer {
    /// The texts of the current text's tokens, one after another.
    texts: String,
    /// Per token: where its text ends in `texts`, and its source span.
    spans: Vec<TokenSpan>,
}

#[derive(Clone, Copy)]
struct TokenSpan {
    text_end: usize,
    from: usize,
    to: usize,
}

/// The tokens of one text, lent from the [`CoreTokenizer`] that made them.
pub struct CoreTokenStream<'a> {
    texts: &'a str,
    spans: std::slice::Iter<'a, TokenSpan>,
    /// Where the next token's text starts in `texts`.
    text_start: usize,
    current: Token,
}

impl Tokenizer for CoreTokenizer {
    type TokenStream<'a> = CoreTokenStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> CoreTokenStream<'a> {
        self.texts.clear();
        self.spans.clear();
        search_core::tokenize::tokenize_str_with(text, true, |t, from, to| {
            self.texts.push_str(t);
            self.spans.push(TokenSpan {
                text_end: self.texts.len(),
                from,
                to,
            });
        });
        CoreTokenStream {
            texts: &self.texts,
            spans: self.spans.iter(),
            text_start: 0,
            current: Token::default(),
        }
    }
}

impl TokenStream for CoreTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(span) = self.spans.next() else {
            return false;
        };
        let t = &mut self.current;
        t.text.clear();
        t.text
            .push_str(self.texts.get(self.text_start..span.text_end).unwrap_or(""));
        self.text_start = span.text_end;
        t.offset_from = span.from;
        t.offset_to = span.to;
        // The first token is at position 0 (`Token::default()` holds
        // usize::MAX, which wraps to 0 here, as tantivy's own tokenizers do).
        t.position = t.position.wrapping_add(1);
        t.position_length = 1;
        true
    }
    fn token(&self) -> &Token {
        &self.current
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

/// Field handles of the schema.
#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub(crate) text: [Field; 3],
    pub(crate) title: Field,
    pub(crate) body: Field,
    /// The start of the answer (see [`snippet_source`]), stored in place of
    /// the answer itself: it is all either backend shows of it.
    pub(crate) snippet: Field,
    pub(crate) category: Field,
    pub(crate) url: Field,
    pub(crate) id: Field,
}

fn schema() -> Schema {
    let mut b = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(TOKENIZER)
        .set_index_option(IndexRecordOption::WithFreqs);
    let stored_text = TextOptions::default()
        .set_indexing_options(indexing.clone())
        .set_stored();
    let indexed_text = TextOptions::default().set_indexing_options(indexing);
    b.add_text_field("title", stored_text);
    b.add_text_field("body", indexed_text.clone());
    b.add_text_field("context", indexed_text);
    b.add_text_field("snippet", STORED);
    b.add_text_field("page_title", STORED);
    b.add_text_field("category", STORED);
    b.add_text_field("url", STORED);
    b.add_text_field("lang", STORED);
    b.add_u64_field("id", FAST | STORED);
    b.build()
}

pub(crate) fn fields(index: &Index) -> Result<Fields, SearchError> {
    let s = index.schema();
    let get = |name: &str| {
        s.get_field(name).map_err(|e| SearchError::Index {
            path: None,
            message: format!(
                "not an index this faqtory can read ({e}); `faqtory build` writes a new one"
            ),
        })
    };
    Ok(Fields {
        text: [get("title")?, get("body")?, get("context")?],
        title: get("title")?,
        body: get("body")?,
        snippet: get("snippet")?,
        category: get("category")?,
        url: get("url")?,
        id: get("id")?,
    })
}

fn index_err(path: Option<&Path>) -> impl Fn(tantivy::TantivyError) -> SearchError + '_ {
    move |e| SearchError::Index {
        path: path.map(Path::to_path_buf),
        message: e.to_string(),
    }
}

/// The tantivy writer's memory budget. Past it the writer flushes a segment
/// (the export reads every segment). 200 MB kept 10,000 pages in one arena,
/// a fifth of the build's peak memory; a smaller budget costs a few more
/// segments to read.
const WRITER_BUDGET: usize = 50_000_000;

/// tantivy's indexing threads, each filling its own segments from a share of
/// the budget. With one, the index finished about a second after the last
/// page at 10,000 pages, on one core; documents keep their order through
/// the `id` field, so the export is the same.
const WRITER_THREADS: usize = 2;

/// Builds the tantivy index of `docs` in `dir` (replacing an index already
/// there; a non-empty folder that is not one is refused) or in RAM, with no
/// synonyms.
pub fn build_index(docs: &[SearchDoc], dir: Option<&Path>) -> Result<Index, SearchError> {
    build_index_with(docs, &Synonyms::none(), dir)
}

/// [`build_index`] with the site's synonym groups, kept in the index (its
/// commit payload) so every query of it, and its static export, use them.
pub fn build_index_with(
    docs: &[SearchDoc],
    synonyms: &Synonyms,
    dir: Option<&Path>,
) -> Result<Index, SearchError> {
    build_from(docs.iter(), synonyms, dir)
}

/// [`build_index_with`] taking the documents by value, as they come: each
/// is dropped as soon as tantivy has it, so a build's texts do not all
/// stay until the index is done (at 100,000 pages they are about a
/// gigabyte), and a lazy iterator makes each only when it is its turn.
pub fn build_index_owned(
    docs: impl Iterator<Item = SearchDoc>,
    synonyms: &Synonyms,
    dir: Option<&Path>,
) -> Result<Index, SearchError> {
    build_from(docs, synonyms, dir)
}

fn build_from<D: std::borrow::Borrow<SearchDoc>>(
    docs: impl Iterator<Item = D>,
    synonyms: &Synonyms,
    dir: Option<&Path>,
) -> Result<Index, SearchError> {
    let schema = schema();
    let index = match dir {
        None => Index::create_in_ram(schema),
        Some(d) => {
            prepare_dir(d)?;
            Index::create_in_dir(d, schema).map_err(index_err(Some(d)))?
        }
    };
    index
        .tokenizers()
        .register(TOKENIZER, CoreTokenizer::default());
    let f = fields(&index)?;
    let s = index.schema();
    let page_title = s.get_field("page_title").map_err(index_err(dir))?;
    let lang = s.get_field("lang").map_err(index_err(dir))?;
    let context = f.text[2];
    let mut writer: tantivy::IndexWriter<TantivyDocument> = index
        .writer_with_num_threads(WRITER_THREADS, WRITER_BUDGET)
        .map_err(index_err(dir))?;
    // No background merges: the export and queries read any number of
    // segments, and merging a large site's segments cost a 100,000-page
    // build seconds of CPU and hundreds of MB at its end.
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    // What the index holds, for the static export's build id.
    let mut digest = search_core::Digest::default();
    for (i, d) in docs.enumerate() {
        let d: &SearchDoc = d.borrow();
        for text in [
            &d.title,
            &d.body,
            &d.page_title,
            &d.category,
            &d.url,
            &d.lang,
        ] {
            digest.write_str(text);
        }
        let mut doc = TantivyDocument::default();
        doc.add_text(f.title, &d.title);
        doc.add_text(f.body, &d.body);
        doc.add_text(f.snippet, snippet_source(&d.body));
        doc.add_text(context, format!("{} {}", d.page_title, d.category));
        doc.add_text(page_title, &d.page_title);
        doc.add_text(f.category, &d.category);
        doc.add_text(f.url, &d.url);
        doc.add_text(lang, &d.lang);
        doc.add_u64(f.id, u64::try_from(i).unwrap_or(u64::MAX));
        writer.add_document(doc).map_err(index_err(dir))?;
    }
    for group in synonyms.groups() {
        for word in group {
            digest.write_str(word);
        }
        digest.write(b"\n");
    }
    let payload = serde_json::to_string(&Payload {
        synonyms: synonyms.groups().to_vec(),
        digest: digest.hex(),
    })
    .unwrap_or_else(|_| "{}".into());
    let mut commit = writer.prepare_commit().map_err(index_err(dir))?;
    commit.set_payload(&payload);
    commit.commit().map_err(index_err(dir))?;
    writer.wait_merging_threads().map_err(index_err(dir))?;
    Ok(index)
}

fn prepare_dir(d: &Path) -> Result<(), SearchError> {
    let io = |e: std::io::Error| SearchError::Io {
        path: d.to_path_buf(),
        message: e.to_string(),
    };
    if d.exists() {
        let is_index = d.join("meta.json").is_file();
        let empty = std::fs::read_dir(d).map_err(io)?.next().is_none();
        if !is_index && !empty {
            return Err(SearchError::Io {
                path: d.to_path_buf(),
                message: "folder is not empty and holds no search index; refusing to replace it"
                    .into(),
            });
        }
        if is_index {
            std::fs::remove_dir_all(d).map_err(io)?;
        }
    }
    std::fs::create_dir_all(d).map_err(io)
}

/// Opens the index in `dir` (built by [`build_index`]).
pub fn open_index(dir: &Path) -> Result<Index, SearchError> {
    if !dir.join("meta.json").is_file() {
        return Err(SearchError::Index {
            path: Some(dir.to_path_buf()),
            message: "no search index here; run `faqtory build` first".into(),
        });
    }
    let index = Index::open_in_dir(dir).map_err(index_err(Some(dir)))?;
    index
        .tokenizers()
        .register(TOKENIZER, CoreTokenizer::default());
    fields(&index)?;
    Ok(index)
}

/// The synonym groups the index was built with (none when it has none or
/// they no longer check out).
pub fn index_synonyms(index: &Index) -> Synonyms {
    payload(index)
        .and_then(|p| Synonyms::new(&p.synonyms).ok())
        .unwrap_or_default()
}

/// What [`build_index_with`] keeps in the index's commit payload.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct Payload {
    /// The site's synonym groups.
    pub synonyms: Vec<Vec<String>>,
    /// A digest of every indexed text and the synonyms (16 hex digits).
    pub digest: String,
}

pub(crate) fn payload(index: &Index) -> Option<Payload> {
    let text = index.load_metas().ok()?.payload?;
    serde_json::from_str::<Payload>(&text).ok()
}

pub(crate) fn reader(index: &Index) -> Result<IndexReader, SearchError> {
    index.reader().map_err(index_err(None))
}

/// One query term over the three text fields, boosted.
fn term_clause(f: &Fields, term: &str) -> Box<dyn Query> {
    let clauses: Vec<(Occur, Box<dyn Query>)> = f
        .text
        .iter()
        .zip(FIELD_BOOSTS)
        .map(|(&field, (_, boost))| {
            let tq = TermQuery::new(
                Term::from_field_text(field, term),
                IndexRecordOption::WithFreqs,
            );
            let q: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(tq), boost));
            (Occur::Should, q)
        })
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

/// Every matching document of `query` with its score, as `(export id, score)`
/// ascending by id.
fn all_matches(searcher: &Searcher, query: &dyn Query) -> Result<Vec<(u32, f32)>, SearchError> {
    let mut list = searcher
        .search(query, &AllMatches)
        .map_err(index_err(None))?;
    list.sort_by_key(|p| p.0);
    list.dedup_by_key(|p| p.0);
    Ok(list)
}

/// The terms of the three text fields that start with `c`'s UTF-8 bytes.
fn terms_with_prefix(searcher: &Searcher, f: &Fields, c: &str) -> Result<Vec<String>, SearchError> {
    let mut out = std::collections::BTreeSet::new();
    let err = index_err(None);
    for seg in searcher.segment_readers() {
        for &field in &f.text {
            let inv = seg.inverted_index(field).map_err(&err)?;
            let mut stream = inv
                .terms()
                .range()
                .ge(c.as_bytes())
                .into_stream()
                .map_err(|e| SearchError::Index {
                    path: None,
                    message: e.to_string(),
                })?;
            while stream.advance() {
                let key = stream.key();
                if !key.starts_with(c.as_bytes()) {
                    break;
                }
                if let Ok(t) = std::str::from_utf8(key) {
                    out.insert(t.to_string());
                }
            }
        }
    }
    Ok(out.into_iter().collect())
}

/// One term's postings `(export id, score)`, ascending by id, exactly as the
/// static export stores them: for a word or bigram, the three boosted
/// `TermQuery`s; for one CJK character, every term starting with it, summed
/// per document and cut to the best [`search_core::PREFIX_DOCS`].
fn term_postings(
    searcher: &Searcher,
    f: &Fields,
    term: &str,
) -> Result<Vec<(u32, f32)>, SearchError> {
    if !search_core::is_prefix_term(term) {
        return all_matches(searcher, term_clause(f, term).as_ref());
    }
    let terms = terms_with_prefix(searcher, f, term)?;
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let clauses: Vec<(Occur, Box<dyn Query>)> = terms
        .iter()
        .map(|t| (Occur::Should, term_clause(f, t)))
        .collect();
    let list = all_matches(searcher, &BooleanQuery::new(clauses))?;
    Ok(search_core::cut_prefix(list))
}

/// Ranks documents for `q` with tantivy: `(export id, score, all terms
/// matched, address)`. search-core plans the query (prefix terms, the
/// index's synonyms) and combines the terms' matches, as for the static
/// export: all-slots matches first, then by score, then id. Ids are the
/// positions of the documents given to [`build_index`].
pub fn query_index_ranked(
    index: &Index,
    q: &str,
    limit: usize,
) -> Result<Vec<(u32, f32, bool, DocAddress)>, SearchError> {
    let plan = search_core::plan(q, &index_synonyms(index));
    rank_planned(&reader(index)?.searcher(), &fields(index)?, &plan, limit)
}

/// [`query_index_ranked`] for a query already planned, on an open searcher.
fn rank_planned(
    searcher: &tantivy::Searcher,
    f: &Fields,
    plan: &search_core::Plan,
    limit: usize,
) -> Result<Vec<(u32, f32, bool, DocAddress)>, SearchError> {
    if plan.slots.is_empty() || limit == 0 {
        return Ok(Vec::new());
    }
    let mut lists = Vec::with_capacity(plan.terms.len());
    for t in &plan.terms {
        lists.push(term_postings(searcher, f, t)?);
    }
    let ranked = search_core::combine(plan, &lists, limit);
    // Export ids back to tantivy addresses.
    let wanted: std::collections::HashSet<u32> = ranked.iter().map(|r| r.doc).collect();
    let mut addr_of = std::collections::HashMap::new();
    for (ord, seg) in searcher.segment_readers().iter().enumerate() {
        let Ok(ids) = seg.fast_fields().u64("id") else {
            continue;
        };
        let ord = u32::try_from(ord).unwrap_or(u32::MAX);
        for doc in 0..seg.max_doc() {
            if let Some(id) = ids.first(doc).and_then(|v| u32::try_from(v).ok())
                && wanted.contains(&id)
            {
                addr_of.insert(id, DocAddress::new(ord, doc));
            }
        }
    }
    Ok(ranked
        .into_iter()
        .filter_map(|r| Some((r.doc, r.score, r.all, *addr_of.get(&r.doc)?)))
        .collect())
}

/// Collects every match with its score, as `(export id, score)`.
struct AllMatches;

struct AllMatchesSegment {
    ids: Option<tantivy::columnar::Column<u64>>,
    out: Vec<(u32, f32)>,
}

impl Collector for AllMatches {
    type Fruit = Vec<(u32, f32)>;
    type Child = AllMatchesSegment;

    fn for_segment(
        &self,
        _ord: tantivy::SegmentOrdinal,
        segment: &tantivy::SegmentReader,
    ) -> tantivy::Result<AllMatchesSegment> {
        Ok(AllMatchesSegment {
            ids: segment.fast_fields().u64("id").ok(),
            out: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(u32, f32)>>) -> tantivy::Result<Vec<(u32, f32)>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for AllMatchesSegment {
    type Fruit = Vec<(u32, f32)>;

    fn collect(&mut self, doc: tantivy::DocId, score: tantivy::Score) {
        if let Some(id) = self
            .ids
            .as_ref()
            .and_then(|c| c.first(doc))
            .and_then(|v| u32::try_from(v).ok())
        {
            self.out.push((id, score));
        }
    }

    fn harvest(self) -> Vec<(u32, f32)> {
        self.out
    }
}

/// Searches the tantivy index: the top `limit` hits, all-terms matches first.
pub fn query_index(index: &Index, q: &str, limit: usize) -> Result<Vec<Hit>, SearchError> {
    let plan = search_core::plan(q, &index_synonyms(index));
    let f = fields(index)?;
    let searcher = reader(index)?.searcher();
    let ranked = rank_planned(&searcher, &f, &plan, limit)?;
    let terms = plan.terms;
    let mut hits = Vec::with_capacity(ranked.len());
    for (_, score, _, addr) in ranked {
        let doc: TantivyDocument = searcher.doc(addr).map_err(index_err(None))?;
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        hits.push(Hit::new(
            text(f.title),
            text(f.url),
            text(f.category),
            &text(f.snippet),
            score,
            &terms,
        ));
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: indexes written before the snippet field existed stored
    /// the whole answer instead. Reading one must say what to do.
    #[test]
    fn an_index_without_the_snippet_field_asks_for_a_build() {
        let mut b = Schema::builder();
        for name in ["title", "body", "context", "category", "url"] {
            b.add_text_field(name, STORED);
        }
        b.add_u64_field("id", FAST | STORED);
        let index = Index::create_in_ram(b.build());
        let Err(SearchError::Index { message, .. }) = fields(&index) else {
            panic!("an index without `snippet` was accepted");
        };
        assert!(message.contains("snippet"), "{message}");
        assert!(
            message.contains("`faqtory build` writes a new one"),
            "{message}"
        );
        assert!(fields(&Index::create_in_ram(schema())).is_ok());
    }

    /// The adapter hands tantivy exactly search-core's index tokens, with
    /// positions from 0, also when one tokenizer (its buffers reused) goes
    /// from a longer text to a shorter one.
    #[test]
    fn the_tantivy_tokenizer_gives_search_cores_tokens_in_order() {
        let mut tokenizer = CoreTokenizer::default();
        for text in [
            "如何申请退款？Refund 在【费用中心】>【订单管理】CVM-2 实例",
            "退款 ok",
            "",
        ] {
            let want: Vec<(String, usize, usize, usize)> =
                search_core::tokenize::tokenize_index(text)
                    .into_iter()
                    .enumerate()
                    .map(|(i, t)| (t.text, t.start, t.end, i))
                    .collect();
            let mut got = Vec::new();
            let mut stream = tokenizer.token_stream(text);
            while stream.advance() {
                let t = stream.token();
                assert_eq!(t.position_length, 1);
                got.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
            }
            assert_eq!(got, want, "{text}");
        }
    }
}
