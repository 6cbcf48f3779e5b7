//! Splitting a markdown file into YAML front matter and body.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, Severity};
use crate::yaml;

/// Where the front matter and the body lie in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines (empty when there is none).
    pub yaml: &'a str,
    /// Lines before the YAML's first line (1 when front matter is present).
    pub yaml_line_offset: usize,
    /// Byte offset where the markdown body starts.
    pub body_start: usize,
}

/// Finds the front matter of `text`. A file starting with `---` must close
/// it with a `---` line; otherwise the error points at the opening line.
pub fn split<'a>(file: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let bom = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let rest = &text[bom..];
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    if rest[..first_line_end].trim_end() != "---" {
        return Ok(Split {
            yaml: "",
            yaml_line_offset: 0,
            body_start: 0,
        });
    }
    let yaml_start = bom + first_line_end;
    let mut pos = yaml_start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = text[pos..end].trim_end();
        if line == "---" || line == "..." {
            return Ok(Split {
                yaml: &text[yaml_start..pos],
                yaml_line_offset: 1,
                body_start: end,
            });
        }
        pos = end;
    }
    Err(Diagnostic::at_line_col(
        Severity::Error,
        file,
        text,
        1,
        1,
        "front matter is never closed: add a `---` line after it",
    ))
}

/// `text` with every U+0000 in its body (from `body_start`) replaced by
/// U+FFFD, as CommonMark requires (§2.3); pulldown-cmark passes NULs
/// through to text, code and titles. One character for one, so lines and
/// columns of diagnostics stay where they were. (A NUL in the front matter
/// is a YAML error of its own.)
pub fn replace_nul_in_body(text: String, body_start: usize) -> String {
    match text.get(body_start..) {
        Some(body) if body.contains('\0') => {
            let mut out = String::with_capacity(text.len() + 8);
            out.push_str(&text[..body_start]);
            out.push_str(&body.replace('\0', "\u{FFFD}"));
            out
        }
        _ => text,
    }
}

/// Splits and parses the front matter into `T`.
pub fn parse<T: DeserializeOwned + Default>(
    file: &Path,
    text: &str,
) -> Result<(T, usize), Diagnostic> {
    let s = split(file, text)?;
    if s.yaml_line_offset == 0 {
        return Ok((T::default(), s.body_start));
    }
    let fm = yaml::parse(yaml::Fragment {
        file,
        whole: text,
        yaml: s.yaml,
        line_offset: s.yaml_line_offset,
    })?;
    Ok((fm, s.body_start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_front_matter() {
        let s = split(Path::new("a.md"), "# hi\n").unwrap();
        assert_eq!(s.body_start, 0);
    }

    #[test]
    fn front_matter_then_body() {
        let t = "---\ntitle: x\n---\nbody";
        let s = split(Path::new("a.md"), t).unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(&t[s.body_start..], "body");
    }

    #[test]
    fn never_closed_points_at_line_one() {
        let d = split(Path::new("a.md"), "---\ntitle: x\nbody\n").unwrap_err();
        assert_eq!(d.location(), "a.md:1:1");
    }

    #[test]
    fn crlf_front_matter() {
        let t = "---\r\ntitle: x\r\n---\r\nbody";
        let s = split(Path::new("a.md"), t).unwrap();
        assert_eq!(&t[s.body_start..], "body");
    }

    #[test]
    fn nul_in_body_becomes_replacement_character() {
        let t = "---\ntitle: x\n---\na\0b\n".to_owned();
        let s = split(Path::new("a.md"), &t).unwrap();
        let r = replace_nul_in_body(t.clone(), s.body_start);
        assert_eq!(r, "---\ntitle: x\n---\na\u{FFFD}b\n");
        assert_eq!(replace_nul_in_body("ab".into(), 0), "ab");
    }
}
