//! Rules files: arbitrary YAML through the same serde types the build uses,
//! validation, the JSON the browser gets (which must read back equal), and
//! the JSON reader on raw input. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use refund::{Date, Lang, Request, Rules};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The wasm's reader on raw text.
    let _ = refund::json::rules_from_json(text);
    let _ = refund::json::parse(text);
    // The YAML path.
    let Ok(rules) = serde_yaml::from_str::<Rules>(text) else {
        return;
    };
    let problems = rules.validate();
    for p in &problems {
        let _ = p.path_string();
    }
    let json = refund::json::rules_to_json(&rules);
    assert_eq!(
        refund::json::rules_from_json(&json).as_ref(),
        Ok(&rules),
        "{json}"
    );
    let _ = rules.today(i64::from(data.len() as u32) * 86_400);
    let (Some(p), Some(on)) = (Date::new(2026, 7, 1), Date::new(2026, 7, 6)) else {
        return;
    };
    for c in &rules.categories {
        let req = Request {
            category: c.id.clone(),
            purchased: p,
            on,
            completed_on: Some(on),
            provider_faults: rules
                .provider_situations
                .iter()
                .take(1)
                .map(|s| s.id.clone())
                .collect(),
            user_faults: vec![],
        };
        let _ = rules.evaluate(&req, Lang::En);
    }
});
