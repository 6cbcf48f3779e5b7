//! Relevance on the sample content (the seed page's questions plus a few
//! distractors and English questions), through tantivy and through the static
//! export; both must put the expected question first.

mod search_common;

use faqtory::search::{
    Hit, build_index, build_index_with, export_static, query_index, query_static,
};
use search_common::{split_fixture, temp_dir, write_files};

struct Backends {
    index: tantivy::Index,
    static_dir: std::path::PathBuf,
}

fn backends(name: &str) -> Backends {
    backends_with(name, &[])
}

/// The fixture indexed with synonym groups.
fn backends_with(name: &str, groups: &[&[&str]]) -> Backends {
    let text = include_str!("fixtures/search/faq.md");
    let docs = split_fixture(text);
    assert_eq!(docs.len(), 12, "fixture questions");
    let groups: Vec<Vec<String>> = groups
        .iter()
        .map(|g| g.iter().map(|w| (*w).to_string()).collect())
        .collect();
    let synonyms = search_core::Synonyms::new(&groups).unwrap_or_else(|e| panic!("{e:?}"));
    let index = if groups.is_empty() {
        build_index(&docs, None)
    } else {
        build_index_with(&docs, &synonyms, None)
    }
    .unwrap_or_else(|e| panic!("{e}"));
    let files = export_static(&index).unwrap_or_else(|e| panic!("{e}"));
    let root = temp_dir(name);
    write_files(&root, &files);
    Backends {
        index,
        static_dir: root.join("search"),
    }
}

/// The highlighted parts of a hit's title (marks are UTF-16 ranges).
fn title_marks(h: &Hit) -> Vec<String> {
    let title16: Vec<u16> = h.title.encode_utf16().collect();
    h.title_marks
        .iter()
        .map(|m| String::from_utf16_lossy(&title16[m[0]..m[1]]))
        .collect()
}

/// For each backend whose first hit for `q` is not `want`: what it gave.
fn first_title_misses(b: &Backends, q: &str, want: &str) -> Vec<String> {
    let mut misses = Vec::new();
    for (backend, hits) in both(b, q) {
        let got = hits
            .first()
            .map(|h| h.title.as_str())
            .unwrap_or("(nothing)");
        if got != want {
            let top: Vec<&str> = hits.iter().take(3).map(|h| h.title.as_str()).collect();
            misses.push(format!("{backend}: {q:?} → {top:?}, want {want:?} first"));
        }
    }
    misses
}

