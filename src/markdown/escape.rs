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
/// percent-encoded (as pulldown-cmark does), `&` and `'` escaped.
pub fn href(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#x27;"),
            c if c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    '-' | '_'
                        | '.'
                        | '!'
                        | '~'
                        | '*'
                        | '('
                        | ')'
                        | '/'
                        | '?'
                        | '#'
                        | ':'
                        | '@'
                        | '='
                        | '+'
                        | '$'
                        | ','
                        | ';'
                        | '%'
                        | '['
                        | ']'
                ) =>
            {
                out.push(c)
            }
            c => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push('%');
                    out.push(char::from(HEX[usize::from(b >> 4)]));
                    out.push(char::from(HEX[usize::from(b & 15)]));
                }
            }
        }
    }
    out
}
