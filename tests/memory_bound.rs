//! A large generated site builds in bounded memory (issue 14): the peak
//! resident memory of a 2,000-page build, measured by the kernel for that
//! process alone (`wait4`), stays under a stated ceiling. A change that
//! holds every rendered page again (the build before streaming peaked at
//! 516 MB here) fails this test, not only a benchmark.
//!
//! The corpus comes from `../shared/bench/gen_corpus.py`, as the benchmarks'
//! does. Without it or python3 the test says so and skips, except under
//! CI=true.

mod common;

use std::process::Command;

/// Peak RSS allowed for the 2,000-page build (debug binary), about 35 %
/// over what it measures: 97-102 MB (four runs) since loading keeps no
/// source, search documents are made one at a time and the export waits
/// for the pages; 118-141 MB before that; 218-231 MB when the model held
/// every page's HTML and source (release: 202 MB); 516 MB before the
/// rendered files were streamed (release). Holding every page's section
/// HTML again would add about 47 MB (heaptrack, 2,000 pages) and fail.
const CEILING_KB: i64 = 135 * 1024;

/// Runs `cmd` and returns (success, its peak RSS in KB) from `wait4`.
fn run_measured(cmd: &mut Command) -> (bool, i64) {
    // Reaped below by wait4, which also gives the child's own rusage.
    #[allow(clippy::zombie_processes)]
    let child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn faqtory");
    let pid = i32::try_from(child.id()).expect("pid");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own unwaited child; both pointers are valid.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(rc, pid, "wait4: {}", std::io::Error::last_os_error());
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    // Linux reports ru_maxrss in kilobytes.
    (ok, usage.ru_maxrss)
}

#[test]
fn a_2000_page_build_stays_under_its_memory_ceiling() {
    let Some(gen_corpus) = common::corpus_generator() else {
        return;
    };
    let work = tempfile::tempdir().expect("temp dir");
    let status = Command::new("python3")
        .arg(&gen_corpus)
        .arg("2000")
        .arg(work.path().join("corpus"))
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run gen_corpus.py");
    assert!(status.success(), "gen_corpus.py failed");
    let site = work.path().join("corpus/faqtory");
    let out = work.path().join("public");
    let (ok, peak_kb) = run_measured(
        Command::new(env!("CARGO_BIN_EXE_faqtory"))
            .arg("build")
            .arg("--root")
            .arg(&site)
            .arg("--output")
            .arg(&out),
    );
    assert!(ok, "the build failed");
    assert!(out.join("index.html").is_file(), "nothing was built");
    eprintln!("2,000-page build: peak RSS {} MB", peak_kb / 1024);
    assert!(
        peak_kb < CEILING_KB,
        "peak RSS {} MB is over the {} MB ceiling",
        peak_kb / 1024,
        CEILING_KB / 1024
    );
}
