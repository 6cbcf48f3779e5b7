//! Rendering: the site model + a theme → output files. Pure: reads nothing
//! from disk (the theme is loaded by [`theme::load`]) and writes nothing.

pub mod context;
mod escape;
pub mod incremental;
pub mod seo;
pub mod theme;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use crate::content::urls;
use crate::diag::{Diagnostic, Severity};
use crate::markdown::Rendered;
use crate::model::{Category, CategoryId, Page, Site};
use crate::output::OutputFile;
use context::*;
use theme::Theme;

/// The templates every theme must have.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "index.html",
    "category.html",
    "page.html",
    "questions.html",
    "search.html",
    "404.html",
];

/// How many pages a category lists on the home page, and questions per page.
const HOME_PAGES_PER_CATEGORY: usize = 8;
/// Questions on one page of the list of all questions. A page's questions
/// are never split, so a list page holds more when one page alone does.
pub const QUESTIONS_PER_LIST: usize = 2000;
const HOME_QUESTIONS_PER_PAGE: usize = 3;

/// The languages a site is built in, so each page can link to its
/// translations. Built once from all the loaded sites.
#[derive(Clone, Debug, Default)]
pub struct LanguageMap {
    pub languages: Vec<LanguageEntry>,
}

/// One language of the site.
#[derive(Clone, Debug)]
pub struct LanguageEntry {
    pub code: String,
    pub name: String,
    /// Root path of that language (`/`, `/en/`).
    pub root: String,
    /// Page key (see [`crate::model::Page::key`]) → page path.
    pub pages: HashMap<String, String>,
}

impl LanguageMap {
    pub fn from_sites(sites: &[Site]) -> LanguageMap {
        LanguageMap {
            languages: sites
                .iter()
                .map(|s| LanguageEntry {
                    code: crate::config::lang_code(s.lang).to_owned(),
                    name: crate::config::lang_name(s.lang).to_owned(),
                    root: s.root_path.clone(),
                    pages: s
                        .pages
                        .iter()
                        .map(|p| (p.key.clone(), p.path.clone()))
                        .collect(),
                })
                .collect(),
        }
    }
}

/// A compiled theme bound to one site.
pub struct Renderer {
    tera: tera::Tera,
    /// Template name → file to name in diagnostics.
    template_files: HashMap<String, (PathBuf, String)>,
    site_ctx: SiteContext,
    statics: Vec<(String, Vec<u8>)>,
    languages: LanguageMap,
}

/// Renders one page's markdown for the renderer (see
/// [`Renderer::render_site_streaming`]).
pub type PageDoc<'a> = dyn Fn(&Page) -> Result<Rendered, Diagnostic> + Sync + 'a;

/// Extra files the build adds to `assets/` (the wasm modules, data files),
/// fingerprinted like the theme's static files.
pub type ExtraAsset = (String, Vec<u8>);

