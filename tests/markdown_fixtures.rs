//! Snapshot tests: each page under tests/fixtures/markdown/ rendered with a
//! console, a link resolver and one widget; the snapshot holds the page's
//! HTML, its diagnostics (as printed), its widgets and its outline ids.
//!
//! The same fixtures feed the examples of docs/dialect.md: each example is
//! some blank-line-separated blocks of one fixture, rendered here through the
//! real markdown code, and the doc must hold exactly that source and HTML
//! between its `<!-- example: NAME -->` and `<!-- /example -->` markers.
//! `UPDATE_DOCS=1 cargo test --test markdown_fixtures` rewrites them.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use faqtory::diag::Severity;
use faqtory::markdown::{
    Console, Lang, LineBreaks, LinkResolver, Options, Source, WidgetHost, outline, render,
};

/// Resolves `x.md#a` to `/built/x/#a`; a page named `missing*` does not exist.
struct Resolver;
impl LinkResolver for Resolver {
    fn resolve(&self, dest: &str) -> Result<String, String> {
        let (path, frag) = dest.split_once('#').unwrap_or((dest, ""));
        if path.contains("missing") {
            return Err(format!("link to `{path}`: no such page"));
        }
        let stem = path.trim_end_matches(".md").trim_start_matches("../");
        Ok(if frag.is_empty() {
            format!("/built/{stem}/")
        } else {
            format!("/built/{stem}/#{frag}")
        })
    }
}

/// The doc's resolver: the example page is `content/market/faq.md`, so
/// `x.md` is `/market/x/` and `../billing/x.md` is `/billing/x/`, as a build
/// publishes them; a page named `missing*` does not exist.
struct DocResolver;
impl LinkResolver for DocResolver {
    fn resolve(&self, dest: &str) -> Result<String, String> {
        let (path, frag) = dest.split_once('#').unwrap_or((dest, ""));
        if path.contains("missing") {
            return Err(format!("link to `{path}`: no such page"));
        }
        let mut parts = vec!["market"];
        for seg in path.trim_end_matches(".md").split('/') {
            match seg {
                ".." => {
                    parts.pop();
                }
                "." | "" => {}
                s => parts.push(s),
            }
        }
        let url = format!("/{}/", parts.join("/"));
        Ok(if frag.is_empty() {
            url
        } else {
            format!("{url}#{frag}")
        })
    }
}

struct Widgets;
impl WidgetHost for Widgets {
    fn fallback_html(&self, name: &str, lang: Lang) -> Option<String> {
        (name == "refund-calculator").then(|| match lang {
            Lang::Zh => "<p>退款规则：购买后 5 天内可全额退款。</p>".to_string(),
            Lang::En => "<p>Refunds: full refund within 5 days.</p>".to_string(),
        })
    }
}

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/markdown");
    let mut v: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    v.sort();
    v
}

/// Where the markdown body starts (after a `---` front-matter block).
fn body_start(text: &str) -> usize {
    text.strip_prefix("---\n")
        .and_then(|rest| rest.find("\n---\n"))
        .map_or(0, |end| 4 + end + 5)
}

/// The console the fixtures are written against; `target` is where this
/// build points console links (the snapshots retarget them, the doc not).
fn console(target: &str) -> Console {
    Console {
        content_base_url: "https://console.cloud.tencent.com".into(),
        target_base_url: target.into(),
        routes: ["/deal", "/servicemarket/services", "/workorder"]
            .into_iter()
            .map(String::from)
            .collect::<HashSet<_>>(),
        unknown_route: Severity::Error,
    }
}

fn options<'a>(console: &'a Console, links: &'a dyn LinkResolver) -> Options<'a> {
    Options {
        lang: Lang::Zh,
        line_breaks: LineBreaks::Auto,
        cjk_emphasis: true,
        raw_html: false,
        console: Some(console),
        links,
        widgets: &Widgets,
    }
}

fn render_fixture(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("fixture readable");
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("page.md");
    let file = PathBuf::from("content").join(name);
    let console = console("https://console.intl.example.com/");
    let opts = options(&console, &Resolver);
    let src = Source {
        file: &file,
        text: &text,
        body_start: body_start(&text),
    };
    let r = render(src, &opts);
    let o = outline(src);
    let mut out = String::new();
    for s in &r.sections {
        if let Some(q) = &s.question {
            let _ = writeln!(
                out,
                "<h3 id=\"{}\">{}</h3> <!-- line {} -->",
                q.id, q.title_html, q.line
            );
        }
        out.push_str(&s.html);
    }
    out.push_str("\n--- diagnostics ---\n");
    for d in &r.diagnostics {
        let _ = write!(out, "{d}");
    }
    let _ = writeln!(out, "--- widgets: {:?}", r.widgets);
    let _ = writeln!(out, "--- outline anchors: {:?}", o.anchors);
    let qids: Vec<_> = r.questions().map(|q| q.id.clone()).collect();
    let oids: Vec<_> = o.questions.iter().map(|q| q.id.clone()).collect();
    assert_eq!(qids, oids, "{name}: outline and render disagree on ids");
    out
}

