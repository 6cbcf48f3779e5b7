//! Table-driven tests of the engine over rules shaped like the sample site's
//! (same ids and review periods; reason texts are tags so the tests can read
//! which clauses an outcome cites, in order).

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

use refund::{
    Category, Cited, Date, DateField, DateProblem, Error, GeneralClauses, Lang, Outcome,
    PeriodKind, Request, ReviewPeriod, Rules, Situation, Text, Verdict,
};

fn text(tag: &str) -> Text {
    Text {
        zh: format!("zh:{tag}"),
        en: format!("en:{tag}"),
    }
}

fn cited(tag: &str) -> Cited {
    Cited {
        clause: text(tag),
        url: format!("/faq/#{tag}"),
        text: text(tag),
    }
}

pub const CATEGORIES: [(&str, ReviewPeriod, bool); 12] = [
    ("image", ReviewPeriod::NotRefundable, true),
    ("miniprogram-template", ReviewPeriod::Days(5), false),
    ("miniprogram-custom", ReviewPeriod::UntilDelivery, false),
    ("website-template", ReviewPeriod::Days(5), false),
    ("website-custom", ReviewPeriod::UntilDelivery, false),
    ("saas", ReviewPeriod::Days(5), false),
    ("software-custom", ReviewPeriod::UntilDelivery, false),
    ("enterprise-service", ReviewPeriod::NotRefundable, false),
    ("api", ReviewPeriod::NotRefundable, false),
    ("tool", ReviewPeriod::NotRefundable, false),
    ("ops-service", ReviewPeriod::UntilConfirmation, false),
    ("training", ReviewPeriod::UntilConfirmation, false),
];
pub const PROVIDER: [&str; 7] = [
    "late",
    "not-as-described",
    "cannot-deliver",
    "provider-closed",
    "unreachable",
    "quality-loss",
    "missed-commitment",
];
pub const USER: [&str; 5] = [
    "no-requirements-3-months",
    "no-materials-3-months",
    "scope-added",
    "user-legal-violation",
    "user-change-with-loss",
];

fn rules() -> Rules {
    Rules {
        timezone: None,
        clauses: GeneralClauses {
            within_review_period: cited("within"),
            outside_review_period: cited("outside"),
            negotiated_refund: cited("negotiated"),
        },
        categories: CATEGORIES
            .iter()
            .map(|(id, rp, free)| Category {
                id: (*id).into(),
                label: text(id),
                review_period: *rp,
                free: *free,
                rule: cited(&format!("cat:{id}")),
            })
            .collect(),
        provider_situations: PROVIDER
            .iter()
            .map(|id| Situation {
                id: (*id).into(),
                label: text(id),
                rule: cited(&format!("pf:{id}")),
            })
            .collect(),
        user_situations: USER
            .iter()
            .map(|id| Situation {
                id: (*id).into(),
                label: text(id),
                rule: cited(&format!("uf:{id}")),
            })
            .collect(),
    }
}

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn req(cat: &str, purchased: &str, on: &str, completed: Option<&str>) -> Request {
    Request {
        category: cat.into(),
        purchased: d(purchased),
        on: d(on),
        completed_on: completed.map(d),
        provider_faults: vec![],
        user_faults: vec![],
    }
}

/// The reasons' clause tags, in order (`en:` stripped).
fn tags(o: &Outcome) -> Vec<String> {
    o.reasons
        .iter()
        .map(|r| r.clause.trim_start_matches("en:").to_owned())
        .collect()
}

fn eval(r: &Request) -> Outcome {
    rules().evaluate(r, Lang::En).unwrap()
}

