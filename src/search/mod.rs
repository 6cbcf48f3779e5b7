//! Search: a tantivy index built from the model, a static export of it for
//! the browser, and queries over either.
//!
//! * [`build_index`]: one tantivy document per [`SearchDoc`] (question or
//!   article), tokenized by search-core's tokenizer (registered as
//!   [`TOKENIZER`]).
//! * [`export_static`]: BM25 impacts precomputed from tantivy's own statistics
//!   and scorer (question text boosted over the answer) into search-core's
//!   static format; returns the files, writes nothing.
//! * [`query_index`] (tantivy) and [`query_static`] (the exported files through
//!   the same search-core engine the browser runs as wasm) rank the same way:
//!   documents matching every query token first, then by score.
//!
//! User input never reaches tantivy's query parser: queries are built from
//! search-core tokens in code.

pub mod cli;
mod export;
mod index;

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

pub use export::{ExportOptions, export_static, export_static_into, export_static_with};
pub use index::{
    FIELD_BOOSTS, TOKENIZER, build_index, build_index_owned, build_index_with, index_synonyms,
    open_index, query_index, query_index_ranked,
};

/// What is indexed for one question or article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchDoc {
    /// The question text or article title.
    pub title: String,
    /// The answer text (including callout and menu-path text).
    pub body: String,
    /// Title of the page the question is on.
    pub page_title: String,
    /// Category of the page.
    pub category: String,
    /// Site-relative URL, e.g. `/cloud-market/faq/#refund-rules`.
    pub url: String,
    /// Content language, e.g. `zh-CN`.
    pub lang: String,
}

/// One result, as `--json`, `/api/search` and the browser show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub title: String,
    pub url: String,
    pub score: f32,
    pub category: String,
    /// A window of the answer's start around the first match.
    pub snippet: String,
    /// Highlighted ranges of `title`, as UTF-16 `[start, end)` (for JS).
    pub title_marks: Vec<[usize; 2]>,
    /// Highlighted ranges of `snippet`, as UTF-16 `[start, end)`.
    pub snippet_marks: Vec<[usize; 2]>,
}

impl Hit {
    /// Builds a hit, computing snippet and highlights from the query terms.
    pub(crate) fn new(
        title: String,
        url: String,
        category: String,
        body_start: &str,
        score: f32,
        terms: &[String],
    ) -> Hit {
        let tm = search_core::snippet::marks(&title, terms);
        let (snippet, sm) =
            search_core::snippet::snippet(body_start, terms, search_core::engine::SNIPPET_CHARS);
        Hit {
            title_marks: utf16_marks(&title, &tm),
            snippet_marks: utf16_marks(&snippet, &sm),
            title,
            url,
            score,
            category,
            snippet,
        }
    }
}

pub(crate) fn utf16_marks(text: &str, marks: &[(usize, usize)]) -> Vec<[usize; 2]> {
    use search_core::snippet::utf16_offset;
    marks
        .iter()
        .map(|&(a, b)| [utf16_offset(text, a), utf16_offset(text, b)])
        .collect()
}

/// Characters of the answer kept as snippet source in the static export.
pub const SNIPPET_SOURCE_CHARS: usize = 160;

/// The start of an answer kept for snippets (same in both backends), with
/// runs of whitespace collapsed to one space.
pub(crate) fn snippet_source(body: &str) -> String {
    let mut out = String::new();
    for (n, word) in body.split_whitespace().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        out.push_str(word);
        if out.chars().count() >= SNIPPET_SOURCE_CHARS {
            break;
        }
    }
    let cut = out
        .char_indices()
        .nth(SNIPPET_SOURCE_CHARS)
        .map_or(out.len(), |(i, _)| i);
    out.truncate(cut);
    out
}

/// A search failure, with the path involved when there is one.
#[derive(Debug)]
pub enum SearchError {
    /// tantivy failed (opening, writing or reading the index).
    Index {
        path: Option<PathBuf>,
        message: String,
    },
    /// A file could not be read.
    Io { path: PathBuf, message: String },
    /// An exported file is corrupt.
    Format(search_core::FormatError),
}

