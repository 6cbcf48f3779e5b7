//! `faqtory refund` (through `faqtory::refund::cli::run_with`, with a fixed
//! clock), the rules file's located diagnostics, and the widget's fallback.

use std::path::{Path, PathBuf};

use faqtory::refund::cli::{RefundArgs, run_with};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// 2026-06-30T16:00:00Z: 2026-07-01 00:00 in UTC+8, still 06-30 in UTC.
const MIDNIGHT_0701_CST: i64 = 1_782_835_200;

fn args(category: &str, purchased: &str, on: Option<&str>) -> RefundArgs {
    RefundArgs {
        category: category.into(),
        purchased: purchased.into(),
        on: on.map(Into::into),
        lang: "zh-CN".into(),
        ..RefundArgs::default()
    }
}

fn run_in(root: &Path, a: &RefundArgs, now: i64) -> (i32, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_with(a, root, now, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

fn run(a: &RefundArgs) -> (i32, String, String) {
    run_in(&root(), a, MIDNIGHT_0701_CST)
}

#[test]
fn json_answer_has_the_issue_shape() {
    let mut a = args("saas", "2026-07-01", Some("2026-07-06"));
    a.json = true;
    let (code, out, err) = run(&a);
    assert_eq!((code, err.as_str()), (0, ""));
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["verdict"], "partial");
    assert_eq!(v["review_period"]["kind"], "days");
    assert_eq!(v["review_period"]["ends"], "2026-07-05");
    let reasons = v["reasons"].as_array().unwrap();
    assert_eq!(reasons.len(), 3);
    for r in reasons {
        let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["clause", "text", "url"]);
        assert!(
            r["url"]
                .as_str()
                .unwrap()
                .starts_with("/cloud-market/faq/#")
        );
    }
    a.on = Some("2026-07-05".into());
    let (_, out, _) = run(&a);
    assert!(out.starts_with("{\"verdict\":\"full\""), "{out}");
}

#[test]
fn words_in_chinese_and_english() {
    let (code, out, _) = run(&args("saas", "2026-07-01", Some("2026-07-05")));
    assert_eq!(code, 0);
    assert!(out.starts_with("结论：可以全额退款\n"), "{out}");
    assert!(
        out.contains("2026-07-01 至 2026-07-05；申请日在复议期内"),
        "{out}"
    );
    assert!(out.contains("一、1 复议期"), "{out}");
    let mut a = args("website-custom", "2026-07-01", Some("2026-08-15"));
    a.completed_on = Some("2026-08-15".into());
    a.lang = "en".into();
    let (code, out, _) = run(&a);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("Verdict: no full refund; a negotiated refund"),
        "{out}"
    );
    assert!(
        out.contains("its last day is 2026-08-14; the request is after it"),
        "{out}"
    );
    assert!(
        out.contains("<https://") || out.contains("</cloud-market/faq/#refund-rules>"),
        "{out}"
    );
    let (_, out, _) = run(&args("api", "2026-07-01", Some("2026-07-01")));
    assert!(out.starts_with("结论：不支持退款"), "{out}");
}

#[test]
fn request_date_defaults_to_today_in_utc8() {
    // At 00:00 on 07-01 in UTC+8 a purchase on 07-01 is today: fine.
    let (code, out, err) = run_in(
        &root(),
        &args("saas", "2026-07-01", None),
        MIDNIGHT_0701_CST,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("申请日 2026-07-01"), "{out}");
    // One second earlier it is still 06-30 in UTC+8: before the purchase.
    let (code, _, err) = run_in(
        &root(),
        &args("saas", "2026-07-01", None),
        MIDNIGHT_0701_CST - 1,
    );
    assert_eq!(code, 2);
    assert!(err.contains("早于购买日期"), "{err}");
}

