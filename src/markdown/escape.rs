//! Escaping for the HTML this module writes itself.

/// Text or attribute value: `&`, `<`, `>`, `"` escaped.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// A URL for an `href`: characters outside the URL-safe set are
/// percent-encoded (as pulldown-cmark does), `&` and `'` escaped. Runs of
/// safe bytes are copied whole (most URLs are nothing else).
pub fn href(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len() + 8);
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        if URL_SAFE.get(usize::from(b)).copied().unwrap_or(false) {
            continue;
        }
        out.push_str(s.get(from..i).unwrap_or(""));
        from = i + 1;
        match b {
            b'&' => out.push_str("&amp;"),
            b'\'' => out.push_str("&#x27;"),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
    }
    out.push_str(s.get(from..).unwrap_or(""));
    out
}

/// ASCII bytes an `href` keeps as they are.
const URL_SAFE: [bool; 128] = {
    let mut t = [false; 128];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'_'
                    | b'.'
                    | b'!'
                    | b'~'
                    | b'*'
                    | b'('
                    | b')'
                    | b'/'
                    | b'?'
                    | b'#'
                    | b':'
                    | b'@'
                    | b'='
                    | b'+'
                    | b'$'
                    | b','
                    | b';'
                    | b'%'
                    | b'['
                    | b']'
            );
        c += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn href_encodes_unsafe_bytes_and_escapes_html() {
        assert_eq!(
            href("https://c.example/deal?a=1&b='x'#f"),
            "https://c.example/deal?a=1&amp;b=&#x27;x&#x27;#f"
        );
        assert_eq!(href("/退款 x\"<"), "/%E9%80%80%E6%AC%BE%20x%22%3C");
        assert_eq!(href(""), "");
    }
}
