//! Loading `content/` into a [`Site`]: walk the folders, read front matter,
//! outline every page (so all link targets are known), then render each
//! page's markdown with links resolved. Every problem becomes a diagnostic;
//! loading carries on so one run reports them all.

pub mod front_matter;
pub mod git;
pub mod incremental;
pub mod links;
pub mod related;
pub mod urls;
pub mod walk;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diag::{Diagnostic, Severity};
use crate::markdown::{self, Console, Lang, LineBreaks, Rendered, WidgetHost};
use crate::model::{Category, CategoryFront, FrontMatter, Page, Site, SourceFile};
use crate::sitefs::SiteFs;

/// The folder under the site root that holds the pages.
pub const CONTENT_DIR: &str = "content";

/// How to load.
pub struct LoadOptions<'a> {
    /// Overrides where console links point (`build --console-base-url`).
    pub console_base_url: Option<String>,
    /// `check` reports links to unknown console routes as errors.
    pub strict: bool,
    /// The widgets pages may place.
    pub widgets: &'a (dyn WidgetHost + Sync),
    /// Keep each page's text and section HTML in the model (the preview
    /// server re-renders from it and compares edits with the text), and
    /// report each page's diagnostics while loading. A build keeps
    /// neither: outlining gives it each page's questions, titles and text
    /// for search, and [`PageSources`] renders each page, with its
    /// diagnostics, only as it is written. Every diagnostic already holds
    /// the lines it shows.
    pub keep_sources: bool,
}

/// What loading produced: the site (when the configuration could be read)
/// and every problem found.
pub struct Loaded {
    pub site: Option<Site>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files under content/ to publish unchanged (content-relative paths).
    pub assets: Vec<String>,
    /// The way back to the site's pages' markdown (with `site`).
    pub sources: Option<PageSources>,
}

/// Loads the site at `root` in its own language (translations are left
/// out; see [`load_all`]).
pub fn load(root: &Path, config: Config, opts: &LoadOptions<'_>) -> Loaded {
    let mut all = load_all(root, config, opts);
    let site = if all.sites.is_empty() {
        None
    } else {
        Some(all.sites.remove(0))
    };
    let sources = if all.sources.is_empty() {
        None
    } else {
        Some(all.sources.remove(0))
    };
    Loaded {
        site,
        diagnostics: all.diagnostics,
        assets: all.assets,
        sources,
    }
}

/// Every language of a site: the site's own first, then each translation.
pub struct LoadedAll {
    pub sites: Vec<Site>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files under content/ to publish unchanged (content-relative paths).
    pub assets: Vec<String>,
    /// For each site, in the same order, the way back to its pages'
    /// markdown.
    pub sources: Vec<PageSources>,
}

/// Loads the site at `root` in every language it has: files named
/// `name.<language>.md` belong to the translation into that language.
pub fn load_all(root: &Path, config: Config, opts: &LoadOptions<'_>) -> LoadedAll {
    let mut diags = Vec::new();
    let content_dir = root.join(CONTENT_DIR);
    if !content_dir.is_dir() {
        diags.push(Diagnostic::file_level(
            Severity::Error,
            CONTENT_DIR,
            "no content/ folder: a site keeps its pages in content/",
        ));
        return LoadedAll {
            sites: Vec::new(),
            diagnostics: diags,
            assets: Vec::new(),
            sources: Vec::new(),
        };
    }
    let fs = crate::sitefs::SiteFs::new(root, &config.files);
    let found = walk::walk(&fs, &content_dir, &mut diags);
    let languages: Vec<Lang> = std::iter::once(config.language)
        .chain(config.translations.iter().map(|t| t.language))
        .collect();
    let mut per_language: Vec<Vec<(String, PathBuf)>> = vec![Vec::new(); languages.len()];
    for (rel, path) in found.markdown {
        let lang = file_language(&rel, &languages[1..]);
        let i = lang
            .and_then(|l| languages.iter().position(|&x| x == l))
            .unwrap_or(0);
        per_language[i].push((rel, path));
    }
    let git_dates = git::last_commit_dates(root, CONTENT_DIR);
    let mut sites = Vec::new();
    let mut sources = Vec::new();
    for (lang, files) in languages.iter().zip(per_language) {
        let input = LanguageInput {
            lang: *lang,
            dirs: &found.dirs,
            markdown: files,
            git_dates: &git_dates,
        };
        let loaded = load_language(root, config.clone(), input, opts);
        diags.extend(loaded.diagnostics);
        if let (Some(site), Some(src)) = (loaded.site, loaded.sources) {
            sites.push(site);
            sources.push(src);
        }
    }
    LoadedAll {
        sites,
        diagnostics: diags,
        assets: found.assets,
        sources,
    }
}

