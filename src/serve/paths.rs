//! Request targets → keys of the in-memory site. Pure; every rejection is
//! decided here, before anything is looked up.
//!
//! The site lives in a map keyed by output paths (`billing/refund/index.html`),
//! so a request can never reach the file system: there is nothing to
//! traverse and no symlink to follow. We still reject traversal attempts
//! outright (400) rather than normalising them, so a request means exactly
//! one key or nothing.

/// Why a request target was refused (all become 400 Bad Request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadTarget {
    /// `http://host/x` or `host:port` instead of an origin-form `/x`.
    NotOriginForm,
    /// Does not start with `/`, or starts with `//`.
    BadStart,
    /// A `%` escape that is not two hex digits.
    BadEscape,
    /// Not UTF-8 once decoded.
    NotUtf8,
    /// A `.` or `..` segment, in any encoding.
    DotSegment,
    /// An empty segment (`a//b`).
    EmptySegment,
    /// A backslash, NUL or other control character, in any encoding.
    BadChar,
}

/// What a valid request path asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The decoded path without its leading `/` (`billing/refund/`).
    pub path: String,
    /// The key to look up (`billing/refund/index.html`).
    pub key: String,
}

/// Checks a request target given as its scheme/authority presence and its
/// raw (still percent-encoded) path.
pub fn parse(has_scheme_or_authority: bool, raw_path: &str) -> Result<Target, BadTarget> {
    if has_scheme_or_authority {
        return Err(BadTarget::NotOriginForm);
    }
    if !raw_path.starts_with('/') || raw_path.starts_with("//") {
        return Err(BadTarget::BadStart);
    }
    let decoded = percent_decode(raw_path)?;
    let path = decoded.strip_prefix('/').unwrap_or(&decoded);
    if path
        .chars()
        .any(|c| c == '\\' || c.is_control() || c == '\u{0}')
    {
        return Err(BadTarget::BadChar);
    }
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    for (i, s) in segments.iter().enumerate() {
        if *s == "." || *s == ".." {
            return Err(BadTarget::DotSegment);
        }
        // Only the final segment may be empty (a trailing slash, or `/`).
        if s.is_empty() && i != last {
            return Err(BadTarget::EmptySegment);
        }
    }
    let key = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_owned()
    };
    Ok(Target {
        path: path.to_owned(),
        key,
    })
}

/// Decodes `%XX` escapes (once: `%252e` stays `%2e`, which is a harmless
/// literal name).
fn percent_decode(s: &str) -> Result<String, BadTarget> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = bytes.get(i + 1).and_then(|b| hex(*b));
            let lo = bytes.get(i + 2).and_then(|b| hex(*b));
            match (hi, lo) {
                (Some(h), Some(l)) => out.push(h * 16 + l),
                _ => return Err(BadTarget::BadEscape),
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| BadTarget::NotUtf8)
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The MIME type for a key, by extension.
pub fn content_type(key: &str) -> &'static str {
    let ext = key
        .rsplit('/')
        .next()
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

/// The URL path a page key is served at: `a/b/index.html` → `/a/b/`.
pub fn url_of_key(key: &str) -> String {
    match key.strip_suffix("index.html") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("/{dir}"),
        _ => format!("/{key}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_targets_map_to_keys() {
        let cases = [
            ("/", ""),
            ("/billing/refund/", "billing/refund/index.html"),
            ("/assets/css/site.css", "assets/css/site.css"),
            ("/%E9%80%80%E6%AC%BE/", "退款/index.html"),
            ("/a%252e%252e/", "a%2e%2e/index.html"),
            ("/..a/b", "..a/b"),
        ];
        for (raw, key) in cases {
            let t = parse(false, raw).unwrap_or_else(|e| panic!("{raw}: {e:?}"));
            let want = if key.is_empty() { "index.html" } else { key };
            assert_eq!(t.key, want, "{raw}");
        }
    }

    #[test]
    fn traversal_in_every_encoding_is_refused() {
        let cases = [
            ("/../etc/passwd", BadTarget::DotSegment),
            ("/a/../../etc/passwd", BadTarget::DotSegment),
            ("/%2e%2e/etc/passwd", BadTarget::DotSegment),
            ("/%2E%2E/etc/passwd", BadTarget::DotSegment),
            ("/.%2e/etc/passwd", BadTarget::DotSegment),
            ("/..%2fetc%2fpasswd", BadTarget::DotSegment),
            ("/..%2Fetc/passwd", BadTarget::DotSegment),
            ("/..%5cetc%5cpasswd", BadTarget::BadChar),
            ("/a\\..\\b", BadTarget::BadChar),
            ("//etc/passwd", BadTarget::BadStart),
            ("/%2f/etc/passwd", BadTarget::EmptySegment),
            ("/a//b", BadTarget::EmptySegment),
            ("/./a", BadTarget::DotSegment),
            ("/a/.", BadTarget::DotSegment),
            ("/a%00b", BadTarget::BadChar),
            ("/%zz", BadTarget::BadEscape),
            ("/%2", BadTarget::BadEscape),
            ("/%ff", BadTarget::NotUtf8),
            ("etc/passwd", BadTarget::BadStart),
            ("*", BadTarget::BadStart),
        ];
        for (raw, want) in cases {
            assert_eq!(parse(false, raw), Err(want), "{raw}");
        }
        assert_eq!(parse(true, "/"), Err(BadTarget::NotOriginForm));
    }

    #[test]
    fn urls_of_keys() {
        assert_eq!(url_of_key("index.html"), "/");
        assert_eq!(url_of_key("a/b/index.html"), "/a/b/");
        assert_eq!(url_of_key("404.html"), "/404.html");
        assert_eq!(url_of_key("assets/x.css"), "/assets/x.css");
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("assets/search.wasm"), "application/wasm");
        assert_eq!(content_type("x.CSS"), "text/css; charset=utf-8");
        assert_eq!(content_type("noext"), "application/octet-stream");
        assert_eq!(content_type("dir.d/noext"), "application/octet-stream");
    }
}
