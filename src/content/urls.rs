//! Which output file each part of a site's content claims, and an error when
//! two claim one: a page, a category, an alias, a page the build generates
//! (`/search/`, `/questions/`, `/404.html`, the sitemap) or a translation's
//! folder (`/en/`). Without this check the one written last would silently
//! replace the other.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Severity};
use crate::model::{Category, Page};
use crate::sitefs::SiteFs;

/// The file an alias's redirect page is written to (`/old/faq/` →
/// `old/faq/index.html`; `/old.html` stays `old.html`).
pub fn alias_output_path(alias: &str) -> String {
    let clean = alias.trim_matches('/');
    if clean.ends_with(".html") {
        clean.to_owned()
    } else if clean.is_empty() {
        "index.html".to_owned()
    } else {
        format!("{clean}/index.html")
    }
}

/// The pages and files every site (each language) generates; `render` writes
/// them under these names, this module checks nothing else claims them.
pub const QUESTIONS_FILE: &str = "questions/index.html";
/// The folder of the list of all questions and its further pages.
pub const QUESTIONS_DIR: &str = "questions/";
pub const SEARCH_FILE: &str = "search/index.html";
pub const NOT_FOUND_FILE: &str = "404.html";
pub const SITEMAP_FILE: &str = "sitemap.xml";
pub const ROBOTS_FILE: &str = "robots.txt";

/// Those files, and what they are.
const GENERATED: &[(&str, &str)] = &[
    (QUESTIONS_FILE, "the generated list of all questions"),
    (SEARCH_FILE, "the generated search page"),
    (NOT_FOUND_FILE, "the generated not-found page"),
    (SITEMAP_FILE, "the generated sitemap"),
    (ROBOTS_FILE, "the generated robots.txt"),
];

