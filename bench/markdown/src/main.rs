//! Benchmarks of the markdown module alone (`bash bench/markdown.sh`).
//!
//! - `corpus DIR`: every `.md` page under DIR (front matter skipped) through
//!   `faqtory::markdown::render` and, for comparison, plain pulldown-cmark
//!   `push_html` with the same parser options, in interleaved rounds;
//!   prints MB/s and the median of the rounds' ratios.
//! - `scaling`: pathological 1, 10 and 20 MB inputs (deep nesting, long
//!   delimiter runs, unclosed brackets, many links); prints seconds and the
//!   10 MB / 1 MB and 20 MB / 10 MB ratios, near 10 and 2 when time is linear.
//! - `phases DIR`: parse only / plain push_html / render (all features) /
//!   render with the dialect passes off / outline, one run each.
//! - `read|plain|render DIR` (with `LIMIT=n` pages): one pass of one kind,
//!   for `valgrind --tool=callgrind`, whose instruction counts do not depend
//!   on what else the machine is running.
//! - `repeat DIR plain|outline|render`: five passes of one kind on pages
//!   loaded once, best and median time, for `perf record`.
//! - `digest PATH...`: one hash over what `render` returns for every file
//!   under the paths (any name; front matter skipped when present; files
//!   that are not UTF-8 skipped), to show a speed change left the output
//!   alone: run it before and after on the corpus and the fuzz corpus.
//!   With `DIGEST_EACH=1` it also prints one hash per file, so two runs'
//!   outputs can be diffed to find the files whose output changed.
//! - `show FILE`: the sections `render` returns for one file, to look at
//!   such a file.
//!
//! See docs/markdown.md for the commands and the numbers.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[allow(dead_code)]
#[path = "../../../src/diag.rs"]
mod diag;
#[allow(dead_code)]
#[path = "../../../src/markdown/mod.rs"]
mod markdown;

use diag::Severity;
use markdown::{
    Console, Lang, LineBreaks, LinkResolver, Options, Source, WidgetHost, parser_options, render,
};

struct Links;
impl LinkResolver for Links {
    fn resolve(&self, dest: &str) -> Result<String, String> {
        Ok(dest.trim_end_matches(".md").to_string())
    }
}
struct Widgets;
impl WidgetHost for Widgets {
    fn fallback_html(&self, _: &str, _: Lang) -> Option<String> {
        Some("<p>rules</p>".into())
    }
}

/// Every `.md` file under `dir` with its text, in path order.
fn pages(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    let mut all = Vec::new();
    files(dir, &mut all);
    for p in all {
        if p.extension().is_some_and(|e| e == "md")
            && let Ok(t) = std::fs::read_to_string(&p)
        {
            out.push((p, t));
        }
    }
}

/// Every file at or under `path` (a file or a folder), in path order.
fn files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        out.push(path.to_path_buf());
        return;
    }
    let Ok(rd) = std::fs::read_dir(path) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        files(&p, out);
    }
}

fn body_start(text: &str) -> usize {
    text.strip_prefix("---\n")
        .and_then(|rest| rest.find("\n---\n"))
        .map_or(0, |end| 4 + end + 5)
}

fn console(routes: HashSet<String>) -> Console {
    Console {
        content_base_url: "https://console.cloud.tencent.com".into(),
        target_base_url: "https://console.cloud.tencent.com".into(),
        routes,
        unknown_route: Severity::Warning,
    }
}

fn time_best<F: FnMut() -> usize>(runs: usize, mut f: F) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut sink = 0;
    for _ in 0..runs {
        let t = Instant::now();
        sink = f();
        best = best.min(t.elapsed());
    }
    (best, sink)
}