#[test]
fn the_seeds_example_bought_07_01_full_through_07_05_partial_from_07_06() {
    for cat in ["miniprogram-template", "website-template", "saas"] {
        for (on, verdict, period) in [
            ("2026-07-01", Verdict::Full, "within"),
            ("2026-07-05", Verdict::Full, "within"),
            ("2026-07-06", Verdict::Partial, "outside"),
            ("2027-07-01", Verdict::Partial, "outside"),
        ] {
            let o = eval(&req(cat, "2026-07-01", on, None));
            assert_eq!(o.verdict, verdict, "{cat} on {on}");
            assert_eq!(o.review_period.kind, PeriodKind::Days);
            assert_eq!(o.review_period.ends, Some(d("2026-07-05")));
            let mut want = vec![format!("cat:{cat}"), period.to_owned()];
            if verdict == Verdict::Partial {
                want.push("negotiated".into());
            }
            assert_eq!(tags(&o), want, "{cat} on {on}");
        }
    }
}

#[test]
fn five_day_periods_across_month_year_and_leap_day_boundaries() {
    // (purchased, last day of the review period)
    let cases = [
        ("2026-07-28", "2026-08-01"),
        ("2026-04-27", "2026-05-01"),
        ("2026-12-29", "2027-01-02"),
        ("2026-12-31", "2027-01-04"),
        ("2024-02-26", "2024-03-01"),
        ("2024-02-25", "2024-02-29"),
        ("2024-02-29", "2024-03-04"),
        ("2025-02-25", "2025-03-01"),
        ("2000-02-25", "2000-02-29"),
        ("2100-02-25", "2100-03-01"),
        ("9999-12-27", "9999-12-31"),
    ];
    for (bought, last) in cases {
        let o = eval(&req("saas", bought, last, None));
        assert_eq!(o.review_period.ends, Some(d(last)), "{bought}");
        assert_eq!(o.verdict, Verdict::Full, "{bought} on {last}");
        if let Some(next) = d(last).add_days(1) {
            let o = eval(&req("saas", bought, &next.to_iso(), None));
            assert_eq!(o.verdict, Verdict::Partial, "{bought} on {next}");
        }
    }
}

#[test]
fn a_five_day_period_that_would_end_after_9999_is_an_error() {
    let e = rules()
        .evaluate(&req("saas", "9999-12-30", "9999-12-30", None), Lang::En)
        .unwrap_err();
    assert_eq!(e, Error::OutOfRange);
}

#[test]
fn every_category_before_and_after_its_review_period() {
    for (cat, rp, _) in CATEGORIES {
        // Bought 2026-07-01; completion (where the category has one) 2026-07-20.
        let completed = Some("2026-07-20");
        let early = eval(&req(cat, "2026-07-01", "2026-07-01", completed));
        let late = eval(&req(cat, "2026-07-01", "2026-07-20", completed));
        let (kind, ends, early_v, late_v) = match rp {
            ReviewPeriod::Days(_) => (
                PeriodKind::Days,
                Some(d("2026-07-05")),
                Verdict::Full,
                Verdict::Partial,
            ),
            ReviewPeriod::UntilDelivery => (
                PeriodKind::UntilDelivery,
                Some(d("2026-07-19")),
                Verdict::Full,
                Verdict::Partial,
            ),
            ReviewPeriod::UntilConfirmation => (
                PeriodKind::UntilConfirmation,
                Some(d("2026-07-19")),
                Verdict::Full,
                Verdict::Partial,
            ),
            ReviewPeriod::NotRefundable => (PeriodKind::None, None, Verdict::None, Verdict::None),
        };
        for o in [&early, &late] {
            assert_eq!(o.review_period.kind, kind, "{cat}");
            assert_eq!(o.review_period.ends, ends, "{cat}");
            assert_eq!(tags(o).first(), Some(&format!("cat:{cat}")), "{cat}");
        }
        assert_eq!(early.verdict, early_v, "{cat} early");
        assert_eq!(late.verdict, late_v, "{cat} late");
        if rp == ReviewPeriod::NotRefundable {
            assert_eq!(tags(&early), vec![format!("cat:{cat}")], "{cat}");
        }
    }
}

