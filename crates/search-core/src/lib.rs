//! search-core: the tokenizer, static index format and scorer of faqtory's search.
//!
//! Pure (no I/O) and panic-free; compiled natively for indexing and export and
//! to wasm32 for queries in the browser, so query and index tokens cannot drift.
//!
//! * [`tokenize`]: folded text → CJK bigrams and lowercased words.
//! * [`format`]: the static index files ([`Exporter`] writes them, the
//!   [`Engine`] reads them).
//! * [`plan`]: a query as slots of terms (prefix terms, synonyms) and how
//!   term matches combine into a ranking, shared by both engines.
//! * [`synonyms`]: checked synonym groups.
//! * [`engine`]: the static engine: fetches, ranks, suggests.
//! * [`snippet`]: highlight ranges and snippets.

pub mod engine;
mod fold;
#[rustfmt::skip]
mod fold_table;
pub mod format;
pub mod partial;
pub mod plan;
pub mod snippet;
pub mod synonyms;
pub mod tokenize;

pub use engine::{Engine, Hit, Ranked, Step, rank_order};
pub use fold::{Fold, fold_char, fold_lookup};
pub use format::{Digest, DocMeta, ExportParams, Exporter, FormatError, Manifest, piece_range};
pub use plan::{PREFIX_DOCS, Plan, combine, cut_best, cut_prefix, is_prefix_term, plan};
pub use synonyms::{SynonymIssue, SynonymProblem, Synonyms};
pub use tokenize::{Token, query_terms, tokenize, tokenize_index};
