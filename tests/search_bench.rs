//! Not a test: the Rust half of bench/search.py (run with `--ignored` in
//! release). Builds the tantivy index of a site and exports it at several
//! shard sizes, timing both, and prints one JSON line per export.
//!
//! Env: FQ_BENCH_SITE (site root), FQ_BENCH_OUT (folder for the exports, one
//! sub-folder per shard size), FQ_BENCH_SHARDS (comma-separated byte sizes,
//! default 32768), FQ_BENCH_PARTS (comma-separated part sizes in KB,
//! default 4096). One export per (shard size, part size).

use std::path::PathBuf;
use std::time::Instant;

use faqtory::pipeline::{BuildOptions, render_site, search_docs};
use faqtory::progress::Progress;
use faqtory::search::{ExportOptions, build_index, export_static_with};

#[test]
#[ignore = "benchmark harness for bench/search.py"]
fn search_bench() {
    let site = PathBuf::from(
        std::env::var("FQ_BENCH_SITE").unwrap_or_else(|_| panic!("set FQ_BENCH_SITE")),
    );
    let out =
        PathBuf::from(std::env::var("FQ_BENCH_OUT").unwrap_or_else(|_| panic!("set FQ_BENCH_OUT")));
    let shards: Vec<usize> = std::env::var("FQ_BENCH_SHARDS")
        .unwrap_or_else(|_| "32768".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let parts: Vec<usize> = std::env::var("FQ_BENCH_PARTS")
        .unwrap_or_else(|_| "4096".into())
        .split(',')
        .filter_map(|s| s.trim().parse::<usize>().ok().map(|kb| kb * 1024))
        .collect();
    let mut diags = Vec::new();
    let rendered = render_site(
        &BuildOptions {
            root: site.clone(),
            ..Default::default()
        },
        &mut diags,
        &Progress::new(false),
    )
    .unwrap_or_else(|| {
        panic!(
            "site did not load: {:?}",
            diags.iter().take(3).collect::<Vec<_>>()
        )
    });
    let docs = search_docs(&rendered.site);
    let t = Instant::now();
    let index = build_index(&docs, None).unwrap_or_else(|e| panic!("{e}"));
    let index_s = t.elapsed().as_secs_f64();
    for (shard_bytes, part_bytes) in shards
        .iter()
        .flat_map(|&s| parts.iter().map(move |&p| (s, p)))
    {
        let t = Instant::now();
        let files = export_static_with(
            &index,
            &ExportOptions {
                shard_bytes,
                part_bytes,
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let export_s = t.elapsed().as_secs_f64();
        let dir = out.join(format!("shard-{shard_bytes}-part-{part_bytes}"));
        let _ = std::fs::remove_dir_all(&dir);
        let mut bytes = 0usize;
        for (name, b) in &files {
            let p = dir.join(name);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
            }
            std::fs::write(&p, b).unwrap_or_else(|e| panic!("{e}"));
            bytes += b.len();
        }
        println!(
            "{{\"docs\":{},\"shard_bytes\":{shard_bytes},\"part_bytes\":{part_bytes},\"index_s\":{index_s:.3},\"export_s\":{export_s:.3},\"files\":{},\"bytes\":{bytes},\"dir\":{:?}}}",
            docs.len(),
            files.len(),
            dir.display().to_string()
        );
    }
}
