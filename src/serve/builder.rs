//! Building for the preview: a full build through the library's
//! [`pipeline::render_site`] (in memory, never into `public/`), or an
//! incremental one when only page bodies changed. Either way the result goes
//! into the [`Store`] and open pages are told what changed.
//!
//! A failed build changes no served file: the last good site stays up and
//! the errors go to the overlay until a build succeeds.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::content::incremental::{PageEdit, reload_page};
use crate::content::{CONTENT_DIR, LoadOptions};
use crate::diag::Diagnostic;
use crate::model::Site;
use crate::pipeline::{self, BuildOptions};
use crate::progress::Progress;
use crate::render::incremental::{Part, Session};
use crate::sitefs::SiteFs;
use crate::widgets::SiteWidgets;

use super::paths::url_of_key;
use super::store::{Entry, Event, Store};

/// What changed on disk since the last build, sorted into what it takes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Anything that needs the whole site rebuilt (config, templates, a
    /// new, deleted or renamed file, a watcher hiccup).
    pub full: bool,
    /// Stylesheets of a theme changed.
    pub css: bool,
    /// Existing markdown files that were edited (`content/a/b.md`).
    pub pages: BTreeSet<PathBuf>,
    /// Existing content assets that were edited (`a/img.png`, content-relative).
    pub assets: BTreeSet<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        !self.full && !self.css && self.pages.is_empty() && self.assets.is_empty()
    }
}

/// The model of the last good build, kept for incremental rebuilds.
struct Live {
    /// The site, then its translations.
    sites: Vec<Site>,
    widgets: SiteWidgets,
    /// Compiled on the first incremental rebuild after a full one.
    session: Option<Session>,
    /// Diagnostics of the last good build (warnings).
    diagnostics: Vec<Diagnostic>,
}

/// How a rebuild went, for the log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Nothing,
    Full { changed: usize },
    Incremental { changed: usize },
    Failed { errors: usize },
}

/// Owns the model; the only writer of the [`Store`].
pub struct Builder {
    opts: BuildOptions,
    store: Arc<Store>,
    live: Option<Live>,
    /// The last build failed: the next change rebuilds everything, so the
    /// errors shown are always those of the whole site.
    failing: bool,
    /// Numbers builds, so search exports land in order.
    seq: u64,
    /// Where static search exports go to be made; `None`: made right after
    /// the reload signal, on this thread (what the tests use).
    exporter: Option<std::sync::mpsc::Sender<ExportJob>>,
}

/// A language's static search export to make.
pub struct ExportJob {
    seq: u64,
    /// The language folder (`""`, `en/`).
    folder: String,
    docs: Vec<crate::search::SearchDoc>,
    synonyms: search_core::Synonyms,
}

/// Makes a job's export and puts it in the store (unless a newer one is in).
fn run_export(store: &Store, job: ExportJob) -> Option<Vec<String>> {
    let files = crate::search::build_index_with(&job.docs, &job.synonyms, None)
        .and_then(|index| crate::search::export_static(&index))
        .ok()?;
    store.put_search_export(job.seq, &job.folder, files)
}

impl Builder {
    pub fn new(opts: BuildOptions, store: Arc<Store>) -> Builder {
        Builder {
            opts,
            store,
            live: None,
            failing: false,
            seq: 0,
            exporter: None,
        }
    }

    /// Makes static search exports on a thread of their own from now on, so
    /// the next rebuild never waits for one (a burst of edits makes only
    /// the latest export of each language).
    pub fn export_in_background(&mut self) {
        let (tx, rx) = std::sync::mpsc::channel::<ExportJob>();
        let store = self.store.clone();
        let spawned = std::thread::Builder::new()
            .name("faqtory-search-export".into())
            .spawn(move || {
                while let Ok(first) = rx.recv() {
                    let mut latest: HashMap<String, ExportJob> = HashMap::new();
                    for job in std::iter::once(first).chain(rx.try_iter()) {
                        latest.insert(job.folder.clone(), job);
                    }
                    for job in latest.into_values() {
                        let _ = run_export(&store, job);
                    }
                }
            });
        if spawned.is_ok() {
            self.exporter = Some(tx);
        }
    }

    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// Is `key` (content-relative) an asset the last good build published?
    pub fn is_known_asset(&self, key: &str) -> bool {
        self.live.is_some() && self.store.contains(key)
    }

    /// Is `shown` (`content/a/b.md`) a loaded page or category index?
    pub fn is_known_source(&self, shown: &Path) -> bool {
        self.live.as_ref().is_some_and(|l| {
            l.sites.iter().any(|s| {
                s.pages.iter().any(|p| p.source.shown == shown)
                    || s.categories
                        .iter()
                        .any(|c| c.index.as_ref().is_some_and(|i| i.shown == shown))
            })
        })
    }

