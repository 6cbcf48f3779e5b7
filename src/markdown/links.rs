//! Links and images (docs/dialect.md §1, §6, §7, §9): `[](id:x)` anchors, unsafe
//! URLs removed, console deep links, relative `.md` links resolved.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::context::Ctx;
use super::escape;
use super::inline::Item;
use super::sanitize::unsafe_scheme;
use super::{Console, anchors};
use crate::diag::Severity;

/// What happens to a link's end tag.
pub enum Close {
    Keep,
    Drop,
    Html(&'static str),
}

pub const ID_PREFIX: &str = "id:";

pub fn apply<'a>(ctx: &mut Ctx<'a, '_>, items: &mut [Item<'a>]) {
    // The page's buffer, taken so `ctx` can be borrowed inside the loop.
    let mut open = std::mem::take(&mut ctx.link_ends);
    open.clear();
    for it in items.iter_mut() {
        let Item::Ev(ev, range) = it else { continue };
        let at = range.start;
        match ev {
            Event::Start(Tag::Link {
                dest_url, title, ..
            }) => {
                let dest: &str = dest_url;
                if let Some(id) = dest.strip_prefix(ID_PREFIX) {
                    let html = anchor_html(ctx, id, at);
                    *it = Item::raw(html, "");
                    open.push(Close::Drop);
                } else if let Some(scheme) = unsafe_scheme(dest) {
                    ctx.diag(
                        Severity::Warning,
                        at,
                        format!("unsafe `{scheme}:` link removed (its text is kept)"),
                    );
                    *it = Item::raw("", "");
                    open.push(Close::Drop);
                } else if let Some(rest) = console_rest(ctx.console, dest) {
                    match console_link(ctx, rest, title, at) {
                        Some(html) => {
                            *it = Item::raw(html, "");
                            open.push(Close::Html("</a>"));
                        }
                        None => {
                            *it = Item::raw("", "");
                            open.push(Close::Drop);
                        }
                    }
                } else {
                    if let Some(frag) = dest.strip_prefix('#') {
                        ctx.fragment_links.push((frag.to_string(), at));
                    } else if is_relative_md(dest)
                        && let Some(resolver) = ctx.links
                    {
                        match resolver.resolve(dest) {
                            Ok(url) => *dest_url = CowStr::from(url),
                            Err(msg) => ctx.diag(Severity::Error, at, msg),
                        }
                    }
                    open.push(Close::Keep);
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                if let Some(scheme) = unsafe_scheme(dest_url) {
                    ctx.diag(
                        Severity::Warning,
                        at,
                        format!("unsafe `{scheme}:` image removed (its alt text is kept)"),
                    );
                    *it = Item::raw("", "");
                    open.push(Close::Drop);
                } else {
                    if is_relative_path(dest_url)
                        && let Some(resolver) = ctx.links
                    {
                        match resolver.resolve_image(dest_url) {
                            Ok(Some(url)) => *dest_url = CowStr::from(url),
                            Ok(None) => {}
                            Err((severity, msg)) => ctx.diag(severity, at, msg),
                        }
                    }
                    open.push(Close::Keep);
                }
            }
            Event::End(TagEnd::Link | TagEnd::Image) => match open.pop() {
                Some(Close::Drop) => *it = Item::raw("", ""),
                Some(Close::Html(h)) => *it = Item::raw(h, ""),
                _ => {}
            },
            _ => {}
        }
    }
    ctx.link_ends = open;
}

/// `<a id="x"></a>` for a `[](id:x)` placed in running text.
fn anchor_html(ctx: &mut Ctx<'_, '_>, id: &str, at: usize) -> String {
    let id = checked_id(ctx, id, at);
    let got = ctx.claim_id(&id, at);
    format!("<a id=\"{}\"></a>", escape::html(&got))
}

/// An explicit id as usable: invalid ones are reported and slugged.
pub fn checked_id(ctx: &mut Ctx<'_, '_>, id: &str, at: usize) -> String {
    if anchors::valid_explicit(id) {
        id.to_string()
    } else {
        let fixed = anchors::slug(id);
        ctx.diag(
            Severity::Warning,
            at,
            format!("anchor id `{id}` cannot be used as written; using `{fixed}`"),
        );
        fixed
    }
}

/// The route part (`/deal?x#y`) when `dest` is a console link.
fn console_rest<'d>(console: Option<&Console>, dest: &'d str) -> Option<&'d str> {
    if let Some(rest) = dest.strip_prefix("console:") {
        return Some(rest);
    }
    let console = console?;
    let base = console.content_base_url.trim_end_matches('/');
    if base.is_empty() {
        return None;
    }
    let rest = dest.strip_prefix(base)?;
    match rest.chars().next() {
        None | Some('/' | '?' | '#') => Some(rest),
        _ => None,
    }
}

