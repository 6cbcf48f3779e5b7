//! Properties of the engine over generated requests and rules.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]

use proptest::prelude::*;
use refund::{
    Category, Cited, Date, GeneralClauses, Lang, Request, ReviewPeriod, Rules, Situation, Text,
    Verdict,
};

const PROVIDER: [&str; 3] = ["late", "unreachable", "quality-loss"];
const USER: [&str; 2] = ["scope-added", "no-materials-3-months"];

fn text_s() -> impl Strategy<Value = Text> {
    (".{0,12}", ".{0,12}").prop_map(|(zh, en)| Text { zh, en })
}

fn cited_s() -> impl Strategy<Value = Cited> {
    (text_s(), "[/#a-z0-9-]{1,20}", text_s()).prop_map(|(clause, url, text)| Cited {
        clause,
        url,
        text,
    })
}

fn period_s() -> impl Strategy<Value = ReviewPeriod> {
    prop_oneof![
        (0u32..40).prop_map(ReviewPeriod::Days),
        Just(ReviewPeriod::UntilDelivery),
        Just(ReviewPeriod::UntilConfirmation),
        Just(ReviewPeriod::NotRefundable),
    ]
}

fn rules_s() -> impl Strategy<Value = Rules> {
    (
        proptest::collection::vec((period_s(), any::<bool>(), text_s(), cited_s()), 1..6),
        cited_s(),
        cited_s(),
        cited_s(),
        proptest::option::of("[+-][0-9]{1,2}:[0-9]{2}"),
    )
        .prop_map(|(cats, a, b, c, timezone)| Rules {
            timezone,
            clauses: GeneralClauses {
                within_review_period: a,
                outside_review_period: b,
                negotiated_refund: c,
            },
            categories: cats
                .into_iter()
                .enumerate()
                .map(|(i, (review_period, free, label, rule))| Category {
                    id: format!("c{i}"),
                    label,
                    review_period,
                    free,
                    rule,
                })
                .collect(),
            provider_situations: PROVIDER
                .iter()
                .map(|id| Situation {
                    id: (*id).into(),
                    label: Text::default(),
                    rule: Cited::default(),
                })
                .collect(),
            user_situations: USER
                .iter()
                .map(|id| Situation {
                    id: (*id).into(),
                    label: Text::default(),
                    rule: Cited::default(),
                })
                .collect(),
        })
}

/// Days since 1970 covering years 1900-2200.
fn day_s() -> impl Strategy<Value = Date> {
    (-25_567i64..84_000).prop_map(|n| {
        Date::from_days(n)
            .unwrap_or_else(|| Date::new(2000, 1, 1).unwrap_or_else(|| unreachable!()))
    })
}

fn request_s() -> impl Strategy<Value = (usize, Date, u32, Option<u32>, Vec<usize>, Vec<usize>)> {
    (
        0usize..6,
        day_s(),
        0u32..400,
        proptest::option::of(0u32..400),
        proptest::collection::vec(0usize..PROVIDER.len(), 0..3),
        proptest::collection::vec(0usize..USER.len(), 0..2),
    )
}

