//! `site.yaml`: the site's configuration, typed.
//!
//! Every key is declared here; unknown keys and wrong types are errors naming
//! the key with file:line:col (through [`crate::yaml`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diag::{Diagnostic, Severity};
use crate::markdown::{Lang, LineBreaks};
use crate::yaml;

/// The name of the configuration file in a site's root.
pub const CONFIG_FILE: &str = "site.yaml";

/// `site.yaml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The help center's name, shown in every page's header and title.
    pub title: String,
    /// One line about the site (meta description of the home page).
    #[serde(default)]
    pub description: String,
    /// Where the site is deployed, e.g. `https://help.example.com/` or
    /// `https://example.com/help/`. Canonical links and the sitemap use it.
    pub base_url: String,
    /// Content language: `zh-CN` (default) or `en`.
    #[serde(default)]
    pub language: Lang,
    /// Theme folder name under `themes/`.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// The web console that pages link into (docs/dialect.md §6).
    #[serde(default)]
    pub console: Option<ConsoleConfig>,
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// Output directory, relative to the site root (default `public`).
    #[serde(default = "default_output")]
    pub output: PathBuf,
    /// Other languages the content is translated into. A translated page
    /// lives beside its original as `name.<language>.md` (`faq.en.md`) and
    /// is built under `/<language>/`.
    #[serde(default)]
    pub translations: Vec<Translation>,
    /// "Edit this page" link: a URL with `{path}` standing for the page's
    /// file relative to the site root (`https://git.example.com/edit/main/{path}`).
    #[serde(default)]
    pub edit_url: Option<String>,
    /// "Was this helpful?": shown only when an endpoint is set.
    #[serde(default)]
    pub feedback: Option<FeedbackConfig>,
    /// How the build reads the site's own files (see [`crate::sitefs`]).
    #[serde(default)]
    pub files: FilesConfig,
    /// The search box (docs/search.md).
    #[serde(default)]
    pub search: SearchConfig,
}

/// `search:` in site.yaml.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Groups of words readers use for one another: a query for any word of
    /// a group also finds the others (`[[退款, 退费, 退钱], [开票, 发票]]`).
    /// Each group needs two words or more; a word may be in one group only.
    #[serde(default)]
    pub synonyms: Vec<Vec<String>>,
}

impl SearchConfig {
    /// The checked groups (none if they do not check out: `Config::parse`
    /// has reported why).
    pub fn synonyms(&self) -> search_core::Synonyms {
        search_core::Synonyms::new(&self.synonyms).unwrap_or_default()
    }
}

/// `files:` in site.yaml.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilesConfig {
    /// Follow symlinks whose target lies outside the site folder (default:
    /// no; they are reported and skipped, so a link cannot publish
    /// `/etc/passwd`).
    #[serde(default)]
    pub follow_external_symlinks: bool,
    /// The largest file the build reads, in MB (default 64).
    #[serde(default = "default_max_size_mb")]
    pub max_size_mb: u64,
}

impl Default for FilesConfig {
    fn default() -> Self {
        FilesConfig {
            follow_external_symlinks: false,
            max_size_mb: default_max_size_mb(),
        }
    }
}

fn default_max_size_mb() -> u64 {
    64
}

/// One entry of `translations:`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    pub language: Lang,
    /// The site title in that language (default: `title`).
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// `feedback:` in site.yaml.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackConfig {
    /// Where the page POSTs `{page, question, helpful}` as JSON.
    pub endpoint: String,
}

/// The BCP 47 tag of a language (`zh-CN`, `en`): `<html lang>` and the
/// suffix of translated files (`faq.en.md`).
pub fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    }
}

/// The URL folder a translation is built under (`en/`, `zh-cn/`).
pub fn lang_folder(lang: Lang) -> String {
    format!("{}/", lang_code(lang).to_ascii_lowercase())
}

/// The language's own name, for a language switcher.
pub fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "简体中文",
        Lang::En => "English",
    }
}

/// `console:` in site.yaml.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsoleConfig {
    /// The console that content links are written against.
    pub base_url: String,
    /// Where console links point in this deployment (staging, an
    /// international site). Defaults to `base_url`; `build
    /// --console-base-url` overrides both.
    #[serde(default)]
    pub target_base_url: Option<String>,
    /// Every console route the content may link to.
    #[serde(default)]
    pub routes: BTreeSet<String>,
    /// How `build` reports a link to a route not in `routes` (`check`
    /// always reports it as an error).
    #[serde(default = "default_unknown_route")]
    pub unknown_route: Severity,
}

