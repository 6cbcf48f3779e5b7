//! Incremental rebuilds of `faqtory serve` give exactly the files a full
//! build gives, and re-render only what an edit touches. Through the
//! library: a [`Builder`] with an in-memory [`Store`], no HTTP.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use common::TempSite;
use faqtory::pipeline::BuildOptions;
use faqtory::serve::builder::{Builder, Changes, Outcome};
use faqtory::serve::store::Store;

fn opts(site: &TempSite) -> BuildOptions {
    BuildOptions {
        root: site.root().to_path_buf(),
        base_url: Some("http://127.0.0.1:1111/".into()),
        ..BuildOptions::default()
    }
}

/// A fresh full build of the site as it is on disk now.
fn full_snapshot(site: &TempSite) -> std::collections::BTreeMap<String, bytes::Bytes> {
    let store = Arc::new(Store::new(0));
    let mut b = Builder::new(opts(site), store.clone());
    assert!(
        matches!(b.full(false), Outcome::Full { .. }),
        "fresh build failed"
    );
    store.snapshot()
}

fn page_change(rel: &str) -> Changes {
    Changes {
        pages: BTreeSet::from([PathBuf::from(rel)]),
        ..Changes::default()
    }
}

/// (fixture, file, from, to, expected kind of rebuild)
const EDITS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "basic",
        "content/billing/refund.md",
        "三天。",
        "三到五个工作日。",
        "incremental",
    ),
    (
        "basic",
        "content/billing/refund.md",
        "看 [订单]",
        "请看 **[订单]**",
        "incremental",
    ),
    (
        "basic",
        "content/market/orders.md",
        "在[控制台]",
        "登录后在[控制台]",
        "incremental",
    ),
    // A new title shows in lists and navigation: everything is rebuilt.
    (
        "basic",
        "content/billing/refund.md",
        "title: 退款",
        "title: 退款说明",
        "full",
    ),
    // A new question changes the page's anchors.
    (
        "basic",
        "content/market/about.md",
        "\n",
        "\n### 新问题？\n答案。\n",
        "full",
    ),
    // A translation: its page, lists and search export under en/.
    (
        "i18n",
        "content/billing/refund.en.md",
        "three days",
        "five days",
        "incremental",
    ),
    (
        "i18n",
        "content/billing/refund.md",
        "\n",
        "\n补充。\n",
        "incremental",
    ),
];

#[test]
fn incremental_edits_equal_a_full_build() {
    for (fixture, file, from, to, kind) in EDITS {
        let site = TempSite::from_fixture(fixture);
        let store = Arc::new(Store::new(0));
        let mut b = Builder::new(opts(&site), store.clone());
        assert!(matches!(b.full(false), Outcome::Full { .. }));
        let before = store.snapshot();

        let path = site.path(file);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains(from), "{file} has no {from:?}");
        // For "\n" edits: append at the end instead of replacing.
        let edited = if *from == "\n" {
            format!("{text}{to}")
        } else {
            text.replacen(from, to, 1)
        };
        std::fs::write(&path, edited).expect("write");

        let outcome = b.apply(&page_change(file));
        match *kind {
            "incremental" => assert!(
                matches!(outcome, Outcome::Incremental { changed } if changed >= 1),
                "{file}: {to:?} should rebuild incrementally, got {outcome:?}"
            ),
            _ => assert!(
                matches!(outcome, Outcome::Full { .. }),
                "{file}: {to:?} should rebuild fully, got {outcome:?}"
            ),
        }
        let after = store.snapshot();
        let fresh = full_snapshot(&site);
        assert_eq!(
            after.keys().collect::<Vec<_>>(),
            fresh.keys().collect::<Vec<_>>(),
            "{file}: same files"
        );
        for (k, v) in &fresh {
            assert!(
                after.get(k) == Some(v),
                "{file} ({to:?}): {k} differs from a full build"
            );
        }
        assert_ne!(before, after, "{file}: the edit changed nothing");
    }
}

#[test]
fn a_body_edit_re_renders_only_what_shows_the_page() {
    let site = TempSite::from_fixture("basic");
    let store = Arc::new(Store::new(0));
    let mut b = Builder::new(opts(&site), store.clone());
    b.full(false);
    let before = store.snapshot();
    let path = site.path("content/billing/refund.md");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, text.replace("三天。", "三个工作日。")).expect("write");
    assert!(matches!(
        b.apply(&page_change("content/billing/refund.md")),
        Outcome::Incremental { .. }
    ));
    let after = store.snapshot();
    let changed: Vec<&String> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .collect();
    let (search, pages): (Vec<&String>, Vec<&String>) =
        changed.into_iter().partition(|k| k.starts_with("search/"));
    assert_eq!(pages, vec!["billing/refund/index.html"]);
    // The answer's new words are in the static search export.
    assert!(!search.is_empty(), "the search export was not updated");
}

#[test]
fn a_broken_edit_fails_and_changes_no_file() {
    let site = TempSite::from_fixture("basic");
    let store = Arc::new(Store::new(0));
    let mut b = Builder::new(opts(&site), store.clone());
    b.full(false);
    let before = store.snapshot();
    let path = site.path("content/billing/refund.md");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, text.replace("weight: 1", "weight: [")).expect("write");
    let outcome = b.apply(&page_change("content/billing/refund.md"));
    assert!(
        matches!(outcome, Outcome::Failed { errors } if errors >= 1),
        "{outcome:?}"
    );
    assert_eq!(store.snapshot(), before);
    let status = store.status();
    assert!(!status.ok);
    assert_eq!(status.errors[0].file, "content/billing/refund.md");
    assert!(status.errors[0].line >= 2, "{:?}", status.errors[0]);

    // Fixed: a full build (the site was failing) and the overlay clears.
    std::fs::write(&path, text.replace("三天。", "两天。")).expect("write");
    let outcome = b.apply(&page_change("content/billing/refund.md"));
    assert!(matches!(outcome, Outcome::Full { .. }), "{outcome:?}");
    assert!(store.status().ok);
    assert_eq!(store.snapshot(), full_snapshot(&site));
}

#[test]
fn an_asset_edit_replaces_just_that_file() {
    let site = TempSite::from_fixture("basic");
    site.write("content/billing/pic.png", b"\x89PNG one");
    let store = Arc::new(Store::new(0));
    let mut b = Builder::new(opts(&site), store.clone());
    b.full(false);
    assert_eq!(
        store.get("billing/pic.png").map(|e| e.bytes.to_vec()),
        Some(b"\x89PNG one".to_vec())
    );
    site.write("content/billing/pic.png", b"\x89PNG two");
    let changes = Changes {
        assets: BTreeSet::from(["billing/pic.png".to_owned()]),
        ..Changes::default()
    };
    assert!(matches!(
        b.apply(&changes),
        Outcome::Incremental { changed: 1 }
    ));
    assert_eq!(store.snapshot(), full_snapshot(&site));
}