impl Renderer {
    /// Compiles `theme`'s templates. Syntax errors, missing required
    /// templates and the like come back as diagnostics, all of them.
    pub fn new(
        site: &Site,
        theme: Theme,
        extra_assets: Vec<ExtraAsset>,
        languages: LanguageMap,
    ) -> Result<Renderer, Vec<Diagnostic>> {
        let mut tera = tera::Tera::new();
        tera.set_escape_fn(escape::escape_html);
        let mut diags = Vec::new();
        let mut template_files = HashMap::new();
        for (name, src, shown) in &theme.templates {
            template_files.insert(name.clone(), (shown.clone(), src.clone()));
        }
        let templates: Vec<(String, String)> = theme
            .templates
            .iter()
            .map(|(n, s, _)| (n.clone(), s.clone()))
            .collect();
        if let Err(e) = tera.add_raw_templates(templates) {
            diags.extend(tera_diagnostics(&e, &template_files));
        }
        for name in REQUIRED_TEMPLATES {
            if !template_files.contains_key(*name) {
                diags.push(Diagnostic::file_level(
                    Severity::Error,
                    format!("themes/{}/templates/{name}", theme.name),
                    format!("theme `{}` has no `{name}` template", theme.name),
                ));
            }
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        let root = site.root_path.clone();
        // Translations share the site's one copy of the theme's assets.
        let assets_root = site.config.root_path();
        let mut statics = theme.statics;
        statics.extend(extra_assets);
        let assets = statics
            .iter()
            .map(|(rel, bytes)| {
                (
                    rel.clone(),
                    format!("{assets_root}assets/{rel}?v={}", fingerprint(bytes)),
                )
            })
            .collect();
        let site_ctx = SiteContext {
            title: site.title.clone(),
            description: site.description.clone(),
            language: lang_tag(site),
            languages: languages
                .languages
                .iter()
                .map(|l| LangLink {
                    code: l.code.clone(),
                    name: l.name.clone(),
                    url: l.root.clone(),
                    current: l.root == site.root_path,
                    exists: true,
                })
                .collect(),
            feedback_endpoint: site
                .config
                .feedback
                .as_ref()
                .map(|f| f.endpoint.clone())
                .unwrap_or_default(),
            base_url: crate::config::origin_of(&site.config.base_url),
            home_url: root.clone(),
            questions_url: format!("{root}questions/"),
            search_url: format!("{root}search/"),
            search_manifest_url: format!("{root}search/manifest.bin"),
            search_wasm_url: format!("{assets_root}assets/search.wasm"),
            root,
            assets,
            strings: theme.strings,
            generator: format!("faqtory {}", env!("CARGO_PKG_VERSION")),
        };
        Ok(Renderer {
            tera,
            template_files,
            site_ctx,
            statics,
            languages,
        })
    }

    /// The context every template shares.
    pub fn site_context(&self) -> &SiteContext {
        &self.site_ctx
    }

    /// Renders every page of the site, plus sitemap.xml, robots.txt and the
    /// theme's static files, into memory. Template errors are reported once
    /// each, however many pages hit them.
    pub fn render_site(&self, site: &Site) -> (Vec<OutputFile>, Vec<Diagnostic>) {
        let files = std::sync::Mutex::new(Vec::new());
        let diags = self.render_site_into(site, &|f| {
            files
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(f);
        });
        let files = files
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (files, diags)
    }

    /// [`Self::render_site`], handing each file to `put` as soon as it is
    /// rendered (from the rendering threads), so nothing is held.
    pub fn render_site_into(
        &self,
        site: &Site,
        put: &(dyn Fn(OutputFile) + Sync),
    ) -> Vec<Diagnostic> {
        self.render_all(site, None, put)
    }

    /// [`Self::render_site_into`] for a site loaded without its pages'
    /// HTML (see `content::LoadOptions::keep_sources`): `page_doc` renders
    /// a page's markdown again, one page at a time, and that copy goes
    /// with the page's file. The model goes when the site is rendered.
    pub fn render_site_streaming(
        &self,
        site: Site,
        page_doc: &PageDoc<'_>,
        put: &(dyn Fn(OutputFile) + Sync),
    ) -> Vec<Diagnostic> {
        self.render_all(&site, Some(page_doc), put)
    }

    /// Every file of the site; each page's document from `page_doc` when
    /// given, else from the model.
    fn render_all(
        &self,
        site: &Site,
        page_doc: Option<&PageDoc<'_>>,
        put: &(dyn Fn(OutputFile) + Sync),
    ) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        let mut push = |r: Result<OutputFile, Diagnostic>| match r {
            Ok(f) => put(f),
            Err(d) => diags.push(d),
        };
        push(self.render_home(site));
        for c in site.categories.iter().skip(1) {
            push(self.render_category(site, c.id));
        }
        // A page's problems: its markdown's, when `page_doc` renders it for
        // the first time, and any in making its file.
        let pages = || -> Vec<Diagnostic> {
            site.pages
                .par_iter()
                // Small jobs, so the last ones are shared out too: rayon's
                // own split left one worker a long run of pages at the end,
                // a tenth of a second of one core idle at 10,000 pages (perf).
                .with_max_len(crate::PAGES_PER_JOB)
                .flat_map_iter(|p| {
                    let mut doc = match page_doc.map(|f| f(p)).transpose() {
                        Ok(doc) => doc,
                        Err(d) => return vec![d],
                    };
                    let mut found = doc
                        .as_mut()
                        .map(|d| std::mem::take(&mut d.diagnostics))
                        .unwrap_or_default();
                    match self.page_with(site, p.id, doc.as_ref()) {
                        Ok(f) => put(f),
                        Err(d) => found.push(d),
                    }
                    found
                })
                .collect()
        };
        // The lists of all questions are made one after the other: beside
        // the pages, not after them on one core while the other idles.
        let lists = || -> Vec<Diagnostic> {
            let mut found = Vec::new();
            let mut push = |r: Result<OutputFile, Diagnostic>| match r {
                Ok(f) => put(f),
                Err(d) => found.push(d),
            };
            self.render_questions(site, &mut push);
            push(self.render_plain(site, "search.html", "search", urls::SEARCH_FILE));
            push(self.render_plain(site, "404.html", "404", urls::NOT_FOUND_FILE));
            found
        };
        let (page_errors, list_errors) = rayon::join(pages, lists);
        diags.extend(page_errors);
        diags.extend(list_errors);
        for p in &site.pages {
            for alias in &p.front.aliases {
                put(seo::redirect(alias, &self.url(&p.path), &self.site_ctx));
            }
        }
        put(seo::sitemap(site, &self.site_ctx));
        if self.is_main_language(site) {
            let sitemaps: Vec<String> = self
                .languages
                .languages
                .iter()
                .map(|l| format!("{}{}sitemap.xml", self.site_ctx.base_url, l.root))
                .collect();
            put(seo::robots(&sitemaps));
        }
        for (rel, bytes) in self.statics.iter().filter(|_| self.is_main_language(site)) {
            put(OutputFile::new(format!("assets/{rel}"), bytes.clone()));
        }
        dedup(diags)
    }

