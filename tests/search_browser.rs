//! The search box in headless Chromium (tests/browser/search.mjs) on the
//! sample site built by the binary under test, in each built-in theme.
//! Without node or Chromium it skips loudly, and fails under CI=true.

mod common;
use common::*;
use std::process::Command;

#[test]
fn search_box_in_chromium() {
    search_suite(&repo());
}

/// Regression: the console theme's search box had no script (the scripts
/// lived only in the default theme), so typing in it did nothing.
#[test]
fn search_box_in_chromium_console_theme() {
    let site = tempfile::tempdir().unwrap();
    let config = std::fs::read_to_string(repo().join("site.yaml")).unwrap();
    assert!(
        config.contains("\ntheme: default\n"),
        "the sample site names its theme"
    );
    std::fs::write(
        site.path().join("site.yaml"),
        config.replace("\ntheme: default\n", "\ntheme: console\n"),
    )
    .unwrap();
    copy_tree(&repo().join("content"), &site.path().join("content"));
    search_suite(site.path());
}

/// Builds the site at `root` and runs the Chromium search suite on it.
fn search_suite(root: &std::path::Path) {
    let out_dir = tempfile::tempdir().unwrap();
    let build = Command::new(env!("CARGO_BIN_EXE_faqtory"))
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out_dir.path().join("site"))
        .output()
        .unwrap();
    assert!(build.status.success(), "{}", stderr(&build));
    let browser_dir = repo().join("tests/browser");
    if let Err(why) = browser_modules() {
        return skip(&format!("the search box's browser test: {why}"));
    }
    let run = Command::new("node")
        .arg(browser_dir.join("search.mjs"))
        .arg(out_dir.path().join("site"))
        .output();
    let Ok(run) = run else {
        return common::skip("node not found: the search box's browser test did not run");
    };
    let err = stderr(&run);
    eprintln!("{err}");
    match run.status.code() {
        Some(0) => {}
        Some(3) => common::skip(&format!("the search box's browser test: {err}")),
        _ => panic!("search browser test failed:\n{err}"),
    }
}
