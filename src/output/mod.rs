//! The only module that writes the site to disk.
//!
//! A build writes every file into a fresh temporary folder beside the output
//! (`.public.tmp-<pid>`), then swaps it in: on Linux with one atomic
//! `renameat2(RENAME_EXCHANGE)`, elsewhere with two renames. A lock file
//! (`.public.lock`) stops two builds writing one output. A build that fails
//! or is killed before the swap leaves the previous output byte for byte as
//! it was; its leftover temporary folder is removed by the next build.
//!
//! Before any of that, [`vet`] decides whether the output folder is one the
//! build may replace at all: a folder the build made itself (it carries the
//! [`MARKER`] file), an empty or missing one, or, with `--force`, a folder
//! of someone else's. The site's own folders, their ancestors and the home
//! folder are refused whatever the flags say. Everything else a build
//! writes (the temporary output, the search index beside the output) is
//! made only once [`OutputLock`] is held.

pub mod ownership;
pub mod sink;

use std::collections::HashSet;
use std::fs::{self, File};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, PoisonError};

pub use ownership::{Guarded, MARKER, Refusal, vet};
pub use sink::{Clash, Ledger, MemorySink, Sink};

/// One file of the built site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the output root, `/`-separated (`billing/refund/index.html`).
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        // Rendered pages arrive in buffers grown by doubling; the preview
        // server holds every file, so the slack is returned now.
        let mut bytes = bytes.into();
        bytes.shrink_to_fit();
        OutputFile {
            path: path.into(),
            bytes,
        }
    }
}

/// Why the output could not be written.
#[derive(Debug)]
pub enum OutputError {
    /// Another build holds the lock on this output.
    Locked(PathBuf),
    /// An I/O error, with the path it concerns.
    Io(PathBuf, io::Error),
    /// A file path that would land outside the output.
    BadPath(String),
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::Locked(p) => write!(
                f,
                "another build is writing {} (lock held on {})",
                out_name(p),
                p.display()
            ),
            OutputError::Io(p, e) => write!(f, "cannot write {}: {e}", p.display()),
            OutputError::BadPath(p) => write!(
                f,
                "refusing to write `{p}`: it would land outside the output"
            ),
        }
    }
}

fn out_name(lock: &Path) -> String {
    lock.file_name()
        .map(|n| {
            n.to_string_lossy()
                .trim_start_matches('.')
                .trim_end_matches(".lock")
                .to_string()
        })
        .unwrap_or_default()
}

impl std::error::Error for OutputError {}

/// An exclusive claim on an output folder, held until dropped.
pub struct OutputLock {
    _file: File,
    out: PathBuf,
}

impl OutputLock {
    /// Takes the lock for `out`, or fails at once when another build has it.
    pub fn acquire(out: &Path) -> Result<OutputLock, OutputError> {
        let (parent, name) = split(out)?;
        fs::create_dir_all(&parent).map_err(|e| OutputError::Io(parent.clone(), e))?;
        let lock_path = parent.join(format!(".{name}.lock"));
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| OutputError::Io(lock_path.clone(), e))?;
        match file.try_lock() {
            Ok(()) => Ok(OutputLock {
                _file: file,
                out: out.to_path_buf(),
            }),
            Err(fs::TryLockError::WouldBlock) => Err(OutputError::Locked(lock_path)),
            Err(fs::TryLockError::Error(e)) => Err(OutputError::Io(lock_path, e)),
        }
    }

    /// The output folder this lock is for.
    pub fn output(&self) -> &Path {
        &self.out
    }

    /// Where the build keeps the tantivy index of this output (for
    /// `faqtory search`): beside it, so it is not published with the site.
    pub fn index_dir(&self) -> PathBuf {
        index_dir(&self.out)
    }

    /// Starts the new content of the output: an empty temporary folder
    /// beside it, filled through [`Sink::put`] as files are made and
    /// swapped in by [`StagedOutput::finish`]. Dropped unfinished, it is
    /// removed and the output is untouched.
    pub fn stage(&self) -> Result<StagedOutput<'_>, OutputError> {
        let (parent, name) = split(&self.out)?;
        if self.out.exists() && !self.out.is_dir() {
            return Err(OutputError::Io(
                self.out.clone(),
                io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    "it exists and is not a folder",
                ),
            ));
        }
        let tmp = fresh_temp(&parent, &name)?;
        Ok(StagedOutput {
            lock: self,
            tmp,
            dirs: Mutex::new(HashSet::new()),
            error: Mutex::new(None),
            ledger: Ledger::default(),
            finished: false,
        })
    }
}

/// The new content of an output, written file by file into a temporary
/// folder while the build runs (see [`OutputLock::stage`]).
pub struct StagedOutput<'a> {
    lock: &'a OutputLock,
    tmp: PathBuf,
    /// Folders made so far (each once).
    dirs: Mutex<HashSet<PathBuf>>,
    /// The first write that failed; the rest are skipped.
    error: Mutex<Option<OutputError>>,
    /// Paths written, and clashes.
    pub ledger: Ledger,
    finished: bool,
}

impl StagedOutput<'_> {
    fn write(&self, file: &OutputFile) -> Result<(), OutputError> {
        let rel =
            safe_relative(&file.path).ok_or_else(|| OutputError::BadPath(file.path.clone()))?;
        let dest = self.tmp.join(rel);
        if let Some(dir) = dest.parent() {
            let known = self
                .dirs
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .contains(dir);
            if !known {
                fs::create_dir_all(dir).map_err(|e| OutputError::Io(dir.to_path_buf(), e))?;
                self.dirs
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(dir.to_path_buf());
            }
        }
        fs::write(&dest, &file.bytes).map_err(|e| OutputError::Io(dest.clone(), e))
    }

    /// The first write error, if any (the build must not be swapped in).
    pub fn take_error(&self) -> Option<OutputError> {
        self.error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Writes the [`MARKER`] and swaps the folder in place of the output.
    pub fn finish(mut self) -> Result<(), OutputError> {
        if let Some(e) = self.take_error() {
            return Err(e);
        }
        let marker = self.tmp.join(MARKER);
        fs::write(&marker, ownership::MARKER_TEXT).map_err(|e| OutputError::Io(marker, e))?;
        swap_in(&self.tmp, &self.lock.out)?;
        self.finished = true;
        Ok(())
    }
}