    /// The site's own language (not a translation): it owns the shared
    /// files (assets, robots.txt).
    fn is_main_language(&self, site: &Site) -> bool {
        site.root_path == site.config.root_path()
    }

    /// The URL of the site path `path` (file names percent-encoded).
    fn url(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.site_ctx.root,
            crate::content::links::encode_path(path)
        )
    }

    fn meta(&self, kind: &'static str, title: &str, description: &str, path: &str) -> Meta {
        Meta {
            kind,
            title: title.to_owned(),
            description: description.to_owned(),
            url: self.url(path),
            canonical: if kind == "404" {
                String::new()
            } else {
                format!("{}{}", self.site_ctx.base_url, self.url(path))
            },
            json_ld: String::new(),
            translations: self.translations(path, None),
        }
    }

    /// The page at `path` (with page key `key`, for FAQ pages) in every
    /// language; where a page has no translation, that language's home.
    fn translations(&self, path: &str, key: Option<&str>) -> Vec<LangLink> {
        self.languages
            .languages
            .iter()
            .map(|l| {
                let found = match key {
                    Some(k) => l.pages.get(k).cloned(),
                    None => Some(path.to_owned()),
                };
                LangLink {
                    code: l.code.clone(),
                    name: l.name.clone(),
                    url: format!("{}{}", l.root, found.as_deref().unwrap_or("")),
                    current: l.root == self.site_ctx.root,
                    exists: found.is_some(),
                }
            })
            .collect()
    }

    pub fn render_home(&self, site: &Site) -> Result<OutputFile, Diagnostic> {
        let root = site.root_category();
        let home = HomeView {
            intro_html: section_html(&root.doc),
            categories: site
                .top_categories()
                .map(|c| {
                    self.category_summary(site, c, HOME_PAGES_PER_CATEGORY, HOME_QUESTIONS_PER_PAGE)
                })
                .collect(),
            pages: root
                .pages
                .iter()
                .map(|&p| self.page_summary(&site.pages[p], HOME_QUESTIONS_PER_PAGE))
                .collect(),
        };
        let ctx = HomeContext {
            site: &self.site_ctx,
            meta: self.meta("home", &site.title, &site.description, ""),
            nav: self.nav(site, 0, None),
            home,
        };
        self.render("index.html", &ctx, "index.html")
    }

    pub fn render_category(&self, site: &Site, id: CategoryId) -> Result<OutputFile, Diagnostic> {
        let c = &site.categories[id];
        let view = CategoryView {
            title: c.title.clone(),
            description: c.description.clone(),
            intro_html: section_html(&c.doc),
            subcategories: c
                .children
                .iter()
                .map(|&k| {
                    self.category_summary(site, &site.categories[k], HOME_PAGES_PER_CATEGORY, 0)
                })
                .collect(),
            pages: c
                .pages
                .iter()
                .map(|&p| self.page_summary(&site.pages[p], usize::MAX))
                .collect(),
        };
        let ctx = CategoryContext {
            site: &self.site_ctx,
            meta: self.meta("category", &c.title, &c.description, &c.path),
            nav: self.nav(site, id, None),
            category: view,
        };
        self.render("category.html", &ctx, &format!("{}index.html", c.path))
    }

    pub fn render_page(&self, site: &Site, id: usize) -> Result<OutputFile, Diagnostic> {
        self.page_with(site, id, None)
    }

    /// [`Self::render_page`] with the page's document `doc` in place of
    /// the model's, when given.
    fn page_with(
        &self,
        site: &Site,
        id: usize,
        doc: Option<&Rendered>,
    ) -> Result<OutputFile, Diagnostic> {
        let p = &site.pages[id];
        let doc = doc.unwrap_or(&p.doc);
        let cat = &site.categories[p.category];
        let url = self.url(&p.path);
        let canonical = format!("{}{url}", self.site_ctx.base_url);
        let pos = cat.pages.iter().position(|&x| x == id);
        let neighbour = |i: Option<usize>| {
            i.and_then(|i| cat.pages.get(i)).map(|&n| Link {
                title: site.pages[n].title.clone(),
                url: self.url(&site.pages[n].path),
            })
        };
        let mut question_no = 0usize;
        let sections = doc
            .sections
            .iter()
            .map(|s| SectionView {
                question: s.question.as_ref().map(|q| {
                    let related = p.related.get(question_no).map_or(&[][..], Vec::as_slice);
                    question_no += 1;
                    QuestionView {
                        id: q.id.clone(),
                        title_html: q.title_html.clone(),
                        title_text: q.title_text.clone(),
                        href: format!("#{}", q.id),
                        permalink: format!("{canonical}#{}", q.id),
                        related: related
                            .iter()
                            .filter_map(|r| {
                                let page = site.pages.get(r.page)?;
                                let q = page.doc.questions().nth(r.question)?;
                                Some(Link {
                                    title: q.title_text.clone(),
                                    url: format!("{}#{}", self.url(&page.path), q.id),
                                })
                            })
                            .collect(),
                    }
                }),
                html: s.html.clone(),
            })
            .collect();
        let description = p
            .front
            .description
            .clone()
            .unwrap_or_else(|| first_words(doc, 150));
        let view = PageView {
            title: p.title.clone(),
            description: description.clone(),
            url: url.clone(),
            is_article: p.is_article(),
            updated: p.updated.clone().unwrap_or_default(),
            edit_url: site
                .config
                .edit_url
                .as_ref()
                .map(|u| {
                    u.replace(
                        "{path}",
                        &p.source.shown.to_string_lossy().replace('\\', "/"),
                    )
                })
                .unwrap_or_default(),
            tags: p.front.tags.clone(),
            extra: p.front.extra.clone(),
            toc: doc
                .questions()
                .map(|q| Link {
                    title: q.title_text.clone(),
                    url: format!("#{}", q.id),
                })
                .collect(),
            sections,
            prev: neighbour(pos.and_then(|i| i.checked_sub(1))),
            next: neighbour(pos.map(|i| i + 1)),
            widgets: doc.widgets.clone(),
            category: Link {
                title: cat.title.clone(),
                url: self.url(&cat.path),
            },
        };
        let mut meta = self.meta("page", &p.title, &description, &p.path);
        meta.translations = self.translations(&p.path, Some(&p.key));
        if !p.is_article() {
            meta.json_ld = seo::faq_json_ld(doc);
        }
        let ctx = PageContext {
            site: &self.site_ctx,
            meta,
            nav: self.nav(site, p.category, Some(id)),
            page: view,
        };
        self.render("page.html", &ctx, &format!("{}index.html", p.path))
    }

    /// The list of every question (`questions/`), in pages of at most
    /// [`QUESTIONS_PER_LIST`] questions (`questions/2/`, …) when the site
    /// has more, each handed to `put` as it is made.
    pub fn render_questions(
        &self,
        site: &Site,
        put: &mut dyn FnMut(Result<OutputFile, Diagnostic>),
    ) {
        let title = self
            .site_ctx
            .strings
            .get("all_questions")
            .cloned()
            .unwrap_or_else(|| "All questions".into());
        let lists = question_lists(site, QUESTIONS_PER_LIST);
        let count = lists.len();
        // Once, not per list page: counting walks every page's sections.
        // At 100,000 pages (500 list pages) it was 20 % of the samples in
        // the 12 s when the lists were rendered.
        let total = site.question_count();
        // One list page at a time: a site of a million questions is 500
        // pages of 2,000, never one context (or one file) of them all.
        for (k, list) in lists.iter().enumerate() {
            let mut groups: Vec<QuestionGroup> = Vec::new();
            let mut group_of: Option<CategoryId> = None;
            for &(c, p) in list {
                let page = self.page_summary(&site.pages[p], usize::MAX);
                match groups.last_mut() {
                    Some(g) if group_of == Some(c) => g.pages.push(page),
                    _ => {
                        group_of = Some(c);
                        groups.push(QuestionGroup {
                            title: self.category_path_title(site, c),
                            url: self.url(&site.categories[c].path),
                            pages: vec![page],
                        });
                    }
                }
            }
            let path = question_list_path(k);
            let pager = (count > 1).then(|| ListPager {
                number: k + 1,
                count,
                prev: k.checked_sub(1).map(|j| self.url(&question_list_path(j))),
                next: (k + 1 < count).then(|| self.url(&question_list_path(k + 1))),
            });
            let ctx = QuestionsContext {
                site: &self.site_ctx,
                meta: self.meta("questions", &title, "", &path),
                nav: self.nav(site, 0, None),
                questions: QuestionsView {
                    groups,
                    total,
                    pager,
                },
            };
            put(self.render("questions.html", &ctx, &format!("{path}index.html")));
        }
    }

    /// A category's titles from the top (`云市场 / 常见问题`), or the
    /// site's title for the root.
    fn category_path_title(&self, site: &Site, c: CategoryId) -> String {
        let chain: Vec<&str> = site
            .category_chain(c)
            .iter()
            .map(|x| x.title.as_str())
            .collect();
        if chain.is_empty() {
            site.title.clone()
        } else {
            chain.join(" / ")
        }
    }

    fn render_plain(
        &self,
        site: &Site,
        template: &str,
        kind: &'static str,
        out: &str,
    ) -> Result<OutputFile, Diagnostic> {
        let key = if kind == "404" {
            "not_found_title"
        } else {
            "search_title"
        };
        let title = self
            .site_ctx
            .strings
            .get(key)
            .cloned()
            .unwrap_or_else(|| kind.to_owned());
        let path = if kind == "404" { "404.html" } else { "search/" };
        let ctx = PlainContext {
            site: &self.site_ctx,
            meta: self.meta(kind, &title, "", path),
            nav: self.nav(site, 0, None),
        };
        self.render(template, &ctx, out)
    }

    fn render<T: Serialize>(
        &self,
        template: &str,
        ctx: &T,
        out: &str,
    ) -> Result<OutputFile, Diagnostic> {
        let located = |e: tera::Error| {
            let mut d = tera_diagnostic(&e, &self.template_files);
            if d.line == 0 {
                locate_spanless(&mut d, template, &self.template_files);
            }
            d
        };
        let context = tera::Context::from_serialize(ctx).map_err(located)?;
        // Straight into bytes: `render` would check the whole page is
        // UTF-8 again on the way to a `String` (3.7 % of a 10,000-page
        // build), and the file is bytes anyway.
        let mut html = Vec::with_capacity(64 * 1024);
        self.tera
            .render_to(template, &context, &mut html)
            .map_err(located)?;
        Ok(OutputFile::new(out, html))
    }

    fn nav(&self, site: &Site, category: CategoryId, page: Option<usize>) -> Nav {
        let chain = site.category_chain(category);
        let top = chain.first().map(|c| c.id);
        let categories = site
            .top_categories()
            .map(|c| {
                let active = Some(c.id) == top;
                let items = if active {
                    self.nav_items(site, category, page, &chain)
                } else {
                    Vec::new()
                };
                NavCategory {
                    title: c.title.clone(),
                    url: self.url(&c.path),
                    active,
                    items,
                }
            })
            .collect();
        let mut breadcrumbs = vec![Link {
            title: site.title.clone(),
            url: self.site_ctx.root.clone(),
        }];
        let upto = if page.is_some() {
            chain.len()
        } else {
            chain.len().saturating_sub(1)
        };
        for c in chain.iter().take(upto) {
            breadcrumbs.push(Link {
                title: c.title.clone(),
                url: self.url(&c.path),
            });
        }
        Nav {
            categories,
            breadcrumbs,
        }
    }

    /// The contents of the category the reader is in.
    fn nav_items(
        &self,
        site: &Site,
        category: CategoryId,
        page: Option<usize>,
        chain: &[&Category],
    ) -> Vec<NavItem> {
        let c = &site.categories[category];
        let mut items: Vec<NavItem> = c
            .children
            .iter()
            .map(|&k| NavItem {
                title: site.categories[k].title.clone(),
                url: self.url(&site.categories[k].path),
                current: chain.iter().any(|x| x.id == k),
            })
            .collect();
        items.extend(c.pages.iter().map(|&p| NavItem {
            title: site.pages[p].title.clone(),
            url: self.url(&site.pages[p].path),
            current: Some(p) == page,
        }));
        items
    }

    fn page_summary(&self, p: &Page, max_questions: usize) -> PageSummary {
        let base = self.url(&p.path);
        PageSummary {
            title: p.title.clone(),
            url: base.clone(),
            description: p.front.description.clone().unwrap_or_default(),
            questions: p
                .doc
                .questions()
                .take(max_questions)
                .map(|q| Link {
                    title: q.title_text.clone(),
                    url: format!("{base}#{}", q.id),
                })
                .collect(),
            question_count: p.doc.questions().count(),
        }
    }

    fn category_summary(
        &self,
        site: &Site,
        c: &Category,
        max_pages: usize,
        max_questions: usize,
    ) -> CategorySummary {
        CategorySummary {
            title: c.title.clone(),
            url: self.url(&c.path),
            description: c.description.clone(),
            pages: c
                .pages
                .iter()
                .take(max_pages)
                .map(|&p| self.page_summary(&site.pages[p], max_questions))
                .collect(),
            subcategories: c
                .children
                .iter()
                .map(|&k| Link {
                    title: site.categories[k].title.clone(),
                    url: self.url(&site.categories[k].path),
                })
                .collect(),
        }
    }
}

