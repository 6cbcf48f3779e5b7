//! May the build replace this folder? The decision, made before anything is
//! written, from paths alone (it reads the file system, never writes it).
//!
//! A build swaps its output in wholesale, so whatever the output folder held
//! before is gone afterwards. That is right for a folder an earlier build
//! made, and for a missing or empty one; for anything else it would be data
//! loss. The rules, in order:
//!
//! 1. Never, whatever the flags: `/`, the site root or any folder above it,
//!    `content/`, `themes/`, `templates/` (or anything inside them, which
//!    the next build would read back as content), any folder that holds one
//!    of those, and the home folder or a folder above it.
//! 2. Never a path that exists and is not a folder.
//! 3. Yes: a missing folder, an empty one, or one carrying [`MARKER`].
//! 4. Otherwise only with `force` (`--force`).
//!
//! Paths are compared after resolving symlinks and `..`, so
//! `--output content/../content` or a symlink to the site root is caught.

use std::path::{Component, Path, PathBuf};

/// The file every build writes into its output, marking the folder as one
/// the next build may replace.
pub const MARKER: &str = ".faqtory-output";

/// What the marker file says to a person who opens it.
pub const MARKER_TEXT: &str = "This folder was written by `faqtory build`.\n\
The next build replaces everything in it. Delete this file to stop that.\n";

/// The site folders no output may be, be inside, or contain.
const SITE_FOLDERS: &[&str] = &["content", "themes", "templates"];

/// A folder the build will not write into, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The output folder as resolved (symlinks and `..` followed).
    pub folder: PathBuf,
    pub reason: String,
    /// What to do instead.
    pub help: String,
    /// Would `--force` lift it?
    pub forceable: bool,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "refusing to build into `{}`: {}",
            self.folder.display(),
            self.reason
        )
    }
}

/// Where the decision looks: the site's root and the user's home folder.
#[derive(Clone, Debug)]
pub struct Guarded {
    pub root: PathBuf,
    pub home: Option<PathBuf>,
}

impl Guarded {
    /// The site at `root`, with the home folder from the environment.
    pub fn site(root: &Path) -> Guarded {
        Guarded {
            root: root.to_path_buf(),
            home: std::env::home_dir().filter(|h| !h.as_os_str().is_empty()),
        }
    }
}

/// Decides whether a build of the site may replace `out`; on yes, returns
/// the folder resolved (symlinks and `..` followed), which is where the
/// build must write.
pub fn vet(guarded: &Guarded, out: &Path, force: bool) -> Result<PathBuf, Refusal> {
    let resolved = resolve(out);
    let root = resolve(&guarded.root);
    let refuse = |reason: String, help: &str, forceable: bool| Refusal {
        folder: resolved.clone(),
        reason,
        help: help.to_owned(),
        forceable,
    };
    let elsewhere = "choose an output folder of its own, such as `public` (the default)";

    if resolved.parent().is_none() {
        return Err(refuse(
            "it is the file system's root".into(),
            elsewhere,
            false,
        ));
    }
    if resolved == root {
        return Err(refuse(
            "it is the site's root folder".into(),
            elsewhere,
            false,
        ));
    }
    if root.starts_with(&resolved) {
        return Err(refuse(
            format!("it holds the site (`{}`)", root.display()),
            elsewhere,
            false,
        ));
    }
    for name in SITE_FOLDERS {
        let folder = resolve(&guarded.root.join(name));
        if resolved == folder {
            return Err(refuse(
                format!("it is the site's `{name}/` folder"),
                elsewhere,
                false,
            ));
        }
        if resolved.starts_with(&folder) {
            return Err(refuse(
                format!(
                    "it is inside the site's `{name}/` folder, which the next build would read"
                ),
                elsewhere,
                false,
            ));
        }
        if folder.starts_with(&resolved) {
            return Err(refuse(
                format!("it holds the site's `{name}/` folder"),
                elsewhere,
                false,
            ));
        }
    }
    if let Some(home) = guarded.home.as_deref().map(resolve) {
        if resolved == home {
            return Err(refuse("it is your home folder".into(), elsewhere, false));
        }
        if home.starts_with(&resolved) {
            return Err(refuse(
                format!("it holds your home folder (`{}`)", home.display()),
                elsewhere,
                false,
            ));
        }
    }
    let meta = match std::fs::symlink_metadata(&resolved) {
        Ok(m) => m,
        // Missing: the build makes it. Unreachable (a file where a parent
        // folder should be, no permission): nothing there can be lost, and
        // the writer reports why it cannot write.
        Err(_) => return Ok(resolved),
    };
    if !meta.is_dir() {
        return Err(refuse(
            "it exists and is not a folder".into(),
            elsewhere,
            false,
        ));
    }
    if is_ours(&resolved) || is_empty(&resolved) || force {
        return Ok(resolved);
    }
    Err(refuse(
        format!(
            "it holds files that faqtory did not write (there is no `{MARKER}` in it), \
             and a build replaces everything in its output"
        ),
        "choose an empty or new folder, or pass --force to replace this folder's contents",
        true,
    ))
}

/// Does `dir` carry the marker a build writes (a regular file, not a link)?
fn is_ours(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
}

fn is_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none())
}

/// `p` made absolute, with every symlink of its existing part followed and
/// `.`/`..` of the rest applied.
pub fn resolve(p: &Path) -> PathBuf {
    let absolute = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let lexical = normalize(&absolute);
    // The longest prefix that exists is canonicalised (symlinks, `..`
    // through links); the missing rest is appended as it is.
    let mut existing = lexical.clone();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = std::fs::canonicalize(&existing) {
            let mut out = canonical;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => return lexical,
        }
    }
}

/// `.` and `..` applied lexically (`/a/b/../c` → `/a/c`).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_applies_dots() {
        assert_eq!(
            normalize(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
        assert_eq!(normalize(Path::new("/../..")), PathBuf::from("/"));
    }

    #[test]
    fn resolve_keeps_the_missing_rest() {
        let dir = tempfile::tempdir().unwrap();
        let real = std::fs::canonicalize(dir.path()).unwrap();
        assert_eq!(resolve(&dir.path().join("x/../y/z")), real.join("y/z"));
    }
}
