//! The static format round trip and the engine's ranking, on hand-built impacts.
#![allow(
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects
)]

use search_core::format::quantize;
use search_core::{DocMeta, Engine, ExportParams, Exporter, Step};

fn meta(title: &str) -> DocMeta {
    DocMeta {
        title: title.to_string(),
        url: format!("/p/#{}", title.len()),
        category: "cat".into(),
        snippet: format!("{title} answer text"),
    }
}

/// Exports `terms` (unsorted is fine here: we sort) over `docs`.
fn export(
    terms: &[(&str, &[(u32, f32)])],
    docs: &[DocMeta],
    shard_bytes: usize,
) -> Vec<(String, Vec<u8>)> {
    export_with(terms, docs, shard_bytes, 64, &search_core::Synonyms::none())
}

/// [`export`] with a part size and synonyms.
fn export_with(
    terms: &[(&str, &[(u32, f32)])],
    docs: &[DocMeta],
    shard_bytes: usize,
    part_bytes: usize,
    synonyms: &search_core::Synonyms,
) -> Vec<(String, Vec<u8>)> {
    export_build(terms, docs, shard_bytes, part_bytes, synonyms, "b1d")
}

/// [`export_with`] under a build id.
fn export_build(
    terms: &[(&str, &[(u32, f32)])],
    docs: &[DocMeta],
    shard_bytes: usize,
    part_bytes: usize,
    synonyms: &search_core::Synonyms,
    build_id: &str,
) -> Vec<(String, Vec<u8>)> {
    let params = ExportParams {
        shard_bytes,
        part_bytes,
        head_postings: usize::MAX,
        tail_block: 64,
    };
    export_params(terms, docs, &params, synonyms, build_id)
}

/// Exports with explicit settings.
fn export_params(
    terms: &[(&str, &[(u32, f32)])],
    docs: &[DocMeta],
    params: &ExportParams,
    synonyms: &search_core::Synonyms,
    build_id: &str,
) -> Vec<(String, Vec<u8>)> {
    let mut ex = Exporter::new(params, build_id);
    let mut sorted = terms.to_vec();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut files = Vec::new();
    for (t, p) in sorted {
        assert!(ex.add_term(t, p), "term {t}");
        files.extend(ex.take_ready());
    }
    for d in docs {
        ex.add_doc(d);
        files.extend(ex.take_ready());
    }
    files.extend(ex.finish(synonyms));
    files
}

/// The bytes of a file or piece, as a static host serves them.
fn fetch(files: &[(String, Vec<u8>)], name: &str) -> Vec<u8> {
    let (file, range) = match search_core::piece_range(name) {
        Some((f, a, b)) => (f, Some((a as usize, b as usize))),
        None => (name, None),
    };
    let f = files
        .iter()
        .find(|f| f.0 == file)
        .unwrap_or_else(|| panic!("no file {file}"));
    match range {
        Some((a, b)) => f.1[a..b].to_vec(),
        None => f.1.clone(),
    }
}

/// Runs the fetch loop the browser runs, counting the rounds.
fn run(
    engine: &mut Engine,
    files: &[(String, Vec<u8>)],
    q: &str,
    limit: usize,
) -> (Vec<search_core::Hit>, usize, Vec<String>) {
    let mut fetched = Vec::new();
    for round in 0..64 {
        match engine
            .search(q, limit, round)
            .unwrap_or_else(|e| panic!("{e}"))
        {
            Step::Done(h) => return (h, round, fetched),
            Step::Need(names) => {
                for n in names {
                    engine
                        .put(&n, fetch(files, &n))
                        .unwrap_or_else(|e| panic!("{e}"));
                    fetched.push(n);
                }
            }
        }
    }
    panic!("search did not finish");
}

