//! The refund-eligibility engine: pure, no I/O, never panics.
//!
//! [`Rules`] (content: the site's refund-rules file) + a [`Request`] →
//! an [`Outcome`] (`full` / `partial` / `none`, the review period, and the
//! FAQ clauses the answer rests on) or a typed [`Error`]. Dates are calendar
//! days ([`Date`]); the caller decides what "today" is ([`Rules::today`]).
//! [`json`] is the wire format the wasm binding and the CLI's `--json` share.
//!
//! How each FAQ clause maps to the evaluation: docs/refund.md.

#![forbid(unsafe_code)]

pub mod date;
mod engine;
pub mod json;
mod rules;

pub use date::{Date, DateProblem};
pub use engine::{
    DateField, Error, Outcome, PeriodKind, PeriodOut, Reason, Request, Verdict, parse_date,
};
pub use rules::{
    Category, Cited, DEFAULT_OFFSET_MINUTES, GeneralClauses, Lang, PathSeg, Problem, ReviewPeriod,
    Rules, Situation, Text, is_valid_id, is_valid_url, parse_offset,
};
