//! `/api/search` for the preview: the site's search documents, kept per
//! page so an edit replaces only that page's entries, and a tantivy index
//! built from them (through [`crate::search::build_index`]) on the first
//! query after a change, never on the rebuild path.
//!
//! NOTE(search): the search module has no "site → SearchDoc" function yet;
//! [`page_docs`] maps a page the way `SearchDoc` documents its fields (one
//! document per question, one per article). When `crate::search` exposes its
//! own mapping, call it here instead so the preview and the static export
//! cannot disagree.

use std::sync::{Arc, PoisonError, RwLock};

use crate::model::{Page, Site};
use crate::search::SearchDoc;

/// One page's documents.
pub type PageDocs = Arc<[SearchDoc]>;

/// The documents of one page.
pub fn page_docs(site: &Site, page: &Page) -> PageDocs {
    let lang = crate::render::lang_tag(site);
    let category = site
        .categories
        .get(page.category)
        .map(|c| c.title.clone())
        .unwrap_or_default();
    let url = format!("{}{}", site.root_path, page.path);
    let doc = |title: String, body: String, url: String| SearchDoc {
        title,
        body,
        page_title: page.title.clone(),
        category: category.clone(),
        url,
        lang: lang.clone(),
    };
    if page.doc.questions().next().is_none() {
        return Arc::from(vec![doc(page.title.clone(), page.doc.text.clone(), url)]);
    }
    page.doc
        .questions()
        .map(|q| {
            doc(
                q.title_text.clone(),
                q.answer_text.clone(),
                format!("{url}#{}", q.id),
            )
        })
        .collect::<Vec<_>>()
        .into()
}

/// Every site's pages' documents: `[site][page]`.
pub fn site_docs(sites: &[Site]) -> Vec<Vec<PageDocs>> {
    sites
        .iter()
        .map(|s| s.pages.iter().map(|p| page_docs(s, p)).collect())
        .collect()
}

/// The documents and the index made from them.
#[derive(Default)]
pub struct SearchState {
    /// `[site][page]`, and a version bumped on every change.
    docs: RwLock<(u64, Arc<Vec<Vec<PageDocs>>>)>,
    /// The index of some version of the documents.
    index: tokio::sync::Mutex<Option<(u64, Arc<tantivy::Index>)>>,
}

impl SearchState {
    /// All documents anew (after a full build).
    pub fn set_all(&self, docs: Vec<Vec<PageDocs>>) {
        let mut d = self.docs.write().unwrap_or_else(PoisonError::into_inner);
        *d = (d.0 + 1, Arc::new(docs));
    }

    /// One page's documents anew (after an incremental rebuild).
    pub fn set_page(&self, site: usize, page: usize, docs: PageDocs) {
        let mut d = self.docs.write().unwrap_or_else(PoisonError::into_inner);
        let mut all: Vec<Vec<PageDocs>> = d.1.as_ref().clone();
        if let Some(slot) = all.get_mut(site).and_then(|s| s.get_mut(page)) {
            *slot = docs;
            *d = (d.0 + 1, Arc::new(all));
        }
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
            let flat: Vec<SearchDoc> = docs
                .iter()
                .flatten()
                .flat_map(|p| p.iter().cloned())
                .collect();
            crate::search::build_index(&flat, None).ok()
        })
        .await
        .ok()
        .flatten()
        .map(Arc::new)?;
        *cached = Some((version, built.clone()));
        Some(built)
    }
}
