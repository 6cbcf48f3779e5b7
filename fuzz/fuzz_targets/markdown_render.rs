//! The markdown module on arbitrary pages: never panics; with sanitising on
//! no script or `javascript:` URL reaches the output; outline and render
//! agree on question ids (under the default CJK emphasis); its HTML writer
//! writes what pulldown-cmark's `push_html` writes.
//!
//! The module is compiled alone (with `diag`, its only crate dependency) so
//! the target does not build the whole generator.
#![no_main]

#[allow(dead_code)]
#[path = "../../src/diag.rs"]
mod diag;
#[allow(dead_code)]
#[path = "../../src/markdown/mod.rs"]
mod markdown;

use std::collections::HashSet;
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use markdown::{Console, Lang, LineBreaks, LinkResolver, Options, Source, WidgetHost};

struct Links;
impl LinkResolver for Links {
    fn resolve(&self, dest: &str) -> Result<String, String> {
        if dest.len() % 2 == 0 {
            Ok(format!("/x/{dest}"))
        } else {
            Err("missing".into())
        }
    }
}
struct Widgets;
impl WidgetHost for Widgets {
    fn fallback_html(&self, name: &str, _: Lang) -> Option<String> {
        (name == "refund-calculator").then(|| "<p>rules</p>".to_string())
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let body_start = usize::from(flags >> 4).min(text.len());
    let body_start = (0..=body_start)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let console = Console {
        content_base_url: "https://console.cloud.tencent.com".into(),
        target_base_url: "https://c.example".into(),
        routes: ["/deal".to_string()].into_iter().collect::<HashSet<_>>(),
        unknown_route: diag::Severity::Warning,
    };
    let opts = Options {
        lang: if flags & 1 == 0 { Lang::Zh } else { Lang::En },
        line_breaks: match (flags >> 1) & 3 {
            0 => LineBreaks::Auto,
            1 => LineBreaks::Always,
            _ => LineBreaks::Never,
        },
        cjk_emphasis: flags & 8 == 0,
        raw_html: false,
        console: Some(&console),
        links: &Links,
        widgets: &Widgets,
    };
    let src = Source {
        file: Path::new("fuzz.md"),
        text,
        body_start,
    };
    // The HTML writer alone, on the parser's events under every option:
    // byte for byte what pulldown-cmark's own writer makes of them.
    let all = pulldown_cmark::Options::all() - pulldown_cmark::Options::ENABLE_OLD_FOOTNOTES;
    for options in [markdown::parser_options(), all] {
        let mut want = String::new();
        pulldown_cmark::html::push_html(
            &mut want,
            pulldown_cmark::Parser::new_ext(text, options),
        );
        for (how, got) in markdown::write_each_way(text, options) {
            assert_eq!(got, want, "writer differs from push_html ({how})");
        }
    }
    let r = markdown::render(src, &opts);
    for s in &r.sections {
        let mut all = s.html.to_ascii_lowercase();
        if let Some(q) = &s.question {
            all.push_str(&q.title_html.to_ascii_lowercase());
        }
        assert!(!all.contains("<script"), "script survived: {all}");
        // Text is escaped (`<` becomes `&lt;`), so every `<` opens a real tag.
        for tag in all.split('<').skip(1) {
            let tag = tag.split('>').next().unwrap_or("");
            for attr in [" href=\"", " src=\""] {
                for (i, _) in tag.match_indices(attr) {
                    let v: String = tag[i + attr.len()..]
                        .chars()
                        .take_while(|&c| c != '"')
                        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
                        .collect();
                    assert!(
                        !v.starts_with("javascript:")
                            && !v.starts_with("vbscript:")
                            && !v.starts_with("data:"),
                        "unsafe url survived: {v}"
                    );
                }
            }
        }
    }
    // outline() has no options and assumes the default CJK emphasis, which
    // can change derived ids; compare only under the same setting.
    if !opts.cjk_emphasis {
        return;
    }
    let o = markdown::outline(src);
    let a: Vec<_> = r.questions().map(|q| q.id.as_str()).collect();
    let b: Vec<_> = o.questions.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(a, b, "outline and render disagree");
});
