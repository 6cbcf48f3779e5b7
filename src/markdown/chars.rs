//! Character classes the dialect needs: CJK characters (for emphasis and line
//! breaks), variation selectors, and CommonMark's "Unicode punctuation".

use super::punct_table::PUNCT_RANGES;

/// A CJK character as the markdown-cjk-friendly amendment defines it
/// (East Asian Width W/F/H and not an emoji-presentation character, or
/// Hangul), as concrete ranges for Unicode 16.
pub fn is_cjk(c: char) -> bool {
    let cp = c as u32;
    if cp < 0x1100 {
        return false;
    }
    if (0x4E00..=0x9FFF).contains(&cp) {
        return true; // CJK Unified Ideographs: the common case
    }
    matches!(
        cp,
        0x1100..=0x11FF
            | 0x20A9
            | 0x2329..=0x232A
            | 0x2630..=0x2637
            | 0x268A..=0x268F
            | 0x2E80..=0x2E99
            | 0x2E9B..=0x2EF3
            | 0x2F00..=0x2FD5
            | 0x2FF0..=0x303E
            | 0x3041..=0x3096
            | 0x3099..=0x30FF
            | 0x3105..=0x312F
            | 0x3131..=0x318E
            | 0x3190..=0x31E5
            | 0x31EF..=0x321E
            | 0x3220..=0x3247
            | 0x3250..=0xA48C
            | 0xA490..=0xA4C6
            | 0xA960..=0xA97C
            | 0xAC00..=0xD7A3
            | 0xD7B0..=0xD7C6
            | 0xD7CB..=0xD7FB
            | 0xF900..=0xFAFF
            | 0xFE10..=0xFE19
            | 0xFE30..=0xFE52
            | 0xFE54..=0xFE66
            | 0xFE68..=0xFE6B
            | 0xFF01..=0xFFBE
            | 0xFFC2..=0xFFC7
            | 0xFFCA..=0xFFCF
            | 0xFFD2..=0xFFD7
            | 0xFFDA..=0xFFDC
            | 0xFFE0..=0xFFE6
            | 0xFFE8..=0xFFEE
            | 0x16FE0..=0x16FE4
            | 0x16FF0..=0x16FF6
            | 0x17000..=0x18CD5
            | 0x18CFF..=0x18D1E
            | 0x18D80..=0x18DF2
            | 0x1AFF0..=0x1AFF3
            | 0x1AFF5..=0x1AFFB
            | 0x1AFFD..=0x1AFFE
            | 0x1B000..=0x1B122
            | 0x1B132
            | 0x1B150..=0x1B152
            | 0x1B155
            | 0x1B164..=0x1B167
            | 0x1B170..=0x1B2FB
            | 0x1D300..=0x1D356
            | 0x1D360..=0x1D376
            | 0x1F200
            | 0x1F202
            | 0x1F210..=0x1F219
            | 0x1F21B..=0x1F22E
            | 0x1F230..=0x1F231
            | 0x1F237
            | 0x1F23B
            | 0x1F240..=0x1F248
            | 0x1F260..=0x1F265
            | 0x20000..=0x3FFFD
    )
}

/// U+FE00..U+FE0E: variation selectors that may follow a CJK character
/// (U+FE0F asks for emoji presentation and is excluded).
pub fn is_text_vs(c: char) -> bool {
    matches!(c as u32, 0xFE00..=0xFE0E)
}

/// U+E0100..U+E01EF: ideographic variation selectors.
pub fn is_ivs(c: char) -> bool {
    matches!(c as u32, 0xE0100..=0xE01EF)
}

/// Quotation marks that become full-width (CJK) when followed by U+FE01.
pub fn is_ambiguous_quote(c: char) -> bool {
    matches!(c, '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}')
}

/// CommonMark 0.31 "Unicode punctuation": ASCII punctuation or a character in
/// general category P or S.
pub fn is_punct(c: char) -> bool {
    let cp = c as u32;
    if cp < 0x80 {
        return c.is_ascii_punctuation();
    }
    if (0x4E00..=0x9FFF).contains(&cp) || (0xAC00..=0xD7A3).contains(&cp) {
        return false; // ideographs and Hangul syllables: the common case
    }
    PUNCT_RANGES
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                std::cmp::Ordering::Less
            } else if lo > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        for c in [
            '中', '：', '（', '。', '、', '가', 'あ', '〰', '〽', '🈂', '㊗', '𠮟',
        ] {
            assert!(is_cjk(c), "{c} is CJK");
        }
        for c in ['a', '«', '“', '∇', '😀', '€', '1'] {
            assert!(!is_cjk(c), "{c} is not CJK");
        }
        for c in ['!', '：', '「', '«', '£', '∇', '“', '。'] {
            assert!(is_punct(c), "{c} is punctuation");
        }
        for c in ['a', '中', ' ', '\u{FE01}', '1'] {
            assert!(!is_punct(c), "{c} is not punctuation");
        }
    }
}
