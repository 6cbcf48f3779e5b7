//! The refund calculator's rules file: loading, validation, CLI and widget.
//!
//! API (small on purpose):
//! - [`DEFAULT_RULES_PATH`]: `content/refund-rules.yaml`, relative to the site root.
//! - [`load`]`(root, rel)`: reads and validates the rules file; every problem
//!   is a [`Diagnostic`] with file:line:col (YAML syntax and type errors from
//!   [`crate::yaml::parse`], semantic ones from [`refund::Rules::validate`],
//!   located by finding the offending key in the source text).
//! - [`parse`]`(file, text)`: the same on text already read.
//! - [`cli`]: `faqtory refund …` ([`cli::RefundArgs`], [`cli::run`]).
//! - [`widget`]: the no-JavaScript fallback HTML and the rules JSON the
//!   browser widget reads (`assets/refund-rules.json`).
//!
//! The engine itself is the pure `refund` crate; see docs/refund.md.

use std::path::{Path, PathBuf};

use refund::{PathSeg, Rules};

use crate::config::FilesConfig;
use crate::diag::{Diagnostic, Severity};
use crate::sitefs::{ReadError, SiteFs};
use crate::yaml::{self, Fragment};

pub mod cli;
pub mod widget;

/// Where the sample site keeps its rules, relative to the site root.
pub const DEFAULT_RULES_PATH: &str = "content/refund-rules.yaml";

/// Reads `root/rel` and validates it. `rel` is how diagnostics name the file.
pub fn load(root: &Path, rel: &Path) -> Result<Rules, Vec<Diagnostic>> {
    load_with(&SiteFs::new(root, &FilesConfig::default()), rel)
}

/// [`load`] through the site's reader (its limits, links out of the site
/// not followed: reported as the warning [`SiteFs::diagnostic`] makes).
pub fn load_with(fs: &SiteFs, rel: &Path) -> Result<Rules, Vec<Diagnostic>> {
    parse(rel, &read(fs, &fs.root().join(rel), rel)?)
}

/// [`load`] for a file named on the command line (`refund --rules FILE`),
/// which may be any file at all (`/etc/passwd`): when it does not even
/// parse as rules, the error gives the place only, never the file's
/// content (no source line, no value quoted by the YAML parser). A file
/// of the rules' shape is reported in full, as [`load`] does.
pub fn load_named(root: &Path, rel: &Path) -> Result<Rules, Vec<Diagnostic>> {
    // The file may live anywhere the user points; it is still read as a
    // regular file under the size cap (a FIFO or /dev/zero cannot hang).
    let path = root.join(rel);
    let folder = path.parent().unwrap_or(root);
    let text = read(&SiteFs::new(folder, &FilesConfig::default()), &path, rel)?;
    match yaml::parse::<Rules>(Fragment::whole_file(rel, &text)) {
        Ok(rules) => validated(rel, &text, rules),
        Err(d) => Err(vec![Diagnostic {
            message: "not a refund rules file (its content is not shown, as it was named \
                      with --rules)"
                .to_owned(),
            source_line: None,
            help: Some(format!(
                "the rules' format is described in docs/refund.md; the \
                 site's own rules are {DEFAULT_RULES_PATH}"
            )),
            ..d
        }]),
    }
}

/// The text of the rules file at `path` (named `rel`), which must be UTF-8.
fn read(fs: &SiteFs, path: &Path, rel: &Path) -> Result<String, Vec<Diagnostic>> {
    match fs.read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => Ok(t),
            Err(_) => Err(vec![Diagnostic::file_level(
                Severity::Error,
                rel,
                "the refund rules file is not valid UTF-8",
            )]),
        },
        Err(ReadError::Io(e)) => Err(vec![Diagnostic::file_level(
            Severity::Error,
            rel,
            format!("cannot read the refund rules file: {e}"),
        )]),
        Err(e) => Err(vec![fs.diagnostic(path, &e)]),
    }
}

/// Parses and validates rules text; `file` names it in diagnostics.
pub fn parse(file: &Path, text: &str) -> Result<Rules, Vec<Diagnostic>> {
    let rules: Rules = yaml::parse(Fragment::whole_file(file, text)).map_err(|d| vec![d])?;
    validated(file, text, rules)
}

