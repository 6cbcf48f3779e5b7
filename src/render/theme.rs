//! Themes: tera templates, static files and UI strings.
//!
//! A theme named `N` is read from the site's `themes/N/` folder when it has
//! one, else from the themes built into the binary (so `faqtory new` sites
//! work with nothing but the binary). Templates in the site's own
//! `templates/` folder override the theme's templates of the same name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Severity};
use crate::sitefs::SiteFs;

/// A loaded theme, ready for [`super::Renderer`].
#[derive(Clone, Debug, Default)]
pub struct Theme {
    pub name: String,
    /// (template name, source, file to name in diagnostics).
    pub templates: Vec<(String, String, PathBuf)>,
    /// Files under `static/`: (path relative to static/, bytes).
    pub statics: Vec<(String, Vec<u8>)>,
    /// UI strings for the site's language.
    pub strings: BTreeMap<String, String>,
    /// Files of the theme or of `templates/` not read (links out of the
    /// site, FIFOs...): the build reports them and carries on.
    pub warnings: Vec<Diagnostic>,
}

/// The default theme's files every theme gets unless it has its own (see
/// [`load`]).
const SHARED_WIDGET_FILES: [&str; 4] = [
    "js/search.js",
    "css/search.css",
    "js/refund.js",
    "css/refund.css",
];

/// Reads theme `name` for the site `fs` reads from, in `language`. Files
/// skipped with a warning (links out of the site, FIFOs) are in
/// [`Theme::warnings`]; errors fail the load.
pub fn load(fs: &SiteFs, name: &str, language: &str) -> Result<Theme, Vec<Diagnostic>> {
    let root = fs.root();
    let mut files: Vec<(String, Vec<u8>, PathBuf)> = Vec::new();
    let dir = root.join("themes").join(name);
    let mut diags = Vec::new();
    if dir.is_dir() {
        let mut walker = fs.walk(&dir, false);
        for entry in walker.by_ref() {
            match entry {
                Ok(e) if !e.file_type().is_dir() => {
                    let rel = rel_string(&dir, e.path());
                    let shown = fs.shown(e.path());
                    if let Some(b) = fs.read_or_report(e.path(), &mut diags) {
                        files.push((rel, b, shown));
                    }
                }
                Ok(_) => {}
                Err(err) => diags.push(Diagnostic::file_level(
                    Severity::Error,
                    crate::diag::display_path(root, err.path().unwrap_or(&dir)),
                    format!("cannot read theme file: {err}"),
                )),
            }
        }
        diags.append(&mut walker.refused);
    } else {
        let prefix = format!("{name}/");
        for (path, bytes) in crate::assets::THEMES {
            if let Some(rel) = path.strip_prefix(&prefix) {
                files.push((
                    rel.to_owned(),
                    bytes.to_vec(),
                    PathBuf::from(format!("<built-in theme>/{path}")),
                ));
            }
        }
        if files.is_empty() {
            let known: Vec<&str> = crate::assets::theme_names();
            return Err(vec![Diagnostic::file_level(
                Severity::Error,
                crate::config::CONFIG_FILE,
                format!(
                    "no theme `{name}`: not in themes/{name}/ and not built in (built in: {})",
                    known.join(", ")
                ),
            )]);
        }
    }
    // Every theme shares the built-in default theme's scripts and styles
    // for the search box and the refund calculator: they drive faqtory's
    // wasm modules and search export, not a theme's markup. A theme's own
    // file wins. Themes on disk too: a copy of a built-in theme (the way to
    // change one) lacked them, and its search box and calculator were dead.
    for rel in SHARED_WIDGET_FILES {
        let own = format!("static/{rel}");
        if files.iter().any(|(r, _, _)| *r == own) {
            continue;
        }
        let shared = format!("{}/static/{rel}", crate::config::DEFAULT_THEME);
        if let Some((path, bytes)) = crate::assets::THEMES.iter().find(|(p, _)| *p == shared) {
            files.push((
                own,
                bytes.to_vec(),
                PathBuf::from(format!("<built-in theme>/{path}")),
            ));
        }
    }

    let mut theme = Theme {
        name: name.to_owned(),
        ..Theme::default()
    };
    let mut strings_file = None;
    let mut fallback_strings = None;
    for (rel, bytes, shown) in files {
        if let Some(t) = rel.strip_prefix("templates/") {
            match String::from_utf8(bytes) {
                Ok(src) => theme.templates.push((t.to_owned(), src, shown)),
                Err(_) => diags.push(Diagnostic::file_level(
                    Severity::Error,
                    shown,
                    "template is not valid UTF-8",
                )),
            }
        } else if let Some(s) = rel.strip_prefix("static/") {
            theme.statics.push((s.to_owned(), bytes));
        } else if let Some(s) = rel.strip_prefix("strings/") {
            if s == format!("{language}.yaml") {
                strings_file = Some((bytes, shown));
            } else if s == "en.yaml" {
                fallback_strings = Some((bytes, shown));
            }
        }
    }
    if let Some((bytes, shown)) = strings_file.or(fallback_strings) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        match crate::yaml::parse::<BTreeMap<String, String>>(crate::yaml::Fragment::whole_file(
            &shown, &text,
        )) {
            Ok(s) => theme.strings = s,
            Err(d) => diags.push(d),
        }
    }

    // Site-level overrides.
    let overrides = root.join("templates");
    if overrides.is_dir() {
        let mut walker = fs.walk(&overrides, false);
        for entry in walker.by_ref() {
            let Ok(e) = entry else { continue };
            if e.file_type().is_dir() {
                continue;
            }
            let name = rel_string(&overrides, e.path());
            let shown = fs.shown(e.path());
            let Some(bytes) = fs.read_or_report(e.path(), &mut diags) else {
                continue;
            };
            match String::from_utf8(bytes) {
                Ok(src) => {
                    theme.templates.retain(|(n, _, _)| n != &name);
                    theme.templates.push((name, src, shown));
                }
                Err(_) => diags.push(Diagnostic::file_level(
                    Severity::Error,
                    shown,
                    "template is not valid UTF-8",
                )),
            }
        }
        diags.append(&mut walker.refused);
    }
    let (errors, warnings): (Vec<_>, Vec<_>) = diags.into_iter().partition(Diagnostic::is_error);
    if errors.is_empty() {
        theme.warnings = warnings;
        Ok(theme)
    } else {
        Err(errors.into_iter().chain(warnings).collect())
    }
}

fn rel_string(base: &Path, p: &Path) -> String {
    p.strip_prefix(base)
        .unwrap_or(p)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}