#[test]
fn fixtures_render_as_snapshotted() {
    let all = fixtures();
    assert!(all.len() >= 10);
    for path in all {
        let name = path
            .file_stem()
            .and_then(|n| n.to_str())
            .unwrap_or("fixture")
            .to_string();
        insta::assert_snapshot!(name, render_fixture(&path));
    }
}

/// One example of docs/dialect.md: some blocks of a fixture, by index
/// (blocks are separated by blank lines; an empty list takes them all).
struct Example {
    name: &'static str,
    fixture: &'static str,
    blocks: &'static [usize],
}

/// Every example the doc shows, in the doc's order.
const EXAMPLES: &[Example] = &[
    Example {
        name: "questions",
        fixture: "anchors.md",
        blocks: &[0, 1, 2, 3, 4],
    },
    Example {
        name: "callouts",
        fixture: "callouts.md",
        blocks: &[0, 1, 2, 3, 4, 6],
    },
    Example {
        name: "alerts",
        fixture: "callouts.md",
        blocks: &[8, 9, 10, 11, 12, 13, 14],
    },
    Example {
        name: "emphasis",
        fixture: "emphasis.md",
        blocks: &[],
    },
    Example {
        name: "line-breaks",
        fixture: "linebreaks.md",
        blocks: &[],
    },
    Example {
        name: "numbered-lines",
        fixture: "numbered_lines.md",
        blocks: &[],
    },
    Example {
        name: "menu-paths",
        fixture: "menu_path.md",
        blocks: &[0, 1, 2, 3, 4, 5, 6],
    },
    Example {
        name: "console-links",
        fixture: "console_links.md",
        blocks: &[],
    },
    Example {
        name: "raw-html",
        fixture: "unsafe.md",
        blocks: &[0, 1, 2, 3],
    },
    Example {
        name: "page-links",
        fixture: "links.md",
        blocks: &[],
    },
    Example {
        name: "widgets",
        fixture: "widgets.md",
        blocks: &[0, 1, 2],
    },
];

/// The fixture's blocks: runs of non-blank lines.
fn blocks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push_str(line);
            cur.push('\n');
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A code fence longer than any backtick run in `text`.
fn fence(text: &str) -> String {
    let longest = text
        .lines()
        .map(|l| l.trim_start().chars().take_while(|&c| c == '`').count())
        .max()
        .unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// The example's markdown source, as the doc shows it.
fn example_source(ex: &Example) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/markdown")
        .join(ex.fixture);
    let text = std::fs::read_to_string(&path).expect("fixture readable");
    let all = blocks(&text);
    let picked: Vec<String> = if ex.blocks.is_empty() {
        all
    } else {
        ex.blocks
            .iter()
            .map(|&i| {
                all.get(i).cloned().unwrap_or_else(|| {
                    panic!("example `{}`: {} has no block {i}", ex.name, ex.fixture)
                })
            })
            .collect()
    };
    picked.join("\n")
}

/// What goes between the example's markers: the source, the HTML it
/// renders to, and what faqtory reports about it (if anything).
fn example_block(ex: &Example) -> String {
    let source = example_source(ex);
    let console = console("https://console.cloud.tencent.com");
    let opts = options(&console, &DocResolver);
    let file = PathBuf::from("content/market/faq.md");
    let r = render(
        Source {
            file: &file,
            text: &source,
            body_start: 0,
        },
        &opts,
    );
    let mut html = String::new();
    for s in &r.sections {
        if let Some(q) = &s.question {
            let _ = writeln!(html, "<h3 id=\"{}\">{}</h3>", q.id, q.title_html);
        }
        html.push_str(&s.html);
    }
    let html = format!("{}\n", html.trim_end());
    let (fs, fh) = (fence(&source), fence(&html));
    let mut out = format!("{fs}markdown\n{source}{fs}\n\n{fh}html\n{html}{fh}\n");
    if !r.diagnostics.is_empty() {
        out.push_str("\n```text\n");
        for d in &r.diagnostics {
            let _ = writeln!(
                out,
                "{}: {} (line {}, column {})",
                d.severity, d.message, d.line, d.column
            );
        }
        out.push_str("```\n");
    }
    out
}

const OPEN: &str = "<!-- example: ";
const CLOSE: &str = "<!-- /example -->";