/// The console of the generated corpus: its routes from `../site.yaml`.
fn corpus_console(dir: &Path) -> Console {
    let routes: HashSet<String> = std::fs::read_to_string(dir.join("../site.yaml"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- /").map(|r| format!("/{r}")))
        .collect();
    console(routes)
}

/// The options a default site renders with.
fn default_options(console: &Console) -> Options<'_> {
    Options {
        lang: Lang::Zh,
        line_breaks: LineBreaks::Auto,
        cjk_emphasis: true,
        raw_html: false,
        console: Some(console),
        links: &Links,
        widgets: &Widgets,
    }
}

fn corpus(dir: &Path) {
    let mut all = Vec::new();
    pages(dir, &mut all);
    let bodies: Vec<(&PathBuf, &str, usize)> = all
        .iter()
        .map(|(p, t)| (p, t.as_str(), body_start(t)))
        .collect();
    let bytes: usize = bodies.iter().map(|(_, t, s)| t.len() - s).sum();
    let console = corpus_console(dir);
    let opts = default_options(&console);
    // Plain with one output buffer reused for every page (the most
    // favourable baseline), and with each page's HTML in a String of its own,
    // as a renderer that hands pages back must do (the `instructions` mode
    // runs plain this way).
    let plain_pass = |reuse: bool| {
        let mut n = 0;
        let mut html = String::new();
        for (_, t, s) in &bodies {
            if !reuse {
                html = String::new();
            }
            html.clear();
            pulldown_cmark::html::push_html(
                &mut html,
                pulldown_cmark::Parser::new_ext(&t[*s..], parser_options()),
            );
            n += html.len();
        }
        n
    };
    let ours_pass = || {
        let mut n = 0;
        for (p, t, s) in &bodies {
            let r = render(
                Source {
                    file: p,
                    text: t,
                    body_start: *s,
                },
                &opts,
            );
            n += r.sections.iter().map(|s| s.html.len()).sum::<usize>();
        }
        n
    };
    // Rounds of one pass each, interleaved, so a slow spell of a shared
    // machine lands on all three; the ratio is the median of the rounds'
    // ratios, the times are medians.
    let rounds = 7;
    let (mut plain, mut fresh, mut ours) = (Vec::new(), Vec::new(), Vec::new());
    let (mut plain_out, mut ours_out) = (0, 0);
    let time = |f: &dyn Fn() -> usize| {
        let t = Instant::now();
        let n = f();
        (t.elapsed().as_secs_f64(), n)
    };
    for _ in 0..rounds {
        let (t, n) = time(&|| plain_pass(true));
        plain.push(t);
        plain_out = n;
        fresh.push(time(&|| plain_pass(false)).0);
        let (t, n) = time(&ours_pass);
        ours.push(t);
        ours_out = n;
    }
    let median = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let ratios = |base: &[f64]| {
        let r: Vec<f64> = ours.iter().zip(base).map(|(o, b)| o / b).collect();
        (median(&r), r)
    };
    let (vs_plain, all_plain) = ratios(&plain);
    let (vs_fresh, _) = ratios(&fresh);
    let mb = bytes as f64 / 1e6;
    println!(
        "corpus: {} pages, {mb:.1} MB of markdown (medians of {rounds} interleaved rounds)",
        bodies.len()
    );
    let line = |name: &str, t: f64| println!("{name:<32} {t:.3} s  {:.1} MB/s", mb / t);
    line("plain pulldown-cmark push_html:", median(&plain));
    line("faqtory markdown::render:", median(&ours));
    line("plain, new String per page:", median(&fresh));
    println!("bytes out: plain {plain_out}, render {ours_out}");
    let each: Vec<String> = all_plain.iter().map(|r| format!("{r:.2}")).collect();
    println!(
        "per-round cost vs plain (reused buffer): {}",
        each.join(" ")
    );
    println!(
        "dialect cost: {vs_plain:.2}x plain (reused buffer), {vs_fresh:.2}x plain (new String per page)"
    );
}

/// One pass of one kind over the first `LIMIT` pages, for `valgrind
/// --tool=callgrind` (`bench/markdown.sh instructions`): instruction counts
/// do not depend on what else the machine runs.
fn one(mode: &str, dir: &Path) {
    let mut all = Vec::new();
    pages(dir, &mut all);
    let console = corpus_console(dir);
    let opts = default_options(&console);
    let limit: usize = std::env::var("LIMIT")
        .ok()
        .and_then(|l| l.parse().ok())
        .unwrap_or(usize::MAX);
    let mut out = 0usize;
    for (p, t) in all.iter().take(limit) {
        let s = body_start(t);
        match mode {
            "plain" => {
                let mut html = String::new();
                pulldown_cmark::html::push_html(
                    &mut html,
                    pulldown_cmark::Parser::new_ext(&t[s..], parser_options()),
                );
                out += html.len();
            }
            "render" => {
                let r = render(
                    Source {
                        file: p,
                        text: t,
                        body_start: s,
                    },
                    &opts,
                );
                out += r.sections.len() + r.diagnostics.len() * 1_000_000;
            }
            _ => out += t.len(),
        }
    }
    println!("{mode}: {out}");
}

/// Where the time goes: parse only, parse into a Vec with offsets, plain
/// push_html, full render (one run each, interleaved).
fn phases(dir: &Path) {
    let mut all = Vec::new();
    pages(dir, &mut all);
    let bodies: Vec<&str> = all.iter().map(|(_, t)| &t[body_start(t)..]).collect();
    // The corpus's routes, as in `corpus`: with none, every console link
    // is a diagnostic, and locating diagnostics would dominate.
    let console = corpus_console(dir);
    let opts = default_options(&console);
    for round in 0..2 {
        let t = Instant::now();
        let n: usize = bodies
            .iter()
            .map(|b| pulldown_cmark::Parser::new_ext(b, parser_options()).count())
            .sum();
        println!(
            "{round} parse only        {:.3}s ({n} events)",
            t.elapsed().as_secs_f64()
        );
        let t = Instant::now();
        let n: usize = bodies
            .iter()
            .map(|b| {
                pulldown_cmark::Parser::new_ext(b, parser_options())
                    .into_offset_iter()
                    .collect::<Vec<_>>()
                    .len()
            })
            .sum();
        println!(
            "{round} parse+offsets+vec {:.3}s ({n})",
            t.elapsed().as_secs_f64()
        );
        let t = Instant::now();
        let mut html = String::new();
        for b in &bodies {
            html.clear();
            pulldown_cmark::html::push_html(
                &mut html,
                pulldown_cmark::Parser::new_ext(b, parser_options()),
            );
        }
        println!(
            "{round} plain push_html   {:.3}s",
            t.elapsed().as_secs_f64()
        );
        let t = Instant::now();
        for b in &bodies {
            let _ = render(
                Source {
                    file: Path::new("x.md"),
                    text: b,
                    body_start: 0,
                },
                &opts,
            );
        }
        println!(
            "{round} render            {:.3}s",
            t.elapsed().as_secs_f64()
        );
        let bare = Options {
            cjk_emphasis: false,
            line_breaks: LineBreaks::Never,
            raw_html: true,
            console: None,
            ..opts
        };
        let t = Instant::now();
        for b in &bodies {
            let _ = render(
                Source {
                    file: Path::new("x.md"),
                    text: b,
                    body_start: 0,
                },
                &bare,
            );
        }
        println!(
            "{round} render bare       {:.3}s",
            t.elapsed().as_secs_f64()
        );
        let t = Instant::now();
        for b in &bodies {
            let _ = markdown::outline(Source {
                file: Path::new("x.md"),
                text: b,
                body_start: 0,
            });
        }
        println!(
            "{round} outline           {:.3}s",
            t.elapsed().as_secs_f64()
        );
    }
}

fn digest(paths: &[String]) {
    use std::hash::{Hash, Hasher};
    let console = console(["/deal".to_string()].into_iter().collect());
    let opts = default_options(&console);
    let mut all = Vec::new();
    for p in paths {
        files(Path::new(p), &mut all);
    }
    // SipHash with fixed keys: the same input gives the same value on
    // every run of the same build. DIGEST_EACH=1 also prints each file's
    // value, to find the files whose output changed.
    let each = std::env::var_os("DIGEST_EACH").is_some();
    let mut h = std::hash::DefaultHasher::new();
    let mut n = 0;
    for p in &all {
        let Ok(t) = std::fs::read_to_string(p) else {
            continue;
        };
        let r = render(
            Source {
                file: p,
                text: &t,
                body_start: body_start(&t),
            },
            &opts,
        );
        let mut one = std::hash::DefaultHasher::new();
        format!("{:?}", (&r.sections, &r.text, &r.widgets)).hash(&mut one);
        for d in &r.diagnostics {
            format!("{d:?}").hash(&mut one);
        }
        let one = one.finish();
        if each {
            println!("{one:016x} {}", p.display());
        }
        one.hash(&mut h);
        n += 1;
    }
    println!("digest of {n} files: {:016x}", h.finish());
}

/// Prints the sections `render` returns for one file (options as `digest`).
fn show(file: &Path) {
    let console = console(["/deal".to_string()].into_iter().collect());
    let opts = default_options(&console);
    let Ok(t) = std::fs::read_to_string(file) else {
        eprintln!("cannot read {}", file.display());
        return;
    };
    let src = Source {
        file,
        text: &t,
        body_start: body_start(&t),
    };
    for s in &render(src, &opts).sections {
        println!("{s:?}\n----");
    }
}

/// `KIND` (plain, render or outline) five times over the loaded pages and
/// nothing else, for `perf record` (reading the files would dominate `one`).
fn repeat(kind: &str, dir: &Path) {
    let mut all = Vec::new();
    pages(dir, &mut all);
    let console = corpus_console(dir);
    let opts = default_options(&console);
    let mut n = 0usize;
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        for (p, t) in &all {
            let src = Source {
                file: p,
                text: t,
                body_start: body_start(t),
            };
            n += match kind {
                "plain" => {
                    let mut html = String::new();
                    pulldown_cmark::html::push_html(
                        &mut html,
                        pulldown_cmark::Parser::new_ext(src.body(), parser_options()),
                    );
                    html.len()
                }
                "outline" => markdown::outline(src).anchors.len(),
                _ => render(src, &opts).sections.len(),
            };
        }
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{kind}: best {:.3} s, median {:.3} s ({n})",
        times[0], times[2]
    );
}

