//! `faqtory refund`: evaluates one refund request against the site's rules.
//!
//! Exit codes: 0 an answer (whatever the verdict), 1 the rules file is
//! invalid (located diagnostics), 2 the request is wrong (bad date, date
//! before the purchase, unknown id): one clear message on stderr.

use std::io::Write;
use std::path::{Path, PathBuf};

use refund::{
    Date, DateField, Lang, Outcome, PeriodKind, Request, ReviewPeriod, Rules, Verdict, parse_date,
};

/// Exit code when the rules file has errors.
pub const EXIT_RULES: i32 = 1;
/// Exit code when the request is wrong.
pub const EXIT_REQUEST: i32 = 2;

/// Is a refund possible, and why? Evaluates the site's refund rules.
#[derive(clap::Args, Debug, Clone, Default)]
#[command(
    after_help = "Example:\n  faqtory refund --category saas --purchased 2026-07-01 --on 2026-07-06\n\n\
                  See docs/refund.md for the rules file and how each verdict is reached."
)]
pub struct RefundArgs {
    /// Product category id (image, saas, website-custom, api, ops-service, …).
    #[arg(long, value_name = "ID")]
    pub category: String,
    /// The purchase day, YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub purchased: String,
    /// The day of the refund request (default: today in the rules' time zone, UTC+8).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub on: Option<String>,
    /// The day delivery (custom development) or service confirmation (ops,
    /// training) completed.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub completed_on: Option<String>,
    /// A provider situation id (repeatable): late, not-as-described, cannot-deliver, …
    #[arg(long = "provider-fault", value_name = "ID")]
    pub provider_faults: Vec<String>,
    /// A user situation id (repeatable): no-requirements-3-months, scope-added, …
    #[arg(long = "user-fault", value_name = "ID")]
    pub user_faults: Vec<String>,
    /// Print the answer as JSON.
    #[arg(long)]
    pub json: bool,
    /// Language of the answer: zh-CN (default) or en.
    #[arg(long, value_name = "LANG", default_value = "zh-CN")]
    pub lang: String,
    /// The rules file (default: content/refund-rules.yaml under the site root).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
}

/// Runs the command with the system clock; returns the exit code.
pub fn run(args: &RefundArgs, site_root: &Path) -> i32 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    run_with(args, site_root, now, &mut stdout.lock(), &mut stderr.lock())
}

/// [`run`] with the clock (unix seconds) and the output streams given.
pub fn run_with(
    args: &RefundArgs,
    site_root: &Path,
    now_unix: i64,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let Some(lang) = Lang::parse(&args.lang) else {
        let _ = writeln!(
            err,
            "error: unknown language `{}`: use zh-CN or en",
            args.lang
        );
        return EXIT_REQUEST;
    };
    let loaded = match &args.rules {
        Some(named) => super::load_named(site_root, named),
        None => super::load(site_root, Path::new(super::DEFAULT_RULES_PATH)),
    };
    let rules = match loaded {
        Ok(r) => r,
        Err(diags) => {
            for d in diags {
                let _ = writeln!(err, "{d}");
            }
            return EXIT_RULES;
        }
    };
    match evaluate(args, &rules, lang, now_unix) {
        Ok((req, outcome)) => {
            let text = if args.json {
                refund::json::outcome_to_json(&outcome)
            } else {
                explain(&rules, &req, &outcome, lang)
            };
            let _ = writeln!(out, "{text}");
            0
        }
        Err(e) => {
            let _ = writeln!(err, "error: {}", e.message(lang));
            if let Some(help) = help_for(&e, &rules) {
                let _ = writeln!(err, "  = help: {help}");
            }
            EXIT_REQUEST
        }
    }
}

fn evaluate(
    args: &RefundArgs,
    rules: &Rules,
    lang: Lang,
    now_unix: i64,
) -> Result<(Request, Outcome), refund::Error> {
    let purchased = parse_date(DateField::Purchased, &args.purchased)?;
    let on = match &args.on {
        Some(s) => parse_date(DateField::On, s)?,
        None => rules.today(now_unix).ok_or(refund::Error::OutOfRange)?,
    };
    let completed_on = args
        .completed_on
        .as_deref()
        .map(|s| parse_date(DateField::CompletedOn, s))
        .transpose()?;
    let req = Request {
        category: args.category.clone(),
        purchased,
        on,
        completed_on,
        provider_faults: args.provider_faults.clone(),
        user_faults: args.user_faults.clone(),
    };
    let outcome = rules.evaluate(&req, lang)?;
    Ok((req, outcome))
}

