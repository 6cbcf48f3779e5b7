//! Evaluates a refund request against [`Rules`]. See docs/refund.md for how
//! each FAQ clause becomes a step here.

use crate::date::{Date, DateProblem};
use crate::rules::{Cited, Lang, ReviewPeriod, Rules};

/// What the user asks about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub category: String,
    /// The purchase day (the review period's first day).
    pub purchased: Date,
    /// The day the refund is requested.
    pub on: Date,
    /// The day delivery (custom development) or service confirmation (ops,
    /// training) completed; only categories with such a review period use it.
    pub completed_on: Option<Date>,
    /// Provider situation ids (复议期外退款 (1)-(5), 二 1-2).
    pub provider_faults: Vec<String>,
    /// User situation ids (三 1-5).
    pub user_faults: Vec<String>,
}

/// The answer, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Not refundable.
    None,
    /// A negotiated refund of the fees not yet incurred (有偿退款).
    Partial,
    /// A full refund: within the review period, or the provider at fault.
    Full,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::None => "none",
            Verdict::Partial => "partial",
            Verdict::Full => "full",
        }
    }
}

/// How the category's review period runs, as reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PeriodKind {
    Days,
    UntilDelivery,
    UntilConfirmation,
    /// Not refundable: no review period.
    None,
}

impl PeriodKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Days => "days",
            PeriodKind::UntilDelivery => "until_delivery",
            PeriodKind::UntilConfirmation => "until_confirmation",
            PeriodKind::None => "none",
        }
    }
}

/// The review period of this purchase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PeriodOut {
    pub kind: PeriodKind,
    /// Its last day; `None` when it has no end yet (delivery or confirmation
    /// not completed) or there is no review period. For the until-kinds it is
    /// the day before completion, which is the day before the purchase when
    /// completion fell on the purchase day (an empty period).
    pub ends: Option<Date>,
}

/// One clause the verdict rests on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reason {
    /// The clause's number on the FAQ page.
    pub clause: String,
    pub text: String,
    pub url: String,
}

/// The engine's answer.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Outcome {
    pub verdict: Verdict,
    pub review_period: PeriodOut,
    /// In order: the category's clause; within/outside the review period (for
    /// categories that have one); each provider situation (unless the
    /// category is free); each user situation; what a partial refund is
    /// (only for a partial verdict).
    pub reasons: Vec<Reason>,
}

/// Which input a date error concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DateField {
    Purchased,
    On,
    CompletedOn,
}

impl DateField {
    pub fn as_str(self) -> &'static str {
        match self {
            DateField::Purchased => "purchased",
            DateField::On => "on",
            DateField::CompletedOn => "completed_on",
        }
    }
}

/// Why a request cannot be evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// A date that is not `YYYY-MM-DD` or names no real day.
    InvalidDate {
        field: DateField,
        value: String,
        problem: DateProblem,
    },
    /// The request is dated before the purchase.
    RequestBeforePurchase {
        purchased: Date,
        on: Date,
    },
    /// Completion is dated before the purchase.
    CompletionBeforePurchase {
        purchased: Date,
        completed_on: Date,
    },
    UnknownCategory(String),
    UnknownProviderFault(String),
    UnknownUserFault(String),
    /// A review period that would end after 9999-12-31.
    OutOfRange,
    /// A malformed request or rules document (wasm/JSON input only).
    Malformed(String),
}

