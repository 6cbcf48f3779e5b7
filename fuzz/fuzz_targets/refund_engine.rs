//! The engine on arbitrary requests against the sample site's rules: never
//! panics, and a later request date never improves the verdict.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use refund::{Date, Lang, Request, Rules};

fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        serde_yaml::from_str(include_str!("../../content/refund-rules.yaml")).unwrap_or_default()
    })
}

fn pick<'a>(ids: &[&'a str], b: u8) -> &'a str {
    ids.get(usize::from(b) % ids.len().max(1))
        .copied()
        .unwrap_or("")
}

fuzz_target!(|data: &[u8]| {
    let rules = rules();
    assert!(!rules.categories.is_empty(), "the sample rules must load");
    match data.split_first() {
        // Raw JSON requests, as the wasm receives them.
        Some((0, rest)) => {
            let Ok(text) = std::str::from_utf8(rest) else {
                return;
            };
            let (req, lang) = refund::json::request_from_json(text);
            if let Ok(req) = req {
                match rules.evaluate(&req, lang) {
                    Ok(o) => {
                        let json = refund::json::outcome_to_json(&o);
                        assert!(refund::json::parse(&json).is_ok(), "{json}");
                    }
                    Err(e) => {
                        let json = refund::json::error_to_json(&e, lang);
                        assert!(refund::json::parse(&json).is_ok(), "{json}");
                    }
                }
            }
        }
        // Structured requests: check monotonicity in the request date.
        Some((_, rest)) if rest.len() >= 12 => {
            let b = |i: usize| rest.get(i).copied().unwrap_or(0);
            let num =
                |i: usize| i64::from(u32::from_le_bytes([b(i), b(i + 1), b(i + 2), b(i + 3)]));
            let cats: Vec<&str> = rules.categories.iter().map(|c| c.id.as_str()).collect();
            let pfs: Vec<&str> = rules
                .provider_situations
                .iter()
                .map(|c| c.id.as_str())
                .collect();
            let ufs: Vec<&str> = rules
                .user_situations
                .iter()
                .map(|c| c.id.as_str())
                .collect();
            let Some(purchased) = Date::from_days(num(0) % 3_000_000 - 700_000) else {
                return;
            };
            let on = purchased.add_days(num(4) % 2000 - 50);
            let completed = purchased.add_days(num(8) % 2000 - 50);
            let (Some(on), Some(completed)) = (on, completed) else {
                return;
            };
            let req = Request {
                category: pick(&cats, b(12)).to_owned(),
                purchased,
                on,
                completed_on: (b(13) & 1 == 1).then_some(completed),
                provider_faults: rest
                    .iter()
                    .skip(14)
                    .take(3)
                    .filter(|x| *x & 0x80 != 0)
                    .map(|x| pick(&pfs, *x).to_owned())
                    .collect(),
                user_faults: rest
                    .iter()
                    .skip(17)
                    .take(2)
                    .filter(|x| *x & 0x80 != 0)
                    .map(|x| pick(&ufs, *x).to_owned())
                    .collect(),
            };
            let lang = if b(13) & 2 == 0 { Lang::Zh } else { Lang::En };
            let first = rules.evaluate(&req, lang);
            assert_eq!(first, rules.evaluate(&req, lang), "deterministic");
            if let (Ok(a), Some(later)) = (&first, on.add_days(i64::from(b(19)))) {
                let late = Request {
                    on: later,
                    ..req.clone()
                };
                if let Ok(z) = rules.evaluate(&late, lang) {
                    assert!(
                        z.verdict <= a.verdict,
                        "{req:?}: {:?} then {:?}",
                        a.verdict,
                        z.verdict
                    );
                }
            }
        }
        _ => {}
    }
});
