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

/// Appends `s` as (part of) a URL for an `href`: bytes outside the
/// URL-safe set are percent-encoded (as pulldown-cmark does), `&` and `'`
/// escaped. Byte by byte, so a URL may be written in pieces. Runs of safe
/// bytes are copied whole (most URLs are nothing else).
pub fn push_href(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
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

    fn href(s: &str) -> String {
        let mut out = String::new();
        push_href(&mut out, s);
        out
    }

    #[test]
    fn href_encodes_unsafe_bytes_and_escapes_html() {
        assert_eq!(
            href("https://c.example/deal?a=1&b='x'#f"),
            "https://c.example/deal?a=1&amp;b=&#x27;x&#x27;#f"
        );
        assert_eq!(href("/退款 x\"<"), "/%E9%80%80%E6%AC%BE%20x%22%3C");
        assert_eq!(href(""), "");
    }

    #[test]
    fn href_written_in_pieces_is_the_href_of_the_whole() {
        let whole = "https://c.example/退款?a=1&b='x'#f";
        for cut in (0..=whole.len()).filter(|&i| whole.is_char_boundary(i)) {
            let mut out = String::new();
            push_href(&mut out, &whole[..cut]);
            push_href(&mut out, &whole[cut..]);
            assert_eq!(out, href(whole), "cut at {cut}");
        }
    }
}