/// `markdown:` in site.yaml.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Soft line breaks in CJK text: `auto` (default), `always`, `never`.
    #[serde(default)]
    pub line_breaks: LineBreaks,
    /// Opt in to raw HTML passed through unsanitised (default: sanitised).
    #[serde(default)]
    pub raw_html: bool,
}

/// The theme a site gets when `site.yaml` names none.
pub const DEFAULT_THEME: &str = "default";

fn default_theme() -> String {
    DEFAULT_THEME.into()
}
fn default_output() -> PathBuf {
    PathBuf::from("public")
}
fn default_unknown_route() -> Severity {
    Severity::Warning
}

impl Config {
    /// Reads `site.yaml` from `root`. `shown` is how the file is named in
    /// diagnostics.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(CONFIG_FILE);
        let shown = PathBuf::from(CONFIG_FILE);
        // Read before the configuration exists: the default limits apply.
        let fs = crate::sitefs::SiteFs::new(root, &FilesConfig::default());
        let text = match fs.read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(_) => {
                    return Err(vec![Diagnostic::file_level(
                        Severity::Error,
                        shown,
                        "site.yaml is not valid UTF-8",
                    )]);
                }
            },
            Err(crate::sitefs::ReadError::Io(e)) => {
                return Err(vec![
                    Diagnostic::file_level(
                        Severity::Error,
                        shown,
                        format!("cannot read site configuration: {e}"),
                    )
                    .with_help(format!(
                        "run faqtory in a site's root (the folder with {CONFIG_FILE}), or pass --root"
                    )),
                ]);
            }
            // Without its configuration there is no site: what is only
            // skipped elsewhere stops the build here.
            Err(e) => {
                let mut d = fs.diagnostic(&path, &e);
                d.severity = Severity::Error;
                return Err(vec![d]);
            }
        };
        Self::parse(&shown, &text)
    }

    /// Parses and validates the text of a `site.yaml`.
    pub fn parse(shown: &Path, text: &str) -> Result<Config, Vec<Diagnostic>> {
        let config: Config =
            yaml::parse(yaml::Fragment::whole_file(shown, text)).map_err(|d| vec![d])?;
        let mut problems = Vec::new();
        let locate = |key: &str| key_line(text, key);
        if let Err(msg) = check_url(&config.base_url) {
            let (line, col) = locate("base_url");
            problems.push(Diagnostic::at_line_col(
                Severity::Error,
                shown,
                text,
                line,
                col,
                format!("`base_url`: {msg}"),
            ));
        }
        if let Some(console) = &config.console {
            if let Err(msg) = check_url(&console.base_url) {
                let (line, col) = locate("base_url:");
                problems.push(Diagnostic::at_line_col(
                    Severity::Error,
                    shown,
                    text,
                    line,
                    col,
                    format!("`console.base_url`: {msg}"),
                ));
            }
            for route in &console.routes {
                if !route.starts_with('/') {
                    let (line, col) = locate(route);
                    problems.push(Diagnostic::at_line_col(
                        Severity::Error,
                        shown,
                        text,
                        line,
                        col,
                        format!("console route `{route}` must start with `/`"),
                    ));
                }
            }
        }
        for t in &config.translations {
            if t.language == config.language {
                let (line, col) = locate("translations:");
                problems.push(Diagnostic::at_line_col(
                    Severity::Error,
                    shown,
                    text,
                    line,
                    col,
                    format!(
                        "`translations` lists `{}`, the site's own language",
                        lang_code(t.language)
                    ),
                ));
            }
        }
        problems.extend(check_synonyms(shown, text, &config.search.synonyms));
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems)
        }
    }

    /// The path part of `base_url`, always starting and ending with `/`
    /// (`/` or `/help/`). Every internal URL is prefixed with it.
    pub fn root_path(&self) -> String {
        root_path_of(&self.base_url)
    }
}

/// `https://x.com/help` → `/help/`; `https://x.com` → `/`.
pub fn root_path_of(base_url: &str) -> String {
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    let path = path
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .trim_matches('/');
    if path.is_empty() {
        "/".into()
    } else {
        format!("/{path}/")
    }
}

