//! Calendar dates (proleptic Gregorian, years 0001-9999) with no time zone.
//!
//! The engine only ever needs "which calendar day": the review period counts
//! calendar days including the purchase day. Everything here is checked
//! arithmetic on small integers; nothing panics.

use std::fmt;

/// A valid calendar date. Ordering is chronological.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    // Field order matters: the derived Ord compares year, then month, then day.
    year: u16,
    month: u8,
    day: u8,
}

/// Why a string is not a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateProblem {
    /// Not of the form `YYYY-MM-DD` (four, two and two ASCII digits).
    Format,
    /// Well formed but no such day (`2026-02-30`, month 13, day 0, year 0000).
    Impossible,
}

/// Days from 1970-01-01 to 0001-01-01 (negative).
const MIN_DAYS: i64 = -719_162;
/// Days from 1970-01-01 to 9999-12-31.
const MAX_DAYS: i64 = 2_932_896;

pub fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// A date from its parts, or `None` when no such day exists.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let valid = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    pub fn year(self) -> u16 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }

    /// Parses exactly `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Date, DateProblem> {
        let b = s.as_bytes();
        let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = b else {
            return Err(DateProblem::Format);
        };
        let digit = |c: &u8| -> Result<u16, DateProblem> {
            if c.is_ascii_digit() {
                Ok(u16::from(c.wrapping_sub(b'0')))
            } else {
                Err(DateProblem::Format)
            }
        };
        let num = |ds: &[&u8]| -> Result<u16, DateProblem> {
            let mut n: u16 = 0;
            for d in ds {
                n = n
                    .checked_mul(10)
                    .and_then(|n| n.checked_add(digit(d).ok()?))
                    .ok_or(DateProblem::Format)?;
            }
            Ok(n)
        };
        let year = num(&[y1, y2, y3, y4])?;
        let month = u8::try_from(num(&[m1, m2])?).map_err(|_| DateProblem::Format)?;
        let day = u8::try_from(num(&[d1, d2])?).map_err(|_| DateProblem::Format)?;
        Date::new(year, month, day).ok_or(DateProblem::Impossible)
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn to_days(self) -> i64 {
        // Howard Hinnant's days_from_civil, for years >= 1 (so no negative eras).
        let m = i64::from(self.month);
        let d = i64::from(self.day);
        let y = i64::from(self.year).wrapping_sub(i64::from(m <= 2));
        // y is in 0..=9999 here, so every intermediate below is tiny.
        let era = y.wrapping_div(400);
        let yoe = y.wrapping_sub(era.wrapping_mul(400));
        let mp = if m > 2 {
            m.wrapping_sub(3)
        } else {
            m.wrapping_add(9)
        };
        let doy = mp
            .wrapping_mul(153)
            .wrapping_add(2)
            .wrapping_div(5)
            .wrapping_add(d)
            .wrapping_sub(1);
        let doe = yoe
            .wrapping_mul(365)
            .wrapping_add(yoe.wrapping_div(4))
            .wrapping_sub(yoe.wrapping_div(100))
            .wrapping_add(doy);
        era.wrapping_mul(146_097)
            .wrapping_add(doe)
            .wrapping_sub(719_468)
    }

    /// The date `days` after 1970-01-01, or `None` outside years 1-9999.
    pub fn from_days(days: i64) -> Option<Date> {
        if !(MIN_DAYS..=MAX_DAYS).contains(&days) {
            return None;
        }
        // Hinnant's civil_from_days; z >= 0 because days >= MIN_DAYS.
        let z = days.wrapping_add(719_468);
        let era = z.wrapping_div(146_097);
        let doe = z.wrapping_sub(era.wrapping_mul(146_097));
        let yoe = doe
            .wrapping_sub(doe.wrapping_div(1460))
            .wrapping_add(doe.wrapping_div(36_524))
            .wrapping_sub(doe.wrapping_div(146_096))
            .wrapping_div(365);
        let doy = doe.wrapping_sub(
            yoe.wrapping_mul(365)
                .wrapping_add(yoe.wrapping_div(4))
                .wrapping_sub(yoe.wrapping_div(100)),
        );
        let mp = doy.wrapping_mul(5).wrapping_add(2).wrapping_div(153);
        let d = doy
            .wrapping_sub(mp.wrapping_mul(153).wrapping_add(2).wrapping_div(5))
            .wrapping_add(1);
        let m = if mp < 10 {
            mp.wrapping_add(3)
        } else {
            mp.wrapping_sub(9)
        };
        let y = yoe
            .wrapping_add(era.wrapping_mul(400))
            .wrapping_add(i64::from(m <= 2));
        Date::new(
            u16::try_from(y).ok()?,
            u8::try_from(m).ok()?,
            u8::try_from(d).ok()?,
        )
    }

    /// The date `n` days later (earlier when negative), or `None` outside
    /// years 1-9999.
    pub fn add_days(self, n: i64) -> Option<Date> {
        Date::from_days(self.to_days().checked_add(n)?)
    }

    /// Whole days from `self` to `other` (positive when `other` is later).
    pub fn days_until(self, other: Date) -> i64 {
        // Both are within MIN_DAYS..=MAX_DAYS, so this cannot overflow.
        other.to_days().wrapping_sub(self.to_days())
    }

    /// The calendar date at unix time `secs` in a zone `offset_minutes` east
    /// of UTC (480 for UTC+8). `None` outside years 1-9999.
    pub fn from_unix(secs: i64, offset_minutes: i32) -> Option<Date> {
        let local = secs.checked_add(i64::from(offset_minutes).checked_mul(60)?)?;
        Date::from_days(local.checked_div_euclid(86_400)?)
    }

    /// Appends `YYYY-MM-DD` to `out` (no `core::fmt`: keeps the wasm small).
    pub fn write_to(self, out: &mut String) {
        push_padded(out, u32::from(self.year), 4);
        out.push('-');
        push_padded(out, u32::from(self.month), 2);
        out.push('-');
        push_padded(out, u32::from(self.day), 2);
    }

    pub fn to_iso(self) -> String {
        let mut s = String::with_capacity(10);
        self.write_to(&mut s);
        s
    }
}

