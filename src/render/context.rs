//! The typed contract between the code and the templates.
//!
//! Each template receives one of the `*Context` structs below, serialised
//! as its top-level variables (`site`, `meta`, `nav`, and the kind-specific
//! one: `home`, `category`, `page`, `questions`). Theme authors: this file is
//! your reference; every field is documented. HTML fields end in `_html` and
//! are already safe (sanitised at render); print them with `| safe`. Every
//! `url` is an absolute path that already includes the site's root path.

use std::collections::BTreeMap;

use serde::Serialize;

/// Everything about the site, the same on every page.
#[derive(Clone, Debug, Serialize)]
pub struct SiteContext {
    pub title: String,
    pub description: String,
    /// BCP 47 language of the content, for `<html lang>` (`zh-CN`, `en`).
    pub language: String,
    /// The deployment's origin, scheme and host only (`https://help.example.com`):
    /// an absolute URL is `base_url` followed by a `url` field.
    pub base_url: String,
    /// The root path every URL starts with (`/` or `/help/`).
    pub root: String,
    /// Home page URL (the root path).
    pub home_url: String,
    /// The all-questions page.
    pub questions_url: String,
    /// The search page (`/search/?q=...` shows results for a shared link).
    pub search_url: String,
    /// Theme files by their path under the theme's `static/` folder
    /// (`css/site.css`) → URL with a content hash for cache busting.
    pub assets: BTreeMap<String, String>,
    /// UI strings of the theme in the site's language (from
    /// `themes/<name>/strings/<language>.yaml`), by key.
    pub strings: BTreeMap<String, String>,
    /// The search index's manifest URL (empty when the site has no search).
    pub search_manifest_url: String,
    /// The search module's wasm URL.
    pub search_wasm_url: String,
    /// faqtory's version, for `<meta name="generator">`.
    pub generator: String,
    /// Every language the site is built in (home page of each), the current
    /// one marked; a single entry when the site has no translations.
    pub languages: Vec<LangLink>,
    /// Where "was this helpful?" POSTs `{page, question, helpful}`; empty:
    /// show no feedback control.
    pub feedback_endpoint: String,
}

/// One language version of a page.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LangLink {
    /// BCP 47 tag (`zh-CN`, `en`), for `hreflang`.
    pub code: String,
    /// The language's own name (`简体中文`, `English`).
    pub name: String,
    pub url: String,
    /// This is the language being shown.
    pub current: bool,
    /// The page exists in this language (false: `url` is that language's home).
    pub exists: bool,
}

/// `<head>` data of the page being rendered.
#[derive(Clone, Debug, Serialize)]
pub struct Meta {
    /// Which template: `home`, `category`, `page`, `questions`, `search`, `404`.
    pub kind: &'static str,
    /// The page's own title (without the site title).
    pub title: String,
    pub description: String,
    /// This page's URL path.
    pub url: String,
    /// Absolute canonical URL (empty on the 404 page).
    pub canonical: String,
    /// schema.org JSON-LD, ready for a `<script type="application/ld+json">`
    /// (`<` already escaped); empty when the page has none.
    pub json_ld: String,
    /// This page in every language of the site (for a language switcher and
    /// `<link rel="alternate" hreflang>`); one entry without translations.
    pub translations: Vec<LangLink>,
}

/// A titled link.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// The sidebar and breadcrumbs of the page being rendered.
#[derive(Clone, Debug, Serialize)]
pub struct Nav {
    /// Top-level categories; the one holding the current page is `active`
    /// and lists its contents.
    pub categories: Vec<NavCategory>,
    /// From the home page down to the current page's parent.
    pub breadcrumbs: Vec<Link>,
}

/// A top-level category in the sidebar.
#[derive(Clone, Debug, Serialize)]
pub struct NavCategory {
    pub title: String,
    pub url: String,
    /// The current page lies in this category.
    pub active: bool,
    /// Its sub-categories and pages (only filled for the active category, so
    /// a page's sidebar costs O(its section), not O(site)).
    pub items: Vec<NavItem>,
}

/// A sub-category or page in the active category.
#[derive(Clone, Debug, Serialize)]
pub struct NavItem {
    pub title: String,
    pub url: String,
    /// This item is the current page (or holds it).
    pub current: bool,
}

/// A page as listed on the home, category and all-questions pages.
#[derive(Clone, Debug, Serialize)]
pub struct PageSummary {
    pub title: String,
    pub url: String,
    pub description: String,
    /// Its questions (the first few on the home page, all elsewhere).
    pub questions: Vec<Link>,
    pub question_count: usize,
}