#[test]
fn all_terms_first_then_score() {
    let docs: Vec<DocMeta> = ["退款规则", "退款", "规则说明", "订单"]
        .iter()
        .map(|t| meta(t))
        .collect();
    // 退款 is strong in doc 1, weaker in doc 0; 规则 only in 0 and 2.
    let terms: Vec<(&str, &[(u32, f32)])> = vec![
        ("退款", &[(0, 1.0), (1, 9.0)]),
        ("款规", &[(0, 0.5)]),
        ("规则", &[(0, 1.0), (2, 3.0)]),
        ("订单", &[(3, 5.0)]),
    ];
    // One term per shard.
    let files = export(&terms, &docs, 1);
    let mut e = Engine::new();
    let (hits, rounds, fetched) = run(&mut e, &files, "退款规则", 10);
    assert_eq!(
        rounds, 5,
        "manifest, directory page, shards, offset blocks, records: {fetched:?}"
    );
    let order: Vec<u32> = hits.iter().map(|h| h.doc).collect();
    // Doc 0 matches all three terms; then doc 1 (9.0) before doc 2 (3.0).
    assert_eq!(order, vec![0, 1, 2]);
    assert!(hits[0].all && !hits[1].all);
    assert_eq!(hits[0].meta.title, "退款规则");
    assert_eq!(hits[0].title_marks, vec![(0, "退款规则".len())]);
    // Only the shards of the query's terms were fetched (three of four),
    // not 订单's.
    let shards: Vec<&String> = fetched.iter().filter(|n| n.contains("/t")).collect();
    assert_eq!(shards.len(), 3, "{shards:?}");
    // Pieces are byte ranges of the few part files.
    let parts = files.iter().filter(|f| f.0.contains("/t")).count();
    assert!(parts < 4, "{parts} terms parts for 4 shards");
}

#[test]
fn quantized_impacts_keep_order() {
    let mut prev = 0u32;
    for i in 1..200 {
        let q = quantize(i as f32 * 0.1, 20.0);
        assert!(q > prev, "strictly increasing at {i}");
        prev = q;
    }
    assert_eq!(quantize(20.0, 20.0), 16383);
    assert_eq!(quantize(10.0, 20.0), 8192);
    assert_eq!(quantize(0.0, 20.0), 1);
    assert_eq!(quantize(f32::NAN, 20.0), 1);
    assert_eq!(quantize(1e9, 20.0), 16383);
    // Impacts 0.2% apart stay apart.
    assert!(quantize(6.6747, 85.0) < quantize(6.6888, 85.0));
}

#[test]
fn out_of_order_terms_are_refused() {
    let mut ex = Exporter::new(
        &ExportParams {
            shard_bytes: 100,
            part_bytes: 1000,
            head_postings: usize::MAX,
            tail_block: 64,
        },
        "x",
    );
    assert!(ex.add_term("b", &[(0, 1.0)]));
    assert!(!ex.add_term("a", &[(0, 1.0)]));
    assert!(!ex.add_term("b", &[(0, 1.0)]));
    assert!(!ex.add_term("c", &[(3, 1.0), (1, 1.0)]));
    assert!(!ex.add_term("d", &[]));
}

#[test]
fn empty_index_and_empty_query() {
    let files = export(&[], &[], 100);
    let mut e = Engine::new();
    let (hits, _, _) = run(&mut e, &files, "退款", 10);
    assert!(hits.is_empty());
    let (hits, _, _) = run(&mut e, &files, "((((", 10);
    assert!(hits.is_empty());
}

