//! Resolving links between pages (`../billing/refund.md#que2`) to built URLs,
//! checking that the page and the anchor exist (docs/dialect.md §9).

use std::collections::{HashMap, HashSet};

use std::path::Path;

use crate::diag::Severity;
use crate::markdown::LinkResolver;

/// Every link target of the site: markdown files and their anchors.
#[derive(Debug, Default)]
pub struct LinkIndex {
    /// Site root path (`/` or `/help/`).
    root_path: String,
    /// When images are checked: where content/ is, where its files are
    /// published (the site's own root path, shared by translations), and
    /// how a missing one is reported.
    images: Option<ImageCheck>,
    /// Content-relative file (`billing/refund.md`) → (URL path, anchors).
    targets: HashMap<String, Target>,
}

#[derive(Debug)]
struct ImageCheck {
    content_dir: std::path::PathBuf,
    assets_root: String,
    missing: Severity,
}

#[derive(Debug)]
struct Target {
    path: String,
    anchors: HashSet<String>,
}

impl LinkIndex {
    pub fn new(root_path: &str) -> Self {
        LinkIndex {
            root_path: root_path.to_owned(),
            images: None,
            targets: HashMap::new(),
        }
    }

    /// Checks relative image sources against the files in `content_dir`
    /// (published under `assets_root`); a missing one is `missing`.
    pub fn check_images(
        mut self,
        content_dir: &Path,
        assets_root: &str,
        missing: Severity,
    ) -> Self {
        self.images = Some(ImageCheck {
            content_dir: content_dir.to_path_buf(),
            assets_root: assets_root.to_owned(),
            missing,
        });
        self
    }

    /// Registers a file at `rel` (content-relative), built at URL `path`.
    pub fn insert(&mut self, rel: &str, path: &str, anchors: impl IntoIterator<Item = String>) {
        self.targets.insert(
            rel.to_owned(),
            Target {
                path: path.to_owned(),
                anchors: anchors.into_iter().collect(),
            },
        );
    }

    /// A resolver for links written in the file at `rel`.
    pub fn resolver_for<'a>(&'a self, rel: &'a str) -> PageLinks<'a> {
        PageLinks {
            index: self,
            from: rel,
        }
    }
}

/// Resolves links as written in one file.
pub struct PageLinks<'a> {
    index: &'a LinkIndex,
    from: &'a str,
}

impl LinkResolver for PageLinks<'_> {
    fn resolve(&self, dest: &str) -> Result<String, String> {
        let (file, anchor) = match dest.split_once('#') {
            Some((f, a)) => (f, Some(a)),
            None => (dest, None),
        };
        if file.is_empty() {
            // Same-page anchor.
            let anchor = anchor.unwrap_or("");
            let here = self.index.targets.get(self.from);
            return match here {
                Some(t) if !t.anchors.contains(&percent_decode(anchor)) => {
                    Err(format!("no anchor `#{anchor}` on this page"))
                }
                _ => Ok(dest.to_owned()),
            };
        }
        let decoded = percent_decode(file);
        if !decoded.ends_with(".md") {
            return Ok(dest.to_owned());
        }
        let target_rel =
            join(self.from, &decoded).ok_or_else(|| format!("`{file}` leads outside content/"))?;
        let target = self.index.targets.get(&target_rel).ok_or_else(|| {
            format!("link to `{file}`: no such page (looked for content/{target_rel})")
        })?;
        let mut url = format!("{}{}", self.index.root_path, encode_path(&target.path));
        if let Some(a) = anchor {
            if !a.is_empty() && !target.anchors.contains(&percent_decode(a)) {
                return Err(format!(
                    "link to `{file}#{a}`: that page has no anchor `{a}`"
                ));
            }
            url.push('#');
            url.push_str(a);
        }
        Ok(url)
    }

    /// Relative to the page's file, like links to pages; the URL becomes
    /// where the file is published, since a page's URL is a folder of its
    /// own (`img/a.png` from `billing/refund.md` is `/billing/img/a.png`,
    /// not `/billing/refund/img/a.png`).
    fn resolve_image(&self, dest: &str) -> Result<Option<String>, (Severity, String)> {
        let Some(check) = &self.index.images else {
            return Ok(None);
        };
        let end = dest.find(['?', '#']).unwrap_or(dest.len());
        let (file, suffix) = dest.split_at(end);
        let decoded = percent_decode(file);
        let Some(rel) = join(self.from, &decoded) else {
            return Err((
                check.missing,
                format!("image `{file}` leads outside content/"),
            ));
        };
        if rel.is_empty() || !check.content_dir.join(&rel).is_file() {
            return Err((
                check.missing,
                format!("image `{file}`: no such file (looked for content/{rel})"),
            ));
        }
        Ok(Some(format!(
            "{}{}{suffix}",
            check.assets_root,
            encode_path(&rel)
        )))
    }
}

