//! Callouts (docs/dialect.md §2): `>?` notes, `>!` warnings and GitHub alerts.

use pulldown_cmark::BlockQuoteKind;

use super::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Note,
    Tip,
    Important,
    Warning,
    Caution,
}

impl Kind {
    pub fn from_alert(k: BlockQuoteKind) -> Self {
        match k {
            BlockQuoteKind::Note => Kind::Note,
            BlockQuoteKind::Tip => Kind::Tip,
            BlockQuoteKind::Important => Kind::Important,
            BlockQuoteKind::Warning => Kind::Warning,
            BlockQuoteKind::Caution => Kind::Caution,
        }
    }

    /// The kind a Tencent-style marker character stands for.
    pub fn from_marker(c: char) -> Option<Self> {
        match c {
            '?' => Some(Kind::Note),
            '!' => Some(Kind::Warning),
            _ => None,
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Kind::Note => "callout-note",
            Kind::Tip => "callout-tip",
            Kind::Important => "callout-important",
            Kind::Warning => "callout-warning",
            Kind::Caution => "callout-caution",
        }
    }

    pub fn title(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::Zh, Kind::Note) => "说明",
            (Lang::Zh, Kind::Tip) => "提示",
            (Lang::Zh, Kind::Important) => "重要",
            (Lang::Zh, Kind::Warning) => "注意",
            (Lang::Zh, Kind::Caution) => "警告",
            (Lang::En, Kind::Note) => "Note",
            (Lang::En, Kind::Tip) => "Tip",
            (Lang::En, Kind::Important) => "Important",
            (Lang::En, Kind::Warning) => "Warning",
            (Lang::En, Kind::Caution) => "Caution",
        }
    }

    /// The opening HTML of the callout box.
    pub fn open_html(self, lang: Lang) -> String {
        format!(
            "<div class=\"callout {}\" role=\"note\"><p class=\"callout-title\">{}</p>\n",
            self.class(),
            self.title(lang)
        )
    }
}

pub const CLOSE_HTML: &str = "</div>\n";

/// If the blockquote's first paragraph text (`text`, at byte `pos` of
/// `src`) starts with a marker written right after the quote's `>` (one
/// optional space between), the callout kind and how many bytes of `text`
/// the marker takes (the marker and the spaces after it).
pub fn marker(src: &str, pos: usize, text: &str) -> Option<(Kind, usize)> {
    let c = text.chars().next()?;
    let kind = Kind::from_marker(c)?;
    // The marker must be the first thing after `>` on its line: not escaped
    // (`>\?`), not from an entity, and only blanks between.
    if src.as_bytes().get(pos) != Some(&(c as u8)) {
        return None;
    }
    let line_start = src[..pos].rfind('\n').map_or(0, |i| i + 1);
    let before = &src[line_start..pos];
    let after_gt = before.trim_end_matches([' ', '\t']);
    if !after_gt.ends_with('>') {
        return None;
    }
    let rest = &text[1..];
    let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    Some((kind, 1 + blanks))
}
