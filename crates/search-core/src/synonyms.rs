//! Synonym groups (`search.synonyms` in site.yaml): words a reader may type
//! for one another (`退款`, `退费`, `退钱`).
//!
//! A group is a list of words; each word is kept as its query terms (what
//! [`crate::tokenize::tokenize_with`] makes of it), so `ＡＰＩ` and `api` are
//! one word. [`crate::plan`] lets a query's run of terms that spells a word
//! match any word of its group. Both engines get the groups from the same
//! place: the build's configuration, stored in the tantivy index and in the
//! static manifest.

use crate::tokenize::{MAX_QUERY_TERMS, tokenize_with};

/// The checked synonym groups.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synonyms {
    /// The words as written, per group (for the manifest).
    words: Vec<Vec<String>>,
    /// Per group, per word: its terms.
    terms: Vec<Vec<Vec<String>>>,
}

/// What is wrong with one word or group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SynonymIssue {
    /// The word has nothing searchable (only punctuation or spaces).
    NoTerms,
    /// The word spells more terms than a query keeps.
    TooLong,
    /// The group has fewer than two distinct words.
    OneWord,
    /// The word (as searched: case, width folded) is already in a group.
    Repeated {
        /// Group of the first occurrence.
        group: usize,
        /// Word of the first occurrence.
        word: usize,
    },
}

/// A problem with word `word` of group `group` (both 0-based; for
/// [`SynonymIssue::OneWord`] `word` is 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynonymProblem {
    /// Group index.
    pub group: usize,
    /// Word index within the group.
    pub word: usize,
    /// What is wrong.
    pub issue: SynonymIssue,
}

/// The query terms of a word.
pub fn word_terms(word: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    tokenize_with(word, |t| out.push(t.text));
    out
}

impl Synonyms {
    /// No groups.
    pub fn none() -> Synonyms {
        Synonyms::default()
    }

    /// Checks groups: every word searchable, at least two distinct words per
    /// group, no word in two places. Reports every problem.
    pub fn new(groups: &[Vec<String>]) -> Result<Synonyms, Vec<SynonymProblem>> {
        let mut problems = Vec::new();
        let mut seen: Vec<(Vec<String>, usize, usize)> = Vec::new();
        let mut terms: Vec<Vec<Vec<String>>> = Vec::with_capacity(groups.len());
        for (g, group) in groups.iter().enumerate() {
            let mut mine: Vec<Vec<String>> = Vec::with_capacity(group.len());
            for (w, word) in group.iter().enumerate() {
                let t = word_terms(word);
                let issue = if t.is_empty() {
                    Some(SynonymIssue::NoTerms)
                } else if t.len() > MAX_QUERY_TERMS {
                    Some(SynonymIssue::TooLong)
                } else {
                    seen.iter()
                        .find(|s| s.0 == t)
                        .map(|s| SynonymIssue::Repeated {
                            group: s.1,
                            word: s.2,
                        })
                };
                match issue {
                    Some(issue) => problems.push(SynonymProblem {
                        group: g,
                        word: w,
                        issue,
                    }),
                    None => {
                        seen.push((t.clone(), g, w));
                        mine.push(t);
                    }
                }
            }
            if group.len() < 2 {
                problems.push(SynonymProblem {
                    group: g,
                    word: 0,
                    issue: SynonymIssue::OneWord,
                });
            }
            terms.push(mine);
        }
        if problems.is_empty() {
            Ok(Synonyms {
                words: groups.to_vec(),
                terms,
            })
        } else {
            Err(problems)
        }
    }

    /// Groups read back from an index the build made (and checked): no
    /// checks again (they cost code in wasm); a word with no terms is
    /// skipped.
    pub fn trusted(groups: Vec<Vec<String>>) -> Synonyms {
        let terms = groups
            .iter()
            .map(|g| {
                g.iter()
                    .map(|w| word_terms(w))
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .collect();
        Synonyms {
            words: groups,
            terms,
        }
    }

    /// The groups as written.
    pub fn groups(&self) -> &[Vec<String>] {
        &self.words
    }

    /// Whether there are no groups.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The longest word starting at the front of `tokens`: its length in
    /// terms and the terms of every word of its group.
    pub(crate) fn longest_at(&self, tokens: &[String]) -> Option<(usize, &[Vec<String>])> {
        let mut best: Option<(usize, &[Vec<String>])> = None;
        for group in &self.terms {
            for word in group {
                let n = word.len();
                if tokens.get(..n) == Some(word.as_slice()) && best.is_none_or(|b| n > b.0) {
                    best = Some((n, group.as_slice()));
                }
            }
        }
        best
    }
}

impl std::fmt::Display for SynonymIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SynonymIssue::NoTerms => f.write_str("has no letters, digits or CJK characters"),
            SynonymIssue::TooLong => f.write_str("is longer than a search query keeps"),
            SynonymIssue::OneWord => f.write_str("needs at least two words"),
            SynonymIssue::Repeated { .. } => f.write_str("is already in a synonym group"),
        }
    }
}
