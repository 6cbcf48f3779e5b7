//! Not a test: the Rust half of bench/search.py (run with `--ignored` in
//! release). Builds the tantivy index of a site and exports it at several
//! shard sizes, timing both, and prints one JSON line per export.
//!
//! Env: FQ_BENCH_SITE (site root), FQ_BENCH_OUT (folder for the exports, one
//! sub-folder per shard size), FQ_BENCH_SHARDS (comma-separated byte sizes,
//! default 32768), FQ_BENCH_CUTS (comma-separated most postings a term
//! keeps, `max` for all; default `max`). One export per (shard size, cut).
//! FQ_BENCH_QUERIES (a JSON list): for each export, the agreement of the
//! static engine with tantivy over them (top-1, mean top-10 overlap).

use std::path::PathBuf;
use std::time::Instant;

use faqtory::pipeline::{BuildOptions, render_site, search_docs};
use faqtory::progress::Progress;
use faqtory::search::{ExportOptions, build_index, export_static_with, query_index, query_static};

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
    let cuts: Vec<usize> = std::env::var("FQ_BENCH_CUTS")
        .unwrap_or_else(|_| "max".into())
        .split(',')
        .filter_map(|s| match s.trim() {
            "max" => Some(usize::MAX),
            n => n.parse().ok(),
        })
        .collect();
    let queries: Vec<String> = std::env::var("FQ_BENCH_QUERIES")
        .ok()
        .and_then(|q| serde_json::from_str(&q).ok())
        .unwrap_or_default();
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
    for (shard_bytes, max_postings) in shards
        .iter()
        .flat_map(|&s| cuts.iter().map(move |&c| (s, c)))
    {
        let t = Instant::now();
        let files = export_static_with(
            &index,
            &ExportOptions {
                shard_bytes,
                max_postings,
                ..ExportOptions::default()
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let export_s = t.elapsed().as_secs_f64();
        let dir = out.join(format!("shard-{shard_bytes}-cut-{max_postings}"));
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
        // Agreement with tantivy (the whole lists) over the queries.
        let (mut top1, mut overlap) = (0usize, 0f64);
        for q in &queries {
            let t = query_index(&index, q, 10).unwrap_or_else(|e| panic!("{e}"));
            let st = query_static(&dir.join("search"), q, 10).unwrap_or_else(|e| panic!("{e}"));
            let tu: Vec<&str> = t.iter().map(|h| h.url.as_str()).collect();
            let su: Vec<&str> = st.iter().map(|h| h.url.as_str()).collect();
            top1 += usize::from(!tu.is_empty() && tu.first() == su.first());
            let common = tu.iter().filter(|u| su.contains(u)).count();
            overlap += common as f64 / tu.len().max(su.len()).max(1) as f64;
        }
        let n_q = queries.len().max(1) as f64;
        let cut = if max_postings == usize::MAX {
            "\"max\"".to_string()
        } else {
            max_postings.to_string()
        };
        println!(
            "{{\"docs\":{},\"shard_bytes\":{shard_bytes},\"cut\":{cut},\"top1\":{:.3},\"top10\":{:.3},\"index_s\":{index_s:.3},\"export_s\":{export_s:.3},\"files\":{},\"bytes\":{bytes},\"dir\":{:?}}}",
            docs.len(),
            top1 as f64 / n_q,
            overlap / n_q,
            files.len(),
            dir.display().to_string()
        );
    }
}
