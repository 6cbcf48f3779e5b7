//! Bounded work on hostile input, and the smaller defects of issue 13:
//! each test is named after what broke.

mod common;
mod serve_support;

use std::time::{Duration, Instant};

use common::{TempSite, stderr, stdout};

/// Runs `faqtory ARGS` in the site's folder, without `--root` (which
/// `faqtory search` does not take).
fn run_in(site: &TempSite, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_faqtory"))
        .args(args)
        .current_dir(site.root())
        .output()
        .expect("run faqtory")
}

fn deep_brackets(n: usize) -> String {
    format!("{}{}", "[".repeat(n), "]".repeat(n))
}

#[test]
fn site_yaml_nested_100k_deep_is_rejected_in_milliseconds() {
    let site = TempSite::from_fixture("basic");
    let yaml = std::fs::read_to_string(site.path("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        format!("{yaml}x: {}\n", deep_brackets(100_000)),
    );
    let start = Instant::now();
    let out = site.run(&["check"]);
    let took = start.elapsed();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("YAML nested deeper than 64 levels"), "{err}");
    let line = yaml.lines().count() + 1;
    assert!(
        err.contains(&format!("site.yaml:{line}:{}", 4 + 63)),
        "{err}"
    );
    // It took minutes before the cap; a debug build answers at once.
    assert!(took < Duration::from_secs(20), "{took:?}");
}

#[test]
fn front_matter_nested_100k_deep_is_rejected_at_its_page_line() {
    let site = TempSite::from_fixture("basic");
    site.write(
        "content/billing/deep.md",
        format!(
            "---\ntitle: deep\ntags: {}\n---\n### Q?\nA.\n",
            deep_brackets(100_000)
        ),
    );
    let start = Instant::now();
    let out = site.run(&["build"]);
    let took = start.elapsed();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("YAML nested deeper than 64 levels"), "{err}");
    // Line 3 of the page (the front matter starts on line 2); the mapping
    // is one level, so the 64th `[` (column 7 + 63) crosses the cap.
    assert!(
        err.contains(&format!("content/billing/deep.md:3:{}", 7 + 63)),
        "{err}"
    );
    assert!(took < Duration::from_secs(20), "{took:?}");
}

#[test]
fn site_yaml_nested_deep_in_blocks_is_rejected() {
    let site = TempSite::from_fixture("basic");
    let yaml = std::fs::read_to_string(site.path("site.yaml")).unwrap();
    let stairs: String = (0..3000)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i + 1)))
        .collect();
    site.write("site.yaml", format!("{yaml}x:\n{stairs}"));
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("YAML nested deeper than 64 levels"), "{err}");
}

#[test]
fn nul_in_site_yaml_is_located_on_its_line_not_at_1_1() {
    let site = TempSite::from_fixture("basic");
    site.write(
        "site.yaml",
        "title: t\nbase_url: https://help.test/docs\0\ntheme: plain\n",
    );
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("site.yaml:2:33"), "{err}");
    assert!(err.contains("U+0000"), "{err}");
}

