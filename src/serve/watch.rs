//! Watching the site's sources (`content/`, `themes/`, `templates/`,
//! `site.yaml`) with notify, debouncing bursts, and sorting what changed
//! into [`Changes`].
//!
//! Paths are classified by what is on disk *after* the burst settles, not by
//! event kinds: an editor's "write a temp file, rename it over the page"
//! then reads as one edited page, a temp file that came and went is
//! ignored, and anything we cannot place (a folder rename, a deletion, a
//! watcher overflow) asks for a full rebuild, which is always correct.

use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::config::CONFIG_FILE;
use crate::content::CONTENT_DIR;

use super::builder::{Builder, Changes};

/// A burst is over when nothing happened for this long...
pub const QUIET: Duration = Duration::from_millis(20);
/// ...or when it has lasted this long (a build runs even while a tool keeps
/// writing).
pub const MAX_BURST: Duration = Duration::from_millis(400);

/// Top-level folders that hold sources.
const WATCHED_DIRS: &[&str] = &[CONTENT_DIR, "themes", "templates"];

/// What the watcher callback sends.
pub type Message = notify::Result<notify::Event>;

/// Starts watching `root` (canonical). Events go to the returned receiver.
pub fn start(root: &Path) -> notify::Result<(notify::RecommendedWatcher, Receiver<Message>)> {
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |m: Message| {
        let _ = tx.send(m);
    })?;
    watcher.watch(root, RecursiveMode::NonRecursive)?;
    for d in WATCHED_DIRS {
        let dir = root.join(d);
        if dir.is_dir() {
            watcher.watch(&dir, RecursiveMode::Recursive)?;
        }
    }
    Ok((watcher, rx))
}

/// Runs until the watcher goes away: waits for a burst, rebuilds, repeats.
pub fn run(
    root: &Path,
    mut watcher: notify::RecommendedWatcher,
    rx: &Receiver<Message>,
    builder: &mut Builder,
) {
    while let Some(batch) = next_burst(rx) {
        let mut changes = Changes::default();
        for m in batch {
            match m {
                // Reads (our own builds open every file) change nothing.
                Ok(ev) if matches!(ev.kind, notify::EventKind::Access(_)) => {}
                Ok(ev) => {
                    if ev.need_rescan() {
                        changes.full = true;
                    }
                    for p in &ev.paths {
                        classify(root, p, builder, &mut changes);
                        rewatch(root, p, &mut watcher);
                    }
                }
                Err(_) => changes.full = true,
            }
        }
        if changes.is_empty() {
            continue;
        }
        let start = Instant::now();
        // A bug in a build stage must not stop the previews of every later
        // save: report it, and start over with a full build next time.
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| builder.apply(&changes)));
        match result {
            Ok(outcome) => super::log_outcome(&outcome, start.elapsed(), builder.store()),
            Err(_) => {
                eprintln!(
                    "error: the rebuild crashed (a bug in faqtory); still serving the last good site"
                );
                builder.forget();
            }
        }
    }
}

/// Blocks for the first event, then collects until the burst is quiet.
/// `None` when the watcher is gone.
fn next_burst(rx: &Receiver<Message>) -> Option<Vec<Message>> {
    let first = rx.recv().ok()?;
    let started = Instant::now();
    let mut batch = vec![first];
    loop {
        match rx.recv_timeout(QUIET) {
            Ok(m) => {
                batch.push(m);
                if started.elapsed() >= MAX_BURST {
                    break;
                }
            }
            Err(RecvTimeoutError::Timeout) => break,
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    Some(batch)
}

/// A source folder that appeared (or was replaced) at the top level gets a
/// fresh recursive watch.
fn rewatch(root: &Path, path: &Path, watcher: &mut notify::RecommendedWatcher) {
    if path.parent() != Some(root) {
        return;
    }
    let is_source_dir = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| WATCHED_DIRS.contains(&n));
    if is_source_dir {
        let _ = watcher.unwatch(path);
        if path.is_dir() {
            let _ = watcher.watch(path, RecursiveMode::Recursive);
        }
    }
}

/// Editor droppings and hidden files: never part of a site.
fn is_scratch(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with('#')
        || [".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload"]
            .iter()
            .any(|e| name.ends_with(e))
}

/// Sorts one changed path into `changes`.
pub fn classify(root: &Path, path: &Path, builder: &Builder, changes: &mut Changes) {
    let Ok(rel) = path.strip_prefix(root) else {
        changes.full = true;
        return;
    };
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let Some(top) = parts.first() else {
        // The root itself (moved or deleted): start over.
        changes.full = true;
        return;
    };
    if parts.iter().any(|p| is_scratch(p)) {
        return;
    }
    let name = parts.last().map(String::as_str).unwrap_or("");
    match top.as_str() {
        CONFIG_FILE => changes.full = true,
        "templates" => changes.full = true,
        "themes" => {
            if name.ends_with(".css") && path.is_file() {
                changes.css = true;
            } else {
                changes.full = true;
            }
        }
        CONTENT_DIR => classify_content(path, rel, name, builder, changes),
        // public/, .git/, anything else at the top: not a source.
        _ => {}
    }
}

fn classify_content(path: &Path, rel: &Path, name: &str, builder: &Builder, changes: &mut Changes) {
    let meta = std::fs::metadata(path);
    let is_file = meta.as_ref().is_ok_and(|m| m.is_file());
    let exists = meta.is_ok();
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !exists {
        // Deleted or renamed away: it matters only if the site had it.
        let key = rel
            .strip_prefix(CONTENT_DIR)
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        if rel == Path::new(CONTENT_DIR)
            || builder.is_known_source(rel)
            || builder.is_known_dir(rel)
            || builder.is_known_asset(&key)
        {
            changes.full = true;
        }
        return;
    }
    if !is_file {
        // A folder event: created, renamed in, or its attributes changed.
        if !builder.is_known_dir(rel) || rel == Path::new(CONTENT_DIR) {
            changes.full = true;
        }
        return;
    }
    if ext == "md" {
        if builder.is_known_source(rel) {
            changes.pages.insert(rel.to_path_buf());
        } else {
            changes.full = true;
        }
        return;
    }
    let key = rel
        .strip_prefix(CONTENT_DIR)
        .map(|r| r.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    if builder.is_known_asset(&key) {
        changes.assets.insert(key);
    } else {
        changes.full = true;
    }
}