#[test]
fn corrupt_files_are_errors_not_panics() {
    let docs: Vec<DocMeta> = (0..5).map(|i| meta(&format!("doc{i}"))).collect();
    let terms: Vec<(&str, &[(u32, f32)])> = vec![
        ("doc0", &[(0, 1.0)]),
        ("answer", &[(0, 1.0), (1, 2.0), (4, 0.5)]),
    ];
    // Heads of one posting, so `answer` has a tail of two blocks.
    let params = ExportParams {
        shard_bytes: 8,
        part_bytes: 64,
        head_postings: 1,
        tail_block: 1,
    };
    let files = export_params(
        &terms,
        &docs,
        &params,
        &search_core::Synonyms::none(),
        "b1d",
    );
    assert!(files.iter().any(|f| f.0.contains("/l")), "a tails part");
    // Serves `files` as a host would (a range past the end is cut short) and
    // runs the fetch loop; any outcome but a panic is fine.
    let search = |files: &[(String, Vec<u8>)]| {
        let mut e = Engine::new();
        for round in 0..search_core::engine::MAX_ROUNDS {
            let Ok(Step::Need(names)) = e.search("answer doc0", 10, round) else {
                return;
            };
            for n in names {
                let (file, range) = match search_core::piece_range(&n) {
                    Some((f, a, b)) => (f.to_string(), Some((a as usize, b as usize))),
                    None => (n.clone(), None),
                };
                let Some(f) = files.iter().find(|f| f.0 == file) else {
                    return;
                };
                let bytes = match range {
                    Some((a, b)) => f.1.get(a.min(f.1.len())..b.min(f.1.len())).unwrap_or(&[]),
                    None => &f.1[..],
                };
                let _ = e.put(&n, bytes.to_vec());
            }
        }
    };
    search(&files);
    for (k, (_, bytes)) in files.iter().enumerate() {
        // Every truncation and a few byte flips of every file.
        let with = |b: Vec<u8>| {
            let mut f = files.clone();
            f[k].1 = b;
            f
        };
        for cut in 0..bytes.len() {
            search(&with(bytes[..cut].to_vec()));
        }
        for i in 0..bytes.len() {
            for flip in [0xFFu8, 0x80, 0x01] {
                let mut b = bytes.clone();
                b[i] ^= flip;
                search(&with(b));
            }
        }
    }
}

#[test]
fn snippet_window_and_marks() {
    let text = "一二三四五六七八九十".repeat(5) + "退款规则说明" + &"甲乙丙丁".repeat(10);
    let terms = search_core::query_terms("退款");
    let (s, m) = search_core::snippet::snippet(&text, &terms, 30);
    assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
    assert_eq!(m.len(), 1);
    assert_eq!(&s[m[0].0..m[0].1], "退款");
}

#[test]
fn every_term_is_found_across_shard_bounds() {
    // Terms sharing prefixes, one or a few per shard, so shard bounds are
    // shortened prefixes and the manifest is front-coded.
    let words = [
        "a", "ab", "abc", "abd", "abda", "b", "ba", "z9", "zz", "退款", "退货", "退订", "造成",
        "𠮷野",
    ];
    let docs: Vec<DocMeta> = words.iter().map(|w| meta(w)).collect();
    let lists: Vec<Vec<(u32, f32)>> = (0..words.len())
        .map(|i| vec![(i as u32, 1.0 + i as f32)])
        .collect();
    for shard_bytes in [1, 12, 30, 1000] {
        let terms: Vec<(&str, &[(u32, f32)])> = words
            .iter()
            .zip(&lists)
            .map(|(w, l)| (*w, l.as_slice()))
            .collect();
        let files = export(&terms, &docs, shard_bytes);
        let mut e = Engine::new();
        for (i, w) in words.iter().enumerate() {
            let (hits, _, _) = run(&mut e, &files, w, 10);
            assert_eq!(
                hits.iter().map(|h| h.doc).collect::<Vec<_>>(),
                vec![i as u32],
                "{w} at shard size {shard_bytes}"
            );
        }
        // Terms that are not in the index find nothing, wherever they sort.
        for absent in ["0", "aa", "abcd", "c", "退", "龘龘"] {
            let (hits, _, _) = run(&mut e, &files, absent, 10);
            assert!(hits.is_empty(), "{absent}");
        }
    }
}