/// Joins a link written in file `from` (content-relative) to `dest`,
/// normalising `.` and `..`; `None` when it climbs out of content/. A `dest`
/// starting with `/` is content-relative.
fn join(from: &str, dest: &str) -> Option<String> {
    let mut parts: Vec<&str> = if dest.starts_with('/') {
        Vec::new()
    } else {
        let mut p: Vec<&str> = from.split('/').collect();
        p.pop();
        p
    };
    for seg in dest.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// A site path (made of folder and file names) as it goes into a URL:
/// `%XX` for what would end or change the path (`?`, `#`, `%`), blanks,
/// control characters, and what may not stand in a URL or an attribute
/// (the WHATWG path percent-encode set, plus `%`, `\`, `|`, `^`, `'`).
/// `/` stays; other non-ASCII stays as UTF-8, which browsers accept in
/// `href` ([`encode_non_ascii`] makes it ASCII for the sitemap).
pub fn encode_path(path: &str) -> std::borrow::Cow<'_, str> {
    let needs = |b: u8| {
        b < 0x20
            || b == 0x7f
            || matches!(
                b,
                b' ' | b'"'
                    | b'#'
                    | b'%'
                    | b'<'
                    | b'>'
                    | b'?'
                    | b'`'
                    | b'{'
                    | b'}'
                    | b'\\'
                    | b'|'
                    | b'^'
                    | b'\''
            )
    };
    if !path.bytes().any(needs) {
        return std::borrow::Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len() + 16);
    for c in path.chars() {
        match u8::try_from(c) {
            Ok(b) if needs(b) => out.push_str(&format!("%{b:02X}")),
            _ => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `url` with every non-ASCII character as `%XX` of its UTF-8 bytes, as
/// the sitemap protocol asks (RFC 3986 URLs).
pub fn encode_non_ascii(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// Decodes `%XX` escapes (authors may percent-encode Chinese file names).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> LinkIndex {
        let mut ix = LinkIndex::new("/help/");
        ix.insert(
            "billing/refund.md",
            "billing/refund/",
            ["que2".to_string(), "退款".to_string()],
        );
        ix.insert(
            "cloud-market/faq.md",
            "cloud-market/faq/",
            ["refund-rules".to_string()],
        );
        ix
    }

    #[test]
    fn resolves_relative_links_with_anchors() {
        let ix = index();
        let r = ix.resolver_for("cloud-market/faq.md");
        assert_eq!(
            r.resolve("../billing/refund.md#que2").unwrap(),
            "/help/billing/refund/#que2"
        );
        assert_eq!(
            r.resolve("../billing/refund.md").unwrap(),
            "/help/billing/refund/"
        );
        assert_eq!(
            r.resolve("/billing/refund.md#%E9%80%80%E6%AC%BE").unwrap(),
            "/help/billing/refund/#%E9%80%80%E6%AC%BE"
        );
    }

    #[test]
    fn reports_missing_pages_and_anchors() {
        let ix = index();
        let r = ix.resolver_for("cloud-market/faq.md");
        assert!(
            r.resolve("../billing/nope.md")
                .unwrap_err()
                .contains("no such page")
        );
        assert!(
            r.resolve("../billing/refund.md#nope")
                .unwrap_err()
                .contains("no anchor")
        );
        assert!(r.resolve("../../x.md").unwrap_err().contains("outside"));
        assert!(r.resolve("#nope").unwrap_err().contains("no anchor"));
        assert_eq!(r.resolve("#refund-rules").unwrap(), "#refund-rules");
    }

    #[test]
    fn other_links_pass_through() {
        let ix = index();
        let r = ix.resolver_for("cloud-market/faq.md");
        assert_eq!(r.resolve("../img/a.png").unwrap(), "../img/a.png");
    }

    #[test]
    fn paths_are_percent_encoded_for_urls() {
        assert_eq!(encode_path("billing/退款/"), "billing/退款/");
        assert_eq!(encode_path("a/a b#c?d%/"), "a/a%20b%23c%3Fd%25/");
        assert_eq!(encode_path("x\u{1}\"<>'/"), "x%01%22%3C%3E%27/");
        assert_eq!(percent_decode(&encode_path("a b#c?d%")), "a b#c?d%");
        assert_eq!(encode_non_ascii("/退/a%20b"), "/%E9%80%80/a%20b");
    }
}