#[test]
fn search_limit_out_of_range_is_a_usage_error_not_a_panic() {
    let site = TempSite::from_fixture("basic");
    for limit in ["18446744073709551615", "1000000000", "0", "1001"] {
        let out = run_in(&site, &["search", "退款", "--limit", limit]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "--limit {limit}: {err}");
        assert!(err.contains("--limit"), "{err}");
        assert!(
            err.contains(&format!("{limit} is not in 1..=1000")),
            "{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn search_limit_in_range_still_works() {
    let site = TempSite::from_fixture("basic");
    assert_eq!(site.run(&["build"]).status.code(), Some(0));
    let out = run_in(&site, &["search", "退款", "--limit", "1000"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        common::stdout(&out).contains("退款"),
        "{}",
        common::stdout(&out)
    );
}

#[test]
fn base_url_flag_with_javascript_scheme_is_a_usage_error() {
    let site = TempSite::from_fixture("basic");
    for (flag, url) in [
        ("--base-url", "javascript:alert(1)//"),
        ("--base-url", "https://a.test/\"><script>"),
        ("--base-url", "https:///x"),
        ("--console-base-url", "javascript:alert(1)//"),
    ] {
        let out = site.run(&["build", flag, url]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{flag} {url}: {err}");
        assert!(err.contains(flag), "{err}");
        assert!(!site.path("public").exists(), "{flag} {url} wrote the site");
    }
    let out = site.run(&["build", "--base-url", "https://staging.test/help"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn base_url_override_is_checked_in_the_library_api_too() {
    let site = TempSite::from_fixture("basic");
    let report = faqtory::pipeline::check(&faqtory::pipeline::BuildOptions {
        root: site.root().to_path_buf(),
        base_url: Some("javascript:alert(1)//".into()),
        ..Default::default()
    });
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.is_error())
        .expect("an error");
    assert!(d.message.contains("--base-url"), "{d}");
    assert!(d.message.contains("http(s)"), "{d}");
}

#[test]
fn base_url_in_site_yaml_that_breaks_out_of_attributes_is_located() {
    let site = TempSite::from_fixture("basic");
    site.write(
        "site.yaml",
        "title: t\nbase_url: 'https://help.test/\"><script>x</script>'\ntheme: plain\n",
    );
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("site.yaml:2:1"), "{err}");
    assert!(err.contains("`base_url`"), "{err}");
}

/// How many times `needle` occurs in `hay`.
fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

#[test]
fn template_render_error_prints_once_with_translations() {
    let site = TempSite::from_fixture("i18n");
    let page = std::fs::read_to_string(site.path("themes/plain/templates/page.html")).unwrap();
    site.write(
        "themes/plain/templates/page.html",
        page.replacen("{{ page.title }}", "{{ page.nosuch.x }}", 1),
    );
    let out = site.run(&["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(count(&err, "Field `nosuch` is not defined"), 1, "{err}");
    assert!(err.contains("1 error,"), "{err}");
}

#[test]
fn template_unknown_filter_prints_once_at_its_file_line() {
    let site = TempSite::from_fixture("i18n");
    let page = std::fs::read_to_string(site.path("themes/plain/templates/page.html")).unwrap();
    site.write(
        "themes/plain/templates/page.html",
        page.replacen("{{ page.title }}", "{{ page.title | nofilter }}", 1),
    );
    let out = site.run(&["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(
        count(&err, "nofilter"),
        2,
        "message and source line only: {err}"
    );
    assert_eq!(count(&err, "-->"), 1, "{err}");
    let col = page.find("{{ page.title }}").unwrap() + "{{ page.title | ".len() + 1;
    assert!(
        err.contains(&format!("themes/plain/templates/page.html:1:{col}")),
        "{err}"
    );
}

#[test]
fn serve_rejects_a_request_with_two_host_headers() {
    let site = TempSite::from_fixture("basic");
    let server = serve_support::Server::start(site.root());
    let host = server.host();
    for second in [host.as_str(), "evil.test"] {
        let reply = server.raw(&format!(
            "GET / HTTP/1.1\r\nHost: {host}\r\nHost: {second}\r\nConnection: close\r\n\r\n"
        ));
        assert_eq!(reply.status, 400, "Host: {second}: {}", reply.head);
    }
    // One Host header is still fine.
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn refund_rules_flag_does_not_echo_a_foreign_file() {
    let site = TempSite::from_fixture("basic");
    let marker = "SECRET-7f3a9c";
    let files = [
        format!("root:x:0:0:{marker}:/root:/bin/bash\ndaemon:x:1:1::/:/bin/false\n"),
        format!("{marker}: [unclosed\n"),
        format!("password = {marker}\n"),
        format!("title: {marker}\nversion: 1\n"),
        format!("- {marker}\n"),
    ];
    for text in &files {
        site.write("secret.txt", text);
        let secret = site.path("secret.txt");
        let out = site.run(&[
            "refund",
            "--category",
            "image",
            "--purchased",
            "2026-01-01",
            "--rules",
            secret.to_str().unwrap(),
        ]);
        let (err, outp) = (stderr(&out), common::stdout(&out));
        assert_eq!(out.status.code(), Some(1), "{text}: {err}");
        assert!(
            !err.contains(marker) && !outp.contains(marker),
            "{text}: {err}{outp}"
        );
        assert!(err.contains("not a refund rules file"), "{err}");
    }
}

#[test]
fn nul_in_a_page_body_never_reaches_the_html_or_search() {
    let site = TempSite::from_fixture("basic");
    site.write(
        "content/billing/nul.md",
        "---\ntitle: nul page\n---\n### Nul\0question?\ntext a\0b\n\n```\ncode\0x\n```\n\n\
         <div>raw\0html</div>\n\ninline <b>x\0</b> `c\0d`\n",
    );
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let tree = common::tree(&site.path("public"));
    for (path, bytes) in &tree {
        if [".html", ".xml", ".json", ".txt", ".js", ".css"]
            .iter()
            .any(|e| path.ends_with(e))
        {
            assert!(!bytes.contains(&0), "NUL in {path}");
        }
    }
    let page = String::from_utf8(tree["billing/nul/index.html"].clone()).unwrap();
    for s in [
        "Nul\u{FFFD}question?",
        "a\u{FFFD}b",
        "code\u{FFFD}x",
        "c\u{FFFD}d",
    ] {
        assert!(page.contains(s), "{s} missing: {page}");
    }
    for mode in [
        &["search", "Nul", "--json"][..],
        &["search", "Nul", "--json", "--static"],
    ] {
        let out = run_in(&site, mode);
        let json = common::stdout(&out);
        assert!(json.contains("Nul\u{FFFD}question?"), "{mode:?}: {json}");
        assert!(!json.contains('\0') && !json.contains("\\u0000"), "{json}");
    }
}

#[test]
fn updated_that_is_not_a_calendar_day_is_a_located_error() {
    for (value, words) in [
        ("2026-02-30", "not a day of the calendar"),
        ("2025-02-29", "not a day of the calendar"),
        ("2026-13-01", "not a day of the calendar"),
        ("yesterday", "YYYY-MM-DD"),
    ] {
        let site = TempSite::from_fixture("basic");
        site.write(
            "content/billing/dated.md",
            format!("---\ntitle: dated\nweight: 2\nupdated: {value}\n---\n### Q?\nA.\n"),
        );
        let out = site.run(&["check"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{value}: {err}");
        assert!(err.contains("content/billing/dated.md:4:1"), "{err}");
        assert!(err.contains(words), "{err}");
    }
    let site = TempSite::from_fixture("basic");
    site.write(
        "content/billing/dated.md",
        "---\ntitle: dated\nupdated: 2024-02-29\n---\n### Q?\nA.\n",
    );
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn file_names_with_space_hash_question_percent_are_percent_encoded_in_urls() {
    let site = TempSite::from_fixture("basic");
    site.write(
        "content/billing/a b#c?d%.md",
        "---\ntitle: odd name\nweight: 5\n---\n### Odd?\nYes.\n",
    );
    site.write(
        "content/billing/说明.md",
        "---\ntitle: cjk name\nweight: 6\n---\n### Cjk?\nYes.\n",
    );
    let out = site.run(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let read = |p: &str| std::fs::read_to_string(site.path(p)).unwrap();
    let category = read("public/billing/index.html");
    assert!(
        category.contains("href=\"/docs/billing/a%20b%23c%3Fd%25/\""),
        "{category}"
    );
    assert!(
        category.contains("href=\"/docs/billing/说明/\""),
        "{category}"
    );
    let sitemap = read("public/sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://help.test/docs/billing/a%20b%23c%3Fd%25/</loc>"),
        "{sitemap}"
    );
    assert!(
        sitemap.contains("<loc>https://help.test/docs/billing/%E8%AF%B4%E6%98%8E/</loc>"),
        "{sitemap}"
    );
    assert!(sitemap.is_ascii(), "{sitemap}");
    // Search results link to the encoded URL too, in both engines.
    for engine in [
        &["search", "Odd", "--json"][..],
        &["search", "Odd", "--json", "--static"],
    ] {
        let found = run_in(&site, engine);
        assert!(
            stdout(&found).contains("/docs/billing/a%20b%23c%3Fd%25/#"),
            "{engine:?}: {}",
            stdout(&found)
        );
    }
    // The page itself is written at the decoded path.
    let page = read("public/billing/a b#c?d%/index.html");
    assert!(page.contains("odd name"), "{page}");
    // And the preview server finds it at the encoded URL.
    let server = serve_support::Server::start(site.root());
    let reply = server.get("/billing/a%20b%23c%3Fd%25/");
    assert_eq!(reply.status, 200, "{}", reply.head);
    assert!(reply.text().contains("odd name"));
}

#[test]
fn missing_image_is_a_warning_in_build_and_an_error_in_check() {
    let site = TempSite::from_fixture("basic");
    site.write(
        "content/billing/pics.md",
        "---\ntitle: pics\nweight: 3\n---\n### Where?\nSee ![x](img/missing.png) and ![y](img/here.png).\n",
    );
    site.write("content/billing/img/here.png", [0x89u8, b'P', b'N', b'G']);
    let at = "content/billing/pics.md:6:5";
    let out = site.run(&["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("warning: image `img/missing.png`"), "{err}");
    assert!(err.contains(at), "{err}");
    assert!(!err.contains("image `img/here.png`"), "{err}");
    // The image found is linked where it is published.
    let page = std::fs::read_to_string(site.path("public/billing/pics/index.html")).unwrap();
    assert!(
        page.contains("src=\"/docs/billing/img/here.png\""),
        "{page}"
    );
    assert!(site.path("public/billing/img/here.png").is_file());

    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("error: image `img/missing.png`"), "{err}");
    assert!(err.contains(at), "{err}");
}
