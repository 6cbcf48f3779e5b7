//! The only module that touches YAML.
//!
//! serde_yaml is archived; every YAML call in faqtory goes through here so it
//! can be swapped for another parser in one place. Errors come back as a
//! [`Diagnostic`] located in the *file* (not in the YAML fragment), so front
//! matter that starts on line 2 of a page reports the page's line numbers.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, Severity};

/// A YAML fragment inside a larger file.
#[derive(Clone, Copy, Debug)]
pub struct Fragment<'a> {
    /// The file as the user names it.
    pub file: &'a Path,
    /// The whole file's text (used to show the offending line).
    pub whole: &'a str,
    /// The YAML text itself.
    pub yaml: &'a str,
    /// How many lines of the file come before the fragment's first line.
    pub line_offset: usize,
}

impl<'a> Fragment<'a> {
    /// A whole file that is YAML (site.yaml, refund-rules.yaml).
    pub fn whole_file(file: &'a Path, text: &'a str) -> Self {
        Fragment {
            file,
            whole: text,
            yaml: text,
            line_offset: 0,
        }
    }
}

/// Deserializes `frag` into `T`. Unknown keys and wrong types are errors when
/// `T` says so (`#[serde(deny_unknown_fields)]`), named with file:line:col.
pub fn parse<T: DeserializeOwned>(frag: Fragment<'_>) -> Result<T, Diagnostic> {
    // An empty fragment (e.g. `---\n---`) means "no keys", not "null".
    let yaml = if frag.yaml.trim().is_empty() {
        "{}"
    } else {
        frag.yaml
    };
    serde_yaml::from_str::<T>(yaml).map_err(|e| to_diagnostic(&e, frag))
}

fn to_diagnostic(e: &serde_yaml::Error, frag: Fragment<'_>) -> Diagnostic {
    let message = strip_location(&e.to_string());
    let help = did_you_mean(&message);
    let d = match e.location() {
        Some(loc) => Diagnostic::at_line_col(
            Severity::Error,
            frag.file,
            frag.whole,
            loc.line() + frag.line_offset,
            loc.column(),
            message,
        ),
        None => Diagnostic::at_line_col(
            Severity::Error,
            frag.file,
            frag.whole,
            frag.line_offset + 1,
            1,
            message,
        ),
    };
    match help {
        Some(h) => d.with_help(h),
        None => d,
    }
}

/// For "unknown key `wieght`, expected one of `title`, `weight`": the
/// closest expected key, when one is close.
fn did_you_mean(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown key `")?;
    let (unknown, rest) = rest.split_once('`')?;
    let expected = rest.split_once("expected")?.1;
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|k| (edit_distance(unknown, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| format!("did you mean `{k}`?"))
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// serde_yaml appends " at line L column C" (locations relative to the
/// fragment); we print our own, so drop it.
fn strip_location(msg: &str) -> String {
    let msg = msg.trim();
    let cut = msg.rfind(" at line ").filter(|&i| {
        let tail = &msg[i + " at line ".len()..];
        let mut parts = tail.split(" column ");
        matches!(
            (parts.next(), parts.next(), parts.next()),
            (Some(l), Some(c), None)
                if l.chars().all(|ch| ch.is_ascii_digit()) && c.chars().all(|ch| ch.is_ascii_digit())
        )
    });
    let base = match cut {
        Some(i) => &msg[..i],
        None => msg,
    };
    // serde_yaml words are "unknown field `x`, expected one of ..."; we call
    // them keys, as the YAML author does.
    base.replacen("unknown field", "unknown key", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fm {
        title: Option<String>,
        weight: Option<i64>,
    }

    #[test]
    fn unknown_key_is_reported_at_its_file_line() {
        let whole = "---\ntitle: 退款\ntitel: x\n---\nbody\n";
        let frag = Fragment {
            file: Path::new("c/a.md"),
            whole,
            yaml: "title: 退款\ntitel: x\n",
            line_offset: 1,
        };
        let d = parse::<Fm>(frag).unwrap_err();
        assert_eq!((d.line, d.column), (3, 1), "{d}");
        assert!(
            d.message.starts_with("unknown key `titel`"),
            "{}",
            d.message
        );
        assert_eq!(d.source_line.as_deref(), Some("titel: x"));
        assert_eq!(d.help.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn wrong_type_names_the_key_line() {
        let whole = "---\ntitle: a\nweight: heavy\n---\n";
        let frag = Fragment {
            file: Path::new("a.md"),
            whole,
            yaml: "title: a\nweight: heavy\n",
            line_offset: 1,
        };
        let d = parse::<Fm>(frag).unwrap_err();
        assert_eq!(d.line, 3, "{d}");
        assert!(d.message.contains("weight"), "{}", d.message);
    }

    #[test]
    fn empty_fragment_is_an_empty_mapping() {
        let frag = Fragment {
            file: Path::new("a.md"),
            whole: "---\n---\n",
            yaml: "",
            line_offset: 1,
        };
        let fm = parse::<Fm>(frag).unwrap();
        assert!(fm.title.is_none());
    }
}
