//! The list of all questions in pages: a site with more questions than one
//! list page holds (`QUESTIONS_PER_LIST`, 2,000) gets `questions/2/`, … with
//! links between them, in the sitemap too, and every question exactly once.

mod common;

use common::*;

/// Five FAQ pages of 900 questions: lists of 1,800, 1,800 and 900 (a page's
/// questions are never split, so the third page does not join the first
/// list).
fn big_site() -> TempSite {
    let site = TempSite::from_fixture("basic");
    site.write("site.yaml", "title: 大站\nbase_url: https://help.test\n");
    for p in 1..=5 {
        let mut text = format!("---\ntitle: 页面{p}\n---\n");
        for q in 1..=900 {
            text.push_str(&format!("### 问题 {p}-{q}？ {{#q{q}}}\n答案。\n\n"));
        }
        site.write(&format!("content/big/p{p}.md"), text);
    }
    site
}

fn read(site: &TempSite, rel: &str) -> String {
    std::fs::read_to_string(site.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn a_large_question_list_is_split_into_linked_pages() {
    let site = big_site();
    let out = site.run(&["build"]);
    assert!(out.status.success(), "build failed:\n{}", stderr(&out));
    let lists = [
        "public/questions/index.html",
        "public/questions/2/index.html",
        "public/questions/3/index.html",
    ];
    assert!(
        !site.path("public/questions/4/index.html").exists(),
        "a fourth list page for 4,500 + 4 questions"
    );
    let html: Vec<String> = lists.iter().map(|l| read(&site, l)).collect();
    // Each big question on exactly one list page, in order.
    for p in 1..=5 {
        for q in [1, 450, 900] {
            let link = format!("/big/p{p}/#q{q}\"");
            let on: Vec<usize> = (0..3).filter(|&i| html[i].contains(&link)).collect();
            let want = [0, 0, 1, 1, 2][p - 1];
            assert_eq!(on, vec![want], "question {p}-{q} on list pages {on:?}");
        }
    }
    // Neighbours link each other; the first has no previous page, the last
    // no next.
    assert!(html[0].contains("href=\"/questions/2/\" rel=\"next\""));
    assert!(!html[0].contains("rel=\"prev\""));
    assert!(html[1].contains("href=\"/questions/\" rel=\"prev\""));
    assert!(html[1].contains("href=\"/questions/3/\" rel=\"next\""));
    assert!(html[2].contains("href=\"/questions/2/\" rel=\"prev\""));
    assert!(!html[2].contains("rel=\"next\""));
    for (i, h) in html.iter().enumerate() {
        assert!(
            h.contains(&format!("{} / 3", i + 1)),
            "list page {} names its place",
            i + 1
        );
    }
    let sitemap = read(&site, "public/sitemap.xml");
    for url in ["questions/", "questions/2/", "questions/3/"] {
        assert!(
            sitemap.contains(&format!("<loc>https://help.test/{url}</loc>")),
            "sitemap lacks {url}"
        );
    }
}

#[test]
fn a_small_question_list_stays_one_page() {
    let site = TempSite::from_fixture("basic");
    site.write("site.yaml", "title: 小站\nbase_url: https://help.test\n");
    let out = site.run(&["build"]);
    assert!(out.status.success(), "build failed:\n{}", stderr(&out));
    let html = read(&site, "public/questions/index.html");
    assert!(html.contains("/billing/refund/#how"));
    assert!(
        !html.contains("class=\"pager\""),
        "a pager on the only list page"
    );
    assert!(!site.path("public/questions/2").exists());
}

/// The text of a page's `<title>`.
fn title_of(html: &str) -> &str {
    let start = html.find("<title>").expect("a <title>") + "<title>".len();
    let len = html[start..].find("</title>").expect("a </title>");
    &html[start..start + len]
}

/// Regression: every list page after the first carried the first one's
/// `<title>`, so tabs, bookmarks and search results could not tell them
/// apart. Both bundled themes.
#[test]
fn each_question_list_page_has_its_own_title() {
    for theme in ["default", "console"] {
        let site = big_site();
        site.write(
            "site.yaml",
            format!("title: 大站\nbase_url: https://help.test\ntheme: {theme}\n"),
        );
        let out = site.run(&["build"]);
        assert!(
            out.status.success(),
            "{theme}: build failed:\n{}",
            stderr(&out)
        );
        let html: Vec<String> = ["questions/", "questions/2/", "questions/3/"]
            .iter()
            .map(|l| read(&site, &format!("public/{l}index.html")))
            .collect();
        let titles: Vec<&str> = html.iter().map(|h| title_of(h)).collect();
        assert!(!titles[0].contains("/ 3)"), "{theme}: {titles:?}");
        assert!(titles[1].contains("(2 / 3)"), "{theme}: {titles:?}");
        assert!(titles[2].contains("(3 / 3)"), "{theme}: {titles:?}");
        assert!(
            titles.iter().all(|t| t.contains("大站")),
            "{theme}: {titles:?}"
        );
    }
}
