//! A small JSON reader and writer for the engine's wire format.
//!
//! The browser gets the rules as JSON (written here by the build) and sends
//! requests as JSON; the wasm answers with an outcome as JSON. Hand-written so
//! the wasm module carries no serde_json: integers only (no fractions or
//! exponents), depth-limited, never panics.
//!
//! Shapes:
//! - outcome: `{"verdict":"full","review_period":{"kind":"days","ends":"2026-07-05"},
//!   "reasons":[{"clause":"…","text":"…","url":"…"}]}`
//! - error: `{"error":{"code":"impossible_date","message":"…"}}`
//! - request: `{"category":"saas","purchased":"2026-07-01","on":"2026-07-06",
//!   "completed_on":null,"provider_faults":["late"],"user_faults":[],"lang":"en"}`
//!   (`on` is required: the caller knows what day it is; the engine has no clock)
//! - rules: the YAML file's structure, `review_period` as `"until_delivery"` or
//!   `{"days":5}`.

use crate::date::{Date, push_padded};
use crate::engine::{DateField, Error, Outcome, Request, parse_date};
use crate::rules::{Category, Cited, GeneralClauses, Lang, ReviewPeriod, Rules, Situation, Text};

// ---------------------------------------------------------------- writer

/// Appends `s` as a JSON string literal.
pub fn push_str_lit(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // U+2028/2029 are legal in JSON but not in older JS string literals.
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str("\\u");
                let n = c as u32;
                for shift in [12u32, 8, 4, 0] {
                    let nibble = (n >> shift) & 0xF;
                    out.push(char::from_digit(nibble, 16).unwrap_or('0'));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_key(out: &mut String, key: &str) {
    push_str_lit(out, key);
    out.push(':');
}

fn push_opt_date(out: &mut String, d: Option<Date>) {
    match d {
        Some(d) => {
            out.push('"');
            d.write_to(out);
            out.push('"');
        }
        None => out.push_str("null"),
    }
}

/// The outcome as the CLI's `--json` prints it (one line).
pub fn outcome_to_json(o: &Outcome) -> String {
    let mut out = String::with_capacity(512);
    out.push('{');
    push_key(&mut out, "verdict");
    push_str_lit(&mut out, o.verdict.as_str());
    out.push(',');
    push_key(&mut out, "review_period");
    out.push('{');
    push_key(&mut out, "kind");
    push_str_lit(&mut out, o.review_period.kind.as_str());
    out.push(',');
    push_key(&mut out, "ends");
    push_opt_date(&mut out, o.review_period.ends);
    out.push_str("},");
    push_key(&mut out, "reasons");
    out.push('[');
    for (i, r) in o.reasons.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('{');
        push_key(&mut out, "clause");
        push_str_lit(&mut out, &r.clause);
        out.push(',');
        push_key(&mut out, "text");
        push_str_lit(&mut out, &r.text);
        out.push(',');
        push_key(&mut out, "url");
        push_str_lit(&mut out, &r.url);
        out.push('}');
    }
    out.push_str("]}");
    out
}

/// `{"error":{"code":…,"message":…}}`.
pub fn error_to_json(e: &Error, lang: Lang) -> String {
    let mut out = String::from("{\"error\":{");
    push_key(&mut out, "code");
    push_str_lit(&mut out, e.code());
    out.push(',');
    push_key(&mut out, "message");
    push_str_lit(&mut out, &e.message(lang));
    out.push_str("}}");
    out
}

fn push_text(out: &mut String, key: &str, t: &Text) {
    push_key(out, key);
    out.push('{');
    push_key(out, "zh");
    push_str_lit(out, &t.zh);
    out.push(',');
    push_key(out, "en");
    push_str_lit(out, &t.en);
    out.push('}');
}

fn push_cited(out: &mut String, key: &str, c: &Cited) {
    push_key(out, key);
    out.push('{');
    push_text(out, "clause", &c.clause);
    out.push(',');
    push_key(out, "url");
    push_str_lit(out, &c.url);
    out.push(',');
    push_text(out, "text", &c.text);
    out.push('}');
}

fn push_situations(out: &mut String, key: &str, list: &[Situation]) {
    push_key(out, key);
    out.push('[');
    for (i, s) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('{');
        push_key(out, "id");
        push_str_lit(out, &s.id);
        out.push(',');
        push_text(out, "label", &s.label);
        out.push(',');
        push_cited(out, "rule", &s.rule);
        out.push('}');
    }
    out.push(']');
}