#[test]
fn every_request_error_is_one_message_and_exit_2() {
    let base = args("saas", "2026-07-01", Some("2026-07-02"));
    let cases: Vec<(RefundArgs, &str)> = vec![
        (
            args("saas", "2026-02-29", Some("2026-03-01")),
            "\"2026-02-29\" 不存在",
        ),
        (
            args("saas", "2026-07-01", Some("2026-06-31")),
            "\"2026-06-31\" 不存在",
        ),
        (args("saas", "2026/07/01", Some("2026-07-02")), "格式不对"),
        (
            args("saas", "2026-07-05", Some("2026-07-04")),
            "申请日期 2026-07-04 早于购买日期 2026-07-05",
        ),
        (
            RefundArgs {
                completed_on: Some("2026-06-30".into()),
                category: "website-custom".into(),
                ..base.clone()
            },
            "完成日期 2026-06-30 早于购买日期 2026-07-01",
        ),
        (
            RefundArgs {
                completed_on: Some("2026-13-01".into()),
                ..base.clone()
            },
            "\"2026-13-01\" 不存在",
        ),
        (
            RefundArgs {
                category: "hardware".into(),
                ..base.clone()
            },
            "help: categories: image, miniprogram-template",
        ),
        (
            RefundArgs {
                provider_faults: vec!["rude".into()],
                ..base.clone()
            },
            "help: provider situations: late, not-as-described",
        ),
        (
            RefundArgs {
                user_faults: vec!["late".into()],
                ..base.clone()
            },
            "未知的用户情形 \"late\"",
        ),
        (
            RefundArgs {
                lang: "fr".into(),
                ..base.clone()
            },
            "unknown language `fr`",
        ),
    ];
    for (a, want) in cases {
        let (code, out, err) = run(&a);
        assert_eq!(code, 2, "{a:?}: {err}");
        assert_eq!(out, "", "{a:?}");
        assert!(err.contains(want), "{a:?}: {err}");
        assert!(err.starts_with("error: "), "{err}");
    }
    let mut a = args("saas", "2026-07-05", Some("2026-07-04"));
    a.lang = "en".into();
    let (_, _, err) = run(&a);
    assert!(
        err.contains("the request date 2026-07-04 is before the purchase date 2026-07-05"),
        "{err}"
    );
}

fn site_with_rules(name: &str, text: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(dir.join("content")).unwrap();
    std::fs::write(dir.join("content/refund-rules.yaml"), text).unwrap();
    dir
}

fn real_rules() -> String {
    std::fs::read_to_string(root().join("content/refund-rules.yaml")).unwrap()
}

/// The 1-based line of the `nth` (0-based) line containing `needle`.
fn nth_line_of(text: &str, needle: &str, nth: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .nth(nth)
        .unwrap()
        .0
        + 1
}

fn line_of(text: &str, needle: &str) -> usize {
    nth_line_of(text, needle, 0)
}

#[test]
fn rules_file_problems_are_located_and_exit_1() {
    let text = real_rules()
        .replacen("  - id: saas\n", "  - id: SaaS\n", 1)
        .replacen("  - id: tool\n", "  - id: api\n", 1)
        .replacen("review_period: {days: 5}", "review_period: {days: 0}", 1)
        .replacen("timezone: \"+08:00\"", "timezone: \"Asia/Shanghai\"", 1);
    let dir = site_with_rules("refund-bad-rules", &text);
    let (code, out, err) = run_in(&dir, &args("saas", "2026-07-01", Some("2026-07-02")), 0);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    let loc = |needle: &str, col: usize| {
        format!("content/refund-rules.yaml:{}:{col}", line_of(&text, needle))
    };
    for want in [
        loc("timezone: \"Asia/Shanghai\"", 1),
        loc("  - id: SaaS", 5),
        // The second `api` is the duplicate.
        format!(
            "content/refund-rules.yaml:{}:5",
            nth_line_of(&text, "  - id: api", 1)
        ),
        loc("review_period: {days: 0}", 21),
    ] {
        assert!(err.contains(&want), "missing {want} in:\n{err}");
    }
    assert!(err.contains("duplicate id `api`"), "{err}");
}

#[test]
fn rules_file_yaml_errors_are_located() {
    let text = real_rules().replacen("    free: true\n", "    free: true\n    colour: red\n", 1);
    let dir = site_with_rules("refund-unknown-key", &text);
    let (code, _, err) = run_in(&dir, &args("saas", "2026-07-01", Some("2026-07-02")), 0);
    assert_eq!(code, 1);
    let want = format!(
        "content/refund-rules.yaml:{}:",
        line_of(&text, "colour: red")
    );
    assert!(
        err.contains(&want) && err.contains("unknown key `colour`"),
        "{err}"
    );
    let missing = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("refund-no-rules");
    std::fs::create_dir_all(&missing).unwrap();
    let (code, _, err) = run_in(&missing, &args("saas", "2026-07-01", Some("2026-07-02")), 0);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read the refund rules file"), "{err}");
}