/// The translation a file belongs to, by its `.<language>.md` suffix.
fn file_language(rel: &str, translations: &[Lang]) -> Option<Lang> {
    translations
        .iter()
        .copied()
        .find(|&l| rel.ends_with(&format!(".{}.md", crate::config::lang_code(l))))
}

/// `billing/faq.en.md` → `billing/faq.md` for language `en`.
fn strip_language(rel: &str, lang: Lang, is_translation: bool) -> String {
    let suffix = format!(".{}.md", crate::config::lang_code(lang));
    match rel.strip_suffix(&suffix) {
        Some(stem) if is_translation => format!("{stem}.md"),
        _ => rel.to_owned(),
    }
}

/// One language's share of the content folder.
struct LanguageInput<'a> {
    lang: Lang,
    dirs: &'a [String],
    markdown: Vec<(String, PathBuf)>,
    /// Last-commit dates of every content file.
    git_dates: &'a HashMap<String, String>,
}

/// Loads one language's files into a site.
fn load_language(
    root: &Path,
    config: Config,
    input: LanguageInput<'_>,
    opts: &LoadOptions<'_>,
) -> Loaded {
    let LanguageInput {
        lang,
        dirs,
        markdown,
        git_dates,
    } = input;
    let mut diags = Vec::new();
    let translation = config
        .translations
        .iter()
        .find(|t| t.language == lang)
        .cloned();
    let is_translation = translation.is_some();
    let root_path = match is_translation {
        true => format!("{}{}", config.root_path(), crate::config::lang_folder(lang)),
        false => config.root_path(),
    };
    let site_title = translation
        .as_ref()
        .and_then(|t| t.title.clone())
        .unwrap_or_else(|| config.title.clone());
    let site_description = translation
        .as_ref()
        .and_then(|t| t.description.clone())
        .unwrap_or_else(|| config.description.clone());
    // Categories: one per folder, the root first.
    let mut categories: Vec<Category> = Vec::new();
    let mut by_dir: HashMap<String, usize> = HashMap::new();
    for dir in std::iter::once(String::new()).chain(dirs.iter().filter(|d| !d.is_empty()).cloned())
    {
        if by_dir.contains_key(&dir) {
            continue;
        }
        let id = categories.len();
        let parent = if dir.is_empty() {
            None
        } else {
            by_dir.get(parent_dir(&dir)).copied()
        };
        let name = dir.rsplit('/').next().unwrap_or("").to_owned();
        categories.push(Category {
            id,
            path: if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            },
            dir: dir.clone(),
            title: if dir.is_empty() {
                site_title.clone()
            } else {
                name
            },
            description: if dir.is_empty() {
                site_description.clone()
            } else {
                String::new()
            },
            weight: 0,
            parent,
            children: Vec::new(),
            pages: Vec::new(),
            index: None,
            doc: Rendered::default(),
        });
        by_dir.insert(dir, id);
    }

    // Pages and _index.md files: each read, parsed and outlined on every
    // core; a page's text is dropped once outlined (unless kept), so the
    // site's texts are never all in memory. Then, in file order, the parts
    // that depend on one another (categories, page ids).
    let fs = SiteFs::new(root, &config.files);
    let settings = MarkdownSettings {
        lang,
        line_breaks: config.markdown.line_breaks,
        raw_html: config.markdown.raw_html,
        console: console_of(&config, opts),
    };
    // A build takes each page's texts from this first walk; the preview
    // keeps every page's text and renders it in full below.
    let text_opts = (!opts.keep_sources).then_some(TextOptions {
        settings: &settings,
        widgets: opts.widgets,
    });
    let parsed: Vec<(String, Parsed, Vec<Diagnostic>)> = markdown
        .into_par_iter()
        .with_max_len(crate::PAGES_PER_JOB)
        .map(|(rel, path)| {
            let mut diags = Vec::new();
            let key = strip_language(&rel, lang, is_translation);
            let parsed = parse_file(&fs, &path, &key, text_opts.as_ref(), &mut diags);
            (rel, parsed, diags)
        })
        .collect();
    let mut pages: Vec<Page> = Vec::new();
    let mut digests: Vec<u64> = Vec::new();
    for (rel, parsed, mut file_diags) in parsed {
        diags.append(&mut file_diags);
        let dir = parent_dir(&rel).to_owned();
        let Some(&cat) = by_dir.get(&dir) else {
            continue;
        };
        let page = match parsed {
            Parsed::Nothing => continue,
            Parsed::Index(fm, source) => {
                let c = &mut categories[cat];
                if let Some(t) = fm.title {
                    c.title = t;
                }
                if let Some(d) = fm.description {
                    c.description = d;
                }
                c.weight = fm.weight.unwrap_or(0);
                c.index = Some(source);
                continue;
            }
            Parsed::Page(page) => page,
        };
        let ParsedPage {
            key,
            source,
            digest,
            front,
            slug,
            updated,
            outline,
            doc,
        } = *page;
        let title = front.title.clone().unwrap_or_else(|| stem_of(&key));
        let id = pages.len();
        let path = format!("{}{}/", categories[cat].path, slug);
        categories[cat].pages.push(id);
        digests.push(digest);
        pages.push(Page {
            id,
            key,
            updated: updated.or_else(|| git_dates.get(&rel).cloned()),
            source,
            front,
            title,
            slug,
            path,
            category: cat,
            outline,
            doc: doc.unwrap_or_default(),
            related: Vec::new(),
        });
    }

    let translation_folders: Vec<String> = match is_translation {
        true => Vec::new(),
        false => config
            .translations
            .iter()
            .map(|t| crate::config::lang_folder(t.language))
            .collect(),
    };
    urls::check_unique(&pages, &categories, &translation_folders, &fs, &mut diags);

    // Order children and pages by weight, then title.
    for c in 1..categories.len() {
        if let Some(p) = categories[c].parent {
            categories[p].children.push(c);
        }
    }
    for c in 0..categories.len() {
        let mut kids = std::mem::take(&mut categories[c].children);
        kids.sort_by(|&a, &b| {
            (categories[a].weight, &categories[a].title)
                .cmp(&(categories[b].weight, &categories[b].title))
        });
        categories[c].children = kids;
        let mut ps = std::mem::take(&mut categories[c].pages);
        ps.sort_by(|&a, &b| {
            (pages[a].front.weight.unwrap_or(0), &pages[a].title)
                .cmp(&(pages[b].front.weight.unwrap_or(0), &pages[b].title))
        });
        categories[c].pages = ps;
    }

    // Every link target, then render with links resolved.
    let mut index = links::LinkIndex::new(&root_path).check_images(
        &root.join(CONTENT_DIR),
        &config.root_path(),
        missing_image_severity(opts.strict),
    );
    // A translation's files answer to their own name (`faq.en.md`) and to
    // the original's (`faq.md`), so translated links need no rewriting.
    for p in &pages {
        let rel = content_rel(&p.source.shown);
        index.insert(&rel, &p.path, p.outline.anchors.iter().cloned());
        index.insert(&p.key, &p.path, p.outline.anchors.iter().cloned());
    }
    for c in &categories {
        if let Some(src) = &c.index {
            let rel = content_rel(&src.shown);
            index.insert(&rel, &c.path, std::iter::empty());
            index.insert(
                &strip_language(&rel, lang, is_translation),
                &c.path,
                std::iter::empty(),
            );
        }
    }
    // Past the link index a build needs of an outline only how many
    // questions it has: its anchors go.
    if !opts.keep_sources {
        for p in &mut pages {
            p.outline.anchors = Vec::new();
        }
    }
    let mut sources = PageSources {
        fs,
        links: index,
        settings,
        digests: Vec::new(),
    };
    let widgets = opts.widgets;
    // A build's pages were read and outlined without keeping their texts,
    // their questions and texts taken from that walk. Each is read again
    // (and checked against its digest) and rendered in full as it is
    // written, and its diagnostics are reported then (see
    // [`PageSources::render`]). The preview renders every page here.
    if opts.keep_sources {
        pages.par_iter_mut().for_each(|p| {
            let src = &p.source;
            p.doc = compact(sources.render_text(&src.shown, &src.text, src.body_start, widgets));
        });
        for p in &mut pages {
            diags.append(&mut p.doc.diagnostics);
        }
    } else {
        sources.digests = digests;
    }
    related::compute(&mut pages);
    for c in &mut categories {
        if let Some(src) = &c.index {
            let mut doc =
                compact(sources.render_text(&src.shown, &src.text, src.body_start, widgets));
            diags.append(&mut doc.diagnostics);
            c.doc = doc;
        }
    }

    let site = Site {
        root: root.to_path_buf(),
        config,
        lang,
        title: site_title,
        description: site_description,
        root_path,
        categories,
        pages,
    };
    Loaded {
        site: Some(site),
        diagnostics: diags,
        assets: Vec::new(),
        sources: Some(sources),
    }
}

