//! Runs the Chromium suite of the default theme (tests/browser/run.mjs:
//! layout at 360 and 1280 px, console errors, a crawl of every internal
//! link, keyboard navigation, axe-core in light and dark mode, screenshots)
//! from `cargo test`, so the README's one test command runs everything.
//!
//! Needs node and Chromium. Where either is missing the test says so loudly
//! and passes, except under CI=true, where it fails.

mod common;

use std::path::Path;
use std::process::Command;

fn skip_or_fail(why: &str) {
    common::skip(&format!("browser tests: {why}"));
}

#[test]
fn browser_suite() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    if Command::new("node").arg("--version").output().is_err() {
        return skip_or_fail("node is not installed");
    }
    if let Err(why) = common::browser_modules() {
        return skip_or_fail(&why);
    }
    let out = Command::new("node")
        .arg(dir.join("run.mjs"))
        .env("FAQTORY_BIN", env!("CARGO_BIN_EXE_faqtory"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        out.status.success(),
        "browser suite failed:\n{stdout}\n{stderr}"
    );
    if stdout.contains("SKIPPED") {
        skip_or_fail("run.mjs skipped (no Chromium)");
    }
}