fn console_link(ctx: &mut Ctx<'_, '_>, rest: &str, title: &str, at: usize) -> Option<String> {
    let Some(console) = ctx.console else {
        ctx.diag(
            Severity::Error,
            at,
            "`console:` link, but the site names no console (console.base_url)",
        );
        return None;
    };
    // The route is the path without a trailing `/`; a bare `console:x` is
    // read as `/x`.
    let slash = if rest.starts_with('/') || rest.is_empty() {
        ""
    } else {
        "/"
    };
    let path_end = rest.find(['?', '#']).unwrap_or(rest.len());
    let path = rest.get(..path_end).unwrap_or("");
    let trimmed = if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path
    };
    if !trimmed.is_empty() && (slash.len() + trimmed.len()) > 1 {
        let known = if slash.is_empty() {
            console.routes.contains(trimmed)
        } else {
            console.routes.contains(&format!("/{trimmed}"))
        };
        if !known {
            let sev = console.unknown_route;
            ctx.diag(
                sev,
                at,
                format!("console route `{slash}{trimmed}` is not in console.routes"),
            );
        }
    }
    const OPEN: &str = "<a class=\"console-link\" href=\"";
    const ATTRS: &str = "\" target=\"_blank\" rel=\"noopener\"";
    let base = console.target_base_url.trim_end_matches('/');
    let mut html =
        String::with_capacity(OPEN.len() + base.len() + 1 + rest.len() + ATTRS.len() + 16);
    html.push_str(OPEN);
    escape::push_href(&mut html, base);
    escape::push_href(&mut html, slash);
    escape::push_href(&mut html, rest);
    html.push_str(ATTRS);
    if !title.is_empty() {
        html.push_str(" title=\"");
        html.push_str(&escape::html(title));
        html.push('"');
    }
    html.push('>');
    Some(html)
}

/// A path relative to the page (`img/a.png`, `../x.png`): no scheme, not
/// site-absolute, not protocol-relative, not a bare fragment.
pub fn is_relative_path(dest: &str) -> bool {
    if dest.is_empty() || dest.starts_with(['/', '#', '?', '\\']) {
        return false;
    }
    let path_end = dest.find(['?', '#']).unwrap_or(dest.len());
    !dest[..path_end]
        .split('/')
        .next()
        .is_some_and(|first| first.contains(':'))
}

/// A relative link to another page's source (`../billing/refund.md#que2`).
pub fn is_relative_md(dest: &str) -> bool {
    if dest.starts_with('/') || dest.starts_with('#') {
        return false;
    }
    let path_end = dest.find(['?', '#']).unwrap_or(dest.len());
    let path = &dest[..path_end];
    if path
        .split('/')
        .next()
        .is_some_and(|first| first.contains(':'))
    {
        return false; // has a scheme
    }
    path.to_ascii_lowercase().ends_with(".md")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_md() {
        assert!(is_relative_md("../billing/refund.md#que2"));
        assert!(is_relative_md("refund.MD"));
        assert!(!is_relative_md("https://a.b/x.md"));
        assert!(!is_relative_md("/abs/x.md"));
        assert!(!is_relative_md("x.md.html"));
        assert!(!is_relative_md("#que2"));
    }

    #[test]
    fn relative_paths() {
        assert!(is_relative_path("img/a.png"));
        assert!(is_relative_path("../a%20b.png?v=1"));
        for d in [
            "/a.png",
            "//cdn.test/a.png",
            "https://a.test/a.png",
            "#x",
            "",
            "data:x",
        ] {
            assert!(!is_relative_path(d), "{d}");
        }
    }
}