/// A build's way back to each page's markdown (see
/// [`LoadOptions::keep_sources`]): the renderer asks for one page at a
/// time, so the site's section HTML is never held at once. The file is
/// read again; one that changed since it was loaded is an error (the
/// outline, links and related questions came from the text loaded), not a
/// page of another version.
pub struct PageSources {
    fs: SiteFs,
    links: links::LinkIndex,
    settings: MarkdownSettings,
    /// Per page (by id): a digest of the text loaded; empty when the
    /// model kept the texts.
    digests: Vec<u64>,
}

impl PageSources {
    /// Renders one file's markdown with the site's links resolved.
    fn render_text(
        &self,
        shown: &Path,
        text: &str,
        body_start: usize,
        widgets: &dyn WidgetHost,
    ) -> Rendered {
        let rel = content_rel(shown);
        let resolver = self.links.resolver_for(&rel);
        markdown::render(
            markdown::Source {
                file: shown,
                text,
                body_start,
            },
            &self.settings.options(&resolver, widgets),
        )
    }

    /// `page` rendered in full, as it was when loaded. A build's page
    /// (its text not kept) is rendered here for the first time with its
    /// links resolved, and brings its diagnostics, for the caller to
    /// report; a kept page's were reported when it was loaded and are left
    /// out. An error when the file can no longer be read or is not the
    /// text loaded.
    pub fn render(&self, page: &Page, widgets: &dyn WidgetHost) -> Result<Rendered, Diagnostic> {
        let src = &page.source;
        if !src.text.is_empty() {
            let mut doc = self.render_text(&src.shown, &src.text, src.body_start, widgets);
            doc.diagnostics.clear();
            return Ok(doc);
        }
        let text = self.read_again(page)?;
        Ok(self.render_text(&src.shown, &text, src.body_start, widgets))
    }

