//! Re-loading one edited page into an already loaded [`Site`], for the
//! preview server's incremental rebuilds.
//!
//! Only a *body* edit is handled here: the same front matter and the same
//! questions and anchors, so no other page's links, lists or navigation can
//! change. Anything else (a new title, a renamed anchor, a new or deleted
//! file) is [`PageEdit::Structural`] and the caller loads the whole site
//! again with [`super::load_all`]. The preview server checks the result
//! against a full load in its tests, so this cannot drift from
//! `load_language` unnoticed.

use std::path::Path;

use crate::diag::Diagnostic;
use crate::markdown;
use crate::model::{FrontMatter, PageId, Site};

use super::{LoadOptions, console_of, content_rel, front_matter, links, strip_language};

/// What re-loading one page did.
#[derive(Debug)]
pub enum PageEdit {
    /// The text is what was loaded before.
    Unchanged,
    /// The page's body changed and is re-rendered in `sites[site].pages[page]`.
    Body {
        site: usize,
        page: PageId,
        /// Diagnostics of the new text (warnings only).
        diagnostics: Vec<Diagnostic>,
    },
    /// The edit may change other pages: load the whole site.
    Structural,
    /// The new text has errors; the model was left as it was.
    Failed(Vec<Diagnostic>),
}

/// Re-loads the page whose file is `shown` (`content/a/b.md`) with its new
/// `text`. `sites` is the site and its translations as [`super::load_all`]
/// returned them.
pub fn reload_page(
    sites: &mut [Site],
    shown: &Path,
    text: String,
    opts: &LoadOptions<'_>,
) -> PageEdit {
    let Some((s, id)) = sites.iter().enumerate().find_map(|(s, site)| {
        site.pages
            .iter()
            .position(|p| p.source.shown == shown)
            .map(|id| (s, id))
    }) else {
        return PageEdit::Structural;
    };
    let site = &sites[s];
    let old = &site.pages[id];
    if old.source.text == text {
        return PageEdit::Unchanged;
    }
    let (front, body_start) = match front_matter::parse::<FrontMatter>(shown, &text) {
        Ok(v) => v,
        Err(d) => return PageEdit::Failed(vec![d]),
    };
    // FrontMatter has no PartialEq (its `extra` is free JSON); its Debug
    // form is a faithful, ordered rendering of every field.
    if format!("{front:?}") != format!("{:?}", old.front) {
        return PageEdit::Structural;
    }
    let source = crate::model::SourceFile {
        shown: shown.to_path_buf(),
        text: front_matter::replace_nul_in_body(text, body_start),
        body_start,
    };
    let src = || markdown::Source {
        file: &source.shown,
        text: &source.text,
        body_start: source.body_start,
    };
    let outline = markdown::outline(src());
    let same_targets = outline.anchors == old.outline.anchors
        && outline.questions.len() == old.outline.questions.len()
        && outline
            .questions
            .iter()
            .zip(&old.outline.questions)
            .all(|(a, b)| a.id == b.id && a.title_text == b.title_text);
    if !same_targets {
        return PageEdit::Structural;
    }

    let index = link_index(site).check_images(
        &site.root.join(super::CONTENT_DIR),
        &site.config.root_path(),
        super::missing_image_severity(opts.strict),
    );
    let console = console_of(&site.config, opts);
    let rel = content_rel(shown);
    let resolver = index.resolver_for(&rel);
    let mut doc = markdown::render(
        src(),
        &markdown::Options {
            lang: site.lang,
            line_breaks: site.config.markdown.line_breaks,
            cjk_emphasis: true,
            raw_html: site.config.markdown.raw_html,
            console: console.as_ref(),
            links: &resolver,
            widgets: opts.widgets,
        },
    );
    let diagnostics = std::mem::take(&mut doc.diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return PageEdit::Failed(diagnostics);
    }
    let page = &mut sites[s].pages[id];
    page.source = source;
    page.outline = outline;
    page.doc = doc;
    PageEdit::Body {
        site: s,
        page: id,
        diagnostics,
    }
}

/// Every link target of `site`, as `load_language` builds it.
fn link_index(site: &Site) -> links::LinkIndex {
    let is_translation = site.root_path != site.config.root_path();
    let mut index = links::LinkIndex::new(&site.root_path);
    for p in &site.pages {
        let rel = content_rel(&p.source.shown);
        index.insert(&rel, &p.path, p.outline.anchors.iter().cloned());
        index.insert(&p.key, &p.path, p.outline.anchors.iter().cloned());
    }
    for c in &site.categories {
        if let Some(src) = &c.index {
            let rel = content_rel(&src.shown);
            index.insert(&rel, &c.path, std::iter::empty());
            index.insert(
                &strip_language(&rel, site.lang, is_translation),
                &c.path,
                std::iter::empty(),
            );
        }
    }
    index
}