#[test]
fn until_kinds_run_until_the_day_before_completion() {
    for cat in [
        "miniprogram-custom",
        "website-custom",
        "software-custom",
        "ops-service",
        "training",
    ] {
        // No completion yet: the period is still running, however late.
        let o = eval(&req(cat, "2026-07-01", "2030-01-01", None));
        assert_eq!(o.verdict, Verdict::Full, "{cat}");
        assert_eq!(o.review_period.ends, None, "{cat}");
        assert_eq!(tags(&o), vec![format!("cat:{cat}"), "within".into()]);
        // Completed 2026-03-01 (leap-free year): last day 2026-02-28.
        let o = eval(&req(cat, "2026-02-01", "2026-02-28", Some("2026-03-01")));
        assert_eq!(
            (o.verdict, o.review_period.ends),
            (Verdict::Full, Some(d("2026-02-28")))
        );
        let o = eval(&req(cat, "2026-02-01", "2026-03-01", Some("2026-03-01")));
        assert_eq!(o.verdict, Verdict::Partial, "{cat} on the completion day");
        assert_eq!(
            tags(&o),
            vec![format!("cat:{cat}"), "outside".into(), "negotiated".into()]
        );
        // Leap year: completed 2024-03-01, last day 2024-02-29.
        let o = eval(&req(cat, "2024-02-01", "2024-02-29", Some("2024-03-01")));
        assert_eq!(
            (o.verdict, o.review_period.ends),
            (Verdict::Full, Some(d("2024-02-29")))
        );
        // Completed on the purchase day: the period is empty.
        let o = eval(&req(cat, "2026-07-01", "2026-07-01", Some("2026-07-01")));
        assert_eq!(o.verdict, Verdict::Partial, "{cat}");
        assert_eq!(o.review_period.ends, Some(d("2026-06-30")));
        // Completion after the request date: still within.
        let o = eval(&req(cat, "2026-07-01", "2026-07-10", Some("2026-12-31")));
        assert_eq!(o.verdict, Verdict::Full, "{cat}");
    }
}

#[test]
fn completion_date_is_ignored_where_the_category_has_no_completion() {
    for cat in ["saas", "api", "image"] {
        let with = eval(&req(cat, "2026-07-01", "2026-07-03", Some("2026-07-02")));
        let without = eval(&req(cat, "2026-07-01", "2026-07-03", None));
        assert_eq!(with, without, "{cat}");
    }
}

#[test]
fn every_provider_situation_refunds_in_full_after_the_review_period() {
    for pf in PROVIDER {
        for (cat, rp, free) in CATEGORIES {
            let mut r = req(cat, "2026-07-01", "2026-09-01", Some("2026-08-01"));
            r.provider_faults = vec![pf.into()];
            let o = eval(&r);
            if free {
                assert_eq!(o.verdict, Verdict::None, "{cat} {pf}");
                assert_eq!(tags(&o), vec![format!("cat:{cat}")]);
                continue;
            }
            assert_eq!(o.verdict, Verdict::Full, "{cat} {pf}");
            let mut want = vec![format!("cat:{cat}")];
            if rp != ReviewPeriod::NotRefundable {
                want.push("outside".into());
            }
            want.push(format!("pf:{pf}"));
            assert_eq!(tags(&o), want, "{cat} {pf}");
        }
    }
}

#[test]
fn every_user_situation_rules_out_a_full_refund() {
    for uf in USER {
        for (cat, rp, _) in CATEGORIES {
            for on in ["2026-07-02", "2026-09-01"] {
                let mut r = req(cat, "2026-07-01", on, None);
                r.user_faults = vec![uf.into()];
                // Even with the provider at fault too.
                for pfs in [vec![], vec!["late".to_string()]] {
                    r.provider_faults = pfs.clone();
                    let o = eval(&r);
                    let want = if rp == ReviewPeriod::NotRefundable {
                        Verdict::None
                    } else {
                        Verdict::Partial
                    };
                    assert_eq!(o.verdict, want, "{cat} {uf} {on} {pfs:?}");
                    let t = tags(&o);
                    assert!(t.contains(&format!("uf:{uf}")), "{cat} {uf}: {t:?}");
                    if want == Verdict::Partial {
                        assert_eq!(t.last().map(String::as_str), Some("negotiated"));
                    }
                }
            }
        }
    }
}

