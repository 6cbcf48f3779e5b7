//! Themes: tera templates, static files and UI strings.
//!
//! A theme named `N` is read from the site's `themes/N/` folder when it has
//! one, else from the themes built into the binary (so `faqtory new` sites
//! work with nothing but the binary). Templates in the site's own
//! `templates/` folder override the theme's templates of the same name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Severity};

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
}

/// Reads theme `name` for a site at `root` in `language`.
pub fn load(root: &Path, name: &str, language: &str) -> Result<Theme, Vec<Diagnostic>> {
    let mut files: Vec<(String, Vec<u8>, PathBuf)> = Vec::new();
    let dir = root.join("themes").join(name);
    let mut diags = Vec::new();
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir)
            .follow_links(true)
            .sort_by_file_name()
        {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    let rel = rel_string(&dir, e.path());
                    let shown = crate::diag::display_path(root, e.path());
                    match std::fs::read(e.path()) {
                        Ok(b) => files.push((rel, b, shown)),
                        Err(err) => diags.push(Diagnostic::file_level(
                            Severity::Error,
                            shown,
                            format!("cannot read: {err}"),
                        )),
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
        for entry in walkdir::WalkDir::new(&overrides)
            .follow_links(true)
            .sort_by_file_name()
        {
            let Ok(e) = entry else { continue };
            if !e.file_type().is_file() {
                continue;
            }
            let name = rel_string(&overrides, e.path());
            let shown = crate::diag::display_path(root, e.path());
            match std::fs::read_to_string(e.path()) {
                Ok(src) => {
                    theme.templates.retain(|(n, _, _)| n != &name);
                    theme.templates.push((name, src, shown));
                }
                Err(err) => diags.push(Diagnostic::file_level(
                    Severity::Error,
                    shown,
                    format!("cannot read: {err}"),
                )),
            }
        }
    }
    if diags.is_empty() {
        Ok(theme)
    } else {
        Err(diags)
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