impl Error {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidDate {
                problem: DateProblem::Format,
                ..
            } => "invalid_date_format",
            Error::InvalidDate {
                problem: DateProblem::Impossible,
                ..
            } => "impossible_date",
            Error::RequestBeforePurchase { .. } => "request_before_purchase",
            Error::CompletionBeforePurchase { .. } => "completion_before_purchase",
            Error::UnknownCategory(_) => "unknown_category",
            Error::UnknownProviderFault(_) => "unknown_provider_fault",
            Error::UnknownUserFault(_) => "unknown_user_fault",
            Error::OutOfRange => "out_of_range",
            Error::Malformed(_) => "malformed",
        }
    }

    /// A sentence for the user (built without `core::fmt` for the wasm).
    pub fn message(&self, lang: Lang) -> String {
        let mut s = String::new();
        let zh = lang == Lang::Zh;
        match self {
            Error::InvalidDate {
                field,
                value,
                problem,
            } => {
                s.push_str(if zh { "日期 " } else { "the date " });
                s.push_str(field.as_str());
                s.push_str(" = \"");
                s.push_str(value);
                s.push_str(match (problem, zh) {
                    (DateProblem::Format, true) => "\" 格式不对：请写成 YYYY-MM-DD",
                    (DateProblem::Format, false) => "\" is not written as YYYY-MM-DD",
                    (DateProblem::Impossible, true) => "\" 不存在（没有这一天）",
                    (DateProblem::Impossible, false) => "\" is not a real calendar day",
                });
            }
            Error::RequestBeforePurchase { purchased, on } => {
                s.push_str(if zh {
                    "申请日期 "
                } else {
                    "the request date "
                });
                on.write_to(&mut s);
                s.push_str(if zh {
                    " 早于购买日期 "
                } else {
                    " is before the purchase date "
                });
                purchased.write_to(&mut s);
            }
            Error::CompletionBeforePurchase {
                purchased,
                completed_on,
            } => {
                s.push_str(if zh {
                    "完成日期 "
                } else {
                    "the completion date "
                });
                completed_on.write_to(&mut s);
                s.push_str(if zh {
                    " 早于购买日期 "
                } else {
                    " is before the purchase date "
                });
                purchased.write_to(&mut s);
            }
            Error::UnknownCategory(id) => {
                s.push_str(if zh {
                    "未知的商品类目 \""
                } else {
                    "unknown category \""
                });
                s.push_str(id);
                s.push('"');
            }
            Error::UnknownProviderFault(id) => {
                s.push_str(if zh {
                    "未知的服务商情形 \""
                } else {
                    "unknown provider situation \""
                });
                s.push_str(id);
                s.push('"');
            }
            Error::UnknownUserFault(id) => {
                s.push_str(if zh {
                    "未知的用户情形 \""
                } else {
                    "unknown user situation \""
                });
                s.push_str(id);
                s.push('"');
            }
            Error::OutOfRange => {
                s.push_str(if zh {
                    "日期超出可计算的范围（0001-9999 年）"
                } else {
                    "the dates fall outside the years 0001-9999"
                });
            }
            Error::Malformed(what) => {
                s.push_str(if zh {
                    "输入有误："
                } else {
                    "malformed input: "
                });
                s.push_str(what);
            }
        }
        s
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for Error {}

/// Parses a request date, naming the field when it is not a real day.
pub fn parse_date(field: DateField, value: &str) -> Result<Date, Error> {
    Date::parse(value).map_err(|problem| Error::InvalidDate {
        field,
        value: value.to_owned(),
        problem,
    })
}

fn reason(c: &Cited, lang: Lang) -> Reason {
    Reason {
        clause: c.clause.get(lang).to_owned(),
        text: c.text.get(lang).to_owned(),
        url: c.url.clone(),
    }
}

/// Ids in first-seen order without repeats.
fn dedup(ids: &[String]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for id in ids {
        if !out.contains(&id.as_str()) {
            out.push(id);
        }
    }
    out
}

impl Rules {
    /// Evaluates `req`, with reason texts in `lang`.
    ///
    /// 1. The category fixes the review period: `Days(n)` ends on purchase
    ///    day + n − 1; the until-kinds run while the request is dated before
    ///    the completion day (no completion date: still running); a
    ///    not-refundable category has none.
    /// 2. A free category is never refunded.
    /// 3. Any user situation (三) rules out a full refund: partial when the
    ///    category is refundable, else none.
    /// 4. Otherwise within the review period, or with a provider situation,
    ///    the refund is full (二 applies to every paid category, refundable or not).
    /// 5. Otherwise partial for a refundable category (复议期外: negotiated
    ///    refund of unused fees), none for a not-refundable one.
    pub fn evaluate(&self, req: &Request, lang: Lang) -> Result<Outcome, Error> {
        let cat = self
            .category(&req.category)
            .ok_or_else(|| Error::UnknownCategory(req.category.clone()))?;
        let pfs = dedup(&req.provider_faults);
        let ufs = dedup(&req.user_faults);
        let provider = pfs
            .iter()
            .map(|id| {
                self.provider_situation(id)
                    .ok_or_else(|| Error::UnknownProviderFault((*id).to_owned()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let user = ufs
            .iter()
            .map(|id| {
                self.user_situation(id)
                    .ok_or_else(|| Error::UnknownUserFault((*id).to_owned()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if req.on < req.purchased {
            return Err(Error::RequestBeforePurchase {
                purchased: req.purchased,
                on: req.on,
            });
        }
        if let Some(c) = req.completed_on
            && c < req.purchased
        {
            return Err(Error::CompletionBeforePurchase {
                purchased: req.purchased,
                completed_on: c,
            });
        }

        let (review_period, within) = match cat.review_period {
            ReviewPeriod::Days(n) => {
                let last = i64::from(n).checked_sub(1).ok_or(Error::OutOfRange)?;
                let ends = req.purchased.add_days(last).ok_or(Error::OutOfRange)?;
                (
                    PeriodOut {
                        kind: PeriodKind::Days,
                        ends: Some(ends),
                    },
                    req.on <= ends,
                )
            }
            ReviewPeriod::UntilDelivery | ReviewPeriod::UntilConfirmation => {
                let kind = if cat.review_period == ReviewPeriod::UntilDelivery {
                    PeriodKind::UntilDelivery
                } else {
                    PeriodKind::UntilConfirmation
                };
                match req.completed_on {
                    Some(c) => (
                        PeriodOut {
                            kind,
                            ends: Some(c.add_days(-1).ok_or(Error::OutOfRange)?),
                        },
                        req.on < c,
                    ),
                    None => (PeriodOut { kind, ends: None }, true),
                }
            }
            ReviewPeriod::NotRefundable => (
                PeriodOut {
                    kind: PeriodKind::None,
                    ends: None,
                },
                false,
            ),
        };
        let refundable = cat.review_period != ReviewPeriod::NotRefundable;

        let mut reasons = vec![reason(&cat.rule, lang)];
        if refundable {
            reasons.push(reason(
                if within {
                    &self.clauses.within_review_period
                } else {
                    &self.clauses.outside_review_period
                },
                lang,
            ));
        }
        if !cat.free {
            reasons.extend(provider.iter().map(|s| reason(&s.rule, lang)));
        }
        reasons.extend(user.iter().map(|s| reason(&s.rule, lang)));

        let provider_grounds = !cat.free && !provider.is_empty();
        let verdict = if cat.free {
            Verdict::None
        } else if !user.is_empty() {
            if refundable {
                Verdict::Partial
            } else {
                Verdict::None
            }
        } else if (refundable && within) || provider_grounds {
            Verdict::Full
        } else if refundable {
            Verdict::Partial
        } else {
            Verdict::None
        };
        if verdict == Verdict::Partial {
            reasons.push(reason(&self.clauses.negotiated_refund, lang));
        }
        Ok(Outcome {
            verdict,
            review_period,
            reasons,
        })
    }
}