fn build(
    rules: &Rules,
    (cat, purchased, after, completed, pf, uf): &(
        usize,
        Date,
        u32,
        Option<u32>,
        Vec<usize>,
        Vec<usize>,
    ),
) -> Request {
    Request {
        category: rules
            .categories
            .get(cat % rules.categories.len())
            .map(|c| c.id.clone())
            .unwrap_or_default(),
        purchased: *purchased,
        on: purchased.add_days(i64::from(*after)).unwrap_or(*purchased),
        completed_on: completed.and_then(|c| purchased.add_days(i64::from(c))),
        provider_faults: pf
            .iter()
            .filter_map(|i| PROVIDER.get(*i))
            .map(|s| s.to_string())
            .collect(),
        user_faults: uf
            .iter()
            .filter_map(|i| USER.get(*i))
            .map(|s| s.to_string())
            .collect(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn a_later_request_never_improves_the_verdict(rules in rules_s(), r in request_s(), later in 0u32..400) {
        let early = build(&rules, &r);
        let mut late = early.clone();
        late.on = early.on.add_days(i64::from(later)).unwrap_or(early.on);
        let (Ok(a), Ok(b)) = (rules.evaluate(&early, Lang::Zh), rules.evaluate(&late, Lang::Zh)) else {
            // Only a zero-day period (ends before the purchase) or a far date errs.
            return Ok(());
        };
        prop_assert!(b.verdict <= a.verdict, "{:?} then {:?}", a.verdict, b.verdict);
        prop_assert_eq!(a.review_period, b.review_period);
    }

    #[test]
    fn the_same_request_gives_the_same_answer(rules in rules_s(), r in request_s(), lang in prop_oneof![Just(Lang::Zh), Just(Lang::En)]) {
        let req = build(&rules, &r);
        let a = rules.evaluate(&req, lang);
        let b = rules.clone().evaluate(&req.clone(), lang);
        prop_assert_eq!(&a, &b);
        // Both languages agree on everything but the words.
        let other = rules.evaluate(&req, if lang == Lang::Zh { Lang::En } else { Lang::Zh });
        match (a, other) {
            (Ok(x), Ok(y)) => {
                prop_assert_eq!(x.verdict, y.verdict);
                prop_assert_eq!(x.review_period, y.review_period);
                prop_assert_eq!(x.reasons.len(), y.reasons.len());
            }
            (Err(x), Err(y)) => prop_assert_eq!(x, y),
            _ => prop_assert!(false, "languages disagree"),
        }
    }

    #[test]
    fn a_provider_fault_never_worsens_and_a_user_fault_never_gives_full(rules in rules_s(), r in request_s()) {
        let req = build(&rules, &r);
        let Ok(base) = rules.evaluate(&req, Lang::En) else { return Ok(()); };
        let mut with_pf = req.clone();
        with_pf.provider_faults.push("late".into());
        let o = rules.evaluate(&with_pf, Lang::En);
        prop_assert!(o.is_ok());
        if let Ok(o) = o { prop_assert!(o.verdict >= base.verdict); }
        let mut with_uf = req.clone();
        with_uf.user_faults.push("scope-added".into());
        if let Ok(o) = rules.evaluate(&with_uf, Lang::En) {
            prop_assert!(o.verdict != Verdict::Full);
            prop_assert!(o.verdict <= base.verdict);
        }
    }

    #[test]
    fn rules_round_trip_through_json(rules in rules_s()) {
        let json = refund::json::rules_to_json(&rules);
        prop_assert_eq!(refund::json::rules_from_json(&json), Ok(rules));
    }

    #[test]
    fn arbitrary_requests_never_panic(rules in rules_s(), cat in ".{0,8}", p in ".{0,12}", on in ".{0,12}", pf in proptest::collection::vec(".{0,6}", 0..3)) {
        let json = format!(
            "{{\"category\":{},\"purchased\":{},\"on\":{},\"provider_faults\":[{}]}}",
            lit(&cat), lit(&p), lit(&on),
            pf.iter().map(|s| lit(s)).collect::<Vec<_>>().join(",")
        );
        if let (Ok(req), lang) = refund::json::request_from_json(&json) {
            let _ = rules.evaluate(&req, lang);
        }
    }

    #[test]
    fn dates_print_and_parse_back(n in -719_162i64..=2_932_896, k in -5000i64..5000) {
        let d = Date::from_days(n).unwrap_or_else(|| unreachable!());
        prop_assert_eq!(Date::parse(&d.to_iso()), Ok(d));
        if let Some(e) = d.add_days(k) {
            prop_assert_eq!(d.days_until(e), k);
            prop_assert_eq!(e.add_days(-k), Some(d));
        }
    }
}

fn lit(s: &str) -> String {
    let mut out = String::new();
    refund::json::push_str_lit(&mut out, s);
    out
}