/// The free content of a document (an `_index.md` body) as one HTML string.
fn section_html(doc: &crate::markdown::Rendered) -> String {
    doc.sections.iter().map(|s| s.html.as_str()).collect()
}

/// The first `n` characters of a page's text, for a meta description.
fn first_words(doc: &crate::markdown::Rendered, n: usize) -> String {
    let text = if doc.text.trim().is_empty() {
        doc.questions()
            .next()
            .map(|q| q.answer_text.clone())
            .unwrap_or_default()
    } else {
        doc.text.clone()
    };
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = flat.chars().take(n).collect();
    if flat.chars().count() > n {
        out.push('…');
    }
    out
}

pub fn lang_tag(site: &Site) -> String {
    crate::config::lang_code(site.lang).to_owned()
}

/// FNV-1a, 64-bit, as 12 hex digits: a stable content hash for cache busting.
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:012x}", h & 0xffff_ffff_ffff)
}

/// Tera's checks of references (unknown filter, test, function, component,
/// included template) come as one message holding every problem as a
/// formatted report (`error: MSG\n --> NAME:L:C\n |\n...`): one located
/// diagnostic per report. Printed as a message, the reports showed their
/// source lines beside ours, so every problem appeared twice.
fn reports_in_message(
    message: &str,
    files: &HashMap<String, (PathBuf, String)>,
) -> Option<Vec<Diagnostic>> {
    let mut out = Vec::new();
    for report in message.split("\n\n") {
        if report.trim_start().starts_with("note:") {
            continue;
        }
        let mut lines = report.lines();
        let text = lines.next()?.strip_prefix("error: ")?;
        let at = lines.next()?.trim_start().strip_prefix("--> ")?;
        let mut parts = at.rsplitn(3, ':');
        let col: usize = parts.next()?.parse().ok()?;
        let line: usize = parts.next()?.parse().ok()?;
        let name = parts.next()?;
        let (shown, src) = files
            .get(name)
            .cloned()
            .unwrap_or_else(|| (PathBuf::from(name), String::new()));
        out.push(Diagnostic::at_line_col(
            Severity::Error,
            shown,
            &src,
            line,
            col,
            format!("template: {text}"),
        ));
    }
    (!out.is_empty()).then_some(out)
}

