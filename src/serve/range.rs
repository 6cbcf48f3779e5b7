//! `Range: bytes=…` requests (RFC 9110 §14), as static hosts answer them:
//! the browser's search reads its index files by byte range. Pure.

/// What to send for a request's `Range` header over a body of `len` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// No usable range: the whole body, 200. A header that is malformed,
    /// not in bytes, or asks for several ranges is ignored, as the RFC
    /// allows.
    Whole,
    /// `206 Partial Content` with `[start, end)`.
    Part { start: usize, end: usize },
    /// `416 Range Not Satisfiable`: the range starts past the end.
    Unsatisfiable,
}

/// Decides the answer for `header` (the `Range` value, if any).
pub fn answer(header: Option<&str>, len: usize) -> Answer {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Answer::Whole;
    };
    if spec.contains(',') {
        return Answer::Whole;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return Answer::Whole;
    };
    let num = |s: &str| -> Option<usize> {
        (!s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match (a.is_empty(), num(a), num(b)) {
        // `bytes=-N`: the last N bytes.
        (true, _, Some(n)) => {
            if n == 0 || len == 0 {
                Answer::Unsatisfiable
            } else {
                Answer::Part {
                    start: len.saturating_sub(n),
                    end: len,
                }
            }
        }
        // `bytes=A-` and `bytes=A-B` (B inclusive, cut at the end).
        (false, Some(start), last) if b.is_empty() || last.is_some() => {
            let end = last.map_or(len, |l| l.saturating_add(1).min(len));
            if last.is_some_and(|l| l < start) {
                Answer::Whole
            } else if start >= len {
                Answer::Unsatisfiable
            } else {
                Answer::Part { start, end }
            }
        }
        _ => Answer::Whole,
    }
}

#[cfg(test)]
mod tests {
    use super::{Answer, answer};

    #[test]
    fn ranges_as_static_hosts_answer_them() {
        let part = |start, end| Answer::Part { start, end };
        assert_eq!(answer(None, 10), Answer::Whole);
        assert_eq!(answer(Some("bytes=0-3"), 10), part(0, 4));
        assert_eq!(answer(Some("bytes=4-"), 10), part(4, 10));
        assert_eq!(answer(Some("bytes=4-100"), 10), part(4, 10));
        assert_eq!(answer(Some("bytes=-3"), 10), part(7, 10));
        assert_eq!(answer(Some("bytes=-30"), 10), part(0, 10));
        assert_eq!(answer(Some("bytes=9-9"), 10), part(9, 10));
        assert_eq!(answer(Some("bytes=10-"), 10), Answer::Unsatisfiable);
        assert_eq!(answer(Some("bytes=-0"), 10), Answer::Unsatisfiable);
        // Ignored: several ranges, other units, nonsense, reversed.
        for h in [
            "bytes=0-1,3-4",
            "items=0-1",
            "bytes=a-b",
            "bytes=5-2",
            "bytes=-",
            "bytes=+1-2",
            "bytes=99999999999999999999999-",
        ] {
            assert_eq!(answer(Some(h), 10), Answer::Whole, "{h}");
        }
    }
}
