//! The shared refund case table (tests/fixtures/refund-cases.json) against
//! the sample site's rules file, natively and in the wasm module embedded in
//! the binary (run by Node through the site's own glue script). Both must
//! meet each case's expectation and give byte-identical answers.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rules() -> refund::Rules {
    match faqtory::refund::load(&root(), Path::new(faqtory::refund::DEFAULT_RULES_PATH)) {
        Ok(r) => r,
        Err(diags) => panic!("{}", faqtory::cli::render_diagnostics(&diags)),
    }
}

fn cases() -> Vec<Value> {
    let text = std::fs::read_to_string(root().join("tests/fixtures/refund-cases.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The native answer, through the same JSON request reader the wasm uses.
fn native(rules: &refund::Rules, request: &Value) -> Value {
    let (req, lang) = refund::json::request_from_json(&request.to_string());
    let out = match req.and_then(|r| rules.evaluate(&r, lang)) {
        Ok(o) => refund::json::outcome_to_json(&o),
        Err(e) => refund::json::error_to_json(&e, lang),
    };
    serde_json::from_str(&out).unwrap()
}

fn check(name: &str, out: &Value, expect: &Value) -> Result<(), String> {
    if let Some(code) = expect.get("error") {
        return if out.pointer("/error/code") == Some(code) {
            Ok(())
        } else {
            Err(format!("{name}: want error {code}, got {out}"))
        };
    }
    let clauses: Vec<Value> = out["reasons"]
        .as_array()
        .ok_or_else(|| format!("{name}: no reasons in {out}"))?
        .iter()
        .map(|r| r["clause"].clone())
        .collect();
    let got = (
        &out["verdict"],
        &out["review_period"]["kind"],
        &out["review_period"]["ends"],
        &Value::Array(clauses),
    );
    let want = (
        &expect["verdict"],
        &expect["kind"],
        &expect["ends"],
        &expect["clauses"],
    );
    if got == want {
        Ok(())
    } else {
        Err(format!("{name}: got {got:?}, want {want:?}"))
    }
}

#[test]
fn native_engine_meets_every_case() {
    let rules = rules();
    let failures: Vec<String> = cases()
        .iter()
        .filter_map(|c| {
            let name = c["name"].as_str().unwrap_or("?");
            check(name, &native(&rules, &c["request"]), &c["expect"]).err()
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_case_table_covers_every_id_and_error() {
    let rules = rules();
    let cases = cases();
    let all = serde_json::to_string(&cases).unwrap();
    for id in rules
        .categories
        .iter()
        .map(|c| &c.id)
        .chain(rules.provider_situations.iter().map(|s| &s.id))
        .chain(rules.user_situations.iter().map(|s| &s.id))
    {
        assert!(all.contains(&format!("\"{id}\"")), "no case uses `{id}`");
    }
    for code in [
        "request_before_purchase",
        "completion_before_purchase",
        "impossible_date",
        "invalid_date_format",
        "unknown_category",
        "unknown_provider_fault",
        "unknown_user_fault",
    ] {
        assert!(all.contains(code), "no case for error {code}");
    }
}

#[test]
fn wasm_engine_gives_the_native_answers() {
    let Some(node) = find_node() else {
        return common::skip("node not found: the wasm refund cases did not run");
    };
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("refund-wasm-cases");
    std::fs::create_dir_all(&dir).unwrap();
    let wasm = dir.join("refund.wasm");
    let rules_json = dir.join("refund-rules.json");
    std::fs::write(&wasm, faqtory::assets::REFUND_WASM).unwrap();
    let rules = rules();
    std::fs::write(&rules_json, faqtory::refund::widget::rules_json(&rules)).unwrap();
    let cases_path = root().join("tests/fixtures/refund-cases.json");
    let out = Command::new(node)
        .arg(root().join("tests/wasm/refund.mjs"))
        .arg(&wasm)
        .arg(&rules_json)
        .arg(&cases_path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "node failed:\n{stderr}");
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let cases = cases();
    assert_eq!(lines.len(), cases.len(), "{stderr}");
    for (c, line) in cases.iter().zip(&lines) {
        assert_eq!(line["name"], c["name"]);
        assert_eq!(
            line["output"],
            native(&rules, &c["request"]),
            "wasm and native differ on {}",
            c["name"]
        );
    }
}

fn find_node() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("node"))
        .find(|p| p.is_file())
}

/// A page with the widget as the build places it, in both languages.
fn widget_page(dir: &Path, lang: faqtory::markdown::Lang, file: &str) {
    let rules = rules();
    let theme = root().join("themes/default/static");
    for (from, to) in [
        ("js/refund.js", "js/refund.js"),
        ("css/refund.css", "css/refund.css"),
    ] {
        std::fs::create_dir_all(dir.join(to).parent().unwrap()).unwrap();
        std::fs::copy(theme.join(from), dir.join(to)).unwrap();
    }
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::write(dir.join("assets/refund.wasm"), faqtory::assets::REFUND_WASM).unwrap();
    std::fs::write(
        dir.join("assets/refund-rules.json"),
        faqtory::refund::widget::rules_json(&rules),
    )
    .unwrap();
    let (code, data_lang) = match lang {
        faqtory::markdown::Lang::Zh => ("zh-CN", "zh-CN"),
        faqtory::markdown::Lang::En => ("en", "en"),
    };
    let html = format!(
        "<!doctype html><html lang=\"{code}\"><head><meta charset=\"utf-8\"><title>refund</title><link rel=\"icon\" href=\"data:,\">\
         <link rel=\"stylesheet\" href=\"/css/refund.css\"><script src=\"/js/refund.js\" defer></script></head>\
         <body><main><div class=\"widget\" data-widget=\"refund-calculator\" data-lang=\"{data_lang}\">{}</div></main></body></html>",
        faqtory::refund::widget::fallback_html(&rules, lang, "")
    );
    std::fs::write(dir.join(file), html).unwrap();
}

#[test]
fn chromium_fills_the_form_and_reads_the_verdict() {
    let Some(node) = find_node() else {
        return common::skip("node not found: the refund widget's browser test did not run");
    };
    if let Err(why) = common::browser_modules() {
        return common::skip(&format!("the refund widget's browser test: {why}"));
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("refund-widget-page");
    widget_page(&dir, faqtory::markdown::Lang::Zh, "index.html");
    widget_page(&dir, faqtory::markdown::Lang::En, "en.html");
    let out = Command::new(node)
        .arg(root().join("tests/wasm/refund-browser.mjs"))
        .arg(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => {}
        Some(3) => common::skip(&format!("the refund widget's browser test:\n{stderr}")),
        _ => panic!("browser test failed:\n{stderr}"),
    }
}