#[test]
fn reasons_list_situations_in_order_without_repeats() {
    let mut r = req("website-custom", "2026-07-01", "2026-07-03", None);
    r.provider_faults = vec!["unreachable".into(), "late".into(), "unreachable".into()];
    let o = eval(&r);
    assert_eq!(o.verdict, Verdict::Full);
    assert_eq!(
        tags(&o),
        ["cat:website-custom", "within", "pf:unreachable", "pf:late"]
    );
    r.user_faults = vec!["scope-added".into(), "scope-added".into()];
    let o = eval(&r);
    assert_eq!(o.verdict, Verdict::Partial);
    assert_eq!(
        tags(&o),
        [
            "cat:website-custom",
            "within",
            "pf:unreachable",
            "pf:late",
            "uf:scope-added",
            "negotiated"
        ]
    );
}

#[test]
fn reasons_follow_the_language_and_carry_urls() {
    let r = req("saas", "2026-07-01", "2026-07-02", None);
    let zh = rules().evaluate(&r, Lang::Zh).unwrap();
    let en = rules().evaluate(&r, Lang::En).unwrap();
    assert_eq!(zh.reasons[0].text, "zh:cat:saas");
    assert_eq!(en.reasons[0].text, "en:cat:saas");
    assert_eq!(zh.reasons[1].url, "/faq/#within");
    assert_eq!(zh.verdict, en.verdict);
}

#[test]
fn every_error() {
    let rules = rules();
    let base = req("saas", "2026-07-05", "2026-07-06", None);
    let cases: Vec<(Request, Error)> = vec![
        (
            req("saas", "2026-07-05", "2026-07-04", None),
            Error::RequestBeforePurchase {
                purchased: d("2026-07-05"),
                on: d("2026-07-04"),
            },
        ),
        (
            req(
                "software-custom",
                "2026-07-05",
                "2026-07-06",
                Some("2026-07-04"),
            ),
            Error::CompletionBeforePurchase {
                purchased: d("2026-07-05"),
                completed_on: d("2026-07-04"),
            },
        ),
        (
            Request {
                category: "hardware".into(),
                ..base.clone()
            },
            Error::UnknownCategory("hardware".into()),
        ),
        (
            Request {
                provider_faults: vec!["late".into(), "rude".into()],
                ..base.clone()
            },
            Error::UnknownProviderFault("rude".into()),
        ),
        (
            Request {
                user_faults: vec!["late".into()],
                ..base.clone()
            },
            Error::UnknownUserFault("late".into()),
        ),
    ];
    for (r, want) in cases {
        assert_eq!(rules.evaluate(&r, Lang::En), Err(want.clone()));
        assert!(!want.message(Lang::Zh).is_empty());
        assert!(!want.message(Lang::En).is_empty());
    }
    // Date errors come from parsing the inputs.
    for (value, problem, code) in [
        ("2026-02-29", DateProblem::Impossible, "impossible_date"),
        ("2026-7-1", DateProblem::Format, "invalid_date_format"),
    ] {
        let e = refund::parse_date(DateField::On, value).unwrap_err();
        assert_eq!(
            e,
            Error::InvalidDate {
                field: DateField::On,
                value: value.into(),
                problem
            }
        );
        assert_eq!(e.code(), code);
        assert!(
            e.message(Lang::En).contains(value),
            "{}",
            e.message(Lang::En)
        );
    }
}

