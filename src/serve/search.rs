//! `/api/search` for the preview: the search documents of the site's own
//! language (as [`crate::pipeline::search_docs`] makes them, the same as the
//! build's index and `faqtory search`), and a tantivy index built from them
//! on the first query after a change, never on the rebuild path.

use std::sync::{Arc, PoisonError, RwLock};

use crate::search::SearchDoc;

/// The site's search documents and synonym groups.
type Docs = (Vec<SearchDoc>, search_core::Synonyms);

/// The documents and the index made from them.
#[derive(Default)]
pub struct SearchState {
    /// The documents and synonyms, and a version bumped on every change.
    docs: RwLock<(u64, Arc<Docs>)>,
    /// The index of some version of the documents.
    index: tokio::sync::Mutex<Option<(u64, Arc<tantivy::Index>)>>,
}

impl SearchState {
    /// New documents (after a build that changed them) and the site's
    /// synonym groups.
    pub fn set(&self, docs: Vec<SearchDoc>, synonyms: search_core::Synonyms) {
        let mut d = self.docs.write().unwrap_or_else(PoisonError::into_inner);
        *d = (d.0 + 1, Arc::new((docs, synonyms)));
    }

    /// The index of the current documents, built now if they changed since
    /// the last query. `None` when tantivy failed.
    pub async fn index(&self) -> Option<Arc<tantivy::Index>> {
        let (version, docs) = {
            let d = self.docs.read().unwrap_or_else(PoisonError::into_inner);
            (d.0, d.1.clone())
        };
        let mut cached = self.index.lock().await;
        if let Some((v, idx)) = cached.as_ref()
            && *v == version
        {
            return Some(idx.clone());
        }
        let built = tokio::task::spawn_blocking(move || {
            crate::search::build_index_with(&docs.0, &docs.1, None).ok()
        })
        .await
        .ok()
        .flatten()
        .map(Arc::new)?;
        *cached = Some((version, built.clone()));
        Some(built)
    }
}
