//! YAML on the two paths authors write it: a page's front matter and
//! site.yaml. Arbitrary text through the real types (`FrontMatter`,
//! `CategoryFront`, `Config`) and the real reader (the nesting pre-scan,
//! serde_yaml, the location mapping). Nothing may panic, and every error
//! must point at a line of the text it was given.
//!
//! The modules are compiled alone (with what they use) so the target does
//! not build the whole generator.
#![no_main]

#[allow(dead_code)]
#[path = "../../src/config.rs"]
mod config;
#[allow(dead_code)]
#[path = "../../src/diag.rs"]
mod diag;
#[allow(dead_code, unused_imports)]
#[path = "../../src/markdown/mod.rs"]
mod markdown;
#[allow(dead_code)]
#[path = "../../src/model.rs"]
mod model;
#[allow(dead_code)]
#[path = "../../src/sitefs.rs"]
mod sitefs;
#[allow(dead_code)]
#[path = "../../src/yaml.rs"]
mod yaml;
#[allow(dead_code)]
#[path = "../../src/content/front_matter.rs"]
mod front_matter;

use std::path::Path;

use libfuzzer_sys::fuzz_target;

/// An error's line must exist in the text (0 means "the whole file").
fn check_located(d: &diag::Diagnostic, text: &str) {
    let lines = text.lines().count().max(1);
    assert!(
        d.line <= lines + 1,
        "error at line {} of a {lines}-line text: {d}",
        d.line
    );
    let _ = d.to_string();
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let page = Path::new("content/a.md");
    match front_matter::parse::<model::FrontMatter>(page, text) {
        Ok((_, body_start)) => assert!(body_start <= text.len()),
        Err(d) => check_located(&d, text),
    }
    if let Err(d) = front_matter::parse::<model::CategoryFront>(page, text) {
        check_located(&d, text);
    }
    if let Err(ds) = config::Config::parse(Path::new("site.yaml"), text) {
        for d in &ds {
            check_located(d, text);
        }
    }
});