/// `rules` (parsed from `text`) when valid, else located problems.
fn validated(file: &Path, text: &str, rules: Rules) -> Result<Rules, Vec<Diagnostic>> {
    let problems = rules.validate();
    if problems.is_empty() {
        return Ok(rules);
    }
    Err(problems
        .iter()
        .map(|p| {
            let (line, col) = locate(text, &p.path).unwrap_or((0, 0));
            Diagnostic::at_line_col(
                Severity::Error,
                PathBuf::from(file),
                text,
                line,
                col,
                format!("{} (at `{}`)", p.message, p.path_string()),
            )
        })
        .collect())
}

/// One meaningful line of a YAML file.
struct Line<'a> {
    /// 1-based line number.
    no: usize,
    /// The whole line.
    full: &'a str,
    /// Leading spaces.
    indent: usize,
}

impl Line<'_> {
    /// The line with leading `- ` markers removed, and the column (0-based,
    /// in bytes) where that content starts: a sequence item's first key sits
    /// on the dash's line, indented past the dash.
    fn key_part(&self) -> (usize, &str) {
        let mut at = self.indent;
        let mut rest = self.full.get(at..).unwrap_or("");
        while let Some(r) = rest.strip_prefix("- ") {
            let trimmed = r.trim_start_matches(' ');
            at += rest.len() - trimmed.len();
            rest = trimmed;
        }
        (at, rest)
    }

    fn is_item(&self) -> bool {
        let rest = self.full.get(self.indent..).unwrap_or("");
        rest.starts_with("- ") || rest == "-"
    }
}

fn key_matches(content: &str, key: &str) -> Option<usize> {
    for quoted in [key.to_owned(), format!("\"{key}\""), format!("'{key}'")] {
        if let Some(rest) = content.strip_prefix(quoted.as_str())
            && rest.trim_start().starts_with(':')
        {
            return Some(quoted.len());
        }
    }
    None
}

