//! `faqtory serve` over real HTTP on 127.0.0.1: the real binary, a fixture
//! site in a temporary folder, raw requests.

mod common;
mod serve_support;

use std::time::Duration;

use common::TempSite;
use serve_support::{Server, editor_save};

const WAIT: Duration = Duration::from_secs(15);

const REFUND: &str = "content/billing/refund.md";

fn refund_with_body(body: &str) -> String {
    format!(
        "---\ntitle: 退款\nweight: 1\nupdated: 2026-01-02\naliases: [old/refund]\n---\n\
         ### 怎么退款？ {{#how}}\n{body}\n\n### 多久到账？\n三天。\n"
    )
}

#[test]
fn serves_pages_assets_and_the_live_script() {
    let site = TempSite::from_fixture("basic");
    let server = Server::start(site.root());

    let page = server.get("/billing/refund/");
    assert_eq!(page.status, 200, "{}", page.head);
    assert_eq!(
        page.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    let html = page.text();
    assert!(html.contains("怎么退款？"), "{html}");
    let script = "<script src=\"/__faqtory/live.js\" defer></script></body>";
    assert!(html.contains(script), "live script not injected: {html}");

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains("测试帮助中心"));

    // The stylesheet the page links to is served, as CSS.
    let href = html
        .split("rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_owned();
    let css = server.get(&href);
    assert_eq!(css.status, 200, "{href}");
    assert_eq!(
        css.header("content-type").as_deref(),
        Some("text/css; charset=utf-8")
    );

    let js = server.get("/__faqtory/live.js");
    assert_eq!(js.status, 200);
    assert!(js.text().contains("EventSource"));

    // A folder without its slash redirects; unknown paths get the 404 page.
    let redirect = server.get("/billing/refund");
    assert_eq!(redirect.status, 301);
    assert_eq!(
        redirect.header("location").as_deref(),
        Some("/billing/refund/")
    );
    assert_eq!(server.get("/no/such/page/").status, 404);

    // HEAD: the headers of GET, no body.
    let head = server.raw(&format!(
        "HEAD /billing/refund/ HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.host()
    ));
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length"),
        Some(page.body.len().to_string())
    );

    // Serving never writes the output folder.
    assert!(!site.path("public").exists());
}

#[test]
fn an_edit_serves_the_new_text_and_sends_a_reload() {
    let site = TempSite::from_fixture("basic");
    let server = Server::start(site.root());
    let events = server.events();

    editor_save(&site.path(REFUND), &refund_with_body("新的说明文字甲。"));
    let reload = events.wait("reload", WAIT).expect("a reload event");
    assert!(
        reload.data.contains("\"/billing/refund/\""),
        "the edited page is among the changed: {}",
        reload.data
    );
    assert!(
        server
            .get("/billing/refund/")
            .text()
            .contains("新的说明文字甲。")
    );

    // A plain write (no rename) works too.
    std::fs::write(site.path(REFUND), refund_with_body("新的说明文字乙。")).expect("write");
    let reload = events.wait("reload", WAIT).expect("a second reload");
    assert!(reload.data.contains("\"/billing/refund/\""));
    assert!(
        server
            .get("/billing/refund/")
            .text()
            .contains("新的说明文字乙。")
    );
    // A page the edit does not show in is not told to reload.
    assert!(
        !reload.data.contains("\"/market/about/\""),
        "{}",
        reload.data
    );
}

