//! The FAQ dialect (docs/dialect.md) rendered over pulldown-cmark events.
//!
//! Two entry points, both pure (no I/O):
//! - [`outline`]: a cheap pass giving a page's questions and explicit anchors, so
//!   the whole site's link targets are known before any page is rendered;
//! - [`render`]: the page's HTML split into sections (one per `###` question),
//!   plain text for search, and diagnostics located in the source file.
//!
//! CONTRACT (used by content/render/search; keep these types stable):
//! the types in this file. Implementation lives in submodules.

use std::collections::HashSet;
use std::path::Path;

use serde::Serialize;

use crate::diag::{Diagnostic, Severity};

/// A page's markdown inside its file.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// The file as the user names it (for diagnostics).
    pub file: &'a Path,
    /// The whole file, front matter included (diagnostics count its lines).
    pub text: &'a str,
    /// Byte offset in `text` where the markdown body starts.
    pub body_start: usize,
}

impl<'a> Source<'a> {
    pub fn body(&self) -> &'a str {
        self.text.get(self.body_start..).unwrap_or("")
    }
}

/// Language of the page: picks callout titles and similar words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN", alias = "zh")]
    Zh,
    #[serde(rename = "en", alias = "en-US")]
    En,
}

/// docs/dialect.md §4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LineBreaks {
    /// A soft break becomes `<br>` when the text on either side is CJK.
    #[default]
    Auto,
    /// Every soft break becomes `<br>`.
    Always,
    /// CommonMark: a soft break is a newline.
    Never,
}

/// docs/dialect.md §6, after any per-deployment override.
#[derive(Clone, Debug, Default)]
pub struct Console {
    /// The console base URL that content is written against
    /// (`https://console.cloud.tencent.com`); links under it are console links.
    pub content_base_url: String,
    /// The base URL links point at in this build (the override, or the same).
    pub target_base_url: String,
    /// Known route paths (`/deal`, ...).
    pub routes: HashSet<String>,
    /// How a link to an unknown route is reported.
    pub unknown_route: Severity,
}

/// Resolves relative links between pages (`../billing/refund.md#que2`).
pub trait LinkResolver {
    /// `Ok(url)` with the built URL, or `Err(message)` naming what is missing.
    fn resolve(&self, dest: &str) -> Result<String, String>;
    /// A relative image source (`img/a.png`, relative to the page's file):
    /// `Ok(Some(url))` to write instead, `Ok(None)` to keep it as written,
    /// or how bad it is that the file is missing, and a message.
    fn resolve_image(
        &self,
        _dest: &str,
    ) -> Result<Option<String>, (crate::diag::Severity, String)> {
        Ok(None)
    }
}

/// Widgets a page may place (docs/dialect.md §8).
pub trait WidgetHost {
    /// The no-JavaScript fallback HTML for `name` in `lang`, or `None` when
    /// no widget has that name (an error for the author).
    fn fallback_html(&self, name: &str, lang: Lang) -> Option<String>;
}

/// Everything [`render`] needs besides the source.
pub struct Options<'a> {
    pub lang: Lang,
    pub line_breaks: LineBreaks,
    /// CJK-friendly emphasis (docs/dialect.md §3). On by default; off only to run
    /// the CommonMark spec examples.
    pub cjk_emphasis: bool,
    /// `false` (default): raw HTML sanitised by an allowlist. `true`: passed as written.
    pub raw_html: bool,
    pub console: Option<&'a Console>,
    pub links: &'a dyn LinkResolver,
    pub widgets: &'a dyn WidgetHost,
}

/// One `###` question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Question {
    /// Anchor id (explicit, or derived from the text; unique on the page).
    pub id: String,
    /// The heading as inline HTML (no `<h3>`).
    pub title_html: String,
    /// The heading as plain text.
    pub title_text: String,
    /// The answer's plain text for search (callout and menu-path text included).
    pub answer_text: String,
    /// 1-based line of the heading in the file.
    pub line: usize,
}

/// A run of the page: a question with its answer, or free content (the intro
/// before the first question, or what follows a `#`/`##` heading).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Section {
    pub question: Option<Question>,
    /// The answer (for a question) or the content, as HTML.
    pub html: String,
}

/// A rendered page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    pub sections: Vec<Section>,
    /// Plain text of the free sections (for search on articles).
    pub text: String,
    /// Widget names placed on the page, in order.
    pub widgets: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Rendered {
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().filter_map(|s| s.question.as_ref())
    }
}

/// A question as [`outline`] sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutlineQuestion {
    pub id: String,
    pub title_text: String,
    pub line: usize,
}

/// Link targets of a page, known before rendering.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outline {
    pub questions: Vec<OutlineQuestion>,
    /// Every anchor id on the page (questions, `[](id:x)`, `{#x}`, other headings).
    pub anchors: Vec<String>,
}

mod anchors;
mod callout;
mod chars;
mod context;
mod emphasis;
mod escape;
mod html;
mod inline;
mod linebreak;
mod links;
mod menu_path;
mod pipeline;
mod punct_table;
mod sanitize;
mod widget;
mod window;

pub use pipeline::parser_options;

/// The HTML writer on the parser's own events, each way the walk uses it,
/// for the fuzz target to compare with `push_html`. Only in fuzzing builds.
#[cfg(fuzzing)]
pub use html::write_each_way;

/// The page's questions and anchors. Must agree with [`render`] on ids: it
/// runs the same walk, without HTML output or diagnostics.
pub fn outline(src: Source<'_>) -> Outline {
    pipeline::run(src, None, true).1
}

/// [`outline`], and the page's texts (questions, answers, the page text)
/// as [`render`] makes them with `opts`, in one walk: no HTML, no
/// diagnostics, and links left as written (they change no text). A build
/// loads its pages this way and renders each in full only as it writes it.
pub fn outline_and_text(src: Source<'_>, opts: &Options<'_>) -> (Rendered, Outline) {
    pipeline::run(src, Some(opts), true)
}

/// Renders a page. Never panics; problems become diagnostics.
pub fn render(src: Source<'_>, opts: &Options<'_>) -> Rendered {
    pipeline::run(src, Some(opts), false).0
}
