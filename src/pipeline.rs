//! The library API the CLI, the tests and the preview server share:
//! [`build`] (load → render → search → write) and [`check`] (the same, minus
//! writing). Every stage reports all of its problems; nothing is written when
//! any stage found an error.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::content::{self, LoadOptions};
use crate::diag::{Diagnostic, Severity};
use crate::model::Site;
use crate::output::{self, OutputFile, OutputLock, StagedDir};
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
    /// An empty report with the pages and questions of what was rendered.
    fn counting(rendered: Option<&Rendered>) -> Self {
        let mut report = BuildReport::default();
        if let Some(r) = rendered {
            report.pages = r.sites().map(|s| s.pages.len()).sum();
            report.questions = r.sites().map(Site::question_count).sum();
        }
        report
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

impl Rendered {
    /// The site in every language, its own first.
    pub fn sites(&self) -> impl Iterator<Item = &Site> {
        std::iter::once(&self.site).chain(&self.translations)
    }
}

/// Loads and renders the site at `opts.root` in memory. `None` when a stage
/// could not produce anything; the problems are in `diags` either way.
pub fn render_site(
    opts: &BuildOptions,
    diags: &mut Vec<Diagnostic>,
    progress: &Progress,
) -> Option<Rendered> {
    render_site_with_index(opts, diags, progress, None)
}

/// [`render_site`], keeping the tantivy index of the site's own language in
/// `index_dir` (for `faqtory search`) instead of only in memory.
pub fn render_site_with_index(
    opts: &BuildOptions,
    diags: &mut Vec<Diagnostic>,
    progress: &Progress,
    index_dir: Option<&Path>,
) -> Option<Rendered> {
    progress.stage("reading content");
    let mut config = match Config::load(&opts.root) {
        Ok(c) => c,
        Err(ds) => {
            diags.extend(ds);
            return None;
        }
    };
    if let Some(url) = &opts.base_url {
        config.base_url = url.clone();
    }
    let fs = SiteFs::new(&opts.root, &config.files);
    let widgets = SiteWidgets::load(&fs, &config.root_path(), diags);
    let loaded = content::load_all(
        &opts.root,
        config,
        &LoadOptions {
            console_base_url: opts.console_base_url.clone(),
            strict: opts.strict,
            widgets: &widgets,
        },
    );
    diags.extend(loaded.diagnostics);
    if loaded.sites.is_empty() {
        return None;
    }
    let languages = LanguageMap::from_sites(&loaded.sites);

    progress.stage("rendering");
    let mut files = Vec::new();
    // Where each run of `files` came from: (first index, what made it).
    let mut origins: Vec<(usize, String)> = Vec::new();
    for (i, site) in loaded.sites.iter().enumerate() {
        let lang = crate::render::lang_tag(site);
        let theme = match render::theme::load(&fs, &site.config.theme, &lang) {
            Ok(t) if i == 0 => {
                diags.extend(t.warnings.iter().cloned());
                t
            }
            Ok(t) => t,
            Err(ds) => {
                diags.extend(ds);
                return None;
            }
        };
        let extra = if i == 0 { widgets.assets() } else { Vec::new() };
        let renderer = match Renderer::new(site, theme, extra, languages.clone()) {
            Ok(r) => r,
            Err(ds) => {
                diags.extend(ds);
                return None;
            }
        };
        // Rendering and indexing read the same model and share nothing
        // else: run them side by side (the index is one tantivy thread).
        progress.stage("rendering and indexing");
        let index_here = if i == 0 { index_dir } else { None };
        let ((site_files, render_diags), index) = rayon::join(
            || renderer.render_site(site),
            || {
                let docs = search_docs(site);
                search::build_index_with(&docs, &site.config.search.synonyms(), index_here)
                    .and_then(|index| search::export_static(&index))
            },
        );
        diags.extend(render_diags);
        // A translation is built under its language folder (`en/`).
        let folder = site
            .root_path
            .strip_prefix(&site.config.root_path())
            .unwrap_or("")
            .to_owned();
        origins.push((
            files.len(),
            format!("the pages and theme files of the site ({lang})"),
        ));
        files.extend(site_files.into_iter().map(|f| OutputFile {
            path: format!("{folder}{}", f.path),
            ..f
        }));
        origins.push((files.len(), format!("the search index ({})", lang)));
        match index {
            Ok(exported) => files.extend(
                exported
                    .into_iter()
                    .map(|(path, bytes)| OutputFile::new(format!("{folder}{path}"), bytes)),
            ),
            Err(e) => diags.push(Diagnostic::file_level(
                Severity::Error,
                format!("{folder}search"),
                format!("search index: {e}"),
            )),
        }
        if i == 0 {
            origins.push((files.len(), "the refund calculator's data".to_owned()));
            files.extend(widgets.output_files(renderer.site_context()));
        }
    }
    origins.push((files.len(), "a file copied from content/".to_owned()));
    let mut sites = loaded.sites.into_iter();
    let site = sites.next()?;
    for asset in &loaded.assets {
        let from = site.root.join(content::CONTENT_DIR).join(asset);
        if let Some(bytes) = fs.read_or_report(&from, diags) {
            files.push(OutputFile::new(asset.clone(), bytes));
        }
    }
    check_distinct_files(&files, &origins, diags);
    Some(Rendered {
        site,
        translations: sites.collect(),
        files,
    })
}

/// The last line of defence against one file silently replacing another:
/// content-level clashes (pages, aliases, generated pages) are reported
/// with their lines by `content::urls`; this catches whatever else lands
/// twice on one path (a content file beside a theme file, say).
fn check_distinct_files(
    files: &[OutputFile],
    origins: &[(usize, String)],
    diags: &mut Vec<Diagnostic>,
) {
    let origin = |i: usize| {
        origins
            .iter()
            .rev()
            .find(|(start, _)| *start <= i)
            .map_or("the build", |(_, what)| what.as_str())
    };
    let mut first: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, f) in files.iter().enumerate() {
        if let Some(&j) = first.get(f.path.as_str()) {
            // Pages, aliases and generated pages of any language were
            // checked, with their lines, when the content was loaded.
            let pages = "the pages and theme files of the site";
            if origin(i).starts_with(pages) && origin(j).starts_with(pages) {
                continue;
            }
            let file = if origin(i).starts_with("a file copied") {
                Path::new(content::CONTENT_DIR).join(&f.path)
            } else {
                PathBuf::from(content::CONTENT_DIR)
            };
            diags.push(Diagnostic::file_level(
                Severity::Error,
                file,
                format!(
                    "two files would be written at `{}`: {} and {}; one would silently replace the other",
                    f.path,
                    origin(j),
                    origin(i)
                ),
            ));
        } else {
            first.insert(&f.path, i);
        }
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
    let config = match Config::load(&opts.root) {
        Ok(c) => c,
        Err(diagnostics) => {
            return BuildReport {
                diagnostics,
                ..BuildReport::default()
            };
        }
    };
    let out = match output::vet(
        &output::Guarded::site(&opts.root),
        &output_dir(opts, &config),
        opts.force,
    ) {
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
    let rendered = match &staged {
        Some(s) => render_site_with_index(opts, &mut diags, progress, Some(s.path())),
        None => None,
    };
    let mut report = BuildReport::counting(rendered.as_ref());
    let failed = diags.iter().any(Diagnostic::is_error);
    if let (Some(r), Some(staged), false) = (rendered, staged, failed) {
        progress.stage("writing");
        match lock.write_site(&r.files) {
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
    let rendered = render_site(&opts, &mut diags, &progress);
    progress.finish();
    let mut report = BuildReport::counting(rendered.as_ref());
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
    let lang = crate::config::lang_code(site.lang).to_owned();
    let mut docs = Vec::new();
    for p in &site.pages {
        let category: Vec<&str> = site
            .category_chain(p.category)
            .iter()
            .map(|c| c.title.as_str())
            .collect();
        let category = category.join(" / ");
        let url = format!("{}{}", site.root_path, p.path);
        if p.is_article() {
            docs.push(SearchDoc {
                title: p.title.clone(),
                body: p.doc.text.clone(),
                page_title: p.title.clone(),
                category,
                url,
                lang: lang.clone(),
            });
            continue;
        }
        for q in p.doc.questions() {
            docs.push(SearchDoc {
                title: q.title_text.clone(),
                body: q.answer_text.clone(),
                page_title: p.title.clone(),
                category: category.clone(),
                url: format!("{url}#{}", q.id),
                lang: lang.clone(),
            });
        }
    }
    docs
}
