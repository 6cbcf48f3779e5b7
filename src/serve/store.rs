//! The site as the HTTP handlers see it: files in memory, the state of the
//! last build, and the channel that tells open pages what changed.
//!
//! The builder thread is the only writer; handlers take a read lock just
//! long enough to clone a refcounted [`Bytes`]. Nothing here touches disk.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use bytes::Bytes;
use serde::Serialize;
use tokio::sync::broadcast;

use crate::diag::Diagnostic;

use super::paths;

/// Where the injected client script is served.
pub const LIVE_JS_URL: &str = "/__faqtory/live.js";
/// The server-sent-events reload channel.
pub const EVENTS_URL: &str = "/__faqtory/events";
/// The last build's state as JSON (what the overlay shows).
pub const STATUS_URL: &str = "/__faqtory/status";

/// One served file, ready to send.
#[derive(Clone, Debug)]
pub struct Entry {
    pub bytes: Bytes,
    pub content_type: &'static str,
}

impl Entry {
    /// An output file as served: HTML pages get the live-reload script.
    pub fn new(key: &str, bytes: Vec<u8>) -> Entry {
        let content_type = paths::content_type(key);
        let bytes = if content_type.starts_with("text/html") {
            inject(bytes)
        } else {
            bytes
        };
        Entry {
            bytes: Bytes::from(bytes),
            content_type,
        }
    }
}

/// Adds the client script before the last `</body>` (or at the end).
pub fn inject(mut html: Vec<u8>) -> Vec<u8> {
    let tag = format!("<script src=\"{LIVE_JS_URL}\" defer></script>");
    let at = find_last_ci(&html, b"</body>").unwrap_or(html.len());
    html.splice(at..at, tag.into_bytes());
    html
}

fn find_last_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// A diagnostic as the overlay shows it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Problem {
    pub severity: String,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The whole rustc-style rendering (with the source line).
    pub text: String,
}

impl From<&Diagnostic> for Problem {
    fn from(d: &Diagnostic) -> Problem {
        Problem {
            severity: d.severity.to_string(),
            file: d.file.display().to_string(),
            line: d.line,
            column: d.column,
            message: d.message.clone(),
            text: d.to_string(),
        }
    }
}

/// The state of the last build.
#[derive(Clone, Debug, Serialize, Default)]
pub struct Status {
    /// Counts builds; a page that reconnects with another number reloads.
    pub generation: u64,
    /// The last build succeeded (no errors).
    pub ok: bool,
    /// A good site is being served (false only before the first good build).
    pub serving: bool,
    /// Errors of the last build (empty when ok).
    pub errors: Vec<Problem>,
    /// Warnings of the last build.
    pub warnings: Vec<Problem>,
}

/// A message for open pages.
#[derive(Clone, Debug)]
pub struct Event {
    /// `reload`, `css`, `build-error`, `build-ok`.
    pub name: &'static str,
    /// JSON.
    pub data: String,
}

impl Event {
    /// The event as a server-sent-events frame.
    pub fn frame(&self) -> Bytes {
        Bytes::from(format!("event: {}\ndata: {}\n\n", self.name, self.data))
    }
}

/// Shared between the builder and the handlers.
pub struct Store {
    files: RwLock<HashMap<String, Entry>>,
    status: RwLock<Status>,
    events: broadcast::Sender<Event>,
    /// What `/api/search` answers from.
    pub search: super::search::SearchState,
    /// Which build the static search export of each language folder comes
    /// from, so a late background export never overwrites a newer one.
    export_seq: std::sync::Mutex<ExportSeq>,
}

#[derive(Default)]
struct ExportSeq {
    /// The last full build (it exports every language).
    full: u64,
    /// The last export applied per language folder (`""`, `en/`).
    by_folder: HashMap<String, u64>,
}

impl Store {
    pub fn new(first_generation: u64) -> Store {
        let (events, _) = broadcast::channel(64);
        Store {
            files: RwLock::new(HashMap::new()),
            status: RwLock::new(Status {
                generation: first_generation,
                ..Status::default()
            }),
            events,
            search: super::search::SearchState::default(),
            export_seq: std::sync::Mutex::new(ExportSeq::default()),
        }
    }

    pub fn get(&self, key: &str) -> Option<Entry> {
        self.files
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned()
    }

    pub fn contains(&self, key: &str) -> bool {
        self.files
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains_key(key)
    }

