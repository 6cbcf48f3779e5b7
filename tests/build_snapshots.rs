//! Snapshot tests over fixture sites: every rendered page of
//! tests/fixtures/basic (with its own small `plain` theme, so theme work on
//! the default theme does not churn these), and the diagnostics printed for
//! tests/fixtures/broken. Review changes with `cargo insta review`.

mod common;
use common::*;

#[test]
fn basic_site_pages() {
    let site = TempSite::from_fixture("basic");
    let out = site.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let files = tree(&site.path("public"));
    let names: Vec<&String> = files.keys().collect();
    insta::assert_debug_snapshot!("basic_site_files", names);
    for (path, bytes) in &files {
        if path.ends_with(".html") || path.ends_with(".xml") || path.ends_with(".txt") {
            let name = format!("basic_{}", path.replace(['/', '.'], "_"));
            insta::assert_snapshot!(name, String::from_utf8_lossy(bytes));
        }
    }
}

#[test]
fn broken_site_diagnostics() {
    let site = TempSite::from_fixture("broken");
    let out = site.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    // The summary line has a timing in it; everything above it is stable.
    let err = stderr(&out);
    let (diags, summary) = err
        .trim_end()
        .rsplit_once('\n')
        .expect("diagnostics then a summary");
    assert!(summary.starts_with("Checked "), "{summary}");
    insta::assert_snapshot!("broken_site_diagnostics", diags);
}
