//! The real page (../shared/seed) renders as issue 3's "Must show" says.

mod common;

use std::collections::HashSet;
use std::path::Path;

use faqtory::diag::Severity;
use faqtory::markdown::{
    Console, Lang, LineBreaks, LinkResolver, Options, Rendered, Source, WidgetHost, outline, render,
};

struct Links;
impl LinkResolver for Links {
    fn resolve(&self, dest: &str) -> Result<String, String> {
        Ok(dest.to_string())
    }
}
struct Widgets;
impl WidgetHost for Widgets {
    fn fallback_html(&self, _: &str, _: Lang) -> Option<String> {
        None
    }
}

fn console() -> Console {
    Console {
        content_base_url: "https://console.cloud.tencent.com".into(),
        target_base_url: "https://console.cloud.tencent.com".into(),
        routes: ["/deal", "/servicemarket/services", "/workorder"]
            .into_iter()
            .map(String::from)
            .collect::<HashSet<_>>(),
        unknown_route: Severity::Error,
    }
}

/// The seed page rendered; `None` (a skip) where ../shared is not beside
/// the repository, except under CI=true.
fn render_seed() -> Option<(String, Rendered)> {
    let seed = common::shared_file("seed/000_b10f3a39d941f866.txt")?;
    let text = std::fs::read_to_string(seed).expect("seed page is readable");
    let console = console();
    let opts = Options {
        lang: Lang::Zh,
        line_breaks: LineBreaks::Auto,
        cjk_emphasis: true,
        raw_html: false,
        console: Some(&console),
        links: &Links,
        widgets: &Widgets,
    };
    let src = Source {
        file: Path::new("content/market/refund.md"),
        text: &text,
        body_start: 0,
    };
    let r = render(src, &opts);
    Some((text, r))
}

fn page_html(r: &Rendered) -> String {
    let mut s = String::new();
    for sec in &r.sections {
        if let Some(q) = &sec.question {
            s.push_str(&format!("<h3 id=\"{}\">{}</h3>\n", q.id, q.title_html));
        }
        s.push_str(&sec.html);
    }
    s
}

#[test]
fn seed_must_show() {
    let Some((text, r)) = render_seed() else {
        return;
    };
    let html = page_html(&r);
    if std::env::var_os("SHOW_SEED").is_some() {
        println!("{html}");
    }
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert!(!html.contains("**"), "literal ** left");
    assert!(html.contains("<strong>复议期：</strong>"));
    assert!(html.contains("<strong>复议期外退款：</strong>"));
    assert_eq!(html.matches("callout-warning").count(), 1);
    assert_eq!(html.matches("callout-note").count(), 1);
    assert!(
        !html.contains(">!") && !html.contains(">?"),
        "callout markers removed"
    );
    assert!(html.contains("<p class=\"callout-title\">注意</p>"));
    assert!(html.contains("<p class=\"callout-title\">说明</p>"));
    // Each numbered item starts its own line: at the start of a paragraph or
    // right after a <br>.
    for line in text.lines() {
        let t = line.trim();
        let numbered = ["（", "一、", "二、", "三、"]
            .iter()
            .any(|p| t.starts_with(p))
            || t.chars().next().is_some_and(|c| c.is_ascii_digit()) && t.contains('、');
        if !numbered {
            continue;
        }
        let head: String = t.chars().take_while(|&c| c != '*').take(6).collect();
        let ok = html.contains(&format!("<br>\n{head}")) || html.contains(&format!("<p>{head}"));
        assert!(ok, "item not on its own line: {head}");
    }
    assert!(html.contains(
        "<span class=\"menu-path\"><span class=\"menu-item\">费用中心</span><span class=\"menu-sep\" aria-hidden=\"true\">›</span><span class=\"menu-item\"><a class=\"console-link\" href=\"https://console.cloud.tencent.com/deal\" target=\"_blank\" rel=\"noopener\">订单管理</a></span></span>"
    ), "{html}");
    assert_eq!(html.matches("class=\"console-link\"").count(), 3);
    let qs: Vec<_> = r.questions().collect();
    assert_eq!(qs.len(), 5);
    assert_eq!(qs[0].id, "下单了以后在哪里查看我的订单");
    assert!(qs.iter().all(|q| !q.id.is_empty()));
    let ids: HashSet<_> = qs.iter().map(|q| &q.id).collect();
    assert_eq!(ids.len(), 5);
    assert!(
        qs[0].answer_text.contains("费用中心 > 订单管理"),
        "{}",
        qs[0].answer_text
    );
    // outline agrees with render
    let o = outline(Source {
        file: Path::new("content/market/refund.md"),
        text: &text,
        body_start: 0,
    });
    let oids: Vec<_> = o.questions.iter().map(|q| q.id.clone()).collect();
    let rids: Vec<_> = qs.iter().map(|q| q.id.clone()).collect();
    assert_eq!(oids, rids);
}