/// `https://x.com/help/` → `https://x.com`.
pub fn origin_of(base_url: &str) -> String {
    match base_url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            format!("{scheme}://{host}")
        }
        None => base_url.trim_end_matches('/').to_owned(),
    }
}

/// Checks a base URL (`base_url`, `console.base_url`, or the `--base-url`
/// and `--console-base-url` overrides): it reaches every canonical link,
/// sitemap entry and console link, so it must be http(s) with a host and
/// hold nothing that could leave an attribute or a URL: no blank, quote,
/// `<`, `>`, backslash or control character.
pub fn check_url(url: &str) -> Result<(), String> {
    let shown = url.escape_debug();
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return Err(format!("`{shown}` is not an absolute http(s) URL"));
    };
    if let Some(c) = url.chars().find(|&c| {
        c.is_control() || c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>' | '\\')
    }) {
        return Err(format!(
            "`{shown}` holds {}, which a URL cannot",
            match c {
                ' ' => "a space".to_owned(),
                c if c.is_control() || c.is_whitespace() => format!("U+{:04X}", u32::from(c)),
                c => format!("`{c}`"),
            }
        ));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    if host.is_empty() {
        return Err(format!("`{shown}` has no host"));
    }
    Ok(())
}

/// The synonym groups' problems, each located at its word (or group) in
/// site.yaml.
fn check_synonyms(shown: &Path, text: &str, groups: &[Vec<String>]) -> Vec<Diagnostic> {
    let Err(problems) = search_core::Synonyms::new(groups) else {
        return Vec::new();
    };
    let spots = synonym_spots(text, groups);
    let spot = |g: usize, w: usize| {
        spots
            .get(g)
            .and_then(|ws| ws.get(w))
            .copied()
            .unwrap_or_else(|| key_line(text, "synonyms:"))
    };
    let word = |g: usize, w: usize| {
        groups
            .get(g)
            .and_then(|ws| ws.get(w))
            .map_or("", String::as_str)
    };
    problems
        .into_iter()
        .map(|p| {
            let (line, col) = spot(p.group, p.word);
            let message = match &p.issue {
                search_core::SynonymIssue::OneWord => format!(
                    "`search.synonyms`: group {} needs at least two words{}",
                    p.group + 1,
                    if word(p.group, 0).is_empty() {
                        String::new()
                    } else {
                        format!(" (it has only `{}`)", word(p.group, 0))
                    }
                ),
                search_core::SynonymIssue::Repeated { group, word: w } => {
                    let (l, c) = spot(*group, *w);
                    format!(
                        "`search.synonyms`: `{}` is already in group {} (as `{}`, line {l}, column {c}); a word may be in one group only",
                        word(p.group, p.word),
                        group + 1,
                        word(*group, *w),
                    )
                }
                issue => format!(
                    "`search.synonyms`: `{}` {issue}",
                    word(p.group, p.word)
                ),
            };
            Diagnostic::at_line_col(Severity::Error, shown, text, line, col, message)
        })
        .collect()
}

/// Where each synonym word is written in site.yaml: each word's first
/// occurrence after the previous one's, from the `synonyms:` key on (the
/// YAML parser keeps no positions for values). A group with no words is
/// placed at the `synonyms:` key.
fn synonym_spots(text: &str, groups: &[Vec<String>]) -> Vec<Vec<(usize, usize)>> {
    let start = text
        .find("search:")
        .and_then(|s| text[s..].find("synonyms:").map(|k| s + k))
        .unwrap_or(0);
    let mut at = start;
    groups
        .iter()
        .map(|g| {
            g.iter()
                .map(
                    |w| match text.get(at..).and_then(|rest| rest.find(w.as_str())) {
                        Some(off) if !w.is_empty() => {
                            let pos = at + off;
                            at = pos + w.len();
                            crate::diag::line_col(text, pos)
                        }
                        _ => crate::diag::line_col(text, at),
                    },
                )
                .collect()
        })
        .collect()
}