#[test]
fn a_broken_edit_shows_the_overlay_and_keeps_the_last_good_site() {
    let site = TempSite::from_fixture("basic");
    let server = Server::start(site.root());
    let events = server.events();

    editor_save(&site.path(REFUND), &refund_with_body("好的版本。"));
    events
        .wait("reload", WAIT)
        .expect("reload after the good edit");

    // An unknown front-matter key on line 3 is an error.
    let broken = refund_with_body("坏的版本。").replacen("weight: 1", "weihgt: 1", 1);
    editor_save(&site.path(REFUND), &broken);
    let err = events
        .wait("build-error", WAIT)
        .expect("a build-error event");
    let status: serde_json::Value = serde_json::from_str(&err.data).expect("json");
    assert_eq!(status["ok"], false);
    let first = &status["errors"][0];
    assert_eq!(first["file"], REFUND, "{status}");
    assert_eq!(first["line"], 3, "{status}");
    assert_eq!(first["column"], 1, "{status}");
    assert!(
        first["message"].as_str().unwrap_or("").contains("weihgt"),
        "{status}"
    );
    assert!(
        first["text"]
            .as_str()
            .unwrap_or("")
            .contains("content/billing/refund.md:3:1"),
        "{status}"
    );

    // The overlay data is served, and so is the last good page.
    let polled: serde_json::Value =
        serde_json::from_str(&server.get("/__faqtory/status").text()).expect("status json");
    assert_eq!(polled["ok"], false);
    assert_eq!(polled["errors"][0]["line"], 3);
    let page = server.get("/billing/refund/");
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains("好的版本。"),
        "last good page is served"
    );
    assert!(!page.text().contains("坏的版本。"));

    // A page opened now learns about the error on connect.
    let late = server.events();
    drop(late);
    let fresh = serve_support::Events::open(server.addr, &server.host(), None);
    let hello = fresh.wait("hello", WAIT).expect("hello");
    assert!(hello.data.contains("\"ok\":false"), "{}", hello.data);

    // Fixing it clears the overlay and reloads.
    editor_save(&site.path(REFUND), &refund_with_body("修好的版本。"));
    let ok = events.wait("build-ok", WAIT).expect("a build-ok event");
    assert!(ok.data.contains("\"ok\":true"), "{}", ok.data);
    let reload = events.wait("reload", WAIT).expect("a reload after the fix");
    assert!(reload.data.contains("\"/billing/refund/\""));
    assert!(
        server
            .get("/billing/refund/")
            .text()
            .contains("修好的版本。")
    );
    let polled: serde_json::Value =
        serde_json::from_str(&server.get("/__faqtory/status").text()).expect("status json");
    assert_eq!(polled["ok"], true);
    assert_eq!(polled["errors"].as_array().map(Vec::len), Some(0));
}

#[test]
fn a_broken_template_keeps_the_last_good_site() {
    let site = TempSite::from_fixture("basic");
    let server = Server::start(site.root());
    let events = server.events();
    let before = server.get("/billing/refund/").text();

    let tpl = site.path("themes/plain/templates/page.html");
    let good = std::fs::read_to_string(&tpl).expect("template");
    editor_save(&tpl, &format!("{good}\n{{% if %}}\n"));
    let err = events.wait("build-error", WAIT).expect("build-error");
    assert!(
        err.data.contains("themes/plain/templates/page.html"),
        "{}",
        err.data
    );
    assert_eq!(server.get("/billing/refund/").text(), before);

    editor_save(&tpl, &good);
    events.wait("build-ok", WAIT).expect("build-ok");
}