/// Finds the line and column (1-based, column in characters) of the key at
/// `path` in block-style YAML `text`, falling back to the deepest parent
/// found. Keys inside a flow mapping (`{zh: …, en: …}`) are found on their line.
pub fn locate(text: &str, path: &[PathSeg]) -> Option<(usize, usize)> {
    let lines: Vec<Line<'_>> = text
        .lines()
        .enumerate()
        .filter_map(|(i, full)| {
            let indent = full.len() - full.trim_start_matches(' ').len();
            let rest = full.get(indent..).unwrap_or("");
            (!rest.is_empty() && !rest.starts_with('#')).then_some(Line {
                no: i + 1,
                full,
                indent,
            })
        })
        .collect();
    let to_col =
        |line: &Line<'_>, byte: usize| line.full.get(..byte).map_or(1, |s| s.chars().count() + 1);
    // The current scope: lines[start..end]; `flow` when we are inside a
    // flow mapping on one line (line index, byte offset where it starts).
    let (mut start, mut end) = (0usize, lines.len());
    let mut flow: Option<(usize, usize)> = None;
    let mut found: Option<(usize, usize)> = None;
    for seg in path {
        match seg {
            PathSeg::Key(key) => {
                if let Some((li, from)) = flow {
                    let line = lines.get(li)?;
                    let hay = line.full.get(from..).unwrap_or("");
                    let hit = [
                        format!("{{{key}:"),
                        format!(", {key}:"),
                        format!(",{key}:"),
                        format!("{{ {key}:"),
                    ]
                    .iter()
                    .filter_map(|pat| {
                        hay.find(pat.as_str())
                            .map(|i| i + pat.find(key).unwrap_or(0))
                    })
                    .min();
                    match hit {
                        Some(i) => {
                            let at = from + i;
                            found = Some((line.no, to_col(line, at)));
                            flow = Some((li, at));
                            continue;
                        }
                        None => return found,
                    }
                }
                let scope = lines.get(start..end)?;
                let level = scope.first().map(|l| l.key_part().0)?;
                let mut hit = None;
                for (off, line) in scope.iter().enumerate() {
                    let (at, content) = line.key_part();
                    if at == level
                        && let Some(klen) = key_matches(content, key)
                    {
                        hit = Some((start + off, at, klen));
                        break;
                    }
                }
                let Some((li, at, klen)) = hit else {
                    return found;
                };
                let line = lines.get(li)?;
                found = Some((line.no, to_col(line, at)));
                let value = line
                    .full
                    .get(at + klen..)
                    .unwrap_or("")
                    .trim_start()
                    .trim_start_matches(':')
                    .trim_start();
                if value.starts_with('{') {
                    flow = Some((li, line.full.len() - value.len()));
                    continue;
                }
                let mut j = li + 1;
                while let Some(l) = lines.get(j) {
                    if j >= end || l.indent < at || (l.indent == at && !l.is_item()) {
                        break;
                    }
                    j += 1;
                }
                (start, end) = (li + 1, j);
            }
            PathSeg::Index(n) => {
                if flow.is_some() {
                    return found;
                }
                let scope = lines.get(start..end)?;
                let dash = scope.iter().find(|l| l.is_item())?.indent;
                let items: Vec<usize> = scope
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.indent == dash && l.is_item())
                    .map(|(i, _)| start + i)
                    .collect();
                let Some(&li) = items.get(*n) else {
                    return found;
                };
                let line = lines.get(li)?;
                found = Some((line.no, to_col(line, line.indent)));
                let next = items.get(n + 1).copied().unwrap_or(end);
                (start, end) = (li, next);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
# comment
timezone: \"+08:00\"
clauses:
  within_review_period:
    clause: {zh: 一, en: One}
    url: /a/#b
categories:
  - id: image
    label: {zh: 镜像, en: Images}
    rule:
      url: /x
  - id: saas
    review_period: {days: 5}
    rule:
      clause:
        zh: 一、3
        en: 1.3
      url: /y
user_situations:
- id: top-level-dash
  rule: {url: /z, clause: {zh: a, en: b}}
";

    fn at(path: &[PathSeg]) -> Option<(usize, usize)> {
        locate(SAMPLE, path)
    }

    use PathSeg::{Index as I, Key as K};

    #[test]
    fn locates_block_keys_items_and_flow_keys() {
        assert_eq!(at(&[K("timezone")]), Some((2, 1)));
        assert_eq!(
            at(&[K("clauses"), K("within_review_period"), K("url")]),
            Some((6, 5))
        );
        assert_eq!(
            at(&[
                K("clauses"),
                K("within_review_period"),
                K("clause"),
                K("en")
            ]),
            Some((5, 21))
        );
        assert_eq!(at(&[K("categories"), I(0), K("id")]), Some((8, 5)));
        assert_eq!(at(&[K("categories"), I(1), K("id")]), Some((12, 5)));
        assert_eq!(
            at(&[K("categories"), I(1), K("rule"), K("url")]),
            Some((18, 7))
        );
        assert_eq!(
            at(&[K("categories"), I(1), K("rule"), K("clause"), K("en")]),
            Some((17, 9))
        );
        assert_eq!(
            at(&[K("categories"), I(0), K("label"), K("en")]),
            Some((9, 21))
        );
        assert_eq!(
            at(&[K("categories"), I(1), K("review_period"), K("days")]),
            Some((13, 21))
        );
        assert_eq!(at(&[K("user_situations"), I(0), K("id")]), Some((20, 3)));
        assert_eq!(
            at(&[K("user_situations"), I(0), K("rule"), K("url")]),
            Some((21, 10))
        );
        assert_eq!(
            at(&[K("user_situations"), I(0), K("rule"), K("clause"), K("en")]),
            Some((21, 35))
        );
    }

    #[test]
    fn falls_back_to_the_deepest_parent() {
        // `free` is absent: point at the category.
        assert_eq!(at(&[K("categories"), I(1), K("free")]), Some((12, 3)));
        assert_eq!(at(&[K("categories"), I(7), K("id")]), Some((7, 1)));
        assert_eq!(at(&[K("nothing")]), None);
    }
}
