//! The rules data: categories, situations and the clauses they cite.
//!
//! Rules are content (the site's `refund-rules.yaml`); the main crate
//! deserializes them (feature `serde`) and [`Rules::validate`] reports
//! semantic problems by key path so the caller can point at a file line.

/// A text in both languages of the site.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

/// The language of the words in an outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// `zh`, `zh-CN`, `zh-Hans`, `en`, `en-US`, ... (case-insensitive).
    pub fn parse(s: &str) -> Option<Lang> {
        let lower = s.to_ascii_lowercase();
        let primary = lower.split(['-', '_']).next().unwrap_or("");
        match primary {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// A rule as the FAQ words it: the clause number, a link to it, and what it
/// means for this outcome.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct Cited {
    /// The clause's number on the FAQ page, e.g. `一、3（2）`.
    pub clause: Text,
    /// Link to the clause (site-absolute path with fragment, or a full URL).
    pub url: String,
    /// What the clause says, as a reason shown to the user.
    pub text: Text,
}

/// How a category's review period (复议期) runs.
///
/// Written as `until_delivery`, `until_confirmation`, `not_refundable`, or
/// `{days: N}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewPeriod {
    /// `n` calendar days counting the purchase day (5: bought 7.1 → 7.1-7.5).
    Days(u32),
    /// From the purchase day until delivery is complete (custom development).
    UntilDelivery,
    /// From the purchase day until the service is confirmed complete.
    UntilConfirmation,
    /// No review period: the category is not refundable.
    NotRefundable,
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for ReviewPeriod {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        const KINDS: &[&str] = &[
            "until_delivery",
            "until_confirmation",
            "not_refundable",
            "{days: N}",
        ];
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ReviewPeriod;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "`until_delivery`, `until_confirmation`, `not_refundable` or `{days: N}`",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ReviewPeriod, E> {
                match v {
                    "until_delivery" => Ok(ReviewPeriod::UntilDelivery),
                    "until_confirmation" => Ok(ReviewPeriod::UntilConfirmation),
                    "not_refundable" => Ok(ReviewPeriod::NotRefundable),
                    other => Err(E::unknown_variant(other, KINDS)),
                }
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ReviewPeriod, A::Error> {
                let mut days: Option<u32> = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "days" && days.is_none() {
                        days = Some(map.next_value()?);
                    } else {
                        return Err(serde::de::Error::unknown_field(&key, &["days"]));
                    }
                }
                days.map(ReviewPeriod::Days)
                    .ok_or_else(|| serde::de::Error::missing_field("days"))
            }
        }
        d.deserialize_any(V)
    }
}

/// A product category.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct Category {
    /// Stable id (CLI, URLs, tests): lowercase ASCII letters, digits, `-`.
    pub id: String,
    pub label: Text,
    pub review_period: ReviewPeriod,
    /// Sold free of charge: nothing was paid, so no situation refunds it.
    #[cfg_attr(feature = "serde", serde(default))]
    pub free: bool,
    /// The category's own clause.
    pub rule: Cited,
}

/// A provider or user situation (a checkbox in the widget).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct Situation {
    pub id: String,
    /// Short words for the checkbox.
    pub label: Text,
    pub rule: Cited,
}

/// The general clauses an outcome cites besides the category and situations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct GeneralClauses {
    /// The request falls in the review period (五天无理由退款, 一、1).
    pub within_review_period: Cited,
    /// The request falls after the review period (the 注意 callout, 一、2).
    pub outside_review_period: Cited,
    /// What a partial refund is (一、2 有偿退款, including (6)).
    pub negotiated_refund: Cited,
}

/// The whole rules file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct Rules {
    /// The platform's zone as `+HH:MM` / `-HH:MM`; UTC+8 when absent.
    #[cfg_attr(feature = "serde", serde(default))]
    pub timezone: Option<String>,
    pub clauses: GeneralClauses,
    pub categories: Vec<Category>,
    pub provider_situations: Vec<Situation>,
    pub user_situations: Vec<Situation>,
}

/// The default zone: UTC+8 (China Standard Time), in minutes east of UTC.
pub const DEFAULT_OFFSET_MINUTES: i32 = 480;

/// A step in a key path into the rules file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSeg {
    Key(&'static str),
    Index(usize),
}

/// A semantic problem in a rules file, at a key path such as
/// `categories[3].rule.url`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: Vec<PathSeg>,
    pub message: String,
}

impl Problem {
    /// The path as `categories[3].rule.url`.
    pub fn path_string(&self) -> String {
        let mut s = String::new();
        for seg in &self.path {
            match seg {
                PathSeg::Key(k) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(k);
                }
                PathSeg::Index(i) => {
                    s.push('[');
                    crate::date::push_padded(&mut s, u32::try_from(*i).unwrap_or(u32::MAX), 1);
                    s.push(']');
                }
            }
        }
        s
    }
}