    /// The diagnostics of every page of a build, when its pages will not be
    /// rendered (the theme could not be loaded): the author still hears of
    /// every problem in one run.
    pub fn diagnostics(
        &self,
        pages: &[Page],
        widgets: &(dyn WidgetHost + Sync),
    ) -> Vec<Diagnostic> {
        pages
            .par_iter()
            .flat_map_iter(|p| match self.render(p, widgets) {
                Ok(doc) => doc.diagnostics,
                Err(d) => vec![d],
            })
            .collect()
    }

    /// A page's file read again, as it was loaded: an error when it can no
    /// longer be read or its text is not the one loaded (its digest).
    fn read_again(&self, page: &Page) -> Result<String, Diagnostic> {
        let src = &page.source;
        let changed = || {
            Diagnostic::file_level(
                Severity::Error,
                &src.shown,
                "the file changed while the site was being built; build again",
            )
        };
        let path = self.fs.root().join(&src.shown);
        let bytes = self
            .fs
            .read(&path)
            .map_err(|e| self.fs.diagnostic(&path, &e))?;
        let text = String::from_utf8(bytes).map_err(|_| changed())?;
        let text = front_matter::replace_nul_in_body(text, src.body_start);
        if self.digests.get(page.id) != Some(&digest(&text)) {
            return Err(changed());
        }
        Ok(text)
    }
}