impl Sink for StagedOutput<'_> {
    fn put(&self, file: OutputFile, origin: &str) {
        if !self.ledger.claim(&file.path, origin) {
            return;
        }
        let mut error = self.error.lock().unwrap_or_else(PoisonError::into_inner);
        if error.is_some() {
            return;
        }
        drop(error);
        if let Err(e) = self.write(&file) {
            error = self.error.lock().unwrap_or_else(PoisonError::into_inner);
            error.get_or_insert(e);
        }
    }
}

impl Drop for StagedOutput<'_> {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// A folder a build fills on the side (the tantivy index) and puts in place
/// only when the whole build succeeded; dropped uncommitted, it is removed.
pub struct StagedDir {
    tmp: PathBuf,
    dest: PathBuf,
    committed: bool,
}

impl StagedDir {
    /// Prepares an empty temporary folder beside `dest`. Only a build that
    /// holds the output's lock may stage anything (a second build must not
    /// clear the first one's working folder).
    pub fn new(_held: &OutputLock, dest: &Path) -> Result<StagedDir, OutputError> {
        let (parent, name) = split(dest)?;
        fs::create_dir_all(&parent).map_err(|e| OutputError::Io(parent.clone(), e))?;
        let tmp = fresh_temp(&parent, &name)?;
        Ok(StagedDir {
            tmp,
            dest: dest.to_path_buf(),
            committed: false,
        })
    }

    /// The folder to fill.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Swaps the filled folder in place of `dest`.
    pub fn commit(mut self) -> Result<(), OutputError> {
        swap_in(&self.tmp, &self.dest)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// `site/public` → `site/.public.index`: the tantivy index a build of that
/// output keeps for `faqtory search`.
pub fn index_dir(out: &Path) -> PathBuf {
    match split(out) {
        Ok((parent, name)) => parent.join(format!(".{name}.index")),
        Err(_) => out.join(".index"),
    }
}

/// `parent/.name.tmp-<pid>`, empty, after the temporary folders of killed
/// builds are cleared (the caller holds the lock, so none is in use).
fn fresh_temp(parent: &Path, name: &str) -> Result<PathBuf, OutputError> {
    remove_stale_temps(parent, name);
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(|e| OutputError::Io(tmp.clone(), e))?;
    }
    fs::create_dir_all(&tmp).map_err(|e| OutputError::Io(tmp.clone(), e))?;
    Ok(tmp)
}

fn split(out: &Path) -> Result<(PathBuf, String), OutputError> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| OutputError::BadPath(out.display().to_string()))?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name))
}

/// Temporary folders of builds that were killed (we hold the lock, so no
/// other build is using them).
fn remove_stale_temps(parent: &Path, name: &str) {
    let prefix = format!(".{name}.tmp-");
    let old = format!(".{name}.old-");
    if let Ok(entries) = fs::read_dir(parent) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with(&prefix) || n.starts_with(&old) {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }
}

/// `a/b/c.html` → a relative path with only normal components.
fn safe_relative(p: &str) -> Option<PathBuf> {
    let path = Path::new(p);
    if p.is_empty()
        || path
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    Some(path.to_path_buf())
}

/// Puts `tmp` in place of `out`, keeping the old output until the new one is
/// in place.
fn swap_in(tmp: &Path, out: &Path) -> Result<(), OutputError> {
    if !out.exists() {
        return fs::rename(tmp, out).map_err(|e| OutputError::Io(out.to_path_buf(), e));
    }
    if exchange(tmp, out).is_ok() {
        // `tmp` now holds the previous output.
        let _ = fs::remove_dir_all(tmp);
        return Ok(());
    }
    let (parent, name) = split(out)?;
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    fs::rename(out, &old).map_err(|e| OutputError::Io(out.to_path_buf(), e))?;
    if let Err(e) = fs::rename(tmp, out) {
        // Put the previous output back.
        let _ = fs::rename(&old, out);
        return Err(OutputError::Io(out.to_path_buf(), e));
    }
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let cb = CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: both are valid NUL-terminated paths; AT_FDCWD resolves them
    // relative to the working directory, as std's rename does.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_outside_the_output_are_refused() {
        assert!(safe_relative("../x").is_none());
        assert!(safe_relative("/etc/passwd").is_none());
        assert!(safe_relative("a/../../b").is_none());
        assert!(safe_relative("").is_none());
        assert!(safe_relative("a/b.html").is_some());
    }

    #[test]
    fn swap_replaces_and_second_lock_fails() {
        let dir = std::env::temp_dir().join(format!("faqtory-out-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let out = dir.join("public");
        let lock = OutputLock::acquire(&out).unwrap();
        assert!(matches!(
            OutputLock::acquire(&out),
            Err(OutputError::Locked(_))
        ));
        let write = |path: &str, text: &str| {
            let staged = lock.stage().unwrap();
            staged.put(OutputFile::new(path, text), "a test");
            staged.finish().unwrap();
        };
        write("index.html", "one");
        write("a/index.html", "two");
        assert!(!out.join("index.html").exists());
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "two");
        let leftovers: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-") || n.contains(".old-"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        drop(lock);
        let _ = fs::remove_dir_all(&dir);
    }
}
