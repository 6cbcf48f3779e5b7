//! The one reader of the site's own files: pages, assets, theme files,
//! site.yaml, the refund rules. Everything the build takes from the site
//! folder goes through [`SiteFs`], so every read obeys the same rules:
//!
//! - a symlink whose target lies outside the (canonical) site root is not
//!   followed, unless site.yaml says `files: { follow_external_symlinks: true }`:
//!   a link to `/etc/passwd` in `content/` is never published;
//! - only regular files are read: FIFOs, sockets and devices are skipped
//!   (a FIFO would hang the build, `/dev/zero` would fill the memory). Files
//!   are opened non-blocking and the opened handle is checked, so a file
//!   swapped for a FIFO between the check and the open cannot hang;
//! - every read is capped at `files.max_size_mb` (64 MB by default), counted
//!   while reading, so a growing file cannot pass the cap either.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::config::FilesConfig;
use crate::diag::{Diagnostic, Severity};

const MB: u64 = 1024 * 1024;

/// Reads files of the site at `root` under the limits of `files:`.
#[derive(Clone, Debug)]
pub struct SiteFs {
    /// The root as given (diagnostics name paths relative to it).
    root: PathBuf,
    /// The root with every symlink resolved: "inside the site" means under it.
    canonical: PathBuf,
    follow_external: bool,
    max_size_mb: u64,
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// `link` is a symlink that resolves to `target`, outside the site.
    External {
        link: PathBuf,
        target: PathBuf,
    },
    /// Not a regular file: what it is (`a FIFO`, `a character device`...).
    NotRegular(&'static str),
    /// Over the size cap; `size` is the size seen (None: grew while read).
    TooLarge {
        size: Option<u64>,
    },
    Io(std::io::Error),
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        ReadError::Io(e)
    }
}

impl SiteFs {
    pub fn new(root: &Path, files: &FilesConfig) -> SiteFs {
        SiteFs {
            root: root.to_path_buf(),
            canonical: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf()),
            follow_external: files.follow_external_symlinks,
            max_size_mb: files.max_size_mb,
        }
    }

    /// The site root as given.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The largest file read, in bytes.
    fn cap(&self) -> u64 {
        self.max_size_mb.saturating_mul(MB)
    }

    /// `path` as diagnostics name it (relative to the root when inside).
    pub fn shown(&self, path: &Path) -> PathBuf {
        crate::diag::display_path(&self.root, path)
    }

    /// Checks that `path` (a file or folder under the root) resolves inside
    /// the site, or that links out of it are allowed.
    pub fn check_inside(&self, path: &Path) -> Result<PathBuf, ReadError> {
        let target = std::fs::canonicalize(path)?;
        if self.follow_external || target.starts_with(&self.canonical) {
            return Ok(target);
        }
        Err(ReadError::External {
            link: self.escaping_link(path),
            target,
        })
    }

    /// The first symlink on the way from the root to `path` that leads out
    /// of the site (`path` itself when none is found).
    fn escaping_link(&self, path: &Path) -> PathBuf {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        let mut at = self.root.clone();
        for c in rel.components() {
            at.push(c);
            let is_link = std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink());
            if is_link && std::fs::canonicalize(&at).is_ok_and(|t| !t.starts_with(&self.canonical))
            {
                return at;
            }
        }
        path.to_path_buf()
    }

    /// Reads the regular file at `path`, within the limits.
    pub fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
        let target = self.check_inside(path)?;
        // Look before opening: opening a device can have effects of its own.
        let meta = std::fs::metadata(&target)?;
        if !meta.is_file() {
            return Err(ReadError::NotRegular(kind_of(&meta.file_type())));
        }
        let cap = self.cap();
        if meta.len() > cap {
            return Err(ReadError::TooLarge {
                size: Some(meta.len()),
            });
        }
        let file = open_nonblocking(&target)?;
        // The file may have been swapped since it was looked at: check what
        // was opened.
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(ReadError::NotRegular(kind_of(&meta.file_type())));
        }
        if meta.len() > cap {
            return Err(ReadError::TooLarge {
                size: Some(meta.len()),
            });
        }
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > cap {
            return Err(ReadError::TooLarge { size: None });
        }
        Ok(bytes)
    }

    /// [`Self::read`], with a refusal reported in `diags` as
    /// [`Self::diagnostic`] words it.
    pub fn read_or_report(&self, path: &Path, diags: &mut Vec<Diagnostic>) -> Option<Vec<u8>> {
        match self.read(path) {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                diags.push(self.diagnostic(path, &e));
                None
            }
        }
    }

    /// The diagnostic for not reading `path`: a warning for what is skipped
    /// on purpose (links out of the site, FIFOs, devices), an error for a
    /// file too large or unreadable.
    pub fn diagnostic(&self, path: &Path, err: &ReadError) -> Diagnostic {
        let shown = self.shown(path);
        match err {
            ReadError::External { link, target } => {
                let link = self.shown(link);
                Diagnostic::file_level(
                    Severity::Warning,
                    &link,
                    format!(
                        "symlink `{}` points outside the site ({}); not followed",
                        link.display(),
                        target.display()
                    ),
                )
                .with_help(
                    "to read files through links that leave the site folder, set \
                     `files: { follow_external_symlinks: true }` in site.yaml",
                )
            }
            ReadError::NotRegular(kind) => Diagnostic::file_level(
                Severity::Warning,
                &shown,
                format!(
                    "`{}` is {kind}, not a regular file; skipped",
                    shown.display()
                ),
            ),
            ReadError::TooLarge { size } => {
                let limit = self.max_size_mb;
                let message = match size {
                    Some(size) => format!(
                        "file is {:.1} MB, over the {limit} MB limit (`files.max_size_mb` in site.yaml)",
                        *size as f64 / MB as f64
                    ),
                    None => format!(
                        "file grew past the {limit} MB limit while it was read (`files.max_size_mb` in site.yaml)"
                    ),
                };
                Diagnostic::file_level(Severity::Error, &shown, message)
            }
            ReadError::Io(e) => {
                Diagnostic::file_level(Severity::Error, &shown, format!("cannot read: {e}"))
            }
        }
    }

    /// Walks the folder `dir` under the root, following symlinks that stay
    /// inside the site (and others only when allowed): a link out of it is
    /// neither yielded nor descended into, and lands in [`Walk::refused`].
    /// Names starting with `.` are left out below `dir` when `skip_hidden`.
    pub fn walk(&self, dir: &Path, skip_hidden: bool) -> Walk<'_> {
        Walk {
            fs: self,
            it: walkdir::WalkDir::new(dir)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter(),
            skip_hidden,
            refused: Vec::new(),
        }
    }
}