/// One markdown file, read and parsed (see [`parse_file`]).
enum Parsed {
    /// Nothing to add (its problems are reported).
    Nothing,
    /// A category's `_index.md`.
    Index(CategoryFront, SourceFile),
    /// A page, outlined (boxed: much larger than the others).
    Page(Box<ParsedPage>),
}

/// What a page's file holds, before it has an id and a category.
struct ParsedPage {
    key: String,
    /// The text is empty unless kept (`LoadOptions::keep_sources`).
    source: SourceFile,
    /// A digest of the text, to tell it from the file read again.
    digest: u64,
    front: FrontMatter,
    slug: String,
    /// Front matter `updated`, when valid.
    updated: Option<String>,
    outline: markdown::Outline,
    /// Its questions and texts, when outlined with the site's options (a
    /// build; see [`TextOptions`]).
    doc: Option<Rendered>,
}

/// Reads, parses and outlines one markdown file (`key`: its path relative
/// to content/, without a language suffix). Independent of every other
/// file, so files are parsed side by side.
fn parse_file(
    fs: &SiteFs,
    path: &Path,
    key: &str,
    text_opts: Option<&TextOptions<'_>>,
    diags: &mut Vec<Diagnostic>,
) -> Parsed {
    let keep_text = text_opts.is_none();
    let Some(text) = walk::read_markdown(fs, path, diags) else {
        return Parsed::Nothing;
    };
    let shown = fs.shown(path);
    if key.rsplit('/').next() == Some("_index.md") {
        return match front_matter::parse::<CategoryFront>(&shown, &text) {
            Ok((fm, body_start)) => Parsed::Index(
                fm,
                SourceFile {
                    shown,
                    text: front_matter::replace_nul_in_body(text, body_start),
                    body_start,
                },
            ),
            Err(d) => {
                diags.push(d);
                Parsed::Nothing
            }
        };
    }
    let (front, body_start) = match front_matter::parse::<FrontMatter>(&shown, &text) {
        Ok(v) => v,
        Err(d) => {
            diags.push(d);
            return Parsed::Nothing;
        }
    };
    let stem = stem_of(key);
    let slug = match &front.slug {
        Some(s) if valid_slug(s) => s.clone(),
        Some(s) => {
            let (line, col) = crate::config::key_line(&text, "slug:");
            diags.push(Diagnostic::at_line_col(
                Severity::Error,
                &shown,
                &text,
                line,
                col,
                format!("slug `{s}` must be one path segment (no `/`, not empty)"),
            ));
            stem
        }
        None => stem,
    };
    let mut source = SourceFile {
        shown,
        text: front_matter::replace_nul_in_body(text, body_start),
        body_start,
    };
    let updated = match front.updated.as_deref().map(check_updated) {
        Some(Err(msg)) => {
            let front_text = &source.text[..source.body_start];
            let at = front_text
                .match_indices("updated:")
                .find(|&(i, _)| i == 0 || front_text.as_bytes()[i - 1] == b'\n')
                .map_or(0, |(i, _)| i);
            diags.push(Diagnostic::error(&source.shown, &source.text, at, msg));
            None
        }
        Some(Ok(())) => front.updated.clone(),
        None => None,
    };
    let src = markdown::Source {
        file: &source.shown,
        text: &source.text,
        body_start: source.body_start,
    };
    let (outline, doc) = match text_opts {
        None => (markdown::outline(src), None),
        Some(t) => {
            let (doc, mut outline) = markdown::outline_and_text(src, &t.options());
            // The questions' ids and titles are in `doc` too; past this a
            // build needs of the outline only its anchors (for the link
            // index) and how many questions it has. Dropping the copies
            // here took about 30 MB off a 100,000-page build's peak.
            for q in &mut outline.questions {
                q.id = String::new();
                q.title_text = String::new();
            }
            (outline, Some(compact(doc)))
        }
    };
    let digest = digest(&source.text);
    if !keep_text {
        source.text = String::new();
    }
    Parsed::Page(Box::new(ParsedPage {
        key: key.to_owned(),
        source,
        digest,
        front,
        slug,
        updated,
        outline,
        doc,
    }))
}

