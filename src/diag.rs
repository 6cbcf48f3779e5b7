//! Diagnostics: the one shape every problem takes before a user sees it.
//!
//! A [`Diagnostic`] names a severity, a file, a 1-based line and column, a
//! message and (when known) the offending source line, and prints like rustc:
//!
//! ```text
//! error: unknown front-matter key `titel`
//!   --> content/billing/refund.md:2:1
//!    |
//!  2 | titel: 退款
//!    | ^
//! ```
//!
//! Stages never stop at the first problem: they push into a [`Diagnostics`]
//! list and carry on, so one run reports everything.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is. Errors fail `build` and `check` (exit 1).
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One problem, located in a file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, as the user would name it (relative to the site root when
    /// the file lies inside it).
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub column: usize,
    pub message: String,
    /// The text of the offending line, without its line ending.
    pub source_line: Option<String>,
    /// An optional hint printed under the snippet.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem about a whole file (unreadable, not UTF-8, ...).
    pub fn file_level(
        severity: Severity,
        file: impl Into<PathBuf>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            file: file.into(),
            line: 0,
            column: 0,
            message: message.into(),
            source_line: None,
            help: None,
        }
    }

    /// A problem at a 1-based line and column of `text` (the whole file).
    pub fn at_line_col(
        severity: Severity,
        file: impl Into<PathBuf>,
        text: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        let source_line = if line == 0 {
            None
        } else {
            text.lines().nth(line - 1).map(str::to_owned)
        };
        Diagnostic {
            severity,
            file: file.into(),
            line,
            column,
            message: message.into(),
            source_line,
            help: None,
        }
    }

    /// A problem at byte `offset` of `text` (the whole file).
    pub fn at_offset(
        severity: Severity,
        file: impl Into<PathBuf>,
        text: &str,
        offset: usize,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = line_col(text, offset);
        Self::at_line_col(severity, file, text, line, column, message)
    }

    pub fn error(
        file: impl Into<PathBuf>,
        text: &str,
        offset: usize,
        message: impl Into<String>,
    ) -> Self {
        Self::at_offset(Severity::Error, file, text, offset, message)
    }

    pub fn warning(
        file: impl Into<PathBuf>,
        text: &str,
        offset: usize,
        message: impl Into<String>,
    ) -> Self {
        Self::at_offset(Severity::Warning, file, text, offset, message)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col` (or less when unknown), as editors and terminals link it.
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (0, _) => self.file.display().to_string(),
            (l, 0) => format!("{}:{l}", self.file.display()),
            (l, c) => format!("{}:{l}:{c}", self.file.display()),
        }
    }
}

/// Converts a byte offset in `text` to a 1-based (line, column-in-chars).
/// Offsets past the end clamp to the end; offsets inside a character count
/// that character.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut cut = offset;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let before = &text[..cut];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}: {}", self.severity, self.message)?;
        let gutter = if self.line == 0 {
            1
        } else {
            self.line.to_string().len()
        };
        let pad = " ".repeat(gutter);
        writeln!(f, "{pad}--> {}", self.location())?;
        if let Some(src) = &self.source_line {
            let shown = src.replace('\t', "    ");
            writeln!(f, "{pad} |")?;
            writeln!(f, "{} | {}", self.line, shown)?;
            if self.column > 0 {
                // Wide (CJK) characters take two terminal cells.
                let cells: usize = src
                    .chars()
                    .take(self.column - 1)
                    .map(|c| if c == '\t' { 4 } else { display_width(c) })
                    .sum();
                writeln!(f, "{pad} | {}^", " ".repeat(cells))?;
            }
        }
        if let Some(help) = &self.help {
            writeln!(f, "{pad} = help: {help}")?;
        }
        Ok(())
    }
}

/// Terminal cells a character takes: 2 for East Asian wide and full-width
/// characters, 1 otherwise. Enough for the caret under a source line.
fn display_width(c: char) -> usize {
    let cp = c as u32;
    let wide = matches!(cp,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF |
        0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF |
        0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F |
        0x1F900..=0x1F9FF | 0x20000..=0x2FFFD | 0x30000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

/// Every problem of a run, in the order found.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
    /// Sorted by file, line and column, so output is stable whatever order
    /// stages ran in; each reported once (every language of a site renders
    /// the same theme, so one template error would otherwise print once per
    /// language).
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items
            .sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        let mut seen = std::collections::HashSet::new();
        self.items.retain(|d| {
            seen.insert((
                d.file.clone(),
                d.line,
                d.column,
                d.severity,
                d.message.clone(),
            ))
        });
        self.items
    }
}

/// Shows `path` relative to `root` when it lies inside it.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "第一行\n退款**规则**";
        assert_eq!(line_col(text, 0), (1, 1));
        let off = text.find("**").unwrap();
        assert_eq!(line_col(text, off), (2, 3));
        assert_eq!(line_col(text, 10_000), (2, 9));
    }

    #[test]
    fn prints_like_rustc_with_caret_under_wide_text() {
        let text = "---\ntitel: 退款\n---\n";
        let d = Diagnostic::error("content/a.md", text, 4, "unknown front-matter key `titel`");
        let shown = d.to_string();
        assert_eq!(
            shown,
            "error: unknown front-matter key `titel`\n --> content/a.md:2:1\n  |\n2 | titel: 退款\n  | ^\n"
        );
    }
}