/// A walk of a folder of the site: see [`SiteFs::walk`].
pub struct Walk<'a> {
    fs: &'a SiteFs,
    it: walkdir::IntoIter,
    skip_hidden: bool,
    /// Warnings for the links not followed.
    pub refused: Vec<Diagnostic>,
}

impl Iterator for Walk<'_> {
    type Item = walkdir::Result<walkdir::DirEntry>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let entry = match self.it.next()? {
                Ok(e) => e,
                Err(e) => return Some(Err(e)),
            };
            let skip = if entry.depth() > 0
                && self.skip_hidden
                && entry.file_name().to_string_lossy().starts_with('.')
            {
                true
            } else if entry.depth() == 0 || entry.path_is_symlink() {
                // Below a checked folder only a link can lead out: check
                // the walk's own folder and every link.
                match self.fs.check_inside(entry.path()) {
                    Ok(_) => false,
                    Err(e) => {
                        self.refused.push(self.fs.diagnostic(entry.path(), &e));
                        true
                    }
                }
            } else {
                false
            };
            if !skip {
                return Some(Ok(entry));
            }
            if entry.file_type().is_dir() {
                self.it.skip_current_dir();
            }
        }
    }
}

/// What a file that is not a regular file is, in words.
fn kind_of(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
    }
    if ft.is_dir() {
        "a folder"
    } else {
        "not a file"
    }
}

/// Opens for reading without blocking (a FIFO without a writer would block
/// the open) and without following a link in the last component.
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    opts.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fs_at(root: &Path, max_size_mb: u64) -> SiteFs {
        SiteFs::new(
            root,
            &FilesConfig {
                follow_external_symlinks: false,
                max_size_mb,
            },
        )
    }

    #[test]
    fn reads_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "hi").unwrap();
        let fs = fs_at(dir.path(), 1);
        assert_eq!(fs.read(&dir.path().join("a.md")).unwrap(), b"hi");
    }

    #[test]
    fn over_the_cap_is_an_error_naming_the_size() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.md");
        std::fs::write(&p, vec![b'a'; (MB + MB / 2) as usize]).unwrap();
        let fs = fs_at(dir.path(), 1);
        let err = fs.read(&p).unwrap_err();
        let d = fs.diagnostic(&p, &err);
        assert!(d.is_error());
        assert_eq!(d.file, Path::new("big.md"));
        assert_eq!(
            d.message,
            "file is 1.5 MB, over the 1 MB limit (`files.max_size_mb` in site.yaml)"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_of_the_site_names_the_link() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.txt");
        std::fs::write(&secret, "s").unwrap();
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir(site.path().join("content")).unwrap();
        std::os::unix::fs::symlink(outside.path(), site.path().join("content/sub")).unwrap();
        let fs = fs_at(site.path(), 1);
        let p = site.path().join("content/sub/secret.txt");
        let err = fs.read(&p).unwrap_err();
        let d = fs.diagnostic(&p, &err);
        assert_eq!(d.severity, Severity::Warning);
        assert_eq!(d.file, Path::new("content/sub"));
        assert!(
            d.message.contains("points outside the site"),
            "{}",
            d.message
        );
    }

    #[cfg(unix)]
    #[test]
    fn dev_zero_is_not_read() {
        let site = tempfile::tempdir().unwrap();
        let p = site.path().join("zero.md");
        std::os::unix::fs::symlink("/dev/zero", &p).unwrap();
        let fs = SiteFs::new(
            site.path(),
            &FilesConfig {
                follow_external_symlinks: true,
                max_size_mb: 1,
            },
        );
        assert!(matches!(fs.read(&p), Err(ReadError::NotRegular(_))));
    }
}