    /// Is `dir` (`content/a`) a category folder of the last good build?
    pub fn is_known_dir(&self, dir: &Path) -> bool {
        let Ok(rel) = dir.strip_prefix(CONTENT_DIR) else {
            return false;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        self.live.as_ref().is_some_and(|l| {
            l.sites
                .first()
                .is_some_and(|s| s.categories.iter().any(|c| c.dir == rel))
        })
    }

    /// Drops the model, so the next change rebuilds everything.
    pub fn forget(&mut self) {
        self.live = None;
        self.failing = true;
    }

    /// Rebuilds for `changes` and tells open pages.
    pub fn apply(&mut self, changes: &Changes) -> Outcome {
        if changes.is_empty() {
            return Outcome::Nothing;
        }
        if changes.full || changes.css || self.live.is_none() || self.failing {
            let css_only = changes.css
                && !changes.full
                && changes.pages.is_empty()
                && changes.assets.is_empty();
            return self.full(css_only);
        }
        match self.incremental(changes) {
            Some(outcome) => outcome,
            None => self.full(false),
        }
    }

    /// Loads and renders the whole site.
    pub fn full(&mut self, css_only: bool) -> Outcome {
        let mut diags = Vec::new();
        let rendered = pipeline::render_site(&self.opts, &mut diags, &Progress::new(false));
        let diags = sorted(diags);
        let rendered = match rendered {
            Some(r) if !diags.iter().any(Diagnostic::is_error) => r,
            _ => return self.failed(diags),
        };
        let files: HashMap<String, Entry> = rendered
            .files
            .into_par_iter()
            .map(|f| {
                let e = Entry::new(&f.path, f.bytes);
                (f.path, e)
            })
            .collect();
        self.seq += 1;
        let changed = self.store.replace_all_from_build(files, self.seq);
        let mut sites = vec![rendered.site];
        sites.extend(rendered.translations);
        let mut widget_diags = Vec::new();
        let fs = SiteFs::new(&self.opts.root, &sites[0].config.files);
        let widgets = SiteWidgets::load(&fs, &sites[0].config.root_path(), &mut widget_diags);
        self.live = Some(Live {
            sites,
            widgets,
            session: None,
            diagnostics: diags.clone(),
        });
        if let Some(site) = self.live.as_ref().and_then(|l| l.sites.first()) {
            self.store
                .search
                .set(pipeline::search_docs(site), site.config.search.synonyms());
        }
        self.succeeded(&diags, &changed, css_only);
        Outcome::Full {
            changed: changed.len(),
        }
    }

    /// Re-renders only what the edited pages show in. `None`: the edit
    /// needs a full build.
    fn incremental(&mut self, changes: &Changes) -> Option<Outcome> {
        let live = self.live.as_mut()?;
        let load_opts = LoadOptions {
            console_base_url: self.opts.console_base_url.clone(),
            strict: self.opts.strict,
            widgets: &live.widgets,
            keep_sources: true,
        };
        let mut updates: Vec<(String, Option<Entry>)> = Vec::new();
        let mut new_diags: Vec<Diagnostic> = Vec::new();
        let mut touched: Vec<(usize, usize)> = Vec::new();
        let mut sites_touched: Vec<usize> = Vec::new();
        // The same reader as the full build: an edit that makes a page a
        // link out of the site, a FIFO or too large is not read here, and
        // the full build it falls back to reports it.
        let fs = SiteFs::new(&self.opts.root, &live.sites.first()?.config.files);
        for shown in &changes.pages {
            let bytes = fs.read(&self.opts.root.join(shown)).ok()?;
            let text = String::from_utf8(bytes).ok()?;
            match reload_page(&mut live.sites, shown, text, &load_opts) {
                PageEdit::Unchanged => {}
                PageEdit::Structural => return None,
                PageEdit::Failed(ds) => {
                    let mut all: Vec<Diagnostic> = live
                        .diagnostics
                        .iter()
                        .filter(|d| d.file != *shown)
                        .cloned()
                        .collect();
                    all.extend(ds);
                    return Some(self.failed(sorted(all)));
                }
                PageEdit::Body {
                    site,
                    page,
                    diagnostics,
                } => {
                    live.diagnostics.retain(|d| d.file != *shown);
                    new_diags.extend(diagnostics);
                    touched.push((site, page));
                }
            }
        }
        if !touched.is_empty() && live.session.is_none() {
            live.session = Session::new(&live.sites, &live.widgets).ok();
        }
        let session = live.session.as_ref();
        // The page itself first: its reload is what the writer waits for.
        for &(s, page) in &touched {
            let files = session?.files(&live.sites, s, page, Part::Page).ok()?;
            if !sites_touched.contains(&s) {
                sites_touched.push(s);
            }
            updates.extend(
                files
                    .into_iter()
                    .map(|f| (f.path.clone(), Some(Entry::new(&f.path, f.bytes)))),
            );
        }
        for asset in &changes.assets {
            let from = self.opts.root.join(CONTENT_DIR).join(asset);
            let bytes = fs.read(&from).ok()?;
            updates.push((asset.clone(), Some(Entry::new(asset, bytes))));
        }
        live.diagnostics.extend(new_diags);
        let diags = sorted(live.diagnostics.clone());
        live.diagnostics = diags.clone();
        let changed = self.store.update(updates);
        self.succeeded(&diags, &changed, false);

        // Then, after the signal, the lists that show the pages (for a body
        // edit their entries rarely change; when they do, open lists are
        // told to reload too) and the search entries.
        let live = self.live.as_ref()?;
        let mut lists: Vec<(String, Option<Entry>)> = Vec::new();
        for &(s, page) in &touched {
            let session = live.session.as_ref()?;
            let files = session.files(&live.sites, s, page, Part::Lists).ok()?;
            lists.extend(
                files
                    .into_iter()
                    .map(|f| (f.path.clone(), Some(Entry::new(&f.path, f.bytes)))),
            );
        }
        let docs: Vec<(usize, Vec<crate::search::SearchDoc>)> = sites_touched
            .iter()
            .filter_map(|&s| {
                live.sites
                    .get(s)
                    .map(|site| (s, pipeline::search_docs(site)))
            })
            .collect();
        if let Some((_, d)) = docs.iter().find(|(s, _)| *s == 0)
            && let Some(site) = live.sites.first()
        {
            self.store
                .search
                .set(d.clone(), site.config.search.synonyms());
        }
        let lists_changed = self.store.update(lists);
        if !lists_changed.is_empty() {
            self.send_reload(&lists_changed);
        }
        self.seq += 1;
        let mut search_changed = 0;
        for (s, docs) in docs {
            let Some(site) = self.live.as_ref().and_then(|l| l.sites.get(s)) else {
                continue;
            };
            let job = ExportJob {
                seq: self.seq,
                folder: language_folder(site),
                docs,
                synonyms: site.config.search.synonyms(),
            };
            match &self.exporter {
                Some(tx) => {
                    if let Err(std::sync::mpsc::SendError(job)) = tx.send(job) {
                        self.exporter = None;
                        search_changed += run_export(&self.store, job).map_or(0, |c| c.len());
                    }
                }
                None => search_changed += run_export(&self.store, job).map_or(0, |c| c.len()),
            }
        }
        Some(Outcome::Incremental {
            changed: changed.len() + lists_changed.len() + search_changed,
        })
    }

    fn failed(&mut self, diags: Vec<Diagnostic>) -> Outcome {
        self.failing = true;
        let status = self.store.set_status(false, &diags);
        self.store.send(Event {
            name: "build-error",
            data: serde_json::to_string(&status).unwrap_or_default(),
        });
        Outcome::Failed {
            errors: status.errors.len(),
        }
    }

    fn succeeded(&mut self, diags: &[Diagnostic], changed: &[String], css_only: bool) {
        let recovered = self.failing;
        self.failing = false;
        let status = self.store.set_status(true, diags);
        if recovered {
            self.store.send(Event {
                name: "build-ok",
                data: serde_json::to_string(&status).unwrap_or_default(),
            });
        }
        if changed.is_empty() {
            return;
        }
        if css_only {
            let sheets: Vec<serde_json::Value> = changed
                .iter()
                .filter(|k| k.ends_with(".css"))
                .filter_map(|k| {
                    let e = self.store.get(k)?;
                    let fp = crate::render::fingerprint(&e.bytes);
                    Some(serde_json::json!({
                        "path": format!("/{k}"),
                        "url": format!("/{k}?v={fp}"),
                    }))
                })
                .collect();
            self.store.send(Event {
                name: "css",
                data: serde_json::json!({ "generation": status.generation, "sheets": sheets })
                    .to_string(),
            });
            return;
        }
        self.send_reload(changed);
    }

    /// Tells open pages which of them changed.
    fn send_reload(&self, changed: &[String]) {
        let urls: Vec<String> = changed.iter().map(|k| url_of_key(k)).collect();
        self.store.send(Event {
            name: "reload",
            data: serde_json::json!({
                "generation": self.store.status().generation,
                "all": false,
                "changed": urls,
            })
            .to_string(),
        });
    }
}

/// Where a translation's files go (`en/`); `""` for the site's own language.
fn language_folder(site: &Site) -> String {
    site.root_path
        .strip_prefix(&site.config.root_path())
        .unwrap_or("")
        .to_owned()
}

fn sorted(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut list = crate::diag::Diagnostics::new();
    list.extend(diags);
    list.sorted()
}
