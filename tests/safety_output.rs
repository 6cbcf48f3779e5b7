//! The build never destroys what is not its own (issue 13): output folders
//! it did not make are refused, the site's own folders are refused even with
//! `--force`, and two builds at once both tell the truth.
//!
//! Every case runs in a temporary "world" folder holding a home folder with
//! a secret, the site, a neighbour folder with someone's files and an empty
//! folder; after each build every file that is not the build's own is
//! checked byte for byte.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output};

use common::*;

/// A home folder, a site and its neighbours in one temporary folder.
struct World {
    dir: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().expect("temp dir");
        let w = World { dir };
        copy_tree(&fixture("basic"), &w.site());
        w.write("site/templates/page.html", "{% extends \"base.html\" %}\n");
        w.write("home/.ssh/id_ed25519", "SECRET KEY\n");
        w.write("home/notes.txt", "my notes\n");
        w.write("neighbour/index.html", "someone's page\n");
        w.write("neighbour/.git/HEAD", "ref: refs/heads/gh-pages\n");
        std::fs::create_dir_all(w.path("empty")).unwrap();
        w
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    fn site(&self) -> PathBuf {
        self.path("site")
    }
    fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    /// `faqtory build ARGS` in the site's folder, with HOME set to the
    /// world's home folder.
    fn build(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_faqtory"))
            .arg("build")
            .args(args)
            .current_dir(self.site())
            .env("HOME", self.path("home"))
            .output()
            .expect("run faqtory")
    }
    /// Every file of the world with its bytes.
    fn files(&self) -> BTreeMap<String, Vec<u8>> {
        tree(self.dir.path())
    }
}

/// The files a build of `site` may have written or replaced when its output
/// is `out`: the output itself and its lock, temporary folders and index
/// beside it.
fn is_build_product(rel: &str, out_rel: Option<&str>) -> bool {
    let Some(out) = out_rel else { return false };
    let (parent, name) = match out.rsplit_once('/') {
        Some((p, n)) => (format!("{p}/"), n),
        None => (String::new(), out),
    };
    rel == out
        || rel.starts_with(&format!("{out}/"))
        || rel.starts_with(&format!("{parent}.{name}."))
}

/// Asserts that every file of `before` that is not a product of a build into
/// `out_rel` is still there, byte for byte.
fn assert_kept(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
    out_rel: Option<&str>,
    what: &str,
) {
    for (rel, bytes) in before {
        if is_build_product(rel, out_rel) {
            continue;
        }
        match after.get(rel) {
            Some(b) => assert!(b == bytes, "{what}: `{rel}` was changed"),
            None => panic!("{what}: `{rel}` was deleted"),
        }
    }
}

/// Builds into `output` and expects a refusal (exit 2) that names the folder
/// and `reason`, with not one file of the world changed.
fn assert_refused(w: &World, output: &str, extra: &[&str], reason: &str) {
    let before = w.files();
    let mut args = vec!["--output", output];
    args.extend_from_slice(extra);
    let out = w.build(&args);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "--output {output}: expected exit 2:\n{err}"
    );
    assert!(
        err.contains("refusing to build into `"),
        "--output {output}:\n{err}"
    );
    assert!(
        err.contains(reason),
        "--output {output}: expected {reason:?}:\n{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(w.files(), before, "--output {output}: the world changed");
}

#[test]
fn output_into_content_is_refused_and_no_source_is_lost() {
    let w = World::new();
    assert_refused(&w, "content", &[], "it is the site's `content/` folder");
    assert_refused(
        &w,
        "content",
        &["--force"],
        "it is the site's `content/` folder",
    );
    assert_refused(&w, "content/../content/", &["--force"], "`content/` folder");
    assert_refused(
        &w,
        "content/public",
        &["--force"],
        "inside the site's `content/` folder",
    );
}