#[test]
fn json_matches_the_cli_shape() {
    let o = eval(&req("saas", "2026-07-01", "2026-07-06", None));
    let json = refund::json::outcome_to_json(&o);
    assert_eq!(
        json,
        "{\"verdict\":\"partial\",\"review_period\":{\"kind\":\"days\",\"ends\":\"2026-07-05\"},\"reasons\":[\
         {\"clause\":\"en:cat:saas\",\"text\":\"en:cat:saas\",\"url\":\"/faq/#cat:saas\"},\
         {\"clause\":\"en:outside\",\"text\":\"en:outside\",\"url\":\"/faq/#outside\"},\
         {\"clause\":\"en:negotiated\",\"text\":\"en:negotiated\",\"url\":\"/faq/#negotiated\"}]}"
    );
    let o = eval(&req("training", "2026-07-01", "2026-07-06", None));
    assert!(
        refund::json::outcome_to_json(&o)
            .contains("\"review_period\":{\"kind\":\"until_confirmation\",\"ends\":null}")
    );
    let o = eval(&req("api", "2026-07-01", "2026-07-06", None));
    assert!(
        refund::json::outcome_to_json(&o).starts_with(
            "{\"verdict\":\"none\",\"review_period\":{\"kind\":\"none\",\"ends\":null}"
        )
    );
}

#[test]
fn rules_and_requests_round_trip_through_json() {
    let r = rules();
    let back = refund::json::rules_from_json(&refund::json::rules_to_json(&r)).unwrap();
    assert_eq!(back, r);
    let (req, lang) = refund::json::request_from_json(
        r#"{"category":"saas","purchased":"2026-07-01","on":"2026-07-06","completed_on":null,"provider_faults":["late"],"user_faults":[],"lang":"en"}"#,
    );
    let req = req.unwrap();
    assert_eq!(lang, Lang::En);
    assert_eq!(req.category, "saas");
    assert_eq!(req.on, d("2026-07-06"));
    assert_eq!(req.provider_faults, vec!["late".to_string()]);
    let (e, lang) = refund::json::request_from_json(
        r#"{"category":"saas","purchased":"2026-02-30","on":"2026-07-06","lang":"en-US"}"#,
    );
    assert_eq!(lang, Lang::En, "the language survives a bad request");
    assert_eq!(e.unwrap_err().code(), "impossible_date");
    let (e, _) = refund::json::request_from_json(r#"{"category":"saas"}"#);
    let e = e.unwrap_err();
    assert_eq!(e.code(), "malformed");
}

#[test]
fn validate_reports_problems_by_path() {
    assert_eq!(rules().validate(), vec![]);
    let mut r = rules();
    r.timezone = Some("Asia/Shanghai".into());
    r.categories[1].id = "saas".into(); // the real `saas` (index 5) is then the duplicate
    r.categories[2].review_period = ReviewPeriod::Days(0);
    r.categories[3].rule.url = "javascript:alert(1)".into();
    r.categories[4].free = true;
    r.provider_situations[0].label.en = " ".into();
    r.user_situations[1].id = "Bad Id".into();
    r.clauses.negotiated_refund.clause.zh = String::new();
    let paths: Vec<String> = r.validate().iter().map(|p| p.path_string()).collect();
    assert_eq!(
        paths,
        [
            "timezone",
            "clauses.negotiated_refund.clause.zh",
            "categories[2].review_period.days",
            "categories[3].rule.url",
            "categories[4].free",
            "categories[5].id",
            "provider_situations[0].label.en",
            "user_situations[1].id",
        ]
    );
    let mut r = rules();
    r.categories.clear();
    assert_eq!(r.validate()[0].path_string(), "categories");
}

#[test]
fn today_in_the_rules_zone() {
    let mut r = rules();
    // 2026-06-30T16:00:00Z: already 07-01 in UTC+8, still 06-30 in UTC.
    let t = 1_782_835_200;
    assert_eq!(r.today(t), Some(d("2026-07-01")));
    r.timezone = Some("+00:00".into());
    assert_eq!(r.today(t), Some(d("2026-06-30")));
    r.timezone = Some("-05:00".into());
    assert_eq!(r.today(t), Some(d("2026-06-30")));
}
