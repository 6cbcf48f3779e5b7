//! Bad input: each case asserts the exact file:line of the error, a
//! non-zero exit that is not a panic (exit 1, not 101), and that the
//! previous output is left byte for byte as it was.

mod common;
use common::*;

/// Builds the fixture once (the "previous output"), breaks it with `mutate`,
/// builds again and checks the error and that nothing changed.
fn assert_rejected(
    name: &str,
    mutate: impl FnOnce(&TempSite),
    expected_location: &str,
    expected_message: &str,
) {
    let site = TempSite::from_fixture("basic");
    let first = site.run(&["build"]);
    assert!(
        first.status.success(),
        "{name}: baseline build failed:\n{}",
        stderr(&first)
    );
    let before = tree(&site.path("public"));
    assert!(before.contains_key("index.html"));

    mutate(&site);
    let out = site.run(&["build"]);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{name}: expected exit 1 (content error), got {:?}:\n{err}",
        out.status
    );
    assert!(!err.contains("panicked"), "{name}: panicked:\n{err}");
    assert!(
        err.contains(&format!("--> {expected_location}")),
        "{name}: expected an error at {expected_location}, got:\n{err}"
    );
    assert!(
        err.contains(expected_message),
        "{name}: expected message containing {expected_message:?}, got:\n{err}"
    );
    assert!(
        err.contains("nothing written"),
        "{name}: summary should say nothing was written:\n{err}"
    );
    assert_eq!(
        tree(&site.path("public")),
        before,
        "{name}: previous output changed"
    );

    // `check` reports the same problem and also exits 1.
    let chk = site.run(&["check"]);
    assert_eq!(
        chk.status.code(),
        Some(1),
        "{name}: check:\n{}",
        stderr(&chk)
    );
    assert!(
        stderr(&chk).contains(&format!("--> {expected_location}")),
        "{name}: check:\n{}",
        stderr(&chk)
    );
}

#[test]
fn front_matter_never_closed() {
    assert_rejected(
        "unclosed",
        |s| {
            s.write(
                "content/billing/refund.md",
                "---\ntitle: 退款\n\n### 怎么退款？\n三天。\n",
            )
        },
        "content/billing/refund.md:1:1",
        "front matter is never closed",
    );
}

#[test]
fn yaml_syntax_error_on_line_3_of_a_page() {
    assert_rejected(
        "yaml syntax",
        |s| {
            s.write(
                "content/billing/refund.md",
                "---\ntitle: 退款\nweight: 1: 2\n---\n### 怎么退款？\n",
            )
        },
        "content/billing/refund.md:3:",
        "error",
    );
}

#[test]
fn yaml_bad_indentation_points_at_its_line() {
    assert_rejected(
        "yaml mapping",
        |s| {
            s.write(
                "content/billing/refund.md",
                "---\ntitle: 退款\n  weight: 1\n---\n### 怎么退款？\n",
            )
        },
        "content/billing/refund.md:3:",
        "error",
    );
}

#[test]
fn unknown_front_matter_key() {
    assert_rejected(
        "unknown key",
        |s| {
            s.write(
                "content/billing/refund.md",
                "---\ntitle: 退款\ncategory: 计费\n---\n### 怎么退款？\n",
            )
        },
        "content/billing/refund.md:3:1",
        "unknown key `category`",
    );
}

#[test]
fn wrong_type_in_front_matter() {
    assert_rejected(
        "wrong type",
        |s| {
            s.write(
                "content/billing/refund.md",
                "---\ntitle: 退款\nweight: first\n---\n### 怎么退款？\n",
            )
        },
        "content/billing/refund.md:3:",
        "weight",
    );
}

#[test]
fn two_pages_with_the_same_slug() {
    assert_rejected(
        "same slug",
        |s| {
            s.write(
                "content/billing/refund-copy.md",
                "---\ntitle: 又一个退款\nslug: refund\n---\n正文\n",
            )
        },
        "content/billing/refund-copy.md",
        "two pages would be built at `/billing/refund/`",
    );
}