/// A language's markdown settings, from site.yaml and the command line:
/// what outlining and rendering share.
struct MarkdownSettings {
    lang: Lang,
    line_breaks: LineBreaks,
    raw_html: bool,
    console: Option<Console>,
}

impl MarkdownSettings {
    fn options<'a>(
        &'a self,
        links: &'a dyn markdown::LinkResolver,
        widgets: &'a dyn WidgetHost,
    ) -> markdown::Options<'a> {
        markdown::Options {
            lang: self.lang,
            line_breaks: self.line_breaks,
            cjk_emphasis: true,
            raw_html: self.raw_html,
            console: self.console.as_ref(),
            links,
            widgets,
        }
    }
}

/// What a build outlines its pages with, so that their texts come out as
/// rendering makes them: the site's markdown settings, without links,
/// which are resolved (and checked) only when each page is rendered to be
/// written.
struct TextOptions<'a> {
    settings: &'a MarkdownSettings,
    widgets: &'a (dyn WidgetHost + Sync),
}

impl TextOptions<'_> {
    fn options(&self) -> markdown::Options<'_> {
        self.settings.options(&NotYetResolved, self.widgets)
    }
}

/// Outlining resolves no links (the link index is made from the outlines).
struct NotYetResolved;

impl markdown::LinkResolver for NotYetResolved {
    fn resolve(&self, dest: &str) -> Result<String, String> {
        Ok(dest.to_owned())
    }
}

/// A page file's name without `.md`: its slug unless front matter says.
fn stem_of(key: &str) -> String {
    key.rsplit('/')
        .next()
        .unwrap_or(key)
        .trim_end_matches(".md")
        .to_owned()
}

/// A digest of a page's text, to tell the file read again from the one
/// loaded (std's SipHash with its fixed keys: the same in every run).
fn digest(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// A rendered page lives in the model for the whole build: its strings
/// give back the spare capacity they were grown with.
fn compact(mut doc: Rendered) -> Rendered {
    for s in &mut doc.sections {
        s.html.shrink_to_fit();
        if let Some(q) = &mut s.question {
            q.title_html.shrink_to_fit();
            q.answer_text.shrink_to_fit();
        }
    }
    doc.text.shrink_to_fit();
    doc
}

fn console_of(config: &Config, opts: &LoadOptions<'_>) -> Option<Console> {
    let c = config.console.as_ref()?;
    let trim = |s: &str| s.trim_end_matches('/').to_owned();
    let target = opts
        .console_base_url
        .clone()
        .or_else(|| c.target_base_url.clone())
        .unwrap_or_else(|| c.base_url.clone());
    Some(Console {
        content_base_url: trim(&c.base_url),
        target_base_url: trim(&target),
        routes: c.routes.iter().cloned().collect(),
        unknown_route: if opts.strict {
            Severity::Error
        } else {
            c.unknown_route
        },
    })
}

fn valid_slug(s: &str) -> bool {
    !s.trim().is_empty() && !s.contains('/') && !s.contains('\\') && s != "." && s != ".."
}

/// `a/b/c.md` → `a/b`; `c.md` → `""`.
fn parent_dir(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..i])
}

/// `content/a/b.md` → `a/b.md`.
fn content_rel(shown: &Path) -> String {
    let rel = shown.strip_prefix(CONTENT_DIR).unwrap_or(shown);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// A missing image is a warning in `build` (the page still reads) and an
/// error in `check`, whose job is to find it.
pub(crate) fn missing_image_severity(strict: bool) -> Severity {
    if strict {
        Severity::Error
    } else {
        Severity::Warning
    }
}

/// Front matter `updated` must be a real calendar day, `YYYY-MM-DD`: it
/// is shown on the page and becomes the sitemap's `<lastmod>`.
fn check_updated(value: &str) -> Result<(), String> {
    match refund::Date::parse(value) {
        Ok(_) => Ok(()),
        Err(refund::DateProblem::Impossible) => {
            Err(format!("`updated: {value}` is not a day of the calendar"))
        }
        Err(_) => Err(format!(
            "`updated: {value}` is not a date: write YYYY-MM-DD"
        )),
    }
}