/// The rules for the browser (the widget's form and the wasm both read it).
pub fn rules_to_json(r: &Rules) -> String {
    let mut out = String::with_capacity(8192);
    out.push('{');
    push_key(&mut out, "timezone");
    match &r.timezone {
        Some(tz) => push_str_lit(&mut out, tz),
        None => out.push_str("null"),
    }
    out.push(',');
    push_key(&mut out, "clauses");
    out.push('{');
    push_cited(
        &mut out,
        "within_review_period",
        &r.clauses.within_review_period,
    );
    out.push(',');
    push_cited(
        &mut out,
        "outside_review_period",
        &r.clauses.outside_review_period,
    );
    out.push(',');
    push_cited(&mut out, "negotiated_refund", &r.clauses.negotiated_refund);
    out.push_str("},");
    push_key(&mut out, "categories");
    out.push('[');
    for (i, c) in r.categories.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('{');
        push_key(&mut out, "id");
        push_str_lit(&mut out, &c.id);
        out.push(',');
        push_text(&mut out, "label", &c.label);
        out.push(',');
        push_key(&mut out, "review_period");
        match c.review_period {
            ReviewPeriod::Days(n) => {
                out.push_str("{\"days\":");
                push_padded(&mut out, n, 1);
                out.push('}');
            }
            ReviewPeriod::UntilDelivery => push_str_lit(&mut out, "until_delivery"),
            ReviewPeriod::UntilConfirmation => push_str_lit(&mut out, "until_confirmation"),
            ReviewPeriod::NotRefundable => push_str_lit(&mut out, "not_refundable"),
        }
        out.push(',');
        push_key(&mut out, "free");
        out.push_str(if c.free { "true" } else { "false" });
        out.push(',');
        push_cited(&mut out, "rule", &c.rule);
        out.push('}');
    }
    out.push_str("],");
    push_situations(&mut out, "provider_situations", &r.provider_situations);
    out.push(',');
    push_situations(&mut out, "user_situations", &r.user_situations);
    out.push('}');
    out
}

// ---------------------------------------------------------------- reader

/// A parsed JSON value. Numbers are integers only.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Arr(Vec<Value>),
    Obj(Vec<(String, Value)>),
}

const MAX_DEPTH: u32 = 32;

struct Parser<'a> {
    b: &'a [u8],
    pos: usize,
}

