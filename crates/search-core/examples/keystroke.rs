//! Times the static engine's cached query path natively, for profiling
//! (`perf record -g`): loads an export from disk, settles each query once
//! (fetching what it needs from the files), then runs it again many times.
//!
//! ```text
//! cargo run --release -p search-core --example keystroke -- <export>/search \
//!     [--iters 200] [--cold] [--dump] [query …]
//! ```
//!
//! Queries default to the typed sequence 数→数据→数据库→数据库实例. `--cold`
//! hands the engine its shard pieces again before each timed run, which
//! drops the postings it keeps decoded, so each run decodes its lists (the
//! first search of a keystroke whose terms are new). `--dump` prints each
//! query's top 100 ranked documents (document, score bits, all-terms flag)
//! instead of timings, to diff the ranking of two builds.
#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::Instant;

use search_core::{Engine, Step};

fn read_piece(dir: &Path, name: &str) -> Vec<u8> {
    match search_core::piece_range(name) {
        None => std::fs::read(dir.join(name)).unwrap(),
        Some((file, a, b)) => {
            let mut f = std::fs::File::open(dir.join(file)).unwrap();
            f.seek(SeekFrom::Start(a)).unwrap();
            let mut out = Vec::new();
            f.take(b - a).read_to_end(&mut out).unwrap();
            out
        }
    }
}

/// Searches until done, fetching what the engine asks for; returns the
/// pieces fetched.
fn settle(e: &mut Engine, dir: &Path, q: &str, limit: usize) -> Vec<(String, Vec<u8>)> {
    let mut fetched = Vec::new();
    for _ in 0..8 {
        match e.search(q, limit).unwrap() {
            Step::Done(_) => return fetched,
            Step::Need(names) => {
                for n in names {
                    let bytes = read_piece(dir, &n);
                    e.put(&n, bytes.clone()).unwrap();
                    fetched.push((n, bytes));
                }
            }
        }
    }
    panic!("{q}: did not settle");
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .expect("usage: keystroke <export>/search [--iters N] [--dump] [q…]");
    let dir = Path::new(&dir);
    let mut iters = 200usize;
    let mut dump = false;
    let mut cold = false;
    let mut queries: Vec<String> = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--iters" => iters = args.next().unwrap().parse().unwrap(),
            "--dump" => dump = true,
            "--cold" => cold = true,
            _ => queries.push(a),
        }
    }
    if queries.is_empty() {
        queries = ["数", "数据", "数据库", "数据库实例"]
            .iter()
            .map(|s| (*s).to_string())
            .collect();
    }
    let mut e = Engine::new();
    if dump {
        for q in &queries {
            settle(&mut e, dir, q, 100);
            let ranked = e.rank(q, 100).unwrap().unwrap();
            print!("{q}\t");
            for r in ranked {
                print!("{}:{:08x}:{} ", r.doc, r.score.to_bits(), u8::from(r.all));
            }
            println!();
        }
        return;
    }
    // As the browser types: each keystroke settles, in order.
    let mut shards: Vec<(String, Vec<u8>)> = Vec::new();
    for q in &queries {
        shards.extend(
            settle(&mut e, dir, q, 8)
                .into_iter()
                .filter(|(n, _)| n.contains("/t")),
        );
    }
    for q in &queries {
        let mut t: Vec<f64> = (0..iters)
            .map(|_| {
                if cold {
                    for (n, b) in &shards {
                        e.put(n, b.clone()).unwrap();
                    }
                }
                let s = Instant::now();
                let step = e.search(q, 8).unwrap();
                assert!(matches!(step, Step::Done(_)));
                s.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        t.sort_by(f64::total_cmp);
        println!(
            "{q}: median {:.3} ms, min {:.3} ms ({iters} runs)",
            t[t.len() / 2],
            t[0]
        );
    }
}
