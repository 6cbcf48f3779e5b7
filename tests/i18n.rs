//! Translations: `name.en.md` beside `name.md` is the English version of the
//! page, built under /en/, linked both ways, with its own language in
//! `<html lang>` and its links resolved within the translation.

mod common;
use common::*;

#[test]
fn translated_pages_are_built_under_their_language_and_linked() {
    let site = TempSite::from_fixture("i18n");
    let out = site.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("Built 5 pages"), "{}", stderr(&out));
    let read = |p: &str| std::fs::read_to_string(site.path("public").join(p)).unwrap();

    let en = read("en/billing/refund/index.html");
    assert!(
        en.contains(r#"<html lang="en" data-root="/docs/en/">"#),
        "{en}"
    );
    assert!(en.contains("How do I get a refund?"), "{en}");
    // Links inside the translation go to the translated page.
    assert!(
        en.contains(r#"href="/docs/en/market/orders/#where""#),
        "{en}"
    );
    // English callout titles.
    assert!(en.contains(r#"<p class="callout-title">Note</p>"#), "{en}");
    // Both versions point at each other.
    assert!(
        en.contains(r#"hreflang="zh-CN" href="/docs/billing/refund/""#),
        "{en}"
    );
    assert!(
        en.contains(r#"hreflang="en" href="/docs/en/billing/refund/" data-current"#),
        "{en}"
    );
    let zh = read("billing/refund/index.html");
    assert!(
        zh.contains(r#"hreflang="en" href="/docs/en/billing/refund/""#),
        "{zh}"
    );
    assert!(!zh.contains("How do I get a refund?"));
    // A page without a translation points at the other language's home.
    let about = read("market/about/index.html");
    assert!(
        about.contains(r#"hreflang="en" href="/docs/en/""#),
        "{about}"
    );
    // The translation's category title comes from _index.en.md; its home
    // from translations[].title.
    assert!(read("en/billing/index.html").contains("<h1>Billing</h1>"));
    assert!(read("en/index.html").contains("Test Help Center"));
    // One robots.txt naming both sitemaps; one copy of the assets.
    let robots = read("robots.txt");
    assert!(
        robots.contains("Sitemap: https://help.test/docs/sitemap.xml"),
        "{robots}"
    );
    assert!(
        robots.contains("Sitemap: https://help.test/docs/en/sitemap.xml"),
        "{robots}"
    );
    assert!(!site.path("public/en/robots.txt").exists());
    assert!(!site.path("public/en/assets").exists());
    assert!(
        read("en/sitemap.xml").contains("<loc>https://help.test/docs/en/billing/refund/</loc>")
    );
}

#[test]
fn a_translation_of_the_sites_own_language_is_an_error() {
    let site = TempSite::from_fixture("i18n");
    let cfg = std::fs::read_to_string(site.path("site.yaml"))
        .unwrap()
        .replace("language: en", "language: zh-CN");
    site.write("site.yaml", cfg);
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the site's own language"),
        "{}",
        stderr(&out)
    );
}