#[test]
fn non_utf8_file() {
    assert_rejected(
        "non-utf8",
        |s| {
            s.write(
                "content/billing/gbk.md",
                b"---\ntitle: x\n---\n\xcd\xcb\xbf\xee\n".as_slice(),
            )
        },
        "content/billing/gbk.md:4:1",
        "not valid UTF-8",
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop_in_content() {
    assert_rejected(
        "symlink loop",
        |s| std::os::unix::fs::symlink("..", s.path("content/billing/loop")).unwrap(),
        "content/billing/loop",
        "symlink loop",
    );
}

#[test]
fn template_using_an_unknown_variable() {
    assert_rejected(
        "unknown variable",
        |s| {
            let p = "themes/plain/templates/404.html";
            s.write(p, "{% extends \"base.html\" %}{% block main %}\n<h1>{{ meta.title }}</h1>\n<p>{{ page.nothing }}</p>{% endblock main %}\n");
        },
        "themes/plain/templates/404.html:3:",
        "template:",
    );
}

#[test]
fn template_that_recurses_forever() {
    assert_rejected(
        "recursion",
        |s| {
            let p = "themes/plain/templates/404.html";
            s.write(
                p,
                "{% component forever(n: string) %}{{ <forever n={n} /> }}{% endcomponent forever %}\n\
                 {% extends \"base.html\" %}{% block main %}\n{{ <forever n=\"x\" /> }}\n{% endblock main %}\n",
            );
        },
        "themes/plain/templates/404.html:",
        "recursion",
    );
}

#[test]
fn an_output_directory_that_cannot_be_written() {
    let site = TempSite::from_fixture("basic");
    // A file where the output's parent folder should be: no user, root
    // included, can create a folder inside a regular file.
    site.write("blocker", "not a folder");
    let out = site.run(&["build", "--output", "blocker/public"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("blocker"), "the error names the path:\n{err}");
    assert_eq!(
        std::fs::read_to_string(site.path("blocker")).unwrap(),
        "not a folder"
    );
}

#[test]
fn an_output_path_that_is_a_file_is_not_replaced() {
    let site = TempSite::from_fixture("basic");
    site.write("out.txt", "keep me");
    let out = site.run(&["build", "--output", "out.txt"]);
    // A refused output folder is a usage error (issue 13): exit 2.
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("not a folder"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(site.path("out.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn every_problem_of_a_run_is_reported() {
    let site = TempSite::from_fixture("basic");
    site.write(
        "content/billing/refund.md",
        "---\ntitle: 退款\nwieght: 1\n---\n",
    );
    site.write("content/market/orders.md", "---\ntitle: [\n---\n");
    site.write("content/market/bad.md", "---\nno end\n");
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    for loc in [
        "content/billing/refund.md:3:1",
        "content/market/orders.md:",
        "content/market/bad.md:1:1",
    ] {
        assert!(err.contains(loc), "missing {loc} in:\n{err}");
    }
    assert!(err.contains("3 errors"), "{err}");
}

/// A build reports a page's markdown problems when it renders the page.
/// When the theme cannot be loaded no page is rendered, and its problems
/// must still come out in the same run.
#[test]
fn a_broken_theme_does_not_hide_the_pages_problems() {
    let site = TempSite::from_fixture("basic");
    site.write(
        "content/market/links.md",
        "---\ntitle: 链接\n---\n\n### 问题\n\n见 [别处](../billing/nowhere.md)。\n",
    );
    site.write(
        "themes/plain/templates/404.html",
        "{% extends \"base.html\" %}{% block main %}\n{% if %}\n{% endblock main %}\n",
    );
    for cmd in ["build", "check"] {
        let out = site.run(&[cmd]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{cmd}:\n{err}");
        assert!(
            err.contains("themes/plain/templates/404.html:"),
            "{cmd}:\n{err}"
        );
        assert!(
            err.contains("--> content/market/links.md:7:"),
            "{cmd}: the broken link is not reported:\n{err}"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let site = TempSite::from_fixture("basic");
    let out = site.run(&["build", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
}

// No silent replacement (issue 13): two things on one URL are an error
// naming both, located where the author can fix it.

#[test]
fn a_page_named_search_would_replace_the_search_page() {
    assert_rejected(
        "content/search.md",
        |s| {
            s.write(
                "content/search.md",
                "---\ntitle: 搜索\n---\n### 怎么搜？\n输入。\n",
            )
        },
        "content/search.md",
        "two pages would be built at `/search/`: `content/search.md` and the generated search page",
    );
}

#[test]
fn a_page_named_questions_would_replace_the_question_list() {
    assert_rejected(
        "content/questions.md",
        |s| s.write("content/questions.md", "---\ntitle: 问题\n---\n正文\n"),
        "content/questions.md",
        "the generated list of all questions",
    );
}

#[test]
fn an_alias_would_replace_a_page() {
    assert_rejected(
        "alias onto a page",
        |s| {
            let p = s.path("content/market/orders.md");
            let text = std::fs::read_to_string(&p).unwrap();
            let text = text.replacen("---\n", "---\naliases: [\"/market/about/\"]\n", 1);
            std::fs::write(p, text).unwrap();
        },
        "content/market/orders.md:2:12",
        "alias `/market/about/` of `content/market/orders.md` and `content/market/about.md`",
    );
}

#[test]
fn an_alias_under_the_question_list_is_refused() {
    // `questions/2/` is where a large site's list of all questions goes on.
    assert_rejected(
        "alias under questions/",
        |s| {
            let p = s.path("content/market/orders.md");
            let text = std::fs::read_to_string(&p).unwrap();
            let text = text.replacen("---\n", "---\naliases: [\"/questions/2/\"]\n", 1);
            std::fs::write(p, text).unwrap();
        },
        "content/market/orders.md:2:12",
        "alias `/questions/2/` of `content/market/orders.md` and the generated list of all questions",
    );
}

#[test]
fn a_content_file_would_replace_a_theme_file() {
    assert_rejected(
        "content asset onto a theme file",
        |s| {
            s.write("themes/plain/static/css/plain.svg", "<svg/>");
            s.write("content/assets/css/plain.svg", "<svg>other</svg>");
        },
        "content/assets/css/plain.svg",
        "two files would be written at `assets/css/plain.svg`",
    );
}

#[test]
fn a_page_named_like_a_translation_folder_would_replace_it() {
    let site = TempSite::from_fixture("i18n");
    site.write("content/en.md", "---\ntitle: 英文\n---\n正文\n");
    let out = site.run(&["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("--> content/en.md"), "{err}");
    assert!(
        err.contains("two pages would be built at `/en/`: `content/en.md` and the translation built under `/en/`"),
        "{err}"
    );
    assert!(!site.path("public").exists(), "nothing written");
}

#[test]
fn a_synonym_group_of_one_word() {
    assert_rejected(
        "synonym group of one word",
        |s| {
            let yaml = std::fs::read_to_string(s.path("site.yaml")).unwrap();
            s.write(
                "site.yaml",
                format!("{yaml}search:\n  synonyms:\n    - [退款, 退费]\n    - [发票]\n"),
            );
        },
        &format!(
            "site.yaml:{}:8",
            std::fs::read_to_string(fixture("basic").join("site.yaml"))
                .unwrap()
                .lines()
                .count()
                + 4
        ),
        "group 2 needs at least two words",
    );
}

#[test]
fn a_word_in_two_synonym_groups() {
    assert_rejected(
        "a word in two synonym groups",
        |s| {
            let yaml = std::fs::read_to_string(s.path("site.yaml")).unwrap();
            s.write(
                "site.yaml",
                format!("{yaml}search:\n  synonyms:\n    - [退款, 退费]\n    - [开票, 退款]\n"),
            );
        },
        &format!(
            "site.yaml:{}:12",
            std::fs::read_to_string(fixture("basic").join("site.yaml"))
                .unwrap()
                .lines()
                .count()
                + 4
        ),
        "`退款` is already in group 1",
    );
}