/// Inputs of about `size` bytes that stress one thing each.
fn shapes(size: usize) -> Vec<(&'static str, String)> {
    let rep = |unit: &str| unit.repeat(size / unit.len().max(1));
    let mut nested_quotes = String::new();
    while nested_quotes.len() < size {
        // 100-deep blockquotes with a callout marker, repeated.
        nested_quotes.push_str(&">".repeat(100));
        nested_quotes.push_str("?注意**粗：**文字\n\n");
    }
    let mut nested_lists = String::new();
    let mut depth = 0;
    while nested_lists.len() < size {
        nested_lists.push_str(&"  ".repeat(depth % 200));
        nested_lists.push_str("- 项目**一：**甲\n");
        depth += 1;
    }
    vec![
        ("nested blockquotes", nested_quotes),
        ("nested lists", nested_lists),
        ("long ** run", rep("*")),
        ("alternating *_ openers", rep("*a _b ")),
        ("cjk emphasis pairs", rep("**复议期：**如果")),
        ("unclosed 【", rep("【标签")),
        ("menu path chain", rep("【甲】>")),
        ("many links", rep("[链接](console:/deal) ")),
        ("soft breaks in CJK", rep("中文行\n")),
        ("unclosed [", rep("[a")),
        (
            "raw html block",
            format!("<div>\n{}</div>\n", rep("<a x='1' onclick=y>")),
        ),
    ]
}

