//! The command line end to end: `new` then `build`, `check` writes nothing,
//! site template overrides, `--help`, and a build killed part-way.

mod common;
use common::*;
use std::process::Command;

fn faqtory() -> Command {
    Command::new(env!("CARGO_BIN_EXE_faqtory"))
}

#[test]
fn new_site_builds_with_the_built_in_theme() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("help");
    let out = faqtory().arg("new").arg(&dir).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !dir.join("themes").exists(),
        "a new site needs no theme folder"
    );
    let out = faqtory()
        .args(["build", "--root"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(dir.join("public/getting-started/faq/index.html")).unwrap();
    assert!(page.contains("如何登录控制台"), "{page}");
    assert!(dir.join("public/sitemap.xml").exists());
    assert!(
        stderr(&out).contains("Built 1 page (2 questions)"),
        "{}",
        stderr(&out)
    );

    // `new` refuses a folder that has files in it.
    let again = faqtory().arg("new").arg(&dir).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn check_writes_nothing() {
    let site = TempSite::from_fixture("basic");
    let out = site.run(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("Checked 3 pages"),
        "{}",
        stderr(&out)
    );
    assert!(!site.path("public").exists());
}

#[test]
fn site_templates_override_the_theme() {
    let site = TempSite::from_fixture("basic");
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<p>site's own 404</p>{% endblock main %}",
    );
    let out = site.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(site.path("public/404.html")).unwrap();
    assert!(html.contains("site's own 404"), "{html}");
}

#[test]
fn base_url_flag_overrides_config() {
    let site = TempSite::from_fixture("basic");
    let out = site.run(&["build", "--base-url", "https://staging.test/"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let sitemap = std::fs::read_to_string(site.path("public/sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>https://staging.test/billing/refund/</loc>"),
        "{sitemap}"
    );
}

#[test]
fn help_everywhere() {
    for args in [
        vec!["--help"],
        vec!["build", "--help"],
        vec!["check", "--help"],
        vec!["new", "--help"],
    ] {
        let out = faqtory().args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(
            stdout(&out).contains("Usage: faqtory"),
            "{args:?}: {}",
            stdout(&out)
        );
    }
}

/// Kills builds of a larger site at several moments: the output is always
/// either the previous build or the new one, byte for byte, never a mix.
#[cfg(unix)]
#[test]
fn a_killed_build_leaves_the_previous_output_intact() {
    let site = TempSite::from_fixture("basic");
    for i in 0..300 {
        site.write(
            &format!("content/market/gen-{i:03}.md"),
            format!(
                "---\ntitle: 生成 {i}\n---\n### 问题 {i}\n{}\n",
                "答案。".repeat(200)
            ),
        );
    }
    assert!(site.run(&["build"]).status.success());
    let old = tree(&site.path("public"));
    site.write(
        "content/market/gen-000.md",
        "---\ntitle: 改过\n---\n### 新问题\n新答案。\n",
    );
    let mut finished_new = None;
    for delay_ms in [0u64, 5, 10, 20, 40, 80] {
        let mut child = faqtory()
            .args(["build", "--root"])
            .arg(site.root())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let now = tree(&site.path("public"));
        if now != old {
            // It got as far as the swap: then it must be the complete new build.
            let new = finished_new.get_or_insert_with(|| {
                let other = TempSite::from_fixture("basic");
                copy_tree(&site.path("content"), &other.path("content"));
                assert!(other.run(&["build"]).status.success());
                tree(&other.path("public"))
            });
            assert_eq!(
                now.keys().collect::<Vec<_>>(),
                new.keys().collect::<Vec<_>>(),
                "killed at {delay_ms} ms: a partial output"
            );
            assert_eq!(&now, new, "killed at {delay_ms} ms: a partial output");
        }
    }
    // A later build cleans up what the killed ones left beside the output.
    assert!(site.run(&["build"]).status.success());
    let leftovers: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// `faqtory search` on the sample site, through tantivy and `--static`.
fn search_sample(out: &std::path::Path, args: &[&str]) -> Vec<String> {
    let o = faqtory()
        .current_dir(repo())
        .arg("search")
        .args(args)
        .args(["--json", "--output"])
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    hits.iter()
        .map(|h| h["url"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn search_one_character_and_synonyms_on_the_sample_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let build = faqtory()
        .args(["build", "--root"])
        .arg(repo())
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert!(build.status.success(), "{}", stderr(&build));
    for mode in [&[][..], &["--static"][..]] {
        // 退 alone: the refund questions (and the refund calculator) first.
        let urls = search_sample(&out, &[mode, &["退"]].concat());
        assert!(urls.len() >= 3, "{mode:?}: {urls:?}");
        assert!(
            urls[..3].iter().all(|u| u.contains("refund")),
            "{mode:?}: {urls:?}"
        );
        assert!(
            urls.iter()
                .any(|u| u.ends_with("/cloud-market/faq/#refund-rules")),
            "{mode:?}: {urls:?}"
        );
        // 镜 (镜像) and 复 (复议期) are inside words only.
        for q in ["镜", "复"] {
            let urls = search_sample(&out, &[mode, &[q]].concat());
            assert!(
                urls.iter().any(|u| u.ends_with("#refund-rules")),
                "{mode:?} {q}: {urls:?}"
            );
        }
        // site.yaml's synonyms: 退钱 is 退款, 客服 is 工单.
        assert_eq!(
            search_sample(&out, &[mode, &["退钱"]].concat()),
            search_sample(&out, &[mode, &["退款"]].concat()),
            "{mode:?}"
        );
        let urls = search_sample(&out, &[mode, &["客服"]].concat());
        assert!(urls[0].contains("/tickets"), "{mode:?}: {urls:?}");
        // Latin words in any width and case.
        assert!(!search_sample(&out, &[mode, &["API"]].concat()).is_empty());
        assert_eq!(
            search_sample(&out, &[mode, &["ＡＰＩ"]].concat()),
            search_sample(&out, &[mode, &["api"]].concat()),
            "{mode:?}"
        );
    }
}
