//! The library API the CLI, the tests and the preview server share:
//! [`build`] (load → render → search → write) and [`check`] (the same, minus
//! writing). Every stage reports all of its problems; nothing is written when
//! any stage found an error.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::content::{self, LoadOptions};
use crate::diag::{Diagnostic, Severity};
use crate::model::{Page, Site};
use crate::output::{self, Ledger, MemorySink, OutputFile, OutputLock, Sink, StagedDir};
use crate::progress::Progress;
use crate::render::{self, LanguageMap, Renderer};
use crate::search::{self, SearchDoc};
use crate::sitefs::SiteFs;
use crate::widgets::SiteWidgets;

/// What to build and how.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// The site's root folder (holds site.yaml).
    pub root: PathBuf,
    /// Output folder; default: `output` from site.yaml under the root.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from site.yaml (a preview, a staging host).
    pub base_url: Option<String>,
    /// Overrides where console links point.
    pub console_base_url: Option<String>,
    /// `check` mode: stricter (unknown console routes are errors).
    pub strict: bool,
    /// Show a progress bar (on a terminal).
    pub progress: bool,
    /// Replace an output folder that holds files faqtory did not write
    /// (`--force`). The site's own folders are refused regardless.
    pub force: bool,
}

/// What a build or check did.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// Every problem found, sorted by file and line.
    pub diagnostics: Vec<Diagnostic>,
    pub pages: usize,
    pub questions: usize,
    /// Where the site was written (None for check, or when nothing was written).
    pub written_to: Option<PathBuf>,
    /// The output folder was refused before anything was done (a usage
    /// error: exit 2).
    pub refused: Option<output::Refusal>,
    pub elapsed: Duration,
}

