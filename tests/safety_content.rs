//! The build reads only what is the site's own (issue 13): a symlink out of
//! the site is not followed (so `content/x.md -> /etc/passwd` is never
//! published or served), FIFOs and devices are skipped instead of hanging
//! the build or filling the memory, and every file read is capped in size.
#![cfg(unix)]

mod common;
mod serve_support;

use std::collections::BTreeSet;
use std::os::unix::fs::symlink;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{TempSite, stderr, tree};
use faqtory::pipeline::BuildOptions;
use faqtory::serve::builder::{Builder, Changes, Outcome};
use faqtory::serve::store::Store;

/// A string found nowhere else: if it shows up in the output, the file
/// outside the site was read.
fn marker() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("OUTSIDE-SECRET-{}-{nanos}", std::process::id())
}

/// A valid page whose answer is `marker`: published if it is ever read.
fn page_with(marker: &str) -> String {
    format!("---\ntitle: 机密\n---\n### 密码是什么？\n{marker}\n")
}

/// A folder outside the site holding `name` with `text`.
fn outside(name: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(name), text).expect("write outside file");
    dir
}

/// The files of `public/` (pages, search shards, everything) that hold `marker`.
fn published_with(site: &TempSite, marker: &str) -> Vec<String> {
    tree(&site.path("public"))
        .into_iter()
        .filter(|(_, bytes)| bytes.windows(marker.len()).any(|w| w == marker.as_bytes()))
        .map(|(path, _)| path)
        .collect()
}

fn add_config(site: &TempSite, yaml: &str) {
    let path = site.path("site.yaml");
    let mut text = std::fs::read_to_string(&path).expect("site.yaml");
    text.push_str(yaml);
    std::fs::write(path, text).expect("write site.yaml");
}

/// Runs `faqtory ARGS --root <site>`, killing it and failing the test if it
/// has not finished within `secs` (a FIFO or /dev/zero must not hang it).
fn run_within(site: &TempSite, args: &[&str], secs: u64) -> Output {
    let out = tempfile::tempdir().expect("temp dir");
    let (o, e) = (out.path().join("stdout"), out.path().join("stderr"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_faqtory"))
        .args(args)
        .arg("--root")
        .arg(site.root())
        .current_dir(site.root())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&o).expect("stdout file"))
        .stderr(std::fs::File::create(&e).expect("stderr file"))
        .spawn()
        .expect("run faqtory");
    let deadline = Instant::now() + Duration::from_secs(secs);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("faqtory {args:?} still running after {secs} s: it hangs");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: std::fs::read(&o).unwrap_or_default(),
        stderr: std::fs::read(&e).unwrap_or_default(),
    }
}