fn err(what: &str, pos: usize) -> String {
    let mut s = String::from(what);
    s.push_str(" at byte ");
    push_padded(&mut s, u32::try_from(pos).unwrap_or(u32::MAX), 1);
    s
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }
    fn bump(&mut self) {
        self.pos = self.pos.saturating_add(1);
    }
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.bump();
        }
    }
    fn lit(&mut self, word: &[u8], v: Value) -> Result<Value, String> {
        let end = self.pos.saturating_add(word.len());
        if self.b.get(self.pos..end) == Some(word) {
            self.pos = end;
            Ok(v)
        } else {
            Err(err("invalid literal", self.pos))
        }
    }

    fn value(&mut self, depth: u32) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(err("nested too deeply", self.pos));
        }
        self.ws();
        match self.peek() {
            Some(b'{') => {
                self.bump();
                let mut fields = Vec::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.bump();
                    return Ok(Value::Obj(fields));
                }
                loop {
                    self.ws();
                    let key = self.string()?;
                    self.ws();
                    if self.peek() != Some(b':') {
                        return Err(err("expected `:`", self.pos));
                    }
                    self.bump();
                    let v = self.value(depth.saturating_add(1))?;
                    fields.push((key, v));
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.bump(),
                        Some(b'}') => {
                            self.bump();
                            return Ok(Value::Obj(fields));
                        }
                        _ => return Err(err("expected `,` or `}`", self.pos)),
                    }
                }
            }
            Some(b'[') => {
                self.bump();
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.bump();
                    return Ok(Value::Arr(items));
                }
                loop {
                    items.push(self.value(depth.saturating_add(1))?);
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.bump(),
                        Some(b']') => {
                            self.bump();
                            return Ok(Value::Arr(items));
                        }
                        _ => return Err(err("expected `,` or `]`", self.pos)),
                    }
                }
            }
            Some(b'"') => Ok(Value::Str(self.string()?)),
            Some(b't') => self.lit(b"true", Value::Bool(true)),
            Some(b'f') => self.lit(b"false", Value::Bool(false)),
            Some(b'n') => self.lit(b"null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.int(),
            Some(_) => Err(err("unexpected character", self.pos)),
            None => Err(err("unexpected end", self.pos)),
        }
    }

    fn int(&mut self) -> Result<Value, String> {
        let neg = self.peek() == Some(b'-');
        if neg {
            self.bump();
        }
        let start = self.pos;
        let mut n: i64 = 0;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            n = n
                .checked_mul(10)
                .and_then(|n| n.checked_add(i64::from(c.wrapping_sub(b'0'))))
                .ok_or_else(|| err("number too large", start))?;
            self.bump();
        }
        if self.pos == start {
            return Err(err("expected digits", start));
        }
        if let Some(b'.' | b'e' | b'E') = self.peek() {
            return Err(err("only integers are supported", self.pos));
        }
        Ok(Value::Int(if neg { n.wrapping_neg() } else { n }))
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let mut n: u32 = 0;
        for _ in 0..4 {
            let d = self
                .peek()
                .and_then(|c| char::from(c).to_digit(16))
                .ok_or_else(|| err("bad \\u escape", self.pos))?;
            n = (n << 4) | d;
            self.bump();
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String, String> {
        if self.peek() != Some(b'"') {
            return Err(err("expected a string", self.pos));
        }
        self.bump();
        let mut out: Vec<u8> = Vec::new();
        loop {
            match self.peek() {
                None => return Err(err("unterminated string", self.pos)),
                Some(b'"') => {
                    self.bump();
                    return String::from_utf8(out).map_err(|_| err("invalid UTF-8", self.pos));
                }
                Some(b'\\') => {
                    self.bump();
                    let c = self
                        .peek()
                        .ok_or_else(|| err("unterminated escape", self.pos))?;
                    self.bump();
                    let ch = match c {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if self.peek() != Some(b'\\') {
                                    return Err(err("lone surrogate", self.pos));
                                }
                                self.bump();
                                if self.peek() != Some(b'u') {
                                    return Err(err("lone surrogate", self.pos));
                                }
                                self.bump();
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(err("lone surrogate", self.pos));
                                }
                                0x10000u32
                                    .wrapping_add((hi.wrapping_sub(0xD800)) << 10)
                                    .wrapping_add(lo.wrapping_sub(0xDC00))
                            } else {
                                hi
                            };
                            char::from_u32(code).ok_or_else(|| err("lone surrogate", self.pos))?
                        }
                        _ => return Err(err("bad escape", self.pos)),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                Some(c) if c < 0x20 => return Err(err("control character in string", self.pos)),
                Some(c) => {
                    out.push(c);
                    self.bump();
                }
            }
        }
    }
}

/// Parses one JSON document.
pub fn parse(text: &str) -> Result<Value, String> {
    let mut p = Parser {
        b: text.as_bytes(),
        pos: 0,
    };
    let v = p.value(0)?;
    p.ws();
    if p.pos < p.b.len() {
        return Err(err("trailing characters", p.pos));
    }
    Ok(v)
}