#[test]
fn a_stylesheet_edit_swaps_css_without_a_reload() {
    let site = TempSite::from_fixture("basic");
    let server = Server::start(site.root());
    let events = server.events();

    let css = site.path("themes/plain/static/css/plain.css");
    let old = std::fs::read_to_string(&css).expect("css");
    editor_save(&css, &format!("{old}\nbody {{ color: rebeccapurple; }}\n"));
    let swap = events.wait("css", WAIT).expect("a css event");
    let data: serde_json::Value = serde_json::from_str(&swap.data).expect("json");
    assert_eq!(data["sheets"][0]["path"], "/assets/css/plain.css", "{data}");
    let url = data["sheets"][0]["url"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(url.starts_with("/assets/css/plain.css?v="), "{url}");
    // The page now links the new version, and no reload was sent.
    assert!(server.get("/billing/refund/").text().contains(&url));
    let after = events.collect(Duration::from_millis(400));
    assert!(
        after.iter().all(|e| e.name != "reload"),
        "a CSS-only change must not reload: {after:?}"
    );
    assert!(server.get(&url).text().contains("rebeccapurple"));
}

#[test]
fn traversal_in_every_encoding_is_refused() {
    let site = TempSite::from_fixture("basic");
    // A secret beside the site, and a symlink to it where a file system
    // server might look (the output folder and the site root).
    let outside = tempfile::tempdir().expect("tmp");
    std::fs::write(outside.path().join("secret.txt"), "TOP-SECRET").expect("secret");
    std::fs::create_dir_all(site.path("public")).expect("public");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            outside.path().join("secret.txt"),
            site.path("public/secret.txt"),
        )
        .expect("symlink");
        std::os::unix::fs::symlink(outside.path(), site.path("public/out")).expect("symlink");
    }
    let server = Server::start(site.root());
    let host = server.host();
    let targets = [
        "/../../../../etc/passwd",
        "/billing/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/.%2e/.%2e/etc/passwd",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/..%2F..%2Fetc%2Fpasswd",
        "/..%5c..%5cetc%5cpasswd",
        "/..\\..\\etc\\passwd",
        "/%252e%252e/%252e%252e/etc/passwd",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/./billing/refund/",
        "/billing/refund/%00",
        "/secret.txt",
        "/out/secret.txt",
        "/public/secret.txt",
        "/site.yaml",
        "/content/billing/refund.md",
        "http://127.0.0.1/etc/passwd",
        "http://evil.example/../../etc/passwd",
        "file:///etc/passwd",
        "*",
    ];
    for t in targets {
        let r = server.raw(&format!(
            "GET {t} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        ));
        assert!(
            r.status == 400 || r.status == 404,
            "{t}: got {} {}",
            r.status,
            r.text()
        );
        let body = r.text();
        assert!(!body.contains("root:"), "{t} leaked /etc/passwd");
        assert!(!body.contains("TOP-SECRET"), "{t} followed a symlink");
        assert!(!body.contains("title: 退款"), "{t} leaked a source file");
    }
    // The site itself is still fine.
    assert_eq!(server.get("/billing/refund/").status, 200);
}

#[test]
fn foreign_hosts_get_403() {
    let site = TempSite::from_fixture("basic");
    let server = Server::start(site.root());
    let port = server.addr.port();
    let cases: Vec<(String, u16)> = vec![
        (format!("127.0.0.1:{port}"), 200),
        (format!("localhost:{port}"), 200),
        (format!("LocalHost:{port}"), 200),
        (format!("evil.example:{port}"), 403),
        ("evil.example".to_owned(), 403),
        (format!("127.0.0.1.nip.io:{port}"), 403),
        (format!("localhost.evil.example:{port}"), 403),
        (format!("127.0.0.1:{}", port.wrapping_add(1)), 403),
        ("127.0.0.1".to_owned(), 403),
        (format!("10.1.2.3:{port}"), 403),
        (format!("127.0.0.1:{port}@evil.example"), 403),
    ];
    for (host, want) in &cases {
        let r = server.raw(&format!(
            "GET /billing/refund/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        ));
        assert_eq!(r.status, *want, "Host: {host}");
    }
    // No Host at all (HTTP/1.0).
    let r = server.raw("GET /billing/refund/ HTTP/1.0\r\n\r\n");
    assert_eq!(r.status, 403, "no Host");
    // The reload channel too.
    let r = server.raw(&format!(
        "GET /__faqtory/events HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: close\r\n\r\n"
    ));
    assert_eq!(r.status, 403);
}

#[test]
fn the_reload_channel_rejects_foreign_origins() {
    let site = TempSite::from_fixture("basic");
    let server = Server::start(site.root());
    let host = server.host();
    let port = server.addr.port();
    for origin in [
        "http://evil.example".to_owned(),
        format!("http://evil.example:{port}"),
        "null".to_owned(),
        format!("https://127.0.0.1:{port}"),
        format!("http://127.0.0.1:{}", port.wrapping_add(1)),
    ] {
        let ev = serve_support::Events::open(server.addr, &host, Some(&origin));
        assert_eq!(ev.status, 403, "Origin: {origin}");
    }
    for origin in [
        format!("http://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
    ] {
        let ev = serve_support::Events::open(server.addr, &host, Some(&origin));
        assert_eq!(ev.status, 200, "Origin: {origin}");
        assert!(ev.wait("hello", WAIT).is_some());
    }
    // Cross-site fetch metadata is refused as well.
    let r = server.raw(&format!(
        "GET /__faqtory/events HTTP/1.1\r\nHost: {host}\r\nSec-Fetch-Site: cross-site\r\nConnection: close\r\n\r\n"
    ));
    assert_eq!(r.status, 403);
}

#[test]
fn only_get_and_head() {
    let site = TempSite::from_fixture("basic");
    let server = Server::start(site.root());
    let host = server.host();
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"] {
        let r = server.raw(&format!(
            "{method} /billing/refund/ HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ));
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("allow").as_deref(), Some("GET, HEAD"), "{method}");
    }
}

#[test]
fn only_loopback_unless_asked_and_then_a_warning() {
    let site = TempSite::from_fixture("basic");
    let server = Server::start(site.root());
    assert!(server.addr.ip().is_loopback());
    drop(server);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_faqtory"))
        .args(["serve", "--port", "0", "--interface", "not-an-ip", "--root"])
        .arg(site.root())
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(2),
        "a bad interface is a usage error"
    );
}

#[test]
fn api_search_answers_from_tantivy_and_follows_edits() {
    let site = TempSite::from_fixture("basic");
    let server = Server::start(site.root());
    let events = server.events();

    let r = server.get("/api/search?q=%E9%80%80%E6%AC%BE");
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json")
    );
    let hits: serde_json::Value = serde_json::from_str(&r.text()).expect("json");
    let first = &hits[0];
    for field in [
        "title",
        "url",
        "score",
        "category",
        "snippet",
        "title_marks",
        "snippet_marks",
    ] {
        assert!(first.get(field).is_some(), "no `{field}` in {first}");
    }
    assert_eq!(first["url"], "/billing/refund/#how", "{hits}");
    assert_eq!(first["title"], "怎么退款？");
    // One character finds what contains it (退 alone, issue 15), with the
    // character highlighted.
    let one: serde_json::Value =
        serde_json::from_str(&server.get("/api/search?q=%E9%80%80").text()).expect("json");
    assert_eq!(one[0]["url"], "/billing/refund/#how", "{one}");
    assert_eq!(one[0]["title_marks"], serde_json::json!([[2, 3]]), "{one}");

    // An edited answer is searchable after the reload.
    let manifest = server.get("/search/manifest.bin");
    assert_eq!(manifest.status, 200, "the static search export is served");
    editor_save(&site.path(REFUND), &refund_with_body("独角兽退款通道。"));
    events.wait("reload", WAIT).expect("reload");
    // (The search entries are updated right after the reload signal.)
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let hits: serde_json::Value = serde_json::from_str(
            &server
                .get("/api/search?q=%E7%8B%AC%E8%A7%92%E5%85%BD")
                .text(),
        )
        .expect("json");
        if hits[0]["url"] == "/billing/refund/#how" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the edited answer never became searchable: {hits}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // The static export follows (made in the background after the reload).
    let deadline = std::time::Instant::now() + WAIT;
    while server.get("/search/manifest.bin").body == manifest.body {
        assert!(
            std::time::Instant::now() < deadline,
            "the static search export never caught up with the edit"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // Hostile queries are just text.
    let r = server.get(&format!("/api/search?q={}", "%28".repeat(2000)));
    assert_eq!(r.status, 200);
}