#[test]
fn fallback_table_shows_every_rule_in_both_languages() {
    let rules =
        faqtory::refund::load(&root(), Path::new(faqtory::refund::DEFAULT_RULES_PATH)).unwrap();
    for (lang, words) in [
        (
            faqtory::markdown::Lang::Zh,
            [
                "商品类目",
                "自购买之日起 5 天（含购买日）",
                "协商退还未产生的资费",
            ],
        ),
        (
            faqtory::markdown::Lang::En,
            [
                "Category",
                "5 days counting the purchase day",
                "Negotiated refund of unused fees",
            ],
        ),
    ] {
        let html = faqtory::refund::widget::fallback_html(&rules, lang, "/help/");
        let l = faqtory::refund::widget::lang(lang);
        for w in words {
            assert!(html.contains(w), "{w}");
        }
        for c in &rules.categories {
            assert!(
                html.contains(&format!("<th scope=\"row\">{}</th>", c.label.get(l))),
                "{}",
                c.id
            );
        }
        for s in rules
            .provider_situations
            .iter()
            .chain(&rules.user_situations)
        {
            let escaped = s.label.get(l).replace('\'', "&#39;");
            assert!(html.contains(&escaped), "{}", s.id);
        }
        assert!(
            html.contains("href=\"/help/cloud-market/faq/#refund-rules\""),
            "{html}"
        );
        // The script finds its data under the base path.
        assert!(
            html.contains(
                "data-base=\"/help/\" data-rules-url=\"/help/assets/refund-rules.json\" data-wasm-url=\"/help/assets/refund.wasm\""
            ),
            "{html}"
        );
        assert_eq!(html.matches("<tr id=\"refund-cat-").count(), 12);
        assert!(!html.contains("<script"), "no script in the fallback");
    }
}

#[test]
fn rules_json_for_the_browser_reads_back_equal() {
    let rules =
        faqtory::refund::load(&root(), Path::new(faqtory::refund::DEFAULT_RULES_PATH)).unwrap();
    let json = faqtory::refund::widget::rules_json(&rules);
    assert_eq!(refund::json::rules_from_json(&json), Ok(rules));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["categories"][1]["review_period"]["days"], 5);
    assert_eq!(v["categories"][2]["review_period"], "until_delivery");
}

/// The real binary, as users run it.
fn faqtory(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_faqtory"))
        .arg("refund")
        .arg("--root")
        .arg(root())
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn the_binary_answers_and_fails_like_run_with() {
    let (code, out, err) = faqtory(&[
        "--category",
        "saas",
        "--purchased",
        "2026-07-01",
        "--on",
        "2026-07-05",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["verdict"], "full");
    assert_eq!(v["review_period"]["ends"], "2026-07-05");
    let (code, out, _) = faqtory(&[
        "--category",
        "ops-service",
        "--purchased",
        "2026-07-01",
        "--on",
        "2026-07-20",
        "--completed-on",
        "2026-07-10",
        "--provider-fault",
        "late",
        "--user-fault",
        "scope-added",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0);
    assert!(out.starts_with("Verdict: no full refund"), "{out}");
    assert!(out.contains("Part 3, 3: "), "{out}");
    // No --on: today in UTC+8, which is never before 2020.
    let (code, out, err) = faqtory(&["--category", "api", "--purchased", "2020-01-01"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("结论：不支持退款"), "{out}");
    for bad in [
        vec!["--category", "saas", "--purchased", "2026-02-30"],
        vec![
            "--category",
            "saas",
            "--purchased",
            "2026-07-02",
            "--on",
            "2026-07-01",
        ],
        vec!["--category", "nope", "--purchased", "2026-07-02"],
    ] {
        let (code, out, err) = faqtory(&bad);
        assert_eq!((code, out.as_str()), (2, ""), "{bad:?}");
        assert!(err.starts_with("error: "), "{err}");
    }
}