    /// Every served file (tests compare builds with it).
    pub fn snapshot(&self) -> std::collections::BTreeMap<String, Bytes> {
        self.files
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(k, v)| (k.clone(), v.bytes.clone()))
            .collect()
    }

    /// The keys that start with `prefix`.
    pub fn keys_with_prefix(&self, prefix: &str) -> Vec<String> {
        self.files
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .keys()
            .filter(|k| k.starts_with(prefix))
            .cloned()
            .collect()
    }

    pub fn len(&self) -> usize {
        self.files
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Replaces every file; returns the keys that changed, appeared or went.
    pub fn replace_all(&self, new: HashMap<String, Entry>) -> Vec<String> {
        let mut files = self.files.write().unwrap_or_else(PoisonError::into_inner);
        let mut changed: Vec<String> = new
            .iter()
            .filter(|(k, v)| files.get(*k).is_none_or(|old| old.bytes != v.bytes))
            .map(|(k, _)| k.clone())
            .collect();
        changed.extend(files.keys().filter(|k| !new.contains_key(*k)).cloned());
        *files = new;
        changed.sort();
        changed
    }

    /// [`Store::replace_all`] for full build number `seq`.
    pub fn replace_all_from_build(&self, new: HashMap<String, Entry>, seq: u64) -> Vec<String> {
        let mut order = self
            .export_seq
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        order.full = seq;
        self.replace_all(new)
    }

    /// Puts in the static search export of language `folder` made for build
    /// number `seq`, dropping that folder's superseded (content-addressed)
    /// shards. `None`, changing nothing, when a newer build's export is
    /// already in.
    pub fn put_search_export(
        &self,
        seq: u64,
        folder: &str,
        files: Vec<(String, Vec<u8>)>,
    ) -> Option<Vec<String>> {
        let mut order = self
            .export_seq
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let last = order
            .by_folder
            .get(folder)
            .copied()
            .unwrap_or(0)
            .max(order.full);
        if seq <= last {
            return None;
        }
        order.by_folder.insert(folder.to_owned(), seq);
        let fresh: Vec<(String, Option<Entry>)> = files
            .into_iter()
            .map(|(path, bytes)| {
                let key = format!("{folder}{path}");
                let e = Entry::new(&key, bytes);
                (key, Some(e))
            })
            .collect();
        let page = format!("{folder}search/index.html");
        let mut updates: Vec<(String, Option<Entry>)> = self
            .keys_with_prefix(&format!("{folder}search/"))
            .into_iter()
            .filter(|old| *old != page && !fresh.iter().any(|(k, _)| k == old))
            .map(|old| (old, None))
            .collect();
        updates.extend(fresh);
        Some(self.update(updates))
    }

    /// Puts (Some) or removes (None) some files; returns the keys that changed.
    pub fn update(&self, updates: Vec<(String, Option<Entry>)>) -> Vec<String> {
        let mut files = self.files.write().unwrap_or_else(PoisonError::into_inner);
        let mut changed = Vec::new();
        for (k, v) in updates {
            match v {
                Some(e) => {
                    if files.get(&k).is_none_or(|old| old.bytes != e.bytes) {
                        changed.push(k.clone());
                        files.insert(k, e);
                    }
                }
                None => {
                    if files.remove(&k).is_some() {
                        changed.push(k);
                    }
                }
            }
        }
        changed.sort();
        changed
    }

    pub fn status(&self) -> Status {
        self.status
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Records a build's outcome; returns the new status.
    pub fn set_status(&self, ok: bool, diags: &[Diagnostic]) -> Status {
        let mut s = self.status.write().unwrap_or_else(PoisonError::into_inner);
        s.generation += 1;
        s.ok = ok;
        if ok {
            s.serving = true;
        }
        s.errors = diags
            .iter()
            .filter(|d| d.is_error())
            .map(Problem::from)
            .collect();
        s.warnings = diags
            .iter()
            .filter(|d| !d.is_error())
            .map(Problem::from)
            .collect();
        s.clone()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// Tells every open page (no one listening is fine).
    pub fn send(&self, event: Event) {
        let _ = self.events.send(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_the_last_body_end() {
        let html = b"<html><body>x</BODY></html>".to_vec();
        let out = String::from_utf8(inject(html)).unwrap_or_default();
        assert_eq!(
            out,
            format!("<html><body>x<script src=\"{LIVE_JS_URL}\" defer></script></BODY></html>")
        );
        let bare = String::from_utf8(inject(b"<p>hi".to_vec())).unwrap_or_default();
        assert!(bare.starts_with("<p>hi<script"), "{bare}");
    }

    #[test]
    fn updates_report_only_real_changes() {
        let store = Store::new(0);
        let e = |s: &str| Entry::new("a.txt", s.as_bytes().to_vec());
        let first: HashMap<String, Entry> =
            [("a.txt".to_owned(), e("1")), ("b.txt".into(), e("2"))]
                .into_iter()
                .collect();
        assert_eq!(store.replace_all(first), vec!["a.txt", "b.txt"]);
        let second: HashMap<String, Entry> =
            [("a.txt".to_owned(), e("1")), ("c.txt".into(), e("3"))]
                .into_iter()
                .collect();
        assert_eq!(store.replace_all(second), vec!["b.txt", "c.txt"]);
        assert_eq!(
            store.update(vec![("a.txt".into(), Some(e("1"))), ("c.txt".into(), None)]),
            vec!["c.txt"]
        );
        assert_eq!(store.len(), 1);
    }
}