impl Value {
    fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Obj(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

fn path_err(path: &str, what: &str) -> String {
    let mut s = String::from(path);
    s.push_str(": ");
    s.push_str(what);
    s
}

fn join(path: &str, key: &str) -> String {
    let mut s = String::from(path);
    if !s.is_empty() {
        s.push('.');
    }
    s.push_str(key);
    s
}

fn index(path: &str, i: usize) -> String {
    let mut s = String::from(path);
    s.push('[');
    push_padded(&mut s, u32::try_from(i).unwrap_or(u32::MAX), 1);
    s.push(']');
    s
}

fn req_str(v: &Value, key: &str, path: &str) -> Result<String, String> {
    match v.get(key) {
        Some(Value::Str(s)) => Ok(s.clone()),
        Some(_) => Err(path_err(&join(path, key), "expected a string")),
        None => Err(path_err(&join(path, key), "missing")),
    }
}

fn opt_str(v: &Value, key: &str, path: &str) -> Result<Option<String>, String> {
    match v.get(key) {
        Some(Value::Str(s)) => Ok(Some(s.clone())),
        Some(Value::Null) | None => Ok(None),
        Some(_) => Err(path_err(&join(path, key), "expected a string or null")),
    }
}

fn str_list(v: &Value, key: &str, path: &str) -> Result<Vec<String>, String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Arr(items)) => items
            .iter()
            .enumerate()
            .map(|(i, it)| match it {
                Value::Str(s) => Ok(s.clone()),
                _ => Err(path_err(&index(&join(path, key), i), "expected a string")),
            })
            .collect(),
        Some(_) => Err(path_err(&join(path, key), "expected a list of strings")),
    }
}

fn text(v: &Value, key: &str, path: &str) -> Result<Text, String> {
    let p = join(path, key);
    let t = v.get(key).ok_or_else(|| path_err(&p, "missing"))?;
    Ok(Text {
        zh: req_str(t, "zh", &p)?,
        en: req_str(t, "en", &p)?,
    })
}

fn cited(v: &Value, key: &str, path: &str) -> Result<Cited, String> {
    let p = join(path, key);
    let c = v.get(key).ok_or_else(|| path_err(&p, "missing"))?;
    Ok(Cited {
        clause: text(c, "clause", &p)?,
        url: req_str(c, "url", &p)?,
        text: text(c, "text", &p)?,
    })
}

fn list<'v>(v: &'v Value, key: &str) -> Result<&'v [Value], String> {
    match v.get(key) {
        Some(Value::Arr(items)) => Ok(items),
        _ => Err(path_err(key, "expected a list")),
    }
}

fn situations(v: &Value, key: &str) -> Result<Vec<Situation>, String> {
    list(v, key)?
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let p = index(key, i);
            Ok(Situation {
                id: req_str(s, "id", &p)?,
                label: text(s, "label", &p)?,
                rule: cited(s, "rule", &p)?,
            })
        })
        .collect()
}

fn review_period(v: &Value, path: &str) -> Result<ReviewPeriod, String> {
    let p = join(path, "review_period");
    match v.get("review_period") {
        Some(Value::Str(s)) => match s.as_str() {
            "until_delivery" => Ok(ReviewPeriod::UntilDelivery),
            "until_confirmation" => Ok(ReviewPeriod::UntilConfirmation),
            "not_refundable" => Ok(ReviewPeriod::NotRefundable),
            _ => Err(path_err(&p, "unknown kind")),
        },
        Some(obj @ Value::Obj(_)) => match obj.get("days") {
            Some(Value::Int(n)) => u32::try_from(*n)
                .map(ReviewPeriod::Days)
                .map_err(|_| path_err(&p, "days out of range")),
            _ => Err(path_err(&p, "expected {\"days\": N}")),
        },
        _ => Err(path_err(&p, "missing or not a kind")),
    }
}