/// [`tera_diagnostic`], one per problem when tera reports several at once.
fn tera_diagnostics(
    e: &tera::Error,
    files: &HashMap<String, (PathBuf, String)>,
) -> Vec<Diagnostic> {
    if let tera::ErrorKind::Msg(m) = e.kind()
        && let Some(ds) = reports_in_message(m, files)
    {
        return ds;
    }
    vec![tera_diagnostic(e, files)]
}

/// A tera error as a diagnostic at the template's file:line:col.
fn tera_diagnostic(e: &tera::Error, files: &HashMap<String, (PathBuf, String)>) -> Diagnostic {
    if let tera::ErrorKind::Msg(m) = e.kind()
        && let Some(first) = reports_in_message(m, files).and_then(|ds| ds.into_iter().next())
    {
        return first;
    }
    use std::error::Error as _;
    let report = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    if let Some(r) = report {
        let (shown, src) = files
            .get(r.filename())
            .cloned()
            .unwrap_or_else(|| (PathBuf::from(r.filename()), String::new()));
        let span = r.span();
        let mut d = Diagnostic::at_line_col(
            Severity::Error,
            shown,
            &src,
            span.start_line,
            span.start_col + 1,
            r.message(),
        );
        d.message = format!("template: {}", d.message);
        return d;
    }
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    let file = match e.kind() {
        tera::ErrorKind::TemplateNotFound(name) => files.get(name).map(|f| f.0.clone()),
        tera::ErrorKind::CircularExtend { tpl, .. }
        | tera::ErrorKind::CircularInclude { tpl, .. }
        | tera::ErrorKind::MissingParent { current: tpl, .. } => {
            files.get(tpl).map(|f| f.0.clone())
        }
        _ => None,
    };
    Diagnostic::file_level(
        Severity::Error,
        file.unwrap_or_default(),
        format!("template: {message}"),
    )
}

