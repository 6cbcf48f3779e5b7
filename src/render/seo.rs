//! What search engines read: sitemap.xml, robots.txt, schema.org FAQPage
//! JSON-LD, and redirect pages for old URLs (`aliases`).

use std::fmt::Write as _;

use super::context::SiteContext;
use crate::markdown::Rendered;
use crate::model::Site;
use crate::output::OutputFile;

/// schema.org FAQPage for a page's questions (its `doc`), safe to embed in a
/// `<script type="application/ld+json">` (no `<` left in it).
pub fn faq_json_ld(doc: &Rendered) -> String {
    let entities: Vec<serde_json::Value> = doc
        .questions()
        .map(|q| {
            serde_json::json!({
                "@type": "Question",
                "name": q.title_text,
                "acceptedAnswer": { "@type": "Answer", "text": q.answer_text.trim() },
            })
        })
        .collect();
    let v = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": entities,
    });
    script_safe(&v.to_string())
}

/// Escapes what could end a `<script>` element early or be read as HTML.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// `sitemap.xml`: home, categories, pages, the pages of the list of all
/// questions.
pub fn sitemap(site: &Site, ctx: &SiteContext) -> OutputFile {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut url = |path: &str, lastmod: Option<&str>| {
        // RFC 3986: file names percent-encoded, non-ASCII too.
        let loc = xml_escape(&crate::content::links::encode_non_ascii(&format!(
            "{}{}{}",
            ctx.base_url,
            ctx.root,
            crate::content::links::encode_path(path)
        )));
        let _ = write!(xml, "  <url><loc>{loc}</loc>");
        if let Some(d) = lastmod {
            let _ = write!(xml, "<lastmod>{}</lastmod>", xml_escape(d));
        }
        xml.push_str("</url>\n");
    };
    url("", None);
    for c in site.categories.iter().skip(1) {
        url(&c.path, None);
    }
    for p in &site.pages {
        url(&p.path, p.updated.as_deref());
    }
    let lists = super::question_lists(site, super::QUESTIONS_PER_LIST).len();
    for k in 0..lists {
        url(&super::question_list_path(k), None);
    }
    xml.push_str("</urlset>\n");
    OutputFile::new(crate::content::urls::SITEMAP_FILE, xml)
}

/// `robots.txt` naming every language's sitemap.
pub fn robots(sitemaps: &[String]) -> OutputFile {
    let mut text = String::from("User-agent: *\nAllow: /\n\n");
    for s in sitemaps {
        text.push_str(&format!("Sitemap: {s}\n"));
    }
    OutputFile::new(crate::content::urls::ROBOTS_FILE, text)
}

/// A page at `alias` (site-relative) that sends readers on to `to`.
pub fn redirect(alias: &str, to: &str, ctx: &SiteContext) -> OutputFile {
    let path = crate::content::urls::alias_output_path(alias);
    let to = xml_escape(to);
    let canonical = format!("{}{}", ctx.base_url, to);
    OutputFile::new(
        path,
        format!(
            "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{to}</title>\
             <link rel=\"canonical\" href=\"{canonical}\"><meta http-equiv=\"refresh\" content=\"0; url={to}\">\
             </head><body><a href=\"{to}\">{to}</a></body></html>\n",
            ctx.language
        ),
    )
}

/// Escapes text for XML/HTML attribute and element content.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_cannot_close_the_script() {
        assert_eq!(
            script_safe(r#"{"a":"</script><b>"}"#),
            r#"{"a":"\u003c/script\u003e\u003cb\u003e"}"#
        );
    }
}
