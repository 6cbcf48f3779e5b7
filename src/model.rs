//! The resolved site: what `content::load` produces and every later stage
//! reads. Plain data, no I/O, no behaviour beyond simple lookups.

use std::path::PathBuf;

use serde::Deserialize;

use crate::config::Config;
use crate::markdown::{Lang, Outline, Rendered};

/// Index into [`Site::categories`].
pub type CategoryId = usize;
/// Index into [`Site::pages`].
pub type PageId = usize;

/// A whole help center, loaded and rendered to HTML fragments.
#[derive(Clone, Debug)]
pub struct Site {
    /// The site's root folder (holds site.yaml, content/, ...).
    pub root: PathBuf,
    pub config: Config,
    /// The language of this build of the content (the site's own, or a
    /// translation's).
    pub lang: Lang,
    /// The title and description in that language.
    pub title: String,
    pub description: String,
    /// The path every URL of this language starts with: `/`, `/help/`, or
    /// `/en/` for a translation.
    pub root_path: String,
    /// `categories[0]` is the root (`content/` itself, the home page).
    pub categories: Vec<Category>,
    pub pages: Vec<Page>,
}

impl Site {
    pub fn root_category(&self) -> &Category {
        &self.categories[0]
    }
    pub fn question_count(&self) -> usize {
        self.pages.iter().map(|p| p.doc.questions().count()).sum()
    }
    /// Top-level categories (children of the root), in order.
    pub fn top_categories(&self) -> impl Iterator<Item = &Category> {
        self.root_category()
            .children
            .iter()
            .map(|&c| &self.categories[c])
    }
    /// Ancestors of `c` from the top level down to `c` itself (root excluded).
    pub fn category_chain(&self, c: CategoryId) -> Vec<&Category> {
        let mut chain = Vec::new();
        let mut cur = Some(c);
        while let Some(id) = cur {
            if id == 0 {
                break;
            }
            chain.push(&self.categories[id]);
            cur = self.categories[id].parent;
        }
        chain.reverse();
        chain
    }
}

/// A folder under `content/`.
#[derive(Clone, Debug)]
pub struct Category {
    pub id: CategoryId,
    /// Folder relative to `content/`, `/`-separated; `""` for the root.
    pub dir: String,
    pub title: String,
    pub description: String,
    pub weight: i64,
    pub parent: Option<CategoryId>,
    /// Sub-categories, in display order.
    pub children: Vec<CategoryId>,
    /// Pages directly in this folder, in display order.
    pub pages: Vec<PageId>,
    /// Site-relative URL path (no leading `/`): `cloud-market/`, `""` for home.
    pub path: String,
    /// The `_index.md` file, when there is one.
    pub index: Option<SourceFile>,
    /// Its body rendered (intro text of the category page).
    pub doc: Rendered,
}

/// One markdown file as read from disk.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The file relative to the site root (`content/billing/refund.md`).
    pub shown: PathBuf,
    /// The whole file. Empty for a page once rendered, unless the loader
    /// was asked to keep it (`LoadOptions::keep_sources`).
    pub text: String,
    /// Byte offset where the markdown body starts (after front matter).
    pub body_start: usize,
}

/// One FAQ page (or article, when it has no `###` questions).
#[derive(Clone, Debug)]
pub struct Page {
    pub id: PageId,
    /// The page's file relative to content/ without a language suffix
    /// (`billing/faq.md` for `billing/faq.en.md`): the same in every
    /// language, so translations find each other.
    pub key: String,
    pub source: SourceFile,
    pub front: FrontMatter,
    pub title: String,
    pub slug: String,
    /// Site-relative URL path, no leading `/`: `cloud-market/faq/`.
    pub path: String,
    pub category: CategoryId,
    /// Last updated, `YYYY-MM-DD`: front matter `updated`, else the file's
    /// last git commit.
    pub updated: Option<String>,
    pub outline: Outline,
    /// The page rendered. Loaded for a build (`LoadOptions::keep_sources`
    /// false), its sections hold no HTML: the renderer gets that from
    /// `content::PageSources`, one page at a time.
    pub doc: Rendered,
    /// For the i-th question of the page, related questions elsewhere
    /// (computed at build time from shared search tokens).
    pub related: Vec<Vec<RelatedQuestion>>,
}

/// A question shown as related to another: the `question`-th question
/// (0-based) of page `page` of the same site. The renderer looks its
/// title and anchor up there, so the model holds no copy of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RelatedQuestion {
    pub page: PageId,
    pub question: usize,
}

impl Page {
    pub fn is_article(&self) -> bool {
        self.outline.questions.is_empty()
    }
}

/// Front matter of a page (docs/dialect.md §1). Unknown keys are errors.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub weight: Option<i64>,
    pub slug: Option<String>,
    /// Old URLs (site-relative paths) that redirect here.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Last-updated date, `YYYY-MM-DD`.
    pub updated: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Anything a theme wants; passed to templates as-is.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Front matter of a category's `_index.md`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryFront {
    pub title: Option<String>,
    pub description: Option<String>,
    pub weight: Option<i64>,
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}