fn both(b: &Backends, q: &str) -> [(&'static str, Vec<Hit>); 2] {
    [
        (
            "tantivy",
            query_index(&b.index, q, 10).unwrap_or_else(|e| panic!("{q}: {e}")),
        ),
        (
            "static",
            query_static(&b.static_dir, q, 10).unwrap_or_else(|e| panic!("{q}: {e}")),
        ),
    ]
}

/// (query, expected first title)
const CASES: &[(&str, &str)] = &[
    ("订单", "下单了以后在哪里查看我的订单？"),
    ("退款规则", "云市场的具体退款规则是什么？"),
    ("工单", "如何提交工单进行问题反馈？"),
    ("客服电话", "购买的商品遇到使用问题应如何处理？"),
    ("reset password", "How do I reset my password?"),
    ("Password", "How do I reset my password?"),
    ("download invoices", "Where can I download my invoices?"),
    (
        "refund",
        "How do I request a refund for a marketplace product?",
    ),
    ("无理由退款", "在云市场购买的商品不想要了，怎么退款？"),
    ("发票", "如何申请开具发票？"),
    ("余额提现", "账户余额可以提现吗？"),
    ("ＡＰＩ 服务", "云市场的具体退款规则是什么？"),
    ("复议期", "云市场的具体退款规则是什么？"),
    // One character finds what contains it (issue 15).
    ("镜", "云市场的具体退款规则是什么？"),
    ("复", "云市场的具体退款规则是什么？"),
    ("票", "如何申请开具发票？"),
    ("提", "账户余额可以提现吗？"),
    ("ａＰＩ", "云市场的具体退款规则是什么？"),
];

/// Synonym groups for [`SYNONYM_CASES`]: words readers type (退钱, 客服,
/// reimbursement) that the fixture never uses.
const GROUPS: &[&[&str]] = &[
    &["退款", "退费", "退钱"],
    &["开票", "发票"],
    &["工单", "客服"],
    &["refund", "reimbursement"],
];

/// (query, expected first title) with [`GROUPS`].
const SYNONYM_CASES: &[(&str, &str)] = &[
    ("退钱", "云市场的具体退款规则是什么？"),
    ("退费规则", "云市场的具体退款规则是什么？"),
    ("开票", "如何申请开具发票？"),
    ("客服 提交", "如何提交工单进行问题反馈？"),
    (
        "Reimbursement",
        "How do I request a refund for a marketplace product?",
    ),
    // Without the reader's word, ranking is as before.
    ("订单", "下单了以后在哪里查看我的订单？"),
];

#[test]
fn expected_question_ranks_first_in_both_backends() {
    let b = backends("relevance");
    let mut failures = Vec::new();
    for (q, want) in CASES {
        failures.extend(first_title_misses(&b, q, want));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn synonyms_find_the_words_the_content_uses_in_both_backends() {
    let b = backends_with("synonyms", GROUPS);
    let plain = backends("no-synonyms");
    let mut failures = Vec::new();
    for (q, want) in SYNONYM_CASES {
        failures.extend(first_title_misses(&b, q, want));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // A word of a group ranks exactly as the content's word.
    for ((backend, a), (_, b)) in both(&b, "退钱").into_iter().zip(both(&b, "退款")) {
        let a: Vec<(&str, f32)> = a.iter().map(|h| (h.url.as_str(), h.score)).collect();
        let b: Vec<(&str, f32)> = b.iter().map(|h| (h.url.as_str(), h.score)).collect();
        assert_eq!(a, b, "{backend}");
    }
    // The reader's word alone finds nothing without the groups.
    for (backend, hits) in both(&plain, "退钱") {
        assert!(hits.is_empty(), "{backend}: {hits:?}");
    }
    // The content's word is highlighted for the reader's.
    for (backend, hits) in both(&b, "退钱") {
        let h = &hits[0];
        let marked = title_marks(h);
        assert_eq!(marked, vec!["退款"], "{backend}");
    }
}

#[test]
fn one_character_ranks_title_words_above_a_mention_in_the_body() {
    let b = backends("one-char");
    for (backend, hits) in both(&b, "退") {
        let titles: Vec<&str> = hits.iter().map(|h| h.title.as_str()).collect();
        let pos = |t: &str| titles.iter().position(|x| *x == t).unwrap_or(usize::MAX);
        let refund_request = pos("在云市场购买的商品不想要了，怎么退款？");
        let refund_rules = pos("云市场的具体退款规则是什么？");
        // 提现 answers say 退回 once, in the body.
        let withdraw = pos("账户余额可以提现吗？");
        assert!(
            refund_request < 2 && refund_rules < 2,
            "{backend}: {titles:?}"
        );
        assert!(
            withdraw != usize::MAX && withdraw > 1,
            "{backend}: {titles:?}"
        );
        // The character itself is highlighted, wherever it stands.
        let h = &hits[0];
        let marked = title_marks(h);
        assert_eq!(marked, vec!["退"], "{backend}");
    }
    // A one-character query that is nowhere finds nothing, and a character
    // next to a word is one more term.
    for (backend, hits) in both(&b, "鑫") {
        assert!(hits.is_empty(), "{backend}");
    }
    for (backend, hits) in both(&b, "退 规则") {
        assert_eq!(
            hits.first().map(|h| h.title.as_str()),
            Some("云市场的具体退款规则是什么？"),
            "{backend}"
        );
        assert!(hits[0].score > 0.0);
    }
}

#[test]
fn results_link_to_the_question_anchor_and_highlight() {
    let b = backends("anchors");
    for (backend, hits) in both(&b, "订单") {
        let h = &hits[0];
        assert_eq!(h.url, "/cloud-market/faq/#q1", "{backend}");
        let marked = title_marks(h);
        assert_eq!(marked, vec!["订单"], "{backend}");
    }
}

#[test]
fn all_token_matches_rank_above_stronger_partial_matches() {
    let b = backends("partial");
    // Two entries mention both 订单 and 邮件; the order question has 订单 in
    // its title (a higher score) but no 邮件, so it comes after both.
    for (backend, hits) in both(&b, "订单 邮件") {
        let titles: Vec<&str> = hits.iter().map(|h| h.title.as_str()).collect();
        assert_eq!(
            titles.get(..3),
            Some(
                &[
                    "如何申请开具发票？",
                    "云市场的具体退款规则是什么？",
                    "下单了以后在哪里查看我的订单？"
                ][..]
            ),
            "{backend}"
        );
        assert!(
            hits[2].score > hits[0].score,
            "{backend}: the partial match scores higher"
        );
    }
    // No entry has every token: partial matches are still returned.
    for (backend, hits) in both(&b, "退款规则 发票 password") {
        assert!(hits.len() >= 3, "{backend}");
    }
}

#[test]
fn hostile_queries_return_without_panic() {
    let b = backends("hostile");
    let ten_kb = "(".repeat(5000) + &"退款".repeat(2000);
    let lone = String::from_utf16_lossy(&[0xD800, 0x9000, 0xDC00, 0x6B3E]);
    let cases = [
        "(",
        "\"",
        ":",
        "*",
        "-",
        "title:退款",
        "\"订单",
        "退款*",
        "-退款",
        "\u{200B}\u{200D}\u{FEFF}",
        &ten_kb,
        &lone,
        "",
    ];
    for q in cases {
        for (backend, hits) in both(&b, q) {
            assert!(hits.len() <= 10, "{backend}");
        }
    }
    // Syntax characters are separators: `title:退款` is the words title and 退款.
    for (backend, hits) in both(&b, "\"退款\" AND (规则)") {
        assert_eq!(
            hits.first().map(|h| h.title.as_str()),
            Some("云市场的具体退款规则是什么？"),
            "{backend}"
        );
    }
}