impl BuildReport {
    /// An empty report with the pages and questions of what was rendered
    /// (the site and its translations).
    fn counting(made: Option<&Made>) -> Self {
        BuildReport {
            pages: made.map_or(0, |m| m.pages),
            questions: made.map_or(0, |m| m.questions),
            ..BuildReport::default()
        }
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// A site rendered in memory: the files and what they came from.
pub struct Rendered {
    /// The site in its own language.
    pub site: Site,
    /// The same content in each translation (`translations:` in site.yaml).
    pub translations: Vec<Site>,
    pub files: Vec<OutputFile>,
}

/// Loads and renders the site at `opts.root` in memory. `None` when a stage
/// could not produce anything; the problems are in `diags` either way.
pub fn render_site(
    opts: &BuildOptions,
    diags: &mut Vec<Diagnostic>,
    progress: &Progress,
) -> Option<Rendered> {
    let config = match load_config(opts) {
        Ok(c) => c,
        Err(ds) => {
            diags.extend(ds);
            return None;
        }
    };
    let sink = MemorySink::keeping();
    let sites = render_into(opts, config, diags, progress, None, &sink, Keep::Model);
    report_clashes(&sink.ledger, diags);
    let files = sink.into_files();
    let mut sites = sites?.sites.into_iter();
    Some(Rendered {
        site: sites.next()?,
        translations: sites.collect(),
        files,
    })
}

/// `site.yaml` of `opts.root`, with the `--base-url` override applied (and
/// checked: the CLI checks the flag, library callers get the same check).
fn load_config(opts: &BuildOptions) -> Result<Config, Vec<Diagnostic>> {
    let mut config = Config::load(&opts.root)?;
    if let Some(url) = &opts.base_url {
        if let Err(msg) = crate::config::check_url(url) {
            return Err(vec![Diagnostic::file_level(
                Severity::Error,
                "--base-url",
                format!("`--base-url`: {msg}"),
            )]);
        }
        config.base_url = url.clone();
    }
    Ok(config)
}

/// What the caller of [`render_into`] needs of the model afterwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// All of it: the preview server re-renders edited pages from it.
    Model,
    /// What a build reports (pages, questions): the parts only rendering
    /// needs are dropped as soon as they are used, so a large site is not
    /// held whole.
    Counts,
}

/// What [`render_into`] made: the model when the caller keeps it, and the
/// counts a build reports either way.
#[derive(Debug, Default)]
pub struct Made {
    /// The site and each translation (`translations:` in site.yaml), in
    /// that order; empty unless [`Keep::Model`].
    pub sites: Vec<Site>,
    /// Pages and questions of every language.
    pub pages: usize,
    pub questions: usize,
}

/// Renders the site at `opts.root` (its `config` already loaded), handing every file to `sink`
/// as it is made, and keeps the tantivy index of the site's own language in
/// `index_dir` (for `faqtory search`) when given. `None` when a stage could
/// not produce anything.
///
/// With [`Keep::Counts`] the model holds no page's text or HTML: the
/// search index takes the texts, the renderer renders each page's markdown
/// again as it makes the page's file ([`content::PageSources`]), and drops
/// the model when the language is rendered.
pub fn render_into(
    opts: &BuildOptions,
    config: Config,
    diags: &mut Vec<Diagnostic>,
    progress: &Progress,
    index_dir: Option<&Path>,
    sink: &dyn Sink,
    keep: Keep,
) -> Option<Made> {
    progress.stage("reading content");
    let fs = SiteFs::new(&opts.root, &config.files);
    let widgets = SiteWidgets::load(&fs, &config.root_path(), diags);
    let loaded = content::load_all(
        &opts.root,
        config,
        &LoadOptions {
            console_base_url: opts.console_base_url.clone(),
            strict: opts.strict,
            widgets: &widgets,
            keep_sources: keep == Keep::Model,
        },
    );
    diags.extend(loaded.diagnostics);
    if loaded.sites.is_empty() {
        return None;
    }
    let languages = LanguageMap::from_sites(&loaded.sites);
    // The site's own language, which the files copied from content/ are
    // read under.
    let own_root = loaded.sites.first()?.root.join(content::CONTENT_DIR);
    let mut made = Made::default();

    progress.stage("rendering");
    let sites = loaded.sites.into_iter().zip(loaded.sources);
    for (i, (mut site, sources)) in sites.enumerate() {
        made.pages += site.pages.len();
        made.questions += site.question_count();
        let lang = crate::render::lang_tag(&site);
        let theme = match render::theme::load(&fs, &site.config.theme, &lang) {
            Ok(t) if i == 0 => {
                diags.extend(t.warnings.iter().cloned());
                t
            }
            Ok(t) => t,
            Err(ds) => {
                diags.extend(ds);
                diags.extend(unrendered_pages(keep, &site, &sources, &widgets));
                return None;
            }
        };
        let extra = if i == 0 { widgets.assets() } else { Vec::new() };
        let renderer = match Renderer::new(&site, theme, extra, languages.clone()) {
            Ok(r) => r,
            Err(ds) => {
                diags.extend(ds);
                diags.extend(unrendered_pages(keep, &site, &sources, &widgets));
                return None;
            }
        };
        // Rendering and indexing read the same model and share nothing
        // else: run them side by side (the index is one tantivy thread).
        progress.stage("rendering and indexing");
        let index_here = if i == 0 { index_dir } else { None };
        // A translation is built under its language folder (`en/`).
        let folder = site
            .root_path
            .strip_prefix(&site.config.root_path())
            .unwrap_or("")
            .to_owned();
        let pages_origin = format!("{PAGES_ORIGIN} ({lang})");
        let put = |f: OutputFile| {
            let path = format!("{folder}{}", f.path);
            sink.put(OutputFile { path, ..f }, &pages_origin);
        };
        // A build hands the page texts to the index (the renderer gets its
        // own copies with each page's HTML); the preview keeps its model.
        let docs: Box<dyn Iterator<Item = SearchDoc> + Send> = match keep {
            Keep::Model => Box::new(search_docs(&site).into_iter()),
            Keep::Counts => Box::new(take_search_docs(&mut site)),
        };
        let synonyms = site.config.search.synonyms();
        let index_origin = format!("the search index ({lang})");
        let (folder, index_origin) = (&folder, &index_origin);
        // The export waits for the pages to be written: run beside the
        // rendering it held the index's mapped files and its own buffers
        // on top of the whole model (a 100,000-page build's peak, 2.5 GB).
        let (rendered, wait_for_pages) = std::sync::mpsc::channel::<()>();
        let index_and_export = move || {
            // Each text is dropped once tantivy has it.
            let index = search::build_index_owned(docs, &synonyms, index_here);
            // A closed channel (the renderer gone) is as good as a signal.
            let _ = wait_for_pages.recv();
            // The export's parts go out as they fill.
            index.and_then(|index| {
                search::export_static_into(
                    &index,
                    &search::ExportOptions::default(),
                    &|path, bytes| {
                        sink.put(
                            OutputFile::new(format!("{folder}{path}"), bytes),
                            index_origin,
                        );
                    },
                )
            })
        };
        // Indexing runs on a thread of its own, not on a rayon worker: a
        // worker would sit blocked while tantivy's thread does the work,
        // leaving rendering one worker of two (a whole-build perf profile
        // of 10,000 pages showed exactly that).
        let (render_diags, index) = std::thread::scope(|scope| {
            let indexer = scope.spawn(index_and_export);
            let render_diags = match keep {
                Keep::Model => {
                    let d = renderer.render_site_into(&site, &put);
                    made.sites.push(site);
                    d
                }
                Keep::Counts => {
                    let page_doc = |p: &Page| sources.render(p, &widgets);
                    renderer.render_site_streaming(site, &page_doc, &put)
                }
            };
            let _ = rendered.send(());
            let index = indexer
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (render_diags, index)
        });
        diags.extend(render_diags);
        if let Err(e) = index {
            diags.push(Diagnostic::file_level(
                Severity::Error,
                format!("{folder}search"),
                format!("search index: {e}"),
            ));
        }
        if i == 0 {
            for f in widgets.output_files(renderer.site_context()) {
                sink.put(f, "the refund calculator's data");
            }
        }
    }
    for asset in &loaded.assets {
        let from = own_root.join(asset);
        if let Some(bytes) = fs.read_or_report(&from, diags) {
            sink.put(OutputFile::new(asset.clone(), bytes), ASSET_ORIGIN);
        }
    }
    Some(made)
}

/// The markdown diagnostics of a site whose pages will not be rendered. A
/// build reports a page's when it renders it (the preview when it loads
/// it), so without this a broken theme would hide every other problem.
fn unrendered_pages(
    keep: Keep,
    site: &Site,
    sources: &content::PageSources,
    widgets: &SiteWidgets,
) -> Vec<Diagnostic> {
    match keep {
        Keep::Model => Vec::new(),
        Keep::Counts => sources.diagnostics(&site.pages, widgets),
    }
}

/// What made the rendered pages and theme files (clash messages).
const PAGES_ORIGIN: &str = "the pages and theme files of the site";
/// What made the files copied from content/.
const ASSET_ORIGIN: &str = "a file copied from content/";

/// The last line of defence against one file silently replacing another:
/// content-level clashes (pages, aliases, generated pages) are reported
/// with their lines by `content::urls`; this reports whatever else a sink
/// was given twice (a content file over a theme file, say).
fn report_clashes(ledger: &Ledger, diags: &mut Vec<Diagnostic>) {
    for c in ledger.clashes() {
        // Pages, aliases and generated pages of any language were checked,
        // with their lines, when the content was loaded.
        if c.first.starts_with(PAGES_ORIGIN) && c.second.starts_with(PAGES_ORIGIN) {
            continue;
        }
        let file = if c.second == ASSET_ORIGIN {
            Path::new(content::CONTENT_DIR).join(&c.path)
        } else {
            PathBuf::from(content::CONTENT_DIR)
        };
        diags.push(Diagnostic::file_level(
            Severity::Error,
            file,
            format!(
                "two files would be written at `{}`: {} and {}; one would silently replace the other",
                c.path, c.first, c.second
            ),
        ));
    }
}

/// Builds the site and writes it, unless any stage found an error: then the
/// previous output is left exactly as it was.
///
/// The order is what keeps other people's files safe: the output folder is
/// vetted ([`output::vet`]) before anything is written, and the lock is
/// taken before anything of the build exists on disk, so a second build
/// cannot clear the first one's working folders.
pub fn build(opts: &BuildOptions) -> BuildReport {
    let start = Instant::now();
    let progress = Progress::new(opts.progress);
    let mut report = build_with(opts, &progress);
    progress.finish();
    report.diagnostics = sorted(std::mem::take(&mut report.diagnostics));
    report.elapsed = start.elapsed();
    report
}

fn build_with(opts: &BuildOptions, progress: &Progress) -> BuildReport {
    let config = match load_config(opts) {
        Ok(c) => c,
        Err(diagnostics) => {
            return BuildReport {
                diagnostics,
                ..BuildReport::default()
            };
        }
    };
    let out_dir = output_dir(opts, &config);
    let out = match output::vet(&output::Guarded::site(&opts.root), &out_dir, opts.force) {
        Ok(out) => out,
        Err(refusal) => {
            return BuildReport {
                refused: Some(refusal),
                ..BuildReport::default()
            };
        }
    };
    let resolved_root = output::ownership::resolve(&opts.root);
    let shown = |p: &Path| crate::diag::display_path(&resolved_root, p);
    let shown_out = shown(&out);
    let lock = match OutputLock::acquire(&out) {
        Ok(lock) => lock,
        Err(e) => {
            return BuildReport {
                diagnostics: vec![Diagnostic::file_level(
                    Severity::Error,
                    shown_out,
                    e.to_string(),
                )],
                ..BuildReport::default()
            };
        }
    };
    let mut diags = Vec::new();
    // The tantivy index is filled on the side and put in place only when
    // the site is written.
    let index_dir = lock.index_dir();
    let staged = match StagedDir::new(&lock, &index_dir) {
        Ok(s) => Some(s),
        Err(e) => {
            diags.push(Diagnostic::file_level(
                Severity::Error,
                shown(&index_dir),
                e.to_string(),
            ));
            None
        }
    };
    // Pages are written into the staged output as they are rendered and
    // dropped: nothing holds the whole site.
    let output = match lock.stage() {
        Ok(o) => Some(o),
        Err(e) => {
            diags.push(Diagnostic::file_level(
                Severity::Error,
                shown_out.clone(),
                e.to_string(),
            ));
            None
        }
    };
    let sites = match (&staged, &output) {
        (Some(index), Some(output)) => render_into(
            opts,
            config,
            &mut diags,
            progress,
            Some(index.path()),
            output,
            Keep::Counts,
        ),
        _ => None,
    };
    let mut report = BuildReport::counting(sites.as_ref());
    if let Some(output) = &output {
        report_clashes(&output.ledger, &mut diags);
        if let Some(e) = output.take_error() {
            diags.push(Diagnostic::file_level(
                Severity::Error,
                shown_out.clone(),
                e.to_string(),
            ));
        }
    }
    let failed = diags.iter().any(Diagnostic::is_error);
    if let (Some(_), Some(staged), Some(output), false) = (sites, staged, output, failed) {
        progress.stage("writing");
        match output.finish() {
            Ok(()) => {
                // From here on the site is out: a later failure must not
                // be reported as "nothing written".
                report.written_to = Some(out);
                if let Err(e) = staged.commit() {
                    diags.push(Diagnostic::file_level(
                        Severity::Error,
                        shown(&index_dir),
                        format!(
                            "the site was written, but the index `faqtory search` reads \
                             was not updated: {e}"
                        ),
                    ));
                }
            }
            Err(e) => diags.push(Diagnostic::file_level(
                Severity::Error,
                shown_out,
                e.to_string(),
            )),
        }
    }
    report.diagnostics = diags;
    report
}

/// Runs every check of a build and writes nothing.
pub fn check(opts: &BuildOptions) -> BuildReport {
    let start = Instant::now();
    let opts = BuildOptions {
        strict: true,
        ..opts.clone()
    };
    let progress = Progress::new(opts.progress);
    let mut diags = Vec::new();
    // Every file is rendered and its path checked; the bytes are dropped.
    let sink = MemorySink::discarding();
    let sites = match load_config(&opts) {
        Ok(config) => render_into(
            &opts,
            config,
            &mut diags,
            &progress,
            None,
            &sink,
            Keep::Counts,
        ),
        Err(ds) => {
            diags.extend(ds);
            None
        }
    };
    report_clashes(&sink.ledger, &mut diags);
    progress.finish();
    let mut report = BuildReport::counting(sites.as_ref());
    report.diagnostics = sorted(diags);
    report.elapsed = start.elapsed();
    report
}

/// Where a build writes: the option, else site.yaml's `output` under the root.
pub fn output_dir(opts: &BuildOptions, config: &Config) -> PathBuf {
    match &opts.output {
        Some(o) => o.clone(),
        None => opts.root.join(&config.output),
    }
}

fn sorted(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut list = crate::diag::Diagnostics::new();
    list.extend(diags);
    list.sorted()
}

/// One search document per question, and one per article (a page without
/// questions), with URLs under the site's root path.
pub fn search_docs(site: &Site) -> Vec<SearchDoc> {
    let pages = site
        .pages
        .iter()
        .map(|p| {
            let bodies = match p.is_article() {
                true => vec![p.doc.text.clone()],
                false => p.doc.questions().map(|q| q.answer_text.clone()).collect(),
            };
            PageDocs::new(site, p, bodies)
        })
        .collect();
    docs_of(pages, site).collect()
}

/// [`search_docs`], made one at a time as the index asks for them, each
/// body moved out of the model (the answers' and articles' texts are left
/// empty). A page's title, category and URL are held once per page until
/// then, not once per question: at a million questions those copies were
/// about 200 MB of a build's peak.
fn take_search_docs(site: &mut Site) -> impl Iterator<Item = SearchDoc> + Send + use<> {
    let mut pages: Vec<PageDocs> = Vec::with_capacity(site.pages.len());
    for i in 0..site.pages.len() {
        let p = &mut site.pages[i];
        let bodies = match p.is_article() {
            true => vec![std::mem::take(&mut p.doc.text)],
            false => p
                .doc
                .sections
                .iter_mut()
                .filter_map(|s| s.question.as_mut())
                .map(|q| std::mem::take(&mut q.answer_text))
                .collect(),
        };
        pages.push(PageDocs::new(site, &site.pages[i], bodies));
    }
    docs_of(pages, site)
}

/// One page's search documents before they are made: (title, question
/// anchor, body) per document.
struct PageDocs {
    page_title: String,
    category: String,
    url: String,
    entries: Vec<(String, Option<String>, String)>,
}

impl PageDocs {
    /// `bodies`: an article's text, or each question's answer in order.
    fn new(site: &Site, p: &Page, bodies: Vec<String>) -> PageDocs {
        let category: Vec<&str> = site
            .category_chain(p.category)
            .iter()
            .map(|c| c.title.as_str())
            .collect();
        let entries = match p.is_article() {
            true => bodies
                .into_iter()
                .map(|b| (p.title.clone(), None, b))
                .collect(),
            false => p
                .doc
                .questions()
                .zip(bodies)
                .map(|(q, b)| (q.title_text.clone(), Some(q.id.clone()), b))
                .collect(),
        };
        PageDocs {
            page_title: p.title.clone(),
            category: category.join(" / "),
            // The page folder as a URL (a file named `a b.md` is `a%20b/`).
            url: format!("{}{}", site.root_path, content::links::encode_path(&p.path)),
            entries,
        }
    }
}

/// The documents of `pages` in order, each made when it is asked for.
fn docs_of(pages: Vec<PageDocs>, site: &Site) -> impl Iterator<Item = SearchDoc> + Send + use<> {
    let lang = crate::config::lang_code(site.lang).to_owned();
    pages.into_iter().flat_map(move |page| {
        let lang = lang.clone();
        let PageDocs {
            page_title,
            category,
            url,
            entries,
        } = page;
        entries
            .into_iter()
            .map(move |(title, anchor, body)| SearchDoc {
                title,
                body,
                page_title: page_title.clone(),
                category: category.clone(),
                url: match anchor {
                    Some(id) => format!("{url}#{id}"),
                    None => url.clone(),
                },
                lang: lang.clone(),
            })
    })
}
