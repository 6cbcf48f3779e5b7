//! Walking `content/`: every folder and file, or a diagnostic naming the path.
//! Symlink loops, links out of the site, FIFOs and devices, unreadable,
//! too large and non-UTF-8 files are reported, never skipped silently, and
//! never panic.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Severity};
use crate::sitefs::SiteFs;

/// What the walk found, in a stable (sorted) order.
#[derive(Debug, Default)]
pub struct Found {
    /// Folders relative to `content/`, `/`-separated (`""` is content/ itself).
    pub dirs: Vec<String>,
    /// Markdown files: (path relative to `content/`, path to read). They
    /// are read by [`read_markdown`] when loaded, not here: a large site's
    /// texts are never all held at once.
    pub markdown: Vec<(String, PathBuf)>,
    /// Other files to publish as they are (images, PDFs...): relative paths.
    pub assets: Vec<String>,
}

/// Extensions copied to the output unchanged.
const ASSET_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "pdf", "zip", "txt", "mp4", "webm",
];

/// Walks `content_dir` through `fs` (diagnostics name paths relative to the
/// site root). Links out of the site are not followed; files are read
/// within `fs`'s limits.
pub fn walk(fs: &SiteFs, content_dir: &Path, diags: &mut Vec<Diagnostic>) -> Found {
    let mut found = Found::default();
    let shown = |p: &Path| fs.shown(p);
    let mut walker = fs.walk(content_dir, true);
    for entry in walker.by_ref() {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| content_dir.to_path_buf());
                let message = if let Some(ancestor) = err.loop_ancestor() {
                    format!(
                        "symlink loop: this link leads back to `{}`; it was not followed",
                        shown(ancestor).display()
                    )
                } else {
                    format!("cannot read: {}", io_reason(&err))
                };
                diags.push(Diagnostic::file_level(
                    Severity::Error,
                    shown(&path),
                    message,
                ));
                continue;
            }
        };
        let rel = match relative(content_dir, entry.path()) {
            Some(r) => r,
            None => {
                diags.push(Diagnostic::file_level(
                    Severity::Error,
                    shown(entry.path()),
                    "file name is not valid UTF-8",
                ));
                continue;
            }
        };
        if entry.file_type().is_dir() {
            found.dirs.push(rel);
            continue;
        }
        let ext = entry
            .path()
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        if ext == "md" {
            found.markdown.push((rel, entry.path().to_path_buf()));
        } else if ASSET_EXTENSIONS.contains(&ext.as_str()) {
            found.assets.push(rel);
        }
    }
    diags.append(&mut walker.refused);
    found
}

/// Reads a markdown file the walk found: its text, or a diagnostic naming
/// the file (and, for text that is not UTF-8, the line and column of the
/// first bad byte).
pub fn read_markdown(fs: &SiteFs, path: &Path, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let bytes = fs.read_or_report(path, diags)?;
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(e) => {
            let (line, column) = line_col_of_bytes(e.as_bytes(), e.utf8_error().valid_up_to());
            diags.push(Diagnostic {
                severity: Severity::Error,
                file: fs.shown(path),
                line,
                column,
                message: format!(
                    "not valid UTF-8 (byte {} of the file); save it as UTF-8",
                    e.utf8_error().valid_up_to()
                ),
                source_line: None,
                help: None,
            });
            None
        }
    }
}

fn io_reason(err: &walkdir::Error) -> String {
    match err.io_error() {
        Some(io) => io.to_string(),
        None => err.to_string(),
    }
}

fn relative(base: &Path, path: &Path) -> Option<String> {
    let rel: PathBuf = path.strip_prefix(base).ok()?.to_path_buf();
    let mut parts = Vec::new();
    for c in rel.components() {
        parts.push(c.as_os_str().to_str()?.to_owned());
    }
    Some(parts.join("/"))
}

/// 1-based line and column of byte `at` in possibly invalid UTF-8.
fn line_col_of_bytes(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, column)
}