#[test]
fn synonyms_travel_in_the_manifest_and_one_character_reads_its_list() {
    let docs: Vec<DocMeta> = ["退款", "退订", "发票"].iter().map(|t| meta(t)).collect();
    // `退` holds its prefix list (what the export computes); 退费 is not in
    // the index at all.
    // In term (byte) order.
    let terms: Vec<(&str, &[(u32, f32)])> = vec![
        ("发票", &[(2, 3.0)]),
        ("退", &[(0, 2.0), (1, 1.0)]),
        ("退款", &[(0, 2.0)]),
        ("退订", &[(1, 1.0)]),
    ];
    // One shard: suggestions come from the shards a search fetched.
    let groups = vec![vec!["退款".to_string(), "退费".to_string()]];
    let synonyms = search_core::Synonyms::new(&groups).unwrap_or_else(|e| panic!("{e:?}"));
    let files = export_with(&terms, &docs, 4096, 64, &synonyms);
    let mut e = Engine::new();
    let (hits, _, _) = run(&mut e, &files, "退费", 10);
    let order: Vec<u32> = hits.iter().map(|h| h.doc).collect();
    assert_eq!(order, vec![0], "退费 finds 退款");
    assert_eq!(
        e.manifest().map(|m| m.synonyms.groups().to_vec()),
        Some(groups)
    );
    let (hits, _, _) = run(&mut e, &files, "退", 10);
    let order: Vec<u32> = hits.iter().map(|h| h.doc).collect();
    assert_eq!(order, vec![0, 1], "退 finds both, by its list");
    assert_eq!(hits[1].title_marks, vec![(0, "退".len())]);
    // Nothing for 退货: the shard it would be in offers 退款 and 退订.
    let (hits, _, _) = run(&mut e, &files, "退货", 10);
    assert!(hits.is_empty());
    let sug = e.suggest("退货", 5);
    assert!(
        sug.contains(&"退款".to_string()) && sug.contains(&"退订".to_string()),
        "{sug:?}"
    );
}

#[test]
fn a_manifest_of_an_older_format_is_refused() {
    let docs = vec![meta("a")];
    let mut files = export(&[("a", &[(0, 1.0)])], &docs, 64);
    let manifest = &mut files
        .iter_mut()
        .find(|f| f.0 == "manifest.bin")
        .unwrap_or_else(|| panic!("no manifest"))
        .1;
    assert_eq!(manifest[4], 5, "format version 5");
    manifest[4] = 4;
    let mut e = Engine::new();
    let err = e.put("manifest.bin", manifest.clone());
    assert!(err.is_err_and(|e| e.what == "unsupported format version"));
}

#[test]
fn every_document_is_found_across_parts_and_offset_blocks() {
    // More documents than one offset block, spread over many small parts.
    let words: Vec<String> = (0..150).map(|i| format!("w{i:03}")).collect();
    let docs: Vec<DocMeta> = words.iter().map(|w| meta(w)).collect();
    let lists: Vec<Vec<(u32, f32)>> = (0..words.len())
        .map(|i| vec![(i as u32, 1.0 + i as f32)])
        .collect();
    let terms: Vec<(&str, &[(u32, f32)])> = words
        .iter()
        .zip(&lists)
        .map(|(w, l)| (w.as_str(), l.as_slice()))
        .collect();
    for part_bytes in [1, 200, 1_000_000] {
        let files = export_with(
            &terms,
            &docs,
            64,
            part_bytes,
            &search_core::Synonyms::none(),
        );
        let doc_parts = files.iter().filter(|f| f.0.contains("/d")).count();
        assert_eq!(doc_parts > 1, part_bytes < 1_000_000, "{doc_parts} parts");
        let mut e = Engine::new();
        for (i, w) in words.iter().enumerate() {
            let (hits, _, fetched) = run(&mut e, &files, w, 10);
            assert_eq!(hits.len(), 1, "{w} at part size {part_bytes}");
            assert_eq!(hits[0].meta, docs[i], "{w}: {fetched:?}");
        }
    }
}