/// Tera reports some render errors without a position (a component that
/// calls itself past the depth limit). Point at the self-call when there is
/// one, else at the template being rendered.
fn locate_spanless(d: &mut Diagnostic, template: &str, files: &HashMap<String, (PathBuf, String)>) {
    let mut names: Vec<&String> = files.keys().collect();
    names.sort();
    for name in names {
        let (shown, src) = &files[name];
        if let Some((component, offset)) = self_calling_component(src) {
            let mut located =
                Diagnostic::at_offset(Severity::Error, shown.clone(), src, offset, String::new());
            located.message = format!("{} (component `{component}` calls itself)", d.message);
            *d = located;
            return;
        }
    }
    if let Some((shown, _)) = files.get(template) {
        d.file = shown.clone();
    }
}

/// The first `{% component NAME(...) %}` whose body renders `<NAME`:
/// its name and the byte offset of the self-call.
fn self_calling_component(src: &str) -> Option<(String, usize)> {
    let mut from = 0;
    while let Some(i) = src[from..].find("{% component ") {
        let start = from + i + "{% component ".len();
        let name: String = src[start..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let end = src[start..]
            .find("endcomponent")
            .map_or(src.len(), |e| start + e);
        let body = &src[start + name.len()..end];
        let call = format!("<{name}");
        let mut search = 0;
        while let Some(j) = body[search..].find(&call) {
            let at = search + j;
            let next = body[at + call.len()..].chars().next();
            if !name.is_empty() && matches!(next, Some(' ' | '/' | '>')) {
                let offset = start + name.len() + at;
                return Some((name, offset));
            }
            search = at + call.len();
        }
        from = end;
    }
    None
}

fn dedup(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen: BTreeMap<(PathBuf, usize, usize, String), ()> = BTreeMap::new();
    diags
        .into_iter()
        .filter(|d| {
            seen.insert((d.file.clone(), d.line, d.column, d.message.clone()), ())
                .is_none()
        })
        .collect()
}

/// The site path of the `k`-th page (from 0) of the list of all
/// questions: `questions/`, then `questions/2/`, ….
pub fn question_list_path(k: usize) -> String {
    match k {
        0 => urls::QUESTIONS_DIR.to_owned(),
        k => format!("{}{}/", urls::QUESTIONS_DIR, k + 1),
    }
}

/// The pages of the list of all questions: (category, page) in site order,
/// cut before a page that would take a list past `limit` questions (an
/// article counts as one). Always at least one list, perhaps empty.
pub fn question_lists(site: &Site, limit: usize) -> Vec<Vec<(CategoryId, usize)>> {
    let mut lists: Vec<Vec<(CategoryId, usize)>> = vec![Vec::new()];
    let mut in_last = 0usize;
    for c in &site.categories {
        for &p in &c.pages {
            let n = site.pages[p].outline.questions.len().max(1);
            if in_last > 0 && in_last + n > limit {
                lists.push(Vec::new());
                in_last = 0;
            }
            in_last += n;
            if let Some(last) = lists.last_mut() {
                last.push((c.id, p));
            }
        }
    }
    lists
}
