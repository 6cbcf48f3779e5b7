//! Helpers shared by the integration tests: fixture sites copied to a
//! temporary folder, the built binary, and output fingerprints.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Under CI=true (`.ci/run` sets it) every test must run: what a test
/// needs (node, Chromium, python3, ../shared) has been installed.
pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// A test that cannot run here: fails under CI=true, otherwise says why
/// where `cargo test` shows it (see [`note_skipped`]); the caller returns.
pub fn skip(why: &str) {
    assert!(!ci(), "{why} (a failure under CI=true)");
    note_skipped(&format!("{why} (under CI=true this is a failure)"));
}

/// Prints `SKIPPED: why` on the test process's stderr itself. libtest
/// captures `eprintln!` and shows it only when a test fails, so a skipped
/// test that passes would otherwise say nothing.
pub fn note_skipped(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "\n!!! SKIPPED: {why}\n");
}

/// The team's corpus generator (`../shared/bench/gen_corpus.py`) when it
/// and python3 to run it are both here; otherwise a [`skip`].
pub fn corpus_generator() -> Option<PathBuf> {
    let p = shared_file("bench/gen_corpus.py")?;
    let python = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if python {
        return Some(p);
    }
    skip("python3 not found: the corpus generator cannot run");
    None
}

/// Makes sure tests/browser/node_modules is there (`npm ci`: exactly
/// package-lock.json, playwright-core, which brings no browser), for the
/// tests that drive Chromium. Once per test binary, so that two of its
/// tests never run npm in one folder at the same time.
pub fn browser_modules() -> Result<(), String> {
    static DONE: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    DONE.get_or_init(|| {
        let dir = repo().join("tests/browser");
        if dir.join("node_modules/playwright-core").is_dir() {
            return Ok(());
        }
        match Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
        {
            Ok(s) if s.success() => Ok(()),
            Ok(s) => Err(format!("`npm ci` in tests/browser failed ({s})")),
            Err(e) => Err(format!("`npm ci` in tests/browser could not start: {e}")),
        }
    })
    .clone()
}

/// A file of the team's shared folder beside the repository (`../shared`:
/// the seed page, external test suites, the corpus generator), when it is
/// there. A clone without it skips what needs it (see [`skip`]); `.ci/run`
/// has it beside the checkout.
pub fn shared_file(rel: &str) -> Option<PathBuf> {
    let p = repo().join("../shared").join(rel);
    if p.is_file() {
        return Some(p);
    }
    skip(&format!("{} is missing", p.display()));
    None
}

/// `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// A fixture copied into a fresh temporary folder (removed on drop).
pub struct TempSite {
    pub dir: tempfile::TempDir,
}

impl TempSite {
    pub fn from_fixture(name: &str) -> TempSite {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_tree(&fixture(name), dir.path());
        TempSite { dir }
    }
    pub fn root(&self) -> &Path {
        self.dir.path()
    }
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    /// Runs `faqtory ARGS --root <site>` in the site's folder.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_faqtory"))
            .args(args)
            .arg("--root")
            .arg(self.root())
            .current_dir(self.root())
            .output()
            .expect("run faqtory")
    }
}

pub fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes: equal maps mean byte-for-byte
/// equal trees.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    if !dir.exists() {
        return m;
    }
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            m.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    m
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
