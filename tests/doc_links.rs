//! Every link and image in README.md, ARCHITECTURE.md and docs/**/*.md
//! resolves inside the repository: the file exists, a `#fragment` names a
//! heading of the target (GitHub's slugs), nothing climbs out of the
//! repository and nothing points at another site. Code blocks and inline
//! code are examples, not links, and are not checked.
//!
//! The checker is run on tests/fixtures/doc-links-broken/ too, where each
//! kind of breakage must be reported.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// One broken link: the file it is written in, the target as written, why.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Problem {
    file: PathBuf,
    target: String,
    why: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: `{}`: {}",
            self.file.display(),
            self.target,
            self.why
        )
    }
}

fn parser(text: &str) -> Parser<'_> {
    Parser::new_ext(
        text,
        Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_GFM,
    )
}

/// `attr="value"` (or single quotes) values in a piece of raw HTML.
fn html_attrs(html: &str, attr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lower = html.to_ascii_lowercase();
    let needle = format!("{attr}=");
    let mut from = 0;
    while let Some(at) = lower[from..].find(&needle) {
        let start = from + at + needle.len();
        from = start;
        // `src=` must be an attribute of its own, not the end of `data-src=`.
        let before = lower[..start - needle.len()].chars().next_back();
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let rest = &html[start..];
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        if let Some(end) = rest[1..].find(quote) {
            out.push(rest[1..1 + end].to_string());
        }
    }
    out
}

/// Every link and image target in a markdown text, outside code.
fn targets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for event in parser(text) {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                out.push(dest_url.to_string());
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                out.extend(html_attrs(&html, "src"));
                out.extend(html_attrs(&html, "href"));
            }
            _ => {}
        }
    }
    out
}

/// GitHub's anchor for a heading: lowercased; letters, digits (of any
/// script), `-` and `_` kept; spaces become `-`; everything else dropped.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors a markdown file offers: heading slugs (a repeated one gets
/// `-1`, `-2`, … as on GitHub) and `id`/`name` attributes in raw HTML.
fn anchors(text: &str) -> HashSet<String> {
    let mut found = HashSet::new();
    let mut heading: Option<String> = None;
    for event in parser(text) {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = heading.take() {
                    let base = slug(&h);
                    let mut id = base.clone();
                    let mut n = 0;
                    while found.contains(&id) {
                        n += 1;
                        id = format!("{base}-{n}");
                    }
                    found.insert(id);
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                found.extend(html_attrs(&html, "id"));
                found.extend(html_attrs(&html, "name"));
            }
            _ => {}
        }
    }
    found
}

/// `%XX` escapes decoded (links to names with spaces or CJK are written so).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(decoded) if b == b'%' => {
                out.push(decoded);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `dir/rel` with `.` and `..` folded, or `None` when it climbs above `root`.