/// Who claims an output file.
#[derive(Clone, Debug)]
enum Claimant<'a> {
    /// A page, or a category's `_index.md`.
    File(&'a Path),
    /// A content folder without an `_index.md` (its generated category page).
    Folder(String),
    /// An entry of `aliases:` in a page's front matter.
    Alias { page: &'a Page, alias: &'a str },
    /// Something the build makes on its own.
    Generated(&'static str),
    /// The folder a translation is built in.
    Translation(&'a str),
}

impl Claimant<'_> {
    /// How a message names it.
    fn describe(&self) -> String {
        match self {
            Claimant::File(p) => format!("`{}`", p.display()),
            Claimant::Folder(dir) => format!("the category page of `content/{dir}/`"),
            Claimant::Alias { page, alias } => {
                format!("alias `{alias}` of `{}`", page.source.shown.display())
            }
            Claimant::Generated(what) => (*what).to_owned(),
            Claimant::Translation(folder) => {
                format!("the translation built under `/{folder}`")
            }
        }
    }

    /// The error at this claimant's file (none for what the build makes).
    /// An alias is found in its page's text, read again through `fs` when
    /// the model no longer holds it (a build drops texts once outlined).
    fn diagnostic(&self, message: String, fs: &SiteFs) -> Option<Diagnostic> {
        let help = "give one of them another file name, `slug:` or alias";
        match self {
            Claimant::File(p) => {
                Some(Diagnostic::file_level(Severity::Error, *p, message).with_help(help))
            }
            Claimant::Alias { page, alias } => {
                let reread;
                let text = match page.source.text.is_empty() {
                    false => &page.source.text,
                    true => {
                        let path = fs.root().join(&page.source.shown);
                        reread = fs
                            .read(&path)
                            .ok()
                            .and_then(|b| String::from_utf8(b).ok())
                            .unwrap_or_default();
                        &reread
                    }
                };
                let (line, col) = text
                    .find(*alias)
                    .map_or((1, 1), |off| crate::diag::line_col(text, off));
                Some(
                    Diagnostic::at_line_col(
                        Severity::Error,
                        &page.source.shown,
                        text,
                        line,
                        col,
                        message,
                    )
                    .with_help(help),
                )
            }
            Claimant::Folder(dir) => Some(
                Diagnostic::file_level(
                    Severity::Error,
                    PathBuf::from(super::CONTENT_DIR).join(dir),
                    message,
                )
                .with_help("rename the folder, or the page that clashes with it"),
            ),
            Claimant::Generated(_) | Claimant::Translation(_) => None,
        }
    }
}

/// Checks that no two parts of one language's site land on one output
/// file. `translation_folders` are the folders the site's translations are
/// built in (`en/`), given for the site's own language only.
pub fn check_unique(
    pages: &[Page],
    categories: &[Category],
    translation_folders: &[String],
    fs: &SiteFs,
    diags: &mut Vec<Diagnostic>,
) {
    let mut claims: BTreeMap<String, Vec<Claimant<'_>>> = BTreeMap::new();
    for c in categories {
        let by = match &c.index {
            Some(index) => Claimant::File(&index.shown),
            None if c.dir.is_empty() => Claimant::Generated("the generated home page"),
            None => Claimant::Folder(c.dir.clone()),
        };
        claims
            .entry(format!("{}index.html", c.path))
            .or_default()
            .push(by);
    }
    for p in pages {
        claims
            .entry(format!("{}index.html", p.path))
            .or_default()
            .push(Claimant::File(&p.source.shown));
        for alias in &p.front.aliases {
            claims
                .entry(alias_output_path(alias))
                .or_default()
                .push(Claimant::Alias { page: p, alias });
        }
    }
    for (file, what) in GENERATED {
        if let Some(v) = claims.get_mut(*file) {
            v.push(Claimant::Generated(what));
        }
    }
    for (file, by) in &claims {
        // The list of all questions takes `questions/2/`, `questions/3/`
        // … as a site grows: nothing else may be built under it.
        if file.starts_with(QUESTIONS_DIR) && file != QUESTIONS_FILE {
            let mut both = by.clone();
            both.push(Claimant::Generated("the generated list of all questions"));
            report(&format!("/{}", url_of(file)), &both, fs, diags);
            continue;
        }
        if by.len() > 1 {
            report(&format!("/{}", url_of(file)), by, fs, diags);
        }
        // Anything under a translation's folder belongs to the translation.
        for folder in translation_folders {
            if file.starts_with(folder.as_str()) {
                let mut both = by.clone();
                both.push(Claimant::Translation(folder));
                report(&format!("/{}", url_of(file)), &both, fs, diags);
            }
        }
    }
}

/// `a/index.html` → `a/`; `404.html` stays.
fn url_of(file: &str) -> &str {
    file.strip_suffix("index.html").unwrap_or(file)
}

/// One error at each claimant that has a file, naming all the others.
fn report(url: &str, by: &[Claimant<'_>], fs: &SiteFs, diags: &mut Vec<Diagnostic>) {
    for (i, claimant) in by.iter().enumerate() {
        let others: Vec<String> = by
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .map(|(_, o)| o.describe())
            .collect();
        let message = format!(
            "two pages would be built at `{url}`: {} and {}; one would silently replace the other",
            claimant.describe(),
            others.join(" and ")
        );
        if let Some(d) = claimant.diagnostic(message, fs) {
            diags.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_paths_match_the_redirect_pages() {
        assert_eq!(alias_output_path("/old/faq/"), "old/faq/index.html");
        assert_eq!(alias_output_path("old/faq"), "old/faq/index.html");
        assert_eq!(alias_output_path("/old.html"), "old.html");
        assert_eq!(alias_output_path("/"), "index.html");
    }

    #[test]
    fn url_of_drops_index_html() {
        assert_eq!(url_of("a/b/index.html"), "a/b/");
        assert_eq!(url_of("index.html"), "");
        assert_eq!(url_of("404.html"), "404.html");
    }
}