/// A category as listed on the home and category pages.
#[derive(Clone, Debug, Serialize)]
pub struct CategorySummary {
    pub title: String,
    pub url: String,
    pub description: String,
    pub pages: Vec<PageSummary>,
    pub subcategories: Vec<Link>,
}

/// `index.html`.
#[derive(Clone, Debug, Serialize)]
pub struct HomeContext<'a> {
    pub site: &'a SiteContext,
    pub meta: Meta,
    pub nav: Nav,
    pub home: HomeView,
}

#[derive(Clone, Debug, Serialize)]
pub struct HomeView {
    /// The home page's own text (content/_index.md body).
    pub intro_html: String,
    pub categories: Vec<CategorySummary>,
    /// Pages directly in content/ (not in a category).
    pub pages: Vec<PageSummary>,
}

/// `category.html`.
#[derive(Clone, Debug, Serialize)]
pub struct CategoryContext<'a> {
    pub site: &'a SiteContext,
    pub meta: Meta,
    pub nav: Nav,
    pub category: CategoryView,
}

#[derive(Clone, Debug, Serialize)]
pub struct CategoryView {
    pub title: String,
    pub description: String,
    /// The `_index.md` body.
    pub intro_html: String,
    pub subcategories: Vec<CategorySummary>,
    pub pages: Vec<PageSummary>,
}

/// `page.html`: an FAQ page or an article.
#[derive(Clone, Debug, Serialize)]
pub struct PageContext<'a> {
    pub site: &'a SiteContext,
    pub meta: Meta,
    pub nav: Nav,
    pub page: PageView,
}

#[derive(Clone, Debug, Serialize)]
pub struct PageView {
    pub title: String,
    pub description: String,
    pub url: String,
    /// The page has no `###` questions.
    pub is_article: bool,
    /// Last updated (`YYYY-MM-DD`): front matter `updated`, else the date of
    /// the file's last git commit, else empty.
    pub updated: String,
    /// "Edit this page" URL from site.yaml's `edit_url`, or empty.
    pub edit_url: String,
    pub tags: Vec<String>,
    /// Front matter `extra`, as written.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Table of contents: one link per question (`#anchor`).
    pub toc: Vec<Link>,
    /// The body in order: free content and questions.
    pub sections: Vec<SectionView>,
    /// Neighbours in the category's order.
    pub prev: Option<Link>,
    pub next: Option<Link>,
    /// Widget names placed on the page (e.g. `refund-calculator`), so the
    /// template can load their scripts.
    pub widgets: Vec<String>,
    /// The category the page is in.
    pub category: Link,
}

/// A run of the page's body.
#[derive(Clone, Debug, Serialize)]
pub struct SectionView {
    /// Set when the run is a question and its answer.
    pub question: Option<QuestionView>,
    /// The answer (or the free content).
    pub html: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct QuestionView {
    /// The anchor id.
    pub id: String,
    pub title_html: String,
    pub title_text: String,
    /// `#id` percent-encoded, for `href`.
    pub href: String,
    /// The question's absolute URL (page URL + anchor), for copy-link.
    pub permalink: String,
    /// Related questions elsewhere on the site (from shared search tokens).
    pub related: Vec<Link>,
}

/// `questions.html`: every question of the site, by category.
#[derive(Clone, Debug, Serialize)]
pub struct QuestionsContext<'a> {
    pub site: &'a SiteContext,
    pub meta: Meta,
    pub nav: Nav,
    pub questions: QuestionsView,
}

#[derive(Clone, Debug, Serialize)]
pub struct QuestionsView {
    pub groups: Vec<QuestionGroup>,
    /// Questions on the whole site (not only on this list page).
    pub total: usize,
    /// Where this list page stands among them; none when one page holds
    /// every question.
    pub pager: Option<ListPager>,
}

/// Page `number` of `count` of a list, with the URLs of its neighbours.
#[derive(Clone, Debug, Serialize)]
pub struct ListPager {
    pub number: usize,
    pub count: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct QuestionGroup {
    /// Category path titles joined (`云市场 / 常见问题`), or the site title.
    pub title: String,
    pub url: String,
    pub pages: Vec<PageSummary>,
}

/// `search.html` and `404.html`: only the shared parts.
#[derive(Clone, Debug, Serialize)]
pub struct PlainContext<'a> {
    pub site: &'a SiteContext,
    pub meta: Meta,
    pub nav: Nav,
}