/// Puts `generated(name)` between every pair of example markers in `doc`
/// (a marker counts at the start of a line only).
/// Returns the new doc and the problems no rewrite can fix: a marker that is
/// not closed, a name with no example, an example the doc lacks or shows twice.
fn sync_examples(
    doc: &str,
    names: &[&str],
    generated: impl Fn(&str) -> Option<String>,
) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut problems = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut rest = doc;
    while let Some(at) = rest.find(OPEN) {
        if at > 0 && !rest[..at].ends_with('\n') {
            // Not at the start of a line: prose quoting the marker.
            out.push_str(&rest[..at + OPEN.len()]);
            rest = &rest[at + OPEN.len()..];
            continue;
        }
        let after = &rest[at + OPEN.len()..];
        let Some(name_end) = after.find(" -->") else {
            problems.push("an `<!-- example:` marker without ` -->`".to_string());
            break;
        };
        let name = after[..name_end].trim().to_string();
        let body_start = at + OPEN.len() + name_end + " -->".len();
        let Some(close) = rest[body_start..].find(CLOSE) else {
            problems.push(format!("example `{name}` has no `{CLOSE}`"));
            break;
        };
        out.push_str(&rest[..body_start]);
        let old = &rest[body_start..body_start + close];
        match generated(&name) {
            Some(text) => out.push_str(&format!("\n{text}")),
            None => {
                problems.push(format!("example `{name}` is not in EXAMPLES"));
                out.push_str(old);
            }
        }
        if seen.contains(&name) {
            problems.push(format!("example `{name}` appears twice"));
        }
        seen.push(name);
        out.push_str(CLOSE);
        rest = &rest[body_start + close + CLOSE.len()..];
    }
    out.push_str(rest);
    for name in names {
        if !seen.iter().any(|s| s == name) {
            problems.push(format!(
                "example `{name}` is missing: add `{OPEN}{name} -->` and `{CLOSE}` where it belongs"
            ));
        }
    }
    (out, problems)
}

#[test]
fn dialect_doc_shows_the_fixtures_as_rendered() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/dialect.md");
    let doc = std::fs::read_to_string(&path).expect("docs/dialect.md readable");
    let names: Vec<&str> = EXAMPLES.iter().map(|e| e.name).collect();
    let (fresh, problems) = sync_examples(&doc, &names, |name| {
        EXAMPLES.iter().find(|e| e.name == name).map(example_block)
    });
    let update = std::env::var("UPDATE_DOCS").is_ok_and(|v| v == "1");
    if update && fresh != doc {
        std::fs::write(&path, &fresh).expect("write docs/dialect.md");
    }
    assert!(problems.is_empty(), "docs/dialect.md: {problems:#?}");
    if !update && fresh != doc {
        let stale: Vec<&str> = EXAMPLES
            .iter()
            .filter(|e| !doc.contains(&example_block(e)))
            .map(|e| e.name)
            .collect();
        panic!(
            "docs/dialect.md is out of date with tests/fixtures/markdown (examples {stale:?}); \
             run `UPDATE_DOCS=1 cargo test --test markdown_fixtures` and review the diff"
        );
    }
}

#[test]
fn example_sync_reports_stale_missing_and_unknown_examples() {
    let generated = |name: &str| (name == "a").then(|| "new\n".to_string());
    // A stale block is rewritten, the prose around it kept.
    let (doc, problems) = sync_examples(
        "intro\n<!-- example: a -->\nold\n<!-- /example -->\nafter\n",
        &["a"],
        generated,
    );
    assert_eq!(
        doc,
        "intro\n<!-- example: a -->\nnew\n<!-- /example -->\nafter\n"
    );
    assert!(problems.is_empty(), "{problems:?}");
    // An up-to-date doc is left as it is.
    let (again, _) = sync_examples(&doc, &["a"], generated);
    assert_eq!(again, doc);
    // A missing example, an unknown name, an unclosed marker.
    let (_, problems) = sync_examples("no markers\n", &["a"], generated);
    assert!(problems[0].contains("`a` is missing"), "{problems:?}");
    let (_, problems) = sync_examples("<!-- example: zz -->\n<!-- /example -->", &[], generated);
    assert!(
        problems[0].contains("`zz` is not in EXAMPLES"),
        "{problems:?}"
    );
    let (_, problems) = sync_examples("<!-- example: a -->\nnew\n", &["a"], generated);
    assert!(
        problems[0].contains("no `<!-- /example -->`"),
        "{problems:?}"
    );
    // A marker quoted inside a line is prose, not a marker.
    let quoted = "write `<!-- example: a -->` here\n";
    let (doc, problems) = sync_examples(quoted, &[], generated);
    assert_eq!((doc.as_str(), problems.len()), (quoted, 0));
}