impl fmt::Display for SearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SearchError::Index {
                path: Some(p),
                message,
            } => {
                write!(f, "search index {}: {message}", p.display())
            }
            SearchError::Index {
                path: None,
                message,
            } => write!(f, "search index: {message}"),
            SearchError::Io { path, message } => write!(f, "{}: {message}", path.display()),
            SearchError::Format(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for SearchError {}

impl From<search_core::FormatError> for SearchError {
    fn from(e: search_core::FormatError) -> Self {
        SearchError::Format(e)
    }
}

/// Runs a query against the exported static files in `files_dir` (the
/// `search/` folder of a built site) through search-core's engine, reading
/// exactly the files the browser would fetch.
pub fn query_static(
    files_dir: &std::path::Path,
    q: &str,
    limit: usize,
) -> Result<Vec<Hit>, SearchError> {
    query_static_traced(files_dir, q, limit).map(|(hits, _)| hits)
}

/// [`query_static`], also returning the names of the files read, in order.
pub fn query_static_traced(
    files_dir: &std::path::Path,
    q: &str,
    limit: usize,
) -> Result<(Vec<Hit>, Vec<String>), SearchError> {
    let mut engine = search_core::Engine::new();
    let (hits, read) = static_search(&mut engine, files_dir, q, limit)?;
    let out = hits
        .into_iter()
        .map(|h| Hit {
            title_marks: utf16_marks(&h.meta.title, &h.title_marks),
            snippet_marks: utf16_marks(&h.snippet, &h.snippet_marks),
            title: h.meta.title,
            url: h.meta.url,
            score: h.score,
            category: h.meta.category,
            snippet: h.snippet,
        })
        .collect();
    Ok((out, read))
}

/// Terms that exist near the unmatched terms of `q`, from the files a
/// static search of `q` reads (what the browser offers for an empty result).
pub fn suggest_static(
    files_dir: &std::path::Path,
    q: &str,
    max: usize,
) -> Result<Vec<String>, SearchError> {
    let mut engine = search_core::Engine::new();
    static_search(&mut engine, files_dir, q, 1)?;
    Ok(engine.suggest(q, max))
}

/// The fetch loop the browser runs, reading files from `files_dir`.
fn static_search(
    engine: &mut search_core::Engine,
    files_dir: &std::path::Path,
    q: &str,
    limit: usize,
) -> Result<(Vec<search_core::Hit>, Vec<String>), SearchError> {
    let mut read = Vec::new();
    // Manifest, shards, tail pieces while the ranking needs them, offset
    // blocks, records. Every round reads something new, so this only stops a
    // loop over files that do not match.
    for round in 0..search_core::engine::MAX_ROUNDS {
        match engine.search(q, limit, round)? {
            search_core::Step::Done(hits) => return Ok((hits, read)),
            search_core::Step::Need(names) => {
                for name in names {
                    let bytes = read_piece(files_dir, &name)?;
                    engine.put(&name, bytes)?;
                    read.push(name);
                }
            }
        }
    }
    Err(SearchError::Io {
        path: files_dir.to_path_buf(),
        message: "static search did not settle (files missing?)".into(),
    })
}

/// Reads a file or a piece (a byte range of a file, see
/// [`search_core::piece_range`]) under `files_dir`, as a static host answers
/// a request with a `Range` header.
fn read_piece(files_dir: &std::path::Path, name: &str) -> Result<Vec<u8>, SearchError> {
    use std::io::{Read, Seek, SeekFrom};
    let (file, range) = match search_core::piece_range(name) {
        Some((file, start, end)) => (file, Some((start, end))),
        None => (name, None),
    };
    let path = files_dir.join(file);
    let io = |e: std::io::Error| SearchError::Io {
        path: path.clone(),
        message: e.to_string(),
    };
    // Names come from our own manifest, but never leave the folder.
    if file
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == ".." || c.contains('\\'))
    {
        return Err(SearchError::Io {
            path: path.clone(),
            message: "bad file name in search manifest".into(),
        });
    }
    let Some((start, end)) = range else {
        return std::fs::read(&path).map_err(io);
    };
    let mut f = std::fs::File::open(&path).map_err(io)?;
    f.seek(SeekFrom::Start(start)).map_err(io)?;
    let mut bytes = Vec::new();
    f.take(end.saturating_sub(start))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    Ok(bytes)
}

/// For the preview server's `/api/search?q=`: the hits as a JSON array of the
/// same shape as the browser's results (`title`, `url`, `score`, `category`,
/// `snippet`, `title_marks`, `snippet_marks`).
pub fn api_search_json(index: &tantivy::Index, q: &str, limit: usize) -> String {
    let hits = query_index(index, q, limit).unwrap_or_default();
    serde_json::to_string(&hits).unwrap_or_else(|_| "[]".to_string())
}
