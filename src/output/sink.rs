//! Where a build's files go as they are made: the staged output folder
//! ([`super::StagedOutput`], for `build`) or memory ([`MemorySink`], for
//! `check` and `serve`). Rendering hands each file over as soon as it is
//! made, so a build never holds the whole site in memory.
//!
//! Every sink keeps a [`Ledger`] of the paths it was given: a second file
//! for one path is not written but recorded as a [`Clash`], which the
//! pipeline reports (one page must never silently replace another).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use super::OutputFile;

/// Takes the files of a build, from any thread.
pub trait Sink: Sync {
    /// One file; `origin` says what made it (named when two clash).
    fn put(&self, file: OutputFile, origin: &str);
}

/// Two files for one path: the first was kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clash {
    pub path: String,
    pub first: String,
    pub second: String,
}

/// The paths a sink has taken, and the clashes among them.
#[derive(Debug, Default)]
pub struct Ledger {
    seen: Mutex<(HashMap<String, String>, Vec<Clash>)>,
}

impl Ledger {
    /// Records `path` from `origin`; false when the path was taken already
    /// (the clash is recorded, the file must be dropped).
    pub fn claim(&self, path: &str, origin: &str) -> bool {
        let mut guard = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        let (seen, clashes) = &mut *guard;
        match seen.get(path) {
            Some(first) => {
                clashes.push(Clash {
                    path: path.to_owned(),
                    first: first.clone(),
                    second: origin.to_owned(),
                });
                false
            }
            None => {
                seen.insert(path.to_owned(), origin.to_owned());
                true
            }
        }
    }

    /// The clashes so far, in the order they happened.
    pub fn clashes(&self) -> Vec<Clash> {
        let guard = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        guard.1.clone()
    }
}

/// Keeps the files in memory (the preview server), or only their paths
/// (`check`, which writes nothing).
#[derive(Debug, Default)]
pub struct MemorySink {
    files: Mutex<Vec<OutputFile>>,
    keep: bool,
    pub ledger: Ledger,
}

impl MemorySink {
    /// A sink that keeps every file.
    pub fn keeping() -> MemorySink {
        MemorySink {
            keep: true,
            ..MemorySink::default()
        }
    }

    /// A sink that drops the bytes and only checks the paths.
    pub fn discarding() -> MemorySink {
        MemorySink::default()
    }

    /// The files taken, in the order they came.
    pub fn into_files(self) -> Vec<OutputFile> {
        self.files
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Sink for MemorySink {
    fn put(&self, file: OutputFile, origin: &str) {
        if self.ledger.claim(&file.path, origin) && self.keep {
            self.files
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(file);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_file_for_one_path_is_a_clash_and_the_first_is_kept() {
        let sink = MemorySink::keeping();
        sink.put(OutputFile::new("a/index.html", "one"), "page a");
        sink.put(OutputFile::new("b/index.html", "two"), "page b");
        sink.put(OutputFile::new("a/index.html", "three"), "an alias");
        assert_eq!(
            sink.ledger.clashes(),
            vec![Clash {
                path: "a/index.html".into(),
                first: "page a".into(),
                second: "an alias".into()
            }]
        );
        let files = sink.into_files();
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].bytes, b"one");
    }
}