#[test]
fn a_search_again_fetches_nothing_and_a_new_build_drops_the_old_pieces() {
    let docs: Vec<DocMeta> = ["退款规则", "退款规则说明", "规则"]
        .iter()
        .map(|t| meta(t))
        .collect();
    let none = search_core::Synonyms::none();
    // Build a1 ranks document 0 first, build b2 (same terms) document 1.
    let a = export_build(
        &[
            ("退款", &[(0, 9.0), (1, 1.0)]),
            ("款规", &[(0, 1.0), (1, 1.0)]),
            ("规则", &[(0, 1.0), (1, 1.0), (2, 4.0)]),
        ],
        &docs,
        1,
        64,
        &none,
        "a1",
    );
    let b = export_build(
        &[
            ("退款", &[(0, 1.0), (1, 9.0)]),
            ("款规", &[(0, 1.0), (1, 1.0)]),
            ("规则", &[(0, 1.0), (1, 1.0), (2, 4.0)]),
        ],
        &docs,
        1,
        64,
        &none,
        "b2",
    );
    let mut e = Engine::new();
    let (decoded, _, _) = run(&mut e, &a, "退款规则", 10);
    let order = |h: &[search_core::Hit]| h.iter().map(|h| h.doc).collect::<Vec<u32>>();
    assert_eq!(order(&decoded), vec![0, 1, 2]);
    // Again, from the pieces the engine holds: nothing fetched, the same
    // hits, and the same for a query that shares some terms.
    let (kept, rounds, _) = run(&mut e, &a, "退款规则", 10);
    assert_eq!((rounds, &kept), (0, &decoded));
    let (part, _, _) = run(&mut e, &a, "规则 退款", 2);
    let (part_fresh, _, _) = run(&mut Engine::new(), &a, "规则 退款", 2);
    assert_eq!(part, part_fresh);
    // Another build's manifest drops the old build's pieces:
    // its own shards are fetched and rank as a fresh engine ranks them.
    e.put("manifest.bin", fetch(&b, "manifest.bin"))
        .unwrap_or_else(|e| panic!("{e}"));
    let (other, rounds, fetched) = run(&mut e, &b, "退款规则", 10);
    assert!(
        rounds > 0 && fetched.iter().all(|n| n.starts_with("b2/")),
        "{fetched:?}"
    );
    let (other_fresh, _, _) = run(&mut Engine::new(), &b, "退款规则", 10);
    assert_eq!(other, other_fresh);
    assert_eq!(order(&other), vec![1, 0, 2]);
}

