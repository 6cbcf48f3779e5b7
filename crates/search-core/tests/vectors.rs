//! Tokenizer test vectors (tests/fixtures/tokenizer-vectors.json at the repo
//! root) against the native build of search-core; the root crate's
//! tests/search_wasm.rs runs the same vectors against the wasm module.
#![allow(clippy::indexing_slicing, clippy::panic)]

use search_core::{query_terms, tokenize, tokenize_index};
use serde_json::Value;

/// (name, input, query tokens, index tokens)
fn vectors() -> Vec<(String, String, Vec<String>, Vec<String>)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/tokenizer-vectors.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let list = doc["vectors"]
        .as_array()
        .unwrap_or_else(|| panic!("{path}: no vectors"));
    list.iter()
        .map(|v| {
            let name = v["name"].as_str().unwrap_or("?").to_string();
            let input = match (v["input"].as_str(), v["utf16"].as_array()) {
                (Some(s), _) => s.to_string(),
                (None, Some(units)) => {
                    let units: Vec<u16> = units
                        .iter()
                        .map(|u| u.as_u64().and_then(|u| u16::try_from(u).ok()).unwrap_or(0))
                        .collect();
                    // What TextEncoder does in the browser: lone surrogates become U+FFFD.
                    String::from_utf16_lossy(&units)
                }
                _ => panic!("{name}: no input"),
            };
            let list = |key: &str| -> Option<Vec<String>> {
                Some(
                    v[key]
                        .as_array()?
                        .iter()
                        .map(|t| t.as_str().unwrap_or_default().to_string())
                        .collect(),
                )
            };
            let tokens = list("tokens").unwrap_or_else(|| panic!("{name}: no tokens"));
            let index = list("index").unwrap_or_else(|| tokens.clone());
            (name, input, tokens, index)
        })
        .collect()
}

#[test]
fn native_tokens_match_vectors() {
    let mut failures = Vec::new();
    for (name, input, want, want_index) in vectors() {
        let have: Vec<String> = tokenize(&input).into_iter().map(|t| t.text).collect();
        if have != want {
            failures.push(format!(
                "{name}: input {input:?}\n  have {have:?}\n  want {want:?}"
            ));
        }
        let have: Vec<String> = tokenize_index(&input).into_iter().map(|t| t.text).collect();
        if have != want_index {
            failures.push(format!(
                "{name} (index): input {input:?}\n  have {have:?}\n  want {want_index:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn offsets_point_into_the_original_text() {
    let text = "ＡＰＩ　云市场5天";
    for t in tokenize(text) {
        let src = text
            .get(t.start..t.end)
            .unwrap_or_else(|| panic!("bad span {t:?}"));
        assert!(!src.is_empty(), "{t:?}");
    }
    let toks = tokenize(text);
    assert_eq!(text.get(toks[0].start..toks[0].end), Some("ＡＰＩ"));
    assert_eq!(text.get(toks[1].start..toks[1].end), Some("云市"));
    assert_eq!(text.get(toks[2].start..toks[2].end), Some("市场"));
}

#[test]
fn hostile_queries_are_just_text() {
    let ten_kb = "退款".repeat(2000) + &"(".repeat(4000);
    let cases: Vec<String> = vec![
        "(".into(),
        "\"".into(),
        ":".into(),
        "*".into(),
        "-".into(),
        "(".repeat(1100),
        ten_kb,
        "\u{200B}\u{200C}\u{200D}\u{FEFF}".into(),
        "\u{FFFD}".repeat(300),
        "a".repeat(10_000),
    ];
    for q in cases {
        let terms = query_terms(&q);
        assert!(
            terms.len() <= search_core::tokenize::MAX_QUERY_TERMS,
            "{} terms",
            terms.len()
        );
        assert!(terms.iter().all(|t| !t.is_empty()));
    }
    assert!(query_terms("(\"*:-)").is_empty());
    assert_eq!(query_terms("退款 退款规则"), vec!["退款", "款规", "规则"]);
}