/// The 1-based line and column where `needle` first appears in `text`
/// (for semantic errors found after deserializing); (1, 1) when absent.
pub fn key_line(text: &str, needle: &str) -> (usize, usize) {
    text.find(needle)
        .map_or((1, 1), |off| crate::diag::line_col(text, off))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_path_handles_subpaths() {
        assert_eq!(root_path_of("https://help.example.com"), "/");
        assert_eq!(root_path_of("https://help.example.com/"), "/");
        assert_eq!(root_path_of("https://example.com/help"), "/help/");
        assert_eq!(root_path_of("https://example.com/a/b/"), "/a/b/");
        assert_eq!(origin_of("https://example.com/a/b/"), "https://example.com");
        assert_eq!(origin_of("http://localhost:1111"), "http://localhost:1111");
    }

    #[test]
    fn unknown_key_names_line() {
        let text = "title: x\nbase_url: https://a.b\nthme: y\n";
        let errs = Config::parse(Path::new("site.yaml"), text).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].location(), "site.yaml:3:1");
        assert!(errs[0].message.contains("`thme`"), "{}", errs[0].message);
    }

    #[test]
    fn defaults_apply() {
        let c = Config::parse(Path::new("site.yaml"), "title: x\nbase_url: https://a.b\n").unwrap();
        assert_eq!(c.theme, "default");
        assert_eq!(c.language, Lang::Zh);
        assert_eq!(c.output, PathBuf::from("public"));
        assert_eq!(c.markdown.line_breaks, LineBreaks::Auto);
    }

    #[test]
    fn synonym_problems_are_located_at_the_word() {
        let text = "title: x\nbase_url: https://a.b\nsearch:\n  synonyms:\n    - [退款, 退费, 退钱]\n    - [发票]\n    - [开票, 退费]\n";
        let errs = Config::parse(Path::new("site.yaml"), text).unwrap_err();
        let got: Vec<(String, &str)> = errs
            .iter()
            .map(|d| (d.location(), d.message.as_str()))
            .collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, "site.yaml:6:8", "{got:?}");
        assert!(
            got[0].1.contains("group 2 needs at least two words"),
            "{got:?}"
        );
        assert_eq!(got[1].0, "site.yaml:7:12", "{got:?}");
        assert!(got[1].1.contains("`退费` is already in group 1"), "{got:?}");
        assert!(got[1].1.contains("line 5, column"), "{got:?}");
    }

    #[test]
    fn synonyms_fold_like_queries_and_unknown_keys_are_errors() {
        let text = "title: x\nbase_url: https://a.b\nsearch:\n  synonyms:\n    - [API, ＡＰＩ]\n";
        let errs = Config::parse(Path::new("site.yaml"), text).unwrap_err();
        assert!(
            errs[0].message.contains("`ＡＰＩ` is already in group 1"),
            "{}",
            errs[0].message
        );
        let text = "title: x\nbase_url: https://a.b\nsearch:\n  synonym: []\n";
        let errs = Config::parse(Path::new("site.yaml"), text).unwrap_err();
        assert_eq!(errs[0].location(), "site.yaml:4:3");
        let ok = "title: x\nbase_url: https://a.b\nsearch:\n  synonyms:\n    - [退款, 退费]\n";
        let c = Config::parse(Path::new("site.yaml"), ok).unwrap();
        assert_eq!(c.search.synonyms().groups().len(), 1);
    }

    #[test]
    fn bad_base_url_is_located() {
        let errs = Config::parse(
            Path::new("site.yaml"),
            "title: x\nbase_url: help.example.com\n",
        )
        .unwrap_err();
        assert_eq!(errs[0].location(), "site.yaml:2:1");
    }

    #[test]
    fn base_url_must_be_http_with_a_clean_host() {
        for bad in [
            "javascript:alert(1)//",
            "https://",
            "https:///path",
            "https://:8080/",
            "https://a b.test/",
            "https://a.test/\"onmouseover=x",
            "https://a.test/'x",
            "https://a.test/<script>",
            "https://a.test/x>",
            "https://a.test/\u{7}",
            "https://a.test/\n",
            "https://a.test\\@evil.test",
            "ftp://a.test/",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        for good in [
            "https://help.example.com",
            "http://localhost:1111/",
            "https://example.com/帮助/",
            "http://[::1]:8080/help",
            "https://example.com/a?b#c",
        ] {
            assert_eq!(check_url(good), Ok(()), "{good}");
        }
    }
}
