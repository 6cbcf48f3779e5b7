//! The refund calculator widget's server side.
//!
//! - [`fallback_html`]: what the widget's place shows without JavaScript:
//!   the rules as a table (category, review period, in it, after it, clause)
//!   and the two situation lists. The script keeps it (folded) under the form.
//! - [`rules_json`]: the rules for the browser, written by the build to
//!   `assets/` + [`RULES_ASSET`]; the script reads it for the form's choices
//!   and passes it, untouched, to the wasm engine with each request.
//!
//! Clause URLs in the rules are site-absolute (`/cloud-market/faq/#…`);
//! `base_path` (e.g. `/help`, or empty) is put in front of them. The
//! fallback's root element also carries `data-base`, `data-rules-url` and
//! `data-wasm-url` (under `base_path`), which the script reads when the widget
//! element itself does not set them.

use refund::{Lang, ReviewPeriod, Rules};

use crate::markdown;

/// The widget's name in the directive (`::: widget refund-calculator :::`).
pub const WIDGET_NAME: &str = "refund-calculator";
/// The rules JSON file, under the site's `assets/` folder.
pub const RULES_ASSET: &str = "refund-rules.json";
/// The script and style the page needs, under the theme's static folder.
pub const SCRIPT: &str = "js/refund.js";
pub const STYLE: &str = "css/refund.css";

/// The engine's language for a page language.
pub fn lang(l: markdown::Lang) -> Lang {
    match l {
        markdown::Lang::Zh => Lang::Zh,
        markdown::Lang::En => Lang::En,
    }
}

/// The rules as JSON for `assets/refund-rules.json`.
pub fn rules_json(rules: &Rules) -> String {
    refund::json::rules_to_json(rules)
}

/// HTML-escapes text for element content and attribute values.
fn esc(s: &str) -> String {
    crate::render::seo::xml_escape(s)
}

/// A clause URL with the site's base path in front of site-absolute paths.
pub fn resolve_url(base_path: &str, url: &str) -> String {
    if url.starts_with('/') && !url.starts_with("//") {
        format!("{}{url}", base_path.trim_end_matches('/'))
    } else {
        url.to_owned()
    }
}

fn link(base_path: &str, url: &str, text: &str) -> String {
    format!(
        "<a href=\"{}\">{}</a>",
        esc(&resolve_url(base_path, url)),
        esc(text)
    )
}

/// The rules as HTML, for readers without JavaScript (and for print).
pub fn fallback_html(rules: &Rules, page_lang: markdown::Lang, base_path: &str) -> String {
    let l = lang(page_lang);
    let zh = l == Lang::Zh;
    let t = |zh_s: &'static str, en_s: &'static str| if zh { zh_s } else { en_s };
    let mut h = String::with_capacity(8192);
    // Where the script finds its data, so the page needs nothing else.
    let base = resolve_url(base_path, "/");
    h.push_str(&format!(
        "<div class=\"refund-fallback\" data-base=\"{}\" data-rules-url=\"{}\" data-wasm-url=\"{}\">\n",
        esc(&base),
        esc(&resolve_url(base_path, &format!("/assets/{RULES_ASSET}"))),
        esc(&resolve_url(base_path, "/assets/refund.wasm")),
    ));
    h.push_str(&format!(
        "<table class=\"refund-rules\">\n<caption>{}</caption>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
        t("云市场退款规则一览", "Marketplace refund rules at a glance"),
        t("商品类目", "Category"),
        t("复议期", "Review period"),
        t("复议期内申请", "Requested within it"),
        t("复议期外申请", "Requested after it"),
        t("依据", "Clause"),
    ));
    for c in &rules.categories {
        let (period, within, after) = match c.review_period {
            ReviewPeriod::Days(n) => (
                if zh {
                    format!("自购买之日起 {n} 天（含购买日）")
                } else {
                    format!("{n} days counting the purchase day")
                },
                t("全额退款", "Full refund"),
                t("协商退还未产生的资费", "Negotiated refund of unused fees"),
            ),
            ReviewPeriod::UntilDelivery => (
                t(
                    "自购买之日起至商品交付完成前",
                    "From purchase until delivery is complete",
                )
                .to_owned(),
                t("全额退款", "Full refund"),
                t("协商退还未产生的资费", "Negotiated refund of unused fees"),
            ),
            ReviewPeriod::UntilConfirmation => (
                t(
                    "自购买之日起至服务确认完成前",
                    "From purchase until the service is confirmed complete",
                )
                .to_owned(),
                t("全额退款", "Full refund"),
                t("协商退还未产生的资费", "Negotiated refund of unused fees"),
            ),
            ReviewPeriod::NotRefundable => (
                if c.free {
                    t("无（免费商品）", "None (free of charge)").to_owned()
                } else {
                    t("无", "None").to_owned()
                },
                "—",
                t("不支持退款", "Not refundable"),
            ),
        };
        h.push_str(&format!(
            "<tr id=\"refund-cat-{}\"><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            esc(&c.id),
            esc(c.label.get(l)),
            esc(&period),
            esc(within),
            esc(after),
            link(base_path, &c.rule.url, c.rule.clause.get(l)),
        ));
    }
    h.push_str("</tbody>\n</table>\n");
    let lists = [
        (
            &rules.provider_situations,
            t(
                "服务商存在以下任一情形的，腾讯云可直接全额退款（免费商品除外，不论是否在复议期内、是否为不支持退款的类目）：",
                "If the provider is in any of these situations, Tencent Cloud may refund in full (in or after the review period, in any paid category):",
            ),
            "refund-provider-situations",
        ),
        (
            &rules.user_situations,
            t(
                "用户存在以下任一情形的，不支持全额退款（可协商退还未产生的资费）：",
                "If the user is in any of these situations, there is no full refund (a negotiated refund of unused fees remains possible):",
            ),
            "refund-user-situations",
        ),
    ];
    for (list, intro, class) in lists {
        h.push_str(&format!("<p>{}</p>\n<ul class=\"{class}\">\n", esc(intro)));
        let (open, close) = if zh { ("（", "）") } else { (" (", ")") };
        for s in list {
            h.push_str(&format!(
                "<li>{}{open}{}{close}</li>\n",
                esc(s.label.get(l)),
                link(base_path, &s.rule.url, s.rule.clause.get(l)),
            ));
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</div>\n");
    h
}