/// Parses `+08:00`, `-05:30`, `+8`, `UTC+8`, `UTC` into minutes east of UTC
/// (within ±14:00).
pub fn parse_offset(s: &str) -> Option<i32> {
    let t = s.trim();
    let t = t
        .strip_prefix("UTC")
        .or_else(|| t.strip_prefix("GMT"))
        .unwrap_or(t);
    if t.is_empty() || t == "Z" {
        return Some(0);
    }
    let (sign, rest) = if let Some(r) = t.strip_prefix('+') {
        (1i32, r)
    } else if let Some(r) = t.strip_prefix('-') {
        (-1i32, r)
    } else {
        return None;
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None => (rest, "0"),
    };
    let small = |x: &str| -> Option<i32> {
        if x.is_empty() || x.len() > 2 || !x.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        x.parse().ok()
    };
    let (h, m) = (small(h)?, small(m)?);
    if m >= 60 {
        return None;
    }
    let total = h.checked_mul(60)?.checked_add(m)?;
    (total <= 14 * 60).then_some(sign.checked_mul(total)?)
}

impl Rules {
    /// Minutes east of UTC of the platform's zone (UTC+8 unless the file
    /// names another; an invalid value is a [`Rules::validate`] problem and
    /// falls back to UTC+8 here).
    pub fn offset_minutes(&self) -> i32 {
        self.timezone
            .as_deref()
            .and_then(parse_offset)
            .unwrap_or(DEFAULT_OFFSET_MINUTES)
    }

    /// "Today" in the rules' zone at unix time `secs` (the caller reads the
    /// clock; the engine has none).
    pub fn today(&self, unix_secs: i64) -> Option<crate::Date> {
        crate::Date::from_unix(unix_secs, self.offset_minutes())
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }
    pub fn provider_situation(&self, id: &str) -> Option<&Situation> {
        self.provider_situations.iter().find(|c| c.id == id)
    }
    pub fn user_situation(&self, id: &str) -> Option<&Situation> {
        self.user_situations.iter().find(|c| c.id == id)
    }

    /// Every clause URL with its key path (so a build can check the links).
    pub fn urls(&self) -> Vec<(Vec<PathSeg>, &str)> {
        let mut out = Vec::new();
        let general = [
            ("within_review_period", &self.clauses.within_review_period),
            ("outside_review_period", &self.clauses.outside_review_period),
            ("negotiated_refund", &self.clauses.negotiated_refund),
        ];
        for (key, c) in general {
            out.push((
                vec![
                    PathSeg::Key("clauses"),
                    PathSeg::Key(key),
                    PathSeg::Key("url"),
                ],
                c.url.as_str(),
            ));
        }
        for (i, c) in self.categories.iter().enumerate() {
            out.push((
                entry_path("categories", i, &["rule", "url"]),
                c.rule.url.as_str(),
            ));
        }
        for (list, key) in [
            (&self.provider_situations, "provider_situations"),
            (&self.user_situations, "user_situations"),
        ] {
            for (i, s) in list.iter().enumerate() {
                out.push((entry_path(key, i, &["rule", "url"]), s.rule.url.as_str()));
            }
        }
        out
    }

    /// Every semantic problem: bad or duplicate ids, empty texts, bad URLs,
    /// a zero-day review period, a free category with a review period, an
    /// invalid time zone, an empty category list.
    pub fn validate(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut push = |path: Vec<PathSeg>, message: String| {
            problems.push(Problem { path, message });
        };
        if let Some(tz) = &self.timezone
            && parse_offset(tz).is_none()
        {
            push(
                vec![PathSeg::Key("timezone")],
                format!(
                    "invalid time zone `{tz}`: write an offset such as `+08:00` (at most ±14:00)"
                ),
            );
        }
        let general = [
            ("within_review_period", &self.clauses.within_review_period),
            ("outside_review_period", &self.clauses.outside_review_period),
            ("negotiated_refund", &self.clauses.negotiated_refund),
        ];
        for (key, c) in general {
            check_cited(
                c,
                vec![PathSeg::Key("clauses"), PathSeg::Key(key)],
                &mut push,
            );
        }
        if self.categories.is_empty() {
            push(
                vec![PathSeg::Key("categories")],
                "no categories: the calculator needs at least one".into(),
            );
        }
        let mut seen: Vec<&str> = Vec::new();
        for (i, c) in self.categories.iter().enumerate() {
            check_id(&c.id, "categories", i, &mut seen, &mut push);
            check_text(&c.label, entry_path("categories", i, &["label"]), &mut push);
            check_cited(&c.rule, entry_path("categories", i, &["rule"]), &mut push);
            match c.review_period {
                ReviewPeriod::Days(0) => push(
                    entry_path("categories", i, &["review_period", "days"]),
                    format!(
                        "category `{}`: a review period of 0 days: use `not_refundable` instead",
                        c.id
                    ),
                ),
                ReviewPeriod::Days(n) if n > 3660 => push(
                    entry_path("categories", i, &["review_period", "days"]),
                    format!(
                        "category `{}`: a review period of {n} days is longer than ten years",
                        c.id
                    ),
                ),
                _ => {}
            }
            if c.free && c.review_period != ReviewPeriod::NotRefundable {
                push(
                    entry_path("categories", i, &["free"]),
                    format!(
                        "category `{}` is free but has a review period: a free category must be `not_refundable`",
                        c.id
                    ),
                );
            }
        }
        for (list, key) in [
            (&self.provider_situations, "provider_situations"),
            (&self.user_situations, "user_situations"),
        ] {
            let mut seen: Vec<&str> = Vec::new();
            for (i, s) in list.iter().enumerate() {
                check_id(&s.id, key, i, &mut seen, &mut push);
                check_text(&s.label, entry_path(key, i, &["label"]), &mut push);
                check_cited(&s.rule, entry_path(key, i, &["rule"]), &mut push);
            }
        }
        problems
    }
}