/// A small deterministic generator (xorshift), for test data.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Heads and tails are an access path, not a ranking: with every list cut
/// into a head of 5 and tail blocks of 4 postings, each query ranks exactly
/// as over whole lists (same documents, scores to the bit, all-terms flags),
/// for every limit. (Heads this short save no bytes on lists this short
/// and tied; what heads save is measured at 10,000 pages, docs/search.md.) One shard holds every term, so both
/// exports quantize against the same largest impact.
#[test]
fn heads_and_tails_rank_as_whole_lists() {
    let n_docs = 400u32;
    let docs: Vec<DocMeta> = (0..n_docs).map(|d| meta(&format!("问题{d}"))).collect();
    let names = ["退款", "款规", "规则", "订单", "发票", "开票"];
    // One group of one-term words, one with a three-term word (an
    // alternative that needs all of 退款, 款规 and 规则).
    let synonyms = search_core::Synonyms::trusted(vec![
        vec!["发票".into(), "开票".into()],
        vec!["退款规则".into(), "订单".into()],
    ]);
    for seed in 1..=6u64 {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ seed);
        let lists: Vec<Vec<(u32, f32)>> = names
            .iter()
            .map(|_| {
                // Dense and sparse lists; impacts on a coarse grid, so ties
                // between documents are common.
                let keep = 1 + rng.below(4);
                let mut list = Vec::new();
                for d in 0..n_docs {
                    if rng.below(5) < keep {
                        list.push((d, 0.5 * (1 + rng.below(12)) as f32));
                    }
                }
                list
            })
            .collect();
        let terms: Vec<(&str, &[(u32, f32)])> = names
            .iter()
            .zip(&lists)
            .map(|(n, l)| (*n, l.as_slice()))
            .collect();
        let params = |head_postings, part_bytes| ExportParams {
            shard_bytes: 1 << 20,
            part_bytes,
            head_postings,
            tail_block: 4,
        };
        let whole = export_params(&terms, &docs, &params(usize::MAX, 1 << 20), &synonyms, "w");
        let split = export_params(&terms, &docs, &params(5, 512), &synonyms, "s");
        assert!(
            split.iter().filter(|f| f.0.contains("/l")).count() > 1,
            "several tails parts"
        );
        let mut tails_read = 0usize;
        for q in [
            "退款",
            "退款规则",
            "规则 订单",
            "订单 退款 发票",
            "开票",
            "退款 开票 规则",
            "发票订单",
            "款规 订单",
            "订单 开票",
        ] {
            for limit in [1, 3, 10, 50, 400] {
                let (a, _, _) = run(&mut Engine::new(), &whole, q, limit);
                let (b, rounds, fb) = run(&mut Engine::new(), &split, q, limit);
                // Then whole tails, offsets and records.
                let most = search_core::engine::WHOLE_TAILS_FROM_ROUND + 3;
                assert!(rounds <= most, "{q:?}, limit {limit}: {rounds} rounds");
                let key = |h: &[search_core::Hit]| -> Vec<(u32, u32, bool)> {
                    h.iter()
                        .map(|h| (h.doc, h.score.to_bits(), h.all))
                        .collect()
                };
                assert_eq!(key(&a), key(&b), "seed {seed}, {q:?}, limit {limit}");
                tails_read += fb.iter().filter(|n| n.contains("/l")).count();
            }
        }
        assert!(tails_read > 0, "seed {seed}: no query read a tail");
    }
}

/// The shard directory is paged (32 shards a page): with a shard per term,
/// 200 terms span 7 pages, and every term is found through its page, as is
/// the absence of terms that sort between, before or after them.
#[test]
fn every_term_is_found_across_directory_pages() {
    let words: Vec<String> = (0..200).map(|i| format!("w{:03}", i * 2)).collect();
    let docs: Vec<DocMeta> = words.iter().map(|w| meta(w)).collect();
    let lists: Vec<Vec<(u32, f32)>> = (0..words.len()).map(|i| vec![(i as u32, 1.0)]).collect();
    let terms: Vec<(&str, &[(u32, f32)])> = words
        .iter()
        .zip(&lists)
        .map(|(w, l)| (w.as_str(), l.as_slice()))
        .collect();
    let files = export(&terms, &docs, 1);
    let manifest = search_core::Manifest::decode(&fetch(&files, "manifest.bin"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(manifest.page_first.len(), 7);
    let mut e = Engine::new();
    let mut pages_read = 0;
    for (i, w) in words.iter().enumerate() {
        let (hits, _, fetched) = run(&mut e, &files, w, 10);
        assert_eq!(
            hits.iter().map(|h| h.doc).collect::<Vec<_>>(),
            vec![i as u32],
            "{w}"
        );
        pages_read += fetched.iter().filter(|n| n.contains("/s0.bin")).count();
    }
    // Each page read once, by the first of its terms, and kept.
    assert_eq!(pages_read, 7);
    for absent in ["a", "w001", "w063", "w064x", "w399", "x"] {
        let (hits, _, _) = run(&mut e, &files, absent, 10);
        assert!(hits.is_empty(), "{absent}");
    }
}