fn scaling() {
    let console = console(["/deal".to_string()].into_iter().collect());
    let opts = default_options(&console);
    let file = Path::new("scaling.md");
    // 10 MB / 1 MB stays near 10 and 20 MB / 10 MB near 2 when time is
    // linear; the second ratio is past the point where input and output
    // stop fitting in cache, so it isolates the algorithm.
    println!(
        "{:<26} {:>10} {:>10} {:>10} {:>7} {:>7}",
        "input", "1 MB (s)", "10 MB (s)", "20 MB (s)", "10/1", "20/10"
    );
    let small = shapes(1_000_000);
    let large = shapes(10_000_000);
    let larger = shapes(20_000_000);
    for (((name, a), (_, b)), (_, c)) in small.iter().zip(large.iter()).zip(larger.iter()) {
        let run = |t: &str| {
            time_best(2, || {
                let r = render(
                    Source {
                        file,
                        text: t,
                        body_start: 0,
                    },
                    &opts,
                );
                r.sections.len()
            })
            .0
        };
        let ta = run(a);
        let tb = run(b);
        let tc = run(c);
        println!(
            "{name:<26} {:>10.3} {:>10.3} {:>10.3} {:>7.1} {:>7.2}",
            ta.as_secs_f64(),
            tb.as_secs_f64(),
            tc.as_secs_f64(),
            tb.as_secs_f64() / ta.as_secs_f64().max(1e-9),
            tc.as_secs_f64() / tb.as_secs_f64().max(1e-9)
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let dir = Path::new(
        args.get(1)
            .map_or("/tmp/c10k/faqtory/content", String::as_str),
    );
    match args.first().map(String::as_str) {
        Some("corpus") => corpus(dir),
        Some("scaling") => scaling(),
        Some("phases") => phases(dir),
        Some(m @ ("plain" | "render" | "read")) => one(m, dir),
        Some("repeat") => repeat(args.get(2).map_or("render", String::as_str), dir),
        Some("show") => show(dir),
        Some("digest") => digest(args.get(1..).unwrap_or_default()),
        _ => {
            eprintln!(
                "usage: markdown-bench corpus DIR | scaling | phases DIR | read|plain|render DIR | repeat DIR KIND | digest PATH..."
            );
        }
    }
}