fn entry_path(list: &'static str, i: usize, rest: &[&'static str]) -> Vec<PathSeg> {
    let mut p = vec![PathSeg::Key(list), PathSeg::Index(i)];
    p.extend(rest.iter().map(|k| PathSeg::Key(k)));
    p
}

fn with(path: &[PathSeg], key: &'static str) -> Vec<PathSeg> {
    let mut p = path.to_vec();
    p.push(PathSeg::Key(key));
    p
}

/// Ids travel in URLs and shell arguments: `[a-z0-9]` words joined by `-`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
}

fn check_id<'a>(
    id: &'a str,
    list: &'static str,
    i: usize,
    seen: &mut Vec<&'a str>,
    push: &mut impl FnMut(Vec<PathSeg>, String),
) {
    let path = entry_path(list, i, &["id"]);
    if !is_valid_id(id) {
        push(
            path,
            format!(
                "invalid id `{id}`: use lowercase ASCII letters, digits and single `-` (it appears in URLs)"
            ),
        );
    } else if seen.contains(&id) {
        push(path, format!("duplicate id `{id}` in `{list}`"));
    } else {
        seen.push(id);
    }
}

fn check_text(t: &Text, path: Vec<PathSeg>, push: &mut impl FnMut(Vec<PathSeg>, String)) {
    if t.zh.trim().is_empty() {
        push(with(&path, "zh"), "empty Chinese text".into());
    }
    if t.en.trim().is_empty() {
        push(with(&path, "en"), "empty English text".into());
    }
}

fn check_cited(c: &Cited, path: Vec<PathSeg>, push: &mut impl FnMut(Vec<PathSeg>, String)) {
    check_text(&c.clause, with(&path, "clause"), push);
    check_text(&c.text, with(&path, "text"), push);
    if !is_valid_url(&c.url) {
        push(
            with(&path, "url"),
            format!(
                "invalid clause URL `{}`: write a site path (`/cloud-market/faq/#refund-rules`) or an http(s) URL",
                c.url
            ),
        );
    }
}

/// A site-absolute path, a fragment, or an http(s) URL, with no whitespace,
/// quotes or angle brackets (the URL goes into HTML attributes).
pub fn is_valid_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let scheme_ok = (url.starts_with('/') && !url.starts_with("//"))
        || url.starts_with('#')
        || lower.starts_with("https://")
        || lower.starts_with("http://");
    scheme_ok
        && url.len() > 1
        && !url.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`' | '\\')
        })
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::expect_used
)]
mod tests {
    use super::*;

    #[test]
    fn offsets() {
        for (s, want) in [
            ("+08:00", Some(480)),
            ("+8", Some(480)),
            ("UTC+8", Some(480)),
            ("-05:30", Some(-330)),
            ("UTC", Some(0)),
            ("Z", Some(0)),
            ("+14:00", Some(840)),
            ("+14:01", None),
            ("+08:60", None),
            ("08:00", None),
            ("+", None),
            ("+123", None),
            ("Asia/Shanghai", None),
        ] {
            assert_eq!(parse_offset(s), want, "{s}");
        }
    }

    #[test]
    fn ids() {
        for ok in ["saas", "no-requirements-3-months", "a1"] {
            assert!(is_valid_id(ok), "{ok}");
        }
        for bad in ["", "SaaS", "a b", "-a", "a-", "a--b", "退款", "a_b"] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn urls() {
        for ok in [
            "/cloud-market/faq/#refund-rules",
            "#x",
            "https://example.com/a",
        ] {
            assert!(is_valid_url(ok), "{ok}");
        }
        for bad in [
            "",
            "/",
            "//evil.com/x",
            "javascript:alert(1)",
            "/a b",
            "/a\"b",
            "ftp://x",
        ] {
            assert!(!is_valid_url(bad), "{bad}");
        }
    }

    #[test]
    fn langs() {
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::parse("EN-us"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }
}