/// Appends `n` in decimal, left-padded with zeros to `width` digits.
pub(crate) fn push_padded(out: &mut String, n: u32, width: usize) {
    let mut digits = [0u8; 10];
    let mut len = 0usize;
    let mut rest = n;
    for slot in digits.iter_mut() {
        *slot = b'0'.wrapping_add(u8::try_from(rest % 10).unwrap_or(0));
        rest /= 10;
        len = len.wrapping_add(1);
        if rest == 0 {
            break;
        }
    }
    for _ in len..width {
        out.push('0');
    }
    for d in digits.iter().take(len).rev() {
        out.push(char::from(*d));
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso())
    }
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

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn parse_accepts_real_days_and_rejects_impossible_ones() {
        type Parsed = Result<(u16, u8, u8), DateProblem>;
        let cases: &[(&str, Parsed)] = &[
            ("2026-07-01", Ok((2026, 7, 1))),
            ("2024-02-29", Ok((2024, 2, 29))),
            ("2000-02-29", Ok((2000, 2, 29))),
            ("0001-01-01", Ok((1, 1, 1))),
            ("9999-12-31", Ok((9999, 12, 31))),
            ("2026-02-29", Err(DateProblem::Impossible)),
            ("1900-02-29", Err(DateProblem::Impossible)),
            ("2026-04-31", Err(DateProblem::Impossible)),
            ("2026-13-01", Err(DateProblem::Impossible)),
            ("2026-00-10", Err(DateProblem::Impossible)),
            ("2026-01-00", Err(DateProblem::Impossible)),
            ("0000-01-01", Err(DateProblem::Impossible)),
            ("2026-7-1", Err(DateProblem::Format)),
            ("2026/07/01", Err(DateProblem::Format)),
            ("20260701", Err(DateProblem::Format)),
            (" 2026-07-01", Err(DateProblem::Format)),
            ("2026-07-01 ", Err(DateProblem::Format)),
            ("２０２６-07-01", Err(DateProblem::Format)),
            ("+026-07-01", Err(DateProblem::Format)),
            ("", Err(DateProblem::Format)),
        ];
        for (s, want) in cases {
            let got = Date::parse(s).map(|x| (x.year(), x.month(), x.day()));
            assert_eq!(&got, want, "{s:?}");
        }
    }

    #[test]
    fn days_round_trip_over_the_whole_range() {
        assert_eq!(d("1970-01-01").to_days(), 0);
        assert_eq!(d("0001-01-01").to_days(), MIN_DAYS);
        assert_eq!(d("9999-12-31").to_days(), MAX_DAYS);
        let mut prev: Option<Date> = None;
        let mut n = MIN_DAYS;
        while n <= MAX_DAYS {
            let date = Date::from_days(n).unwrap();
            assert_eq!(date.to_days(), n);
            if let Some(p) = prev {
                assert!(p < date);
                assert_eq!(p.add_days(1), Some(date), "{p} + 1");
            }
            prev = Some(date);
            n += 1;
        }
        assert_eq!(Date::from_days(MIN_DAYS - 1), None);
        assert_eq!(Date::from_days(MAX_DAYS + 1), None);
    }

    #[test]
    fn add_days_crosses_month_year_and_leap_boundaries() {
        let cases = [
            ("2026-07-01", 4, "2026-07-05"),
            ("2026-07-28", 4, "2026-08-01"),
            ("2026-12-29", 4, "2027-01-02"),
            ("2024-02-27", 4, "2024-03-02"),
            ("2024-02-29", 1, "2024-03-01"),
            ("2025-02-27", 4, "2025-03-03"),
            ("2000-02-28", 1, "2000-02-29"),
            ("2100-02-28", 1, "2100-03-01"),
            ("2026-03-01", -1, "2026-02-28"),
            ("2024-03-01", -1, "2024-02-29"),
            ("2027-01-01", -1, "2026-12-31"),
        ];
        for (from, n, to) in cases {
            assert_eq!(d(from).add_days(n), Some(d(to)), "{from} + {n}");
            assert_eq!(d(from).days_until(d(to)), n);
        }
        assert_eq!(d("9999-12-31").add_days(1), None);
        assert_eq!(d("0001-01-01").add_days(-1), None);
        assert_eq!(d("2026-01-01").add_days(i64::MAX), None);
        assert_eq!(d("2026-01-01").add_days(i64::MIN), None);
    }

    #[test]
    fn unix_time_becomes_the_local_calendar_day() {
        // 2026-06-30T16:00:00Z is 2026-07-01 00:00 in UTC+8.
        let t = 1_782_835_200;
        assert_eq!(Date::from_unix(t, 480), Some(d("2026-07-01")));
        assert_eq!(Date::from_unix(t - 1, 480), Some(d("2026-06-30")));
        assert_eq!(Date::from_unix(t, 0), Some(d("2026-06-30")));
        assert_eq!(Date::from_unix(0, 0), Some(d("1970-01-01")));
        assert_eq!(Date::from_unix(-1, 0), Some(d("1969-12-31")));
        assert_eq!(Date::from_unix(i64::MAX, 480), None);
        assert_eq!(Date::from_unix(i64::MIN, -720), None);
    }

    #[test]
    fn prints_iso() {
        assert_eq!(d("0001-02-03").to_string(), "0001-02-03");
        assert_eq!(d("2026-12-31").to_iso(), "2026-12-31");
    }
}
