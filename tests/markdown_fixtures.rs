//! Snapshot tests: each page under tests/fixtures/markdown/ rendered with a
//! console, a link resolver and one widget; the snapshot holds the page's
//! HTML, its diagnostics (as printed), its widgets and its outline ids.

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

fn render_fixture(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("fixture readable");
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("page.md");
    let file = PathBuf::from("content").join(name);
    let console = Console {
        content_base_url: "https://console.cloud.tencent.com".into(),
        target_base_url: "https://console.intl.example.com/".into(),
        routes: ["/deal", "/servicemarket/services", "/workorder"]
            .into_iter()
            .map(String::from)
            .collect::<HashSet<_>>(),
        unknown_route: Severity::Error,
    };
    let opts = Options {
        lang: Lang::Zh,
        line_breaks: LineBreaks::Auto,
        cjk_emphasis: true,
        raw_html: false,
        console: Some(&console),
        links: &Resolver,
        widgets: &Widgets,
    };
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
