//! Times the static engine's query path natively, for profiling (`perf
//! record -g`): loads an export from disk, settles each query once (fetching
//! what it needs from the files), then runs it again many times. Every run
//! decodes what it ranks from the fetched pieces (the engine keeps no
//! decoded lists).
//!
//! ```text
//! cargo run --release -p search-core --example keystroke -- <export>/search \
//!     [--iters 200] [--dump] [query …]
//! ```
//!
//! Queries default to the typed sequence 数→数据→数据库→数据库实例. `--dump`
//! prints each query's top 100 ranked documents (document, score bits,
//! all-terms flag) instead of timings, to diff the ranking of two builds.
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

/// Searches until done, fetching what the engine asks for.
fn settle(e: &mut Engine, dir: &Path, q: &str, limit: usize) {
    for round in 0..search_core::engine::MAX_ROUNDS {
        match e.search(q, limit, round).unwrap() {
            Step::Done(_) => return,
            Step::Need(names) => {
                for n in names {
                    let bytes = read_piece(dir, &n);
                    e.put(&n, bytes).unwrap();
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
    let mut queries: Vec<String> = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--iters" => iters = args.next().unwrap().parse().unwrap(),
            "--dump" => dump = true,
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
            let ranked = e.rank(q, 100, 0).unwrap().unwrap();
            print!("{q}\t");
            for r in ranked {
                print!("{}:{:08x}:{} ", r.doc, r.score.to_bits(), u8::from(r.all));
            }
            println!();
        }
        return;
    }
    // As the browser types: each keystroke settles, in order.
    for q in &queries {
        settle(&mut e, dir, q, 8);
    }
    for q in &queries {
        let mut t: Vec<f64> = (0..iters)
            .map(|_| {
                let s = Instant::now();
                let step = e.search(q, 8, 0).unwrap();
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