/// Lists the valid ids when an id is unknown.
fn help_for(e: &refund::Error, rules: &Rules) -> Option<String> {
    let ids = |it: &mut dyn Iterator<Item = &str>| it.collect::<Vec<_>>().join(", ");
    match e {
        refund::Error::UnknownCategory(_) => Some(format!(
            "categories: {}",
            ids(&mut rules.categories.iter().map(|c| c.id.as_str()))
        )),
        refund::Error::UnknownProviderFault(_) => Some(format!(
            "provider situations: {}",
            ids(&mut rules.provider_situations.iter().map(|c| c.id.as_str()))
        )),
        refund::Error::UnknownUserFault(_) => Some(format!(
            "user situations: {}",
            ids(&mut rules.user_situations.iter().map(|c| c.id.as_str()))
        )),
        _ => None,
    }
}

/// The answer in words.
pub fn explain(rules: &Rules, req: &Request, o: &Outcome, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let cat = rules.category(&req.category);
    let label = cat.map_or(req.category.as_str(), |c| c.label.get(lang));
    let mut s = String::new();
    let verdict = match (o.verdict, zh) {
        (Verdict::Full, true) => "可以全额退款",
        (Verdict::Full, false) => "a full refund",
        (Verdict::Partial, true) => "不支持全额退款；可与服务商协商，退还未产生的资费（有偿退款）",
        (Verdict::Partial, false) => {
            "no full refund; a negotiated refund of the fees not yet incurred"
        }
        (Verdict::None, true) => "不支持退款",
        (Verdict::None, false) => "not refundable",
    };
    if zh {
        s.push_str(&format!("结论：{verdict}\n"));
        s.push_str(&format!(
            "商品：{label}（{}），购买日 {}，申请日 {}\n",
            req.category, req.purchased, req.on
        ));
    } else {
        s.push_str(&format!("Verdict: {verdict}\n"));
        s.push_str(&format!(
            "Product: {label} ({}), bought {}, requested {}\n",
            req.category, req.purchased, req.on
        ));
    }
    s.push_str(&period_line(cat.map(|c| c.review_period), req, o, zh));
    s.push('\n');
    s.push_str(if zh { "依据：\n" } else { "Reasons:\n" });
    let sep = if zh { "：" } else { ": " };
    for r in &o.reasons {
        s.push_str(&format!("  - {}{sep}{} <{}>\n", r.clause, r.text, r.url));
    }
    s.trim_end().to_owned()
}

fn period_line(rp: Option<ReviewPeriod>, req: &Request, o: &Outcome, zh: bool) -> String {
    let days = match rp {
        Some(ReviewPeriod::Days(n)) => n,
        _ => 0,
    };
    let ends = o.review_period.ends;
    let within = |end: Option<Date>| end.is_none_or(|e| req.on <= e);
    if let Some(e) = ends
        && e < req.purchased
    {
        return if zh {
            "复议期：购买当日即已完成，复议期已结束".to_owned()
        } else {
            "Review period: completed on the purchase day, so it is already over".to_owned()
        };
    }
    match (o.review_period.kind, ends, zh) {
        (PeriodKind::None, _, true) => "复议期：无（该类目不支持退款）".to_owned(),
        (PeriodKind::None, _, false) => {
            "Review period: none (the category is not refundable)".to_owned()
        }
        (PeriodKind::Days, Some(e), true) => format!(
            "复议期：自购买之日起 {days} 天，{} 至 {e}；申请日{}复议期内",
            req.purchased,
            if within(ends) { "在" } else { "不在" }
        ),
        (PeriodKind::Days, Some(e), false) => format!(
            "Review period: {days} days counting the purchase day, {} to {e}; the request is {} it",
            req.purchased,
            if within(ends) { "within" } else { "after" }
        ),
        (kind, None, true) => format!(
            "复议期：自购买之日起至{}前，尚未完成，仍在复议期内",
            if kind == PeriodKind::UntilDelivery {
                "商品交付完成"
            } else {
                "服务确认完成"
            }
        ),
        (kind, None, false) => format!(
            "Review period: from the purchase day until {}; not completed yet, so still running",
            if kind == PeriodKind::UntilDelivery {
                "delivery is complete"
            } else {
                "the service is confirmed complete"
            }
        ),
        (kind, Some(e), true) => format!(
            "复议期：自购买之日起至{}前，即 {} 至 {e}；申请日{}复议期内",
            if kind == PeriodKind::UntilDelivery {
                "商品交付完成"
            } else {
                "服务确认完成"
            },
            req.purchased,
            if within(ends) { "在" } else { "不在" }
        ),
        (kind, Some(e), false) => format!(
            "Review period: from the purchase day until {} on {}, so its last day is {e}; the request is {} it",
            if kind == PeriodKind::UntilDelivery {
                "delivery completed"
            } else {
                "the service was confirmed complete"
            },
            req.completed_on.map_or_else(String::new, |c| c.to_string()),
            if within(ends) { "within" } else { "after" }
        ),
    }
}