fn join_inside(root: &Path, dir: &Path, rel: &str) -> Option<PathBuf> {
    let mut parts: Vec<std::ffi::OsString> = Vec::new();
    let inner = dir.strip_prefix(root).ok()?;
    for c in inner.components().chain(Path::new(rel).components()) {
        match c {
            Component::Normal(p) => parts.push(p.to_os_string()),
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.iter().fold(root.to_path_buf(), |p, s| p.join(s)))
}

/// Checks every link and image of `files` (paths inside `root`).
fn check(root: &Path, files: &[PathBuf]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let root = root.canonicalize().expect("root exists");
    for file in files {
        let path = root.join(file);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let dir = path.parent().unwrap_or(&root).to_path_buf();
        for target in targets(&text) {
            let mut report = |why: String| {
                problems.push(Problem {
                    file: file.clone(),
                    target: target.clone(),
                    why,
                });
            };
            let scheme = target.split_once(':').map(|(s, _)| s).filter(|s| {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
            });
            if let Some(s) = scheme {
                report(format!(
                    "a `{s}:` link leaves the repository; name the page in words or copy what it says"
                ));
                continue;
            }
            if target.starts_with("//") || target.starts_with('/') {
                report("an absolute path; write it relative to this file".into());
                continue;
            }
            let (rel, fragment) = match target.split_once('#') {
                Some((p, f)) => (p, Some(percent_decode(f))),
                None => (target.as_str(), None),
            };
            let rel = percent_decode(rel.split('?').next().unwrap_or(""));
            let dest = if rel.is_empty() {
                path.clone()
            } else {
                match join_inside(&root, &dir, &rel) {
                    Some(d) => d,
                    None => {
                        report("leads outside the repository".into());
                        continue;
                    }
                }
            };
            if !dest.exists() {
                report(format!(
                    "no such file ({})",
                    dest.strip_prefix(&root).unwrap_or(&dest).display()
                ));
                continue;
            }
            // A symlink inside the repository may still lead out of it.
            if dest
                .canonicalize()
                .map_or(true, |real| !real.starts_with(&root))
            {
                report("leads outside the repository (through a symlink)".into());
                continue;
            }
            let Some(fragment) = fragment.filter(|f| !f.is_empty()) else {
                continue;
            };
            if dest.extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(&dest).unwrap_or_default();
                if !anchors(&text).contains(&fragment.to_lowercase()) {
                    report(format!("no heading with the anchor `#{fragment}`"));
                }
            }
        }
    }
    problems
}

/// The markdown files of `root/dir`, recursively, relative to `root`, sorted.
fn markdown_under(root: &Path, dir: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.join(dir)];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(p.strip_prefix(root).expect("under root").to_path_buf());
            }
        }
    }
    out.sort();
    out
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_link_in_the_docs_resolves_inside_the_repository() {
    let root = repo();
    let mut files = vec![PathBuf::from("README.md"), PathBuf::from("ARCHITECTURE.md")];
    files.extend(markdown_under(&root, "docs"));
    assert!(files.len() >= 8, "docs/ went missing? {files:?}");
    let problems = check(&root, &files);
    let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        problems.is_empty(),
        "broken links in the docs:\n  {}",
        list.join("\n  ")
    );
}

#[test]
fn the_checker_reports_each_kind_of_broken_link() {
    let root = repo().join("tests/fixtures/doc-links-broken");
    let problems = check(&root, &[PathBuf::from("README.md")]);
    let found = |target: &str, why: &str| {
        problems
            .iter()
            .any(|p| p.target == target && p.why.contains(why))
    };
    let expected = [
        ("docs/missing.png", "no such file"),
        ("docs/nowhere.md", "no such file"),
        (
            "docs/guide.md#no-such-heading",
            "no heading with the anchor",
        ),
        ("#not-here", "no heading with the anchor"),
        ("../outside.md", "leads outside the repository"),
        ("docs/../../escape.md", "leads outside the repository"),
        ("https://example.com/", "leaves the repository"),
        ("/docs/guide.md", "absolute path"),
        ("docs/also-missing.jpg", "no such file"),
    ];
    for (target, why) in expected {
        assert!(
            found(target, why),
            "`{target}` should be reported ({why}); got {problems:#?}"
        );
    }
    assert_eq!(
        problems.len(),
        expected.len(),
        "the good links and the code examples are not problems: {problems:#?}"
    );
}

#[test]
fn slugs_follow_github() {
    assert_eq!(
        slug("1. Pages, questions and anchors"),
        "1-pages-questions-and-anchors"
    );
    assert_eq!(
        slug("What `faqtory build` will touch"),
        "what-faqtory-build-will-touch"
    );
    assert_eq!(slug("云市场 常见问题？"), "云市场-常见问题");
    assert_eq!(
        slug("Search, the refund calculator, translations"),
        "search-the-refund-calculator-translations"
    );
    let a = anchors("# A\n\n## A\n\n```\n# not a heading\n```\n");
    assert!(
        a.contains("a") && a.contains("a-1") && !a.contains("not-a-heading"),
        "{a:?}"
    );
}