#[test]
fn output_into_the_site_root_or_above_is_refused() {
    let w = World::new();
    assert_refused(&w, ".", &["--force"], "it is the site's root folder");
    assert_refused(&w, "..", &["--force"], "it holds the site");
    assert_refused(&w, "../..", &["--force"], "it holds the site");
    assert_refused(&w, "/", &["--force"], "root");
    let root = w.site().display().to_string();
    assert_refused(&w, &root, &["--force"], "it is the site's root folder");
}

#[test]
fn output_into_themes_or_templates_is_refused() {
    let w = World::new();
    assert_refused(
        &w,
        "themes",
        &["--force"],
        "it is the site's `themes/` folder",
    );
    assert_refused(
        &w,
        "themes/plain/static",
        &["--force"],
        "inside the site's `themes/` folder",
    );
    assert_refused(
        &w,
        "templates",
        &["--force"],
        "it is the site's `templates/` folder",
    );
}

#[test]
fn output_into_the_home_folder_is_refused() {
    let w = World::new();
    let home = w.path("home").display().to_string();
    assert_refused(&w, &home, &["--force"], "it is your home folder");
}

#[test]
fn output_through_a_symlink_to_the_site_is_refused() {
    let w = World::new();
    std::os::unix::fs::symlink(w.site(), w.path("link-to-site")).unwrap();
    std::os::unix::fs::symlink(w.site().join("content"), w.path("link-to-content")).unwrap();
    assert_refused(
        &w,
        "../link-to-site",
        &["--force"],
        "it is the site's root folder",
    );
    assert_refused(&w, "../link-to-content", &["--force"], "`content/` folder");
}