#[test]
fn symlink_to_etc_passwd_is_not_published() {
    let site = TempSite::from_fixture("basic");
    let secret = marker();
    let out = outside("passwd", &page_with(&secret));
    symlink(out.path().join("passwd"), site.path("content/x.md")).unwrap();

    let o = site.run(&["build"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("symlink `content/x.md` points outside the site")
            && err.contains("not followed")
            && err.contains("follow_external_symlinks"),
        "{err}"
    );
    assert!(site.path("public/index.html").is_file(), "nothing built");
    assert_eq!(published_with(&site, &secret), Vec::<String>::new());

    let o = site.run(&["check"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("warning") && err.contains("content/x.md"),
        "{err}"
    );
}

#[test]
fn follow_external_symlinks_publishes_the_linked_page() {
    let site = TempSite::from_fixture("basic");
    let secret = marker();
    let out = outside("shared.md", &page_with(&secret));
    symlink(out.path().join("shared.md"), site.path("content/x.md")).unwrap();
    add_config(&site, "files:\n  follow_external_symlinks: true\n");

    let o = site.run(&["build"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(!err.contains("points outside"), "{err}");
    let found = published_with(&site, &secret);
    assert!(found.contains(&"x/index.html".to_owned()), "{found:?}");
    assert!(found.iter().any(|p| p.starts_with("search/")), "{found:?}");
}

#[test]
fn symlinked_folder_out_of_the_site_is_not_walked() {
    let site = TempSite::from_fixture("basic");
    let secret = marker();
    let out = outside("o.md", &page_with(&secret));
    std::fs::write(out.path().join("photo.png"), &secret).unwrap();
    symlink(out.path(), site.path("content/ext")).unwrap();

    let o = site.run(&["build"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("symlink `content/ext` points outside the site"),
        "{err}"
    );
    assert_eq!(published_with(&site, &secret), Vec::<String>::new());
    assert!(!site.path("public/ext").exists());
}

#[test]
fn content_folder_linked_out_of_the_site_is_not_walked() {
    let site = TempSite::from_fixture("basic");
    let secret = marker();
    let out = outside("o.md", &page_with(&secret));
    std::fs::remove_dir_all(site.path("content")).unwrap();
    symlink(out.path(), site.path("content")).unwrap();

    let o = site.run(&["build"]);
    let err = stderr(&o);
    assert!(
        err.contains("symlink `content` points outside the site"),
        "{err}"
    );
    assert_eq!(published_with(&site, &secret), Vec::<String>::new());
}

#[test]
fn symlink_inside_the_site_still_works() {
    let site = TempSite::from_fixture("basic");
    let secret = marker();
    site.write("shared/a.md", page_with(&secret));
    symlink("../shared/a.md", site.path("content/a.md")).unwrap();

    let o = site.run(&["build"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(!err.contains("points outside"), "{err}");
    let found = published_with(&site, &secret);
    assert!(found.contains(&"a/index.html".to_owned()), "{found:?}");
}

#[test]
fn fifo_in_content_does_not_hang_the_build() {
    let site = TempSite::from_fixture("basic");
    let path = std::ffi::CString::new(site.path("content/pipe.md").as_os_str().as_encoded_bytes())
        .unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0, "mkfifo");

    let o = run_within(&site, &["build"], 60);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("`content/pipe.md` is a FIFO") && err.contains("skipped"),
        "{err}"
    );
    assert!(site.path("public/index.html").is_file());
}

#[test]
fn symlink_to_dev_zero_finishes_and_is_skipped() {
    let site = TempSite::from_fixture("basic");
    symlink("/dev/zero", site.path("content/zero.md")).unwrap();
    let o = run_within(&site, &["build"], 60);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("symlink `content/zero.md` points outside the site (/dev/zero)"),
        "{err}"
    );

    // Even when links out of the site are allowed, a device is not read.
    add_config(&site, "files:\n  follow_external_symlinks: true\n");
    let o = run_within(&site, &["build"], 60);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("`content/zero.md` is a character device, not a regular file; skipped"),
        "{err}"
    );
}

#[test]
fn file_over_max_size_mb_fails_and_keeps_the_previous_output() {
    let site = TempSite::from_fixture("basic");
    let o = site.run(&["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = tree(&site.path("public"));

    add_config(&site, "files:\n  max_size_mb: 1\n");
    let mut big = page_with("大");
    big.push_str(&"退款规则说明。\n".repeat(2 * 1024 * 1024 / 22 + 1));
    assert!(big.len() > 2 * 1024 * 1024);
    site.write("content/big.md", &big);

    let o = site.run(&["build"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("over the 1 MB limit (`files.max_size_mb` in site.yaml)")
            && err.contains("--> content/big.md"),
        "{err}"
    );
    assert_eq!(tree(&site.path("public")), before);
}

#[test]
fn theme_and_template_files_linked_out_of_the_site_are_not_read() {
    let site = TempSite::from_fixture("basic");
    let secret = marker();
    let out = outside("evil.css", &format!("/* {secret} */"));
    std::fs::write(out.path().join("404.html"), format!("<p>{secret}</p>")).unwrap();
    let css = site.path("themes/plain/static/css/plain.css");
    std::fs::remove_file(&css).unwrap();
    symlink(out.path().join("evil.css"), &css).unwrap();
    std::fs::create_dir_all(site.path("templates")).unwrap();
    symlink(out.path().join("404.html"), site.path("templates/404.html")).unwrap();

    let o = site.run(&["build"]);
    let err = stderr(&o);
    assert!(
        err.contains("symlink `themes/plain/static/css/plain.css` points outside the site"),
        "{err}"
    );
    assert!(
        err.contains("symlink `templates/404.html` points outside the site"),
        "{err}"
    );
    assert_eq!(published_with(&site, &secret), Vec::<String>::new());
}

#[test]
fn site_yaml_linked_out_of_the_site_is_an_error() {
    let site = TempSite::from_fixture("basic");
    let text = std::fs::read_to_string(site.path("site.yaml")).unwrap();
    let out = outside("site.yaml", &text);
    std::fs::remove_file(site.path("site.yaml")).unwrap();
    symlink(out.path().join("site.yaml"), site.path("site.yaml")).unwrap();

    let o = site.run(&["build"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error: symlink `site.yaml` points outside the site"),
        "{err}"
    );
    assert!(!site.path("public").exists());
}

#[test]
fn serve_does_not_serve_a_symlink_out_of_the_site() {
    let site = TempSite::from_fixture("basic");
    let secret = marker();
    let out = outside("passwd", &page_with(&secret));
    symlink(out.path().join("passwd"), site.path("content/x.md")).unwrap();

    let server = serve_support::Server::start(site.root());
    assert_eq!(server.get("/billing/refund/").status, 200);
    let reply = server.get("/x/");
    assert_eq!(reply.status, 404);
    assert!(!reply.text().contains(&secret));
}

#[test]
fn serve_reload_of_a_page_turned_into_a_link_out_of_the_site_does_not_read_it() {
    let site = TempSite::from_fixture("basic");
    let secret = marker();
    let out = outside("refund.md", &page_with(&secret));
    let store = Arc::new(Store::new(0));
    let opts = BuildOptions {
        root: site.root().to_path_buf(),
        base_url: Some("http://127.0.0.1:1111/".into()),
        ..BuildOptions::default()
    };
    let mut builder = Builder::new(opts, store.clone());
    assert!(matches!(builder.full(false), Outcome::Full { .. }));

    // The editor (or anyone) replaces a known page by a link out of the site.
    let page = site.path("content/billing/refund.md");
    std::fs::remove_file(&page).unwrap();
    symlink(out.path().join("refund.md"), &page).unwrap();
    let changes = Changes {
        pages: BTreeSet::from([PathBuf::from("content/billing/refund.md")]),
        ..Changes::default()
    };
    builder.apply(&changes);

    let leaked: Vec<String> = store
        .snapshot()
        .into_iter()
        .filter(|(_, b)| b.windows(secret.len()).any(|w| w == secret.as_bytes()))
        .map(|(k, _)| k)
        .collect();
    assert_eq!(leaked, Vec::<String>::new());
    let status = store.status();
    let warned = status
        .warnings
        .iter()
        .any(|d| d.file == "content/billing/refund.md");
    assert!(warned, "{:?}", status.warnings);
}