/// Reads rules written by [`rules_to_json`] (unknown keys are ignored).
pub fn rules_from_json(text_in: &str) -> Result<Rules, String> {
    let v = parse(text_in)?;
    let clauses = v
        .get("clauses")
        .ok_or_else(|| path_err("clauses", "missing"))?;
    let categories = list(&v, "categories")?
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let p = index("categories", i);
            Ok(Category {
                id: req_str(c, "id", &p)?,
                label: text(c, "label", &p)?,
                review_period: review_period(c, &p)?,
                free: matches!(c.get("free"), Some(Value::Bool(true))),
                rule: cited(c, "rule", &p)?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Rules {
        timezone: opt_str(&v, "timezone", "")?,
        clauses: GeneralClauses {
            within_review_period: cited(clauses, "within_review_period", "clauses")?,
            outside_review_period: cited(clauses, "outside_review_period", "clauses")?,
            negotiated_refund: cited(clauses, "negotiated_refund", "clauses")?,
        },
        categories,
        provider_situations: situations(&v, "provider_situations")?,
        user_situations: situations(&v, "user_situations")?,
    })
}

/// Reads a request: `{"category","purchased","on","completed_on"?,
/// "provider_faults"?,"user_faults"?,"lang"?}`. The language comes back
/// even when the request is wrong, so the error can be worded in it.
pub fn request_from_json(text_in: &str) -> (Result<Request, Error>, Lang) {
    let v = match parse(text_in) {
        Ok(v @ Value::Obj(_)) => v,
        Ok(_) => return (Err(Error::Malformed("expected an object".into())), Lang::Zh),
        Err(e) => return (Err(Error::Malformed(e)), Lang::Zh),
    };
    let lang = match v.get("lang") {
        Some(Value::Str(l)) => Lang::parse(l).unwrap_or(Lang::Zh),
        _ => Lang::Zh,
    };
    (request_from_value(&v), lang)
}

fn request_from_value(v: &Value) -> Result<Request, Error> {
    let category = req_str(v, "category", "").map_err(Error::Malformed)?;
    let purchased = req_str(v, "purchased", "").map_err(Error::Malformed)?;
    let on = req_str(v, "on", "").map_err(Error::Malformed)?;
    let completed = opt_str(v, "completed_on", "").map_err(Error::Malformed)?;
    let provider_faults = str_list(v, "provider_faults", "").map_err(Error::Malformed)?;
    let user_faults = str_list(v, "user_faults", "").map_err(Error::Malformed)?;
    let purchased = parse_date(DateField::Purchased, &purchased)?;
    let on = parse_date(DateField::On, &on)?;
    let completed_on = match completed.as_deref() {
        None | Some("") => None,
        Some(c) => Some(parse_date(DateField::CompletedOn, c)?),
    };
    Ok(Request {
        category,
        purchased,
        on,
        completed_on,
        provider_faults,
        user_faults,
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
    fn strings_round_trip_through_writer_and_reader() {
        for s in ["", "退款\"规则\"\\", "a\nb\tc\u{1}\u{2028}", "😀 emoji"] {
            let mut lit = String::new();
            push_str_lit(&mut lit, s);
            assert_eq!(parse(&lit), Ok(Value::Str(s.to_owned())), "{lit}");
        }
        assert_eq!(parse(r#""\ud83d\ude00""#), Ok(Value::Str("😀".into())));
    }

    #[test]
    fn rejects_malformed_documents_without_panicking() {
        for bad in [
            "",
            "{",
            "[1,",
            "{\"a\"}",
            "{\"a\":}",
            "tru",
            "1.5",
            "1e3",
            "\"\\ud800\"",
            "\"\\x\"",
            "\"abc",
            "[1] x",
            "99999999999999999999",
            "-",
            "\"\u{1}\"",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(10_000);
        assert!(parse(&deep).is_err());
    }

    #[test]
    fn values() {
        assert_eq!(
            parse(" {\"a\": [1, -2, true, false, null], \"b\": {}} "),
            Ok(Value::Obj(vec![
                (
                    "a".into(),
                    Value::Arr(vec![
                        Value::Int(1),
                        Value::Int(-2),
                        Value::Bool(true),
                        Value::Bool(false),
                        Value::Null
                    ])
                ),
                ("b".into(), Value::Obj(vec![])),
            ]))
        );
    }
}