#[test]
fn output_in_site_yaml_obeys_the_same_rules() {
    let w = World::new();
    let yaml = std::fs::read_to_string(w.site().join("site.yaml")).unwrap();
    w.write("site/site.yaml", format!("{yaml}output: content\n"));
    let before = w.files();
    let out = w.build(&["--force"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("it is the site's `content/` folder"));
    assert_eq!(w.files(), before);
}

#[test]
fn a_folder_of_someone_elses_needs_force_and_then_becomes_ours() {
    let w = World::new();
    assert_refused(&w, "../neighbour", &[], "faqtory did not write");
    let err = stderr(&w.build(&["--output", "../neighbour"]));
    assert!(
        err.contains("--force"),
        "the refusal names the way out:\n{err}"
    );

    let forced = w.build(&["--output", "../neighbour", "--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(w.path("neighbour/.faqtory-output").is_file());
    assert!(w.path("neighbour/market/orders/index.html").is_file());
    assert!(
        !w.path("neighbour/.git").exists(),
        "--force replaces the folder's contents"
    );

    // Now it carries the marker: the next build needs no flag.
    let again = w.build(&["--output", "../neighbour"]);
    assert!(again.status.success(), "{}", stderr(&again));
}

#[test]
fn an_empty_or_missing_folder_is_built_into() {
    let w = World::new();
    let into_empty = w.build(&["--output", "../empty"]);
    assert!(into_empty.status.success(), "{}", stderr(&into_empty));
    assert!(w.path("empty/index.html").is_file());
    let into_new = w.build(&["--output", "../new/deep"]);
    assert!(into_new.status.success(), "{}", stderr(&into_new));
    assert!(w.path("new/deep/.faqtory-output").is_file());
}

#[test]
fn an_output_that_is_a_file_is_refused() {
    let w = World::new();
    w.write("a-file", "keep me\n");
    assert_refused(&w, "../a-file", &["--force"], "not a folder");
}

#[test]
fn the_search_index_lives_beside_the_output_not_in_the_site_root() {
    let w = World::new();
    let out = w.build(&["--output", "../empty"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(w.path(".empty.index").is_dir());
    let site_files: Vec<String> = tree(&w.site()).into_keys().collect();
    let before: Vec<String> = tree(&fixture("basic")).into_keys().collect();
    let added: Vec<&String> = site_files
        .iter()
        .filter(|f| !before.contains(f) && !f.starts_with("templates/"))
        .collect();
    assert!(
        added.is_empty(),
        "the build wrote into the site root: {added:?}"
    );

    // `search --output` reads that index (it was ignored before).
    let found = Command::new(env!("CARGO_BIN_EXE_faqtory"))
        .args(["search", "退款", "--output", "../empty"])
        .current_dir(w.site())
        .output()
        .unwrap();
    assert!(found.status.success(), "{}", stderr(&found));
    assert!(
        stdout(&found).contains("/docs/billing/refund/"),
        "{}",
        stdout(&found)
    );
}

/// Two builds of one site at once, many times: each either writes the whole
/// site and says so, or is turned away by the lock and says nothing was
/// written; the output is always one complete build, and no working folder
/// is left behind.
#[test]
fn two_builds_at_once_each_report_truthfully() {
    let w = World::new();
    let first = w.build(&[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let reference = tree(&w.site().join("public"));
    let second = w.build(&[]);
    assert!(second.status.success());
    assert_eq!(
        tree(&w.site().join("public")),
        reference,
        "builds are not reproducible"
    );

    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_faqtory"))
            .arg("build")
            .current_dir(w.site())
            .env("HOME", w.path("home"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (mut wrote, mut turned_away) = (0, 0);
    for round in 0..12 {
        let (a, b) = (spawn(), spawn());
        for out in [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()] {
            let err = stderr(&out);
            match out.status.code() {
                Some(0) => {
                    assert!(err.contains("→ public"), "round {round}: {err}");
                    wrote += 1;
                }
                Some(1) => {
                    assert!(
                        err.contains("another build is writing"),
                        "round {round}: {err}"
                    );
                    assert!(err.contains("nothing written"), "round {round}: {err}");
                    turned_away += 1;
                }
                other => panic!("round {round}: exit {other:?}:\n{err}"),
            }
        }
        assert_eq!(
            tree(&w.site().join("public")),
            reference,
            "round {round}: output is not one whole build"
        );
        let leftovers: Vec<String> = std::fs::read_dir(w.site())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-") || n.contains(".old-"))
            .collect();
        assert!(
            leftovers.is_empty(),
            "round {round}: left behind {leftovers:?}"
        );
        let search = Command::new(env!("CARGO_BIN_EXE_faqtory"))
            .args(["search", "退款"])
            .current_dir(w.site())
            .output()
            .unwrap();
        assert!(
            search.status.success(),
            "round {round}: index unreadable: {}",
            stderr(&search)
        );
    }
    assert!(
        wrote >= 12,
        "every round writes at least once ({wrote} writes)"
    );
    // Whether the lock was ever contended depends on timing; both outcomes
    // were checked above whenever they happened.
    eprintln!("{wrote} builds wrote, {turned_away} were turned away by the lock");
}

/// A small deterministic generator (xorshift), so a failing case can be
/// replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

/// Random `--output` choices among the site's own folders, its ancestors
/// and its neighbours, written in different ways, with and without
/// `--force`: no source file and no file of the home folder is ever lost,
/// and a foreign folder is replaced only with `--force`.
#[test]
fn random_outputs_never_lose_a_source_file() {
    let w = World::new();
    std::os::unix::fs::symlink(w.site(), w.path("link-to-site")).unwrap();
    let targets = [
        ".",
        "..",
        "../..",
        "content",
        "content/market",
        "themes",
        "themes/plain",
        "templates",
        "public",
        "public/sub",
        "../neighbour",
        "../empty",
        "../home",
        "../home/.ssh",
        "../link-to-site",
        "../link-to-site/content",
        "new",
        "../new-beside",
        "site.yaml",
        "content/billing/refund.md",
    ];
    let forms = ["{}", "{}/", "./{}", "{}/../{}", "{abs}"];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for case in 0..40 {
        let target = rng.pick(&targets);
        let form = rng.pick(&forms);
        let last = target.rsplit('/').next().unwrap_or(target);
        let written = match form {
            "{}/../{}" if !target.contains("..") && target != "." => format!("{target}/../{last}"),
            "{}/../{}" => target.to_owned(),
            "{abs}" => w.site().join(target).display().to_string(),
            f => f.replace("{}", target),
        };
        let force = rng.next().is_multiple_of(2);
        let before = w.files();
        let mut args = vec!["--output", written.as_str()];
        if force {
            args.push("--force");
        }
        let out = w.build(&args);
        let err = stderr(&out);
        let what = format!(
            "case {case}: --output {written}{}",
            if force { " --force" } else { "" }
        );
        assert!(!err.contains("panicked"), "{what}:\n{err}");
        let code = out.status.code();
        assert!(matches!(code, Some(0 | 2)), "{what}: exit {code:?}:\n{err}");
        let out_rel = if code == Some(0) {
            let resolved = std::fs::canonicalize(w.site().join(&written)).unwrap();
            let world = std::fs::canonicalize(w.dir.path()).unwrap();
            let rel = resolved
                .strip_prefix(&world)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let inside = |p: &str| rel == p || rel.starts_with(&format!("{p}/"));
            assert!(
                rel != "site"
                    && rel != "home"
                    && !inside("site/content")
                    && !inside("site/themes")
                    && !inside("site/templates"),
                "{what}: built into {rel}"
            );
            // Someone's files (a folder that had files but no marker) are
            // replaced only on --force.
            let had_files = before.keys().any(|f| f.starts_with(&format!("{rel}/")));
            let was_ours = before.contains_key(&format!("{rel}/.faqtory-output"));
            if had_files && !was_ours {
                assert!(force, "{what}: replaced someone's folder without --force");
            }
            Some(rel)
        } else {
            None
        };
        let after = w.files();
        assert_kept(&before, &after, out_rel.as_deref(), &what);
        for source in [
            "site/site.yaml",
            "site/content/billing/refund.md",
            "home/notes.txt",
            "site/templates/page.html",
        ] {
            assert!(after.contains_key(source), "{what}: {source} lost");
        }
    }
}

#[test]
fn is_build_product_covers_the_output_and_its_siblings_only() {
    assert!(is_build_product(
        "site/public/index.html",
        Some("site/public")
    ));
    assert!(is_build_product("site/.public.lock", Some("site/public")));
    assert!(!is_build_product("site/public2/x", Some("site/public")));
    assert!(!is_build_product("site/content/a.md", Some("site/public")));
    assert!(!is_build_product("site/public/index.html", None));
}

/// Makes a folder immutable (`chattr +i`: not even root may rename it) for
/// as long as the guard lives.
struct Immutable(PathBuf);

impl Immutable {
    fn set(path: PathBuf) -> Option<Immutable> {
        let ok = Command::new("chattr")
            .arg("+i")
            .arg(&path)
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Immutable(path))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

/// Regression: when the search index could not be put in place after the
/// site was swapped in, the build said "nothing written" although the new
/// site was out. It must say the site was written, and what failed.
#[test]
fn a_failure_after_the_swap_does_not_claim_nothing_was_written() {
    let w = World::new();
    let first = w.build(&[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let index = w.site().join(".public.index");
    assert!(index.is_dir());
    let Some(_guard) = Immutable::set(index) else {
        common::note_skipped("chattr +i is not available here (needs root on ext4 or similar)");
        return;
    };
    w.write(
        "site/content/market/new.md",
        "---\ntitle: 新页面\n---\n### 新问题？\n新答案。\n",
    );
    let out = w.build(&[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("the site was written"), "{err}");
    assert!(err.contains("→ public"), "{err}");
    assert!(!err.contains("nothing written"), "{err}");
    assert!(
        w.site().join("public/market/new/index.html").is_file(),
        "the new site is out"
    );
}
