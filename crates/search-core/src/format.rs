//! The static index format: byte layout, encoder (export) and decoder (query).
//!
//! All files live under `search/` in the output. `manifest.bin` has a fixed
//! name; every other file sits in a directory named by the build id (a hash of
//! their bytes), so a browser never mixes files of two builds and unchanged
//! builds keep their cache.
//!
//! ```text
//! manifest.bin  "FQS1" ver:v build_id:s doc_count:v docs_per_chunk:v max_impact:f32le
//!               shard_count:v { shared:v suffix:s }*   (front-coded shard bounds)
//!               group_count:v { word_count:v { word:s }* }*  (synonym groups, v2)
//! <id>/t<i>.bin "FQT1" term_count:v { term:s n:v len:v postings[len] }*
//!               postings = { doc_delta:v impact:v }* (doc ids ascending, first delta from 0)
//! <id>/m<i>.bin "FQM1" count:v { title:s url:s category:s snippet:s }*
//! v = unsigned LEB128 varint (≤ 5 bytes), s = v length + UTF-8 bytes
//! ```
//!
//! A term of one CJK character holds a prefix list (format 2): the
//! [`crate::plan::PREFIX_DOCS`] documents with the highest summed impact of
//! every index term starting with that character (see [`crate::plan`]), not
//! the postings of the unigram itself.
//!
//! Impacts are quantized linearly to 16 bits, `q = round(65535 · x / max)` (at
//! least 1), with `max` the largest impact in the export. 8 bits (even on a log
//! scale) tied near-equal tantivy scores often enough to cost top-1 agreement;
//! as varints most impacts take 2 bytes.

use std::fmt;

use crate::synonyms::Synonyms;

/// Format version written in the manifest. 2: synonym groups in the
/// manifest; one-character CJK terms hold prefix lists.
pub const VERSION: u32 = 2;
/// Name of the manifest, relative to `search/`.
pub const MANIFEST: &str = "manifest.bin";

const MAGIC_MANIFEST: &[u8; 4] = b"FQS1";
const MAGIC_SHARD: &[u8; 4] = b"FQT1";
const MAGIC_META: &[u8; 4] = b"FQM1";

/// A static index file that cannot be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// Which file.
    pub file: String,
    /// What is wrong.
    pub what: &'static str,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "search index file {}: {}", self.file, self.what)
    }
}

impl std::error::Error for FormatError {}

/// Reads a static index file.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    pub(crate) fn magic(&mut self, m: &[u8; 4]) -> Option<()> {
        (self.take(4)? == m).then_some(())
    }

    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }

    pub(crate) fn u8(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.pos)?;
        self.pos = self.pos.checked_add(1)?;
        Some(b)
    }

    pub(crate) fn varint(&mut self) -> Option<u32> {
        let mut v: u32 = 0;
        for shift in [0u32, 7, 14, 21, 28] {
            let b = self.u8()?;
            let part = u32::from(b & 0x7F).checked_shl(shift)?;
            if shift == 28 && b > 0x0F {
                return None;
            }
            v |= part;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    pub(crate) fn len(&mut self) -> Option<usize> {
        usize::try_from(self.varint()?).ok()
    }

    pub(crate) fn str(&mut self) -> Option<&'a str> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?).ok()
    }

    pub(crate) fn f32(&mut self) -> Option<f32> {
        let b = self.take(4)?;
        let arr: [u8; 4] = b.try_into().ok()?;
        Some(f32::from_le_bytes(arr))
    }
}

pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let low = u8::try_from(v & 0x7F).unwrap_or(0);
        v >>= 7;
        if v == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

fn put_len(out: &mut Vec<u8>, n: usize) {
    put_varint(out, u32::try_from(n).unwrap_or(u32::MAX));
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

/// The decoded manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// Directory (under `search/`) of this build's shards and chunks.
    pub build_id: String,
    /// Number of documents.
    pub doc_count: u32,
    /// Documents per metadata chunk.
    pub docs_per_chunk: u32,
    /// The largest impact, for dequantization.
    pub max_impact: f32,
    /// The lower bound of each shard's term range, ascending: the shortest
    /// prefix of its first term that sorts after the previous shard's last
    /// term (front-coded in the file).
    pub shard_first: Vec<String>,
    /// The site's synonym groups.
    pub synonyms: Synonyms,
}

impl Manifest {
    /// Decodes a manifest.
    pub fn decode(bytes: &[u8]) -> Result<Manifest, FormatError> {
        let err = |what| FormatError {
            file: MANIFEST.to_string(),
            what,
        };
        let mut r = Reader::new(bytes);
        r.magic(MAGIC_MANIFEST)
            .ok_or(err("not a faqtory search manifest"))?;
        let version = r.varint().ok_or(err("truncated"))?;
        if version != VERSION {
            return Err(err("unsupported format version"));
        }
        let build_id = r.str().ok_or(err("truncated"))?.to_string();
        if build_id.is_empty() || !build_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(err("bad build id"));
        }
        let doc_count = r.varint().ok_or(err("truncated"))?;
        let docs_per_chunk = r.varint().ok_or(err("truncated"))?;
        if docs_per_chunk == 0 {
            return Err(err("zero docs per chunk"));
        }
        let max_impact = r.f32().ok_or(err("truncated"))?;
        if !max_impact.is_finite() || max_impact < 0.0 {
            return Err(err("bad impact bound"));
        }
        let n = r.len().ok_or(err("truncated"))?;
        let mut shard_first: Vec<String> = Vec::with_capacity(n.min(bytes.len()));
        for _ in 0..n {
            let shared = r.len().ok_or(err("truncated"))?;
            let suffix = r.str().ok_or(err("truncated"))?;
            let prev = shard_first.last().map_or("", String::as_str);
            let head = prev.get(..shared).ok_or(err("bad shard bound"))?;
            let mut bound = String::with_capacity(shared.saturating_add(suffix.len()));
            bound.push_str(head);
            bound.push_str(suffix);
            if prev >= bound.as_str() && !shard_first.is_empty() {
                return Err(err("shard bounds out of order"));
            }
            shard_first.push(bound);
        }
        let groups_n = r.len().ok_or(err("truncated"))?;
        let mut groups: Vec<Vec<String>> = Vec::with_capacity(groups_n.min(bytes.len()));
        for _ in 0..groups_n {
            let words_n = r.len().ok_or(err("truncated"))?;
            let mut words = Vec::with_capacity(words_n.min(bytes.len()));
            for _ in 0..words_n {
                words.push(r.str().ok_or(err("truncated"))?.to_string());
            }
            groups.push(words);
        }
        // Checked when the build read site.yaml.
        let synonyms = Synonyms::trusted(groups);
        Ok(Manifest {
            build_id,
            doc_count,
            docs_per_chunk,
            max_impact,
            shard_first,
            synonyms,
        })
    }

    /// The shard that would hold `term`, if there are shards.
    pub fn shard_of(&self, term: &str) -> Option<usize> {
        let i = self.shard_first.partition_point(|f| f.as_str() <= term);
        Some(i.saturating_sub(1)).filter(|_| !self.shard_first.is_empty())
    }

    /// File name (relative to `search/`) of shard `i`.
    pub fn shard_name(&self, i: usize) -> String {
        file_name(&self.build_id, "/t", i)
    }

    /// File name (relative to `search/`) of metadata chunk `i`.
    pub fn chunk_name(&self, i: u32) -> String {
        file_name(
            &self.build_id,
            "/m",
            usize::try_from(i).unwrap_or(usize::MAX),
        )
    }

    /// Dequantizes an impact.
    pub fn impact(&self, q: u32) -> f32 {
        f32::from(u16::try_from(q).unwrap_or(u16::MAX)) * (self.max_impact / QMAX)
    }
}

/// `<id><kind><n>.bin` without the formatting machinery (it is large in wasm).
fn file_name(id: &str, kind: &str, n: usize) -> String {
    let mut s = String::with_capacity(id.len().saturating_add(16));
    s.push_str(id);
    s.push_str(kind);
    push_decimal(&mut s, n);
    s.push_str(".bin");
    s
}

/// Appends `n` in decimal.
pub fn push_decimal(out: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut len = 0usize;
    let mut n = n;
    loop {
        if let Some(slot) = digits.get_mut(len) {
            *slot = b'0'.saturating_add(u8::try_from(n.checked_rem(10).unwrap_or(0)).unwrap_or(0));
        }
        len = len.saturating_add(1);
        n = n.checked_div(10).unwrap_or(0);
        if n == 0 || len >= digits.len() {
            break;
        }
    }
    for d in digits.get(..len).unwrap_or(&[]).iter().rev() {
        out.push(char::from(*d));
    }
}

const QMAX: f32 = 65535.0;

/// Quantizes an impact to 1..=65535, linear in `impact / max_impact`.
pub fn quantize(impact: f32, max_impact: f32) -> u32 {
    if impact.is_nan() || impact <= 0.0 || max_impact.is_nan() || max_impact <= 0.0 {
        return 1;
    }
    let q = (impact / max_impact * QMAX).round().clamp(1.0, QMAX);
    // In range 1..=65535 after clamping; `as` on a clamped finite float is exact.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let v = q as u32;
    v
}

/// Calls `f(term, document count, postings bytes)` for every term of a
/// shard, in order, until `f` returns false.
fn for_each_term<'a>(
    name: &str,
    shard: &'a [u8],
    mut f: impl FnMut(&'a str, u32, &'a [u8]) -> bool,
) -> Result<(), FormatError> {
    let err = |what| FormatError {
        file: name.to_string(),
        what,
    };
    let mut r = Reader::new(shard);
    r.magic(MAGIC_SHARD)
        .ok_or(err("not a faqtory search shard"))?;
    let n = r.varint().ok_or(err("truncated"))?;
    for _ in 0..n {
        let t = r.str().ok_or(err("truncated"))?;
        let count = r.varint().ok_or(err("truncated"))?;
        let len = r.len().ok_or(err("truncated"))?;
        let body = r.take(len).ok_or(err("truncated"))?;
        if !f(t, count, body) {
            break;
        }
    }
    Ok(())
}

/// Finds `term` in a shard and returns its postings bytes and count.
pub(crate) fn shard_lookup<'a>(
    name: &str,
    shard: &'a [u8],
    term: &str,
) -> Result<Option<(u32, &'a [u8])>, FormatError> {
    let mut found = None;
    // Terms are sorted: stop at the first one at or past `term`.
    for_each_term(name, shard, |t, count, body| match t.cmp(term) {
        std::cmp::Ordering::Equal => {
            found = Some((count, body));
            false
        }
        std::cmp::Ordering::Greater => false,
        std::cmp::Ordering::Less => true,
    })?;
    Ok(found)
}

/// Calls `f(term, document count)` for every term of a shard, in order.
pub(crate) fn shard_terms(
    name: &str,
    shard: &[u8],
    mut f: impl FnMut(&str, u32),
) -> Result<(), FormatError> {
    for_each_term(name, shard, |t, count, _| {
        f(t, count);
        true
    })
}

/// Decodes postings into `(doc, quantized impact)`.
pub(crate) fn decode_postings(
    name: &str,
    body: &[u8],
    count: u32,
    mut f: impl FnMut(u32, u32),
) -> Result<(), FormatError> {
    let err = |what| FormatError {
        file: name.to_string(),
        what,
    };
    let mut r = Reader::new(body);
    let mut doc: u32 = 0;
    for _ in 0..count {
        let d = r.varint().ok_or(err("truncated postings"))?;
        doc = doc.checked_add(d).ok_or(err("doc id overflow"))?;
        let q = r.varint().ok_or(err("truncated postings"))?;
        f(doc, q);
    }
    Ok(())
}

/// Metadata of one document, as shown in a result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocMeta {
    /// Question or article title.
    pub title: String,
    /// Site-relative URL with anchor.
    pub url: String,
    /// Category (may be empty).
    pub category: String,
    /// The start of the answer text, for the snippet.
    pub snippet: String,
}

/// Decodes one metadata chunk.
pub fn decode_chunk(name: &str, bytes: &[u8]) -> Result<Vec<DocMeta>, FormatError> {
    let err = |what| FormatError {
        file: name.to_string(),
        what,
    };
    let mut r = Reader::new(bytes);
    r.magic(MAGIC_META)
        .ok_or(err("not a faqtory search metadata chunk"))?;
    let n = r.len().ok_or(err("truncated"))?;
    let mut out = Vec::with_capacity(n.min(bytes.len()));
    for _ in 0..n {
        let mut s = || r.str().map(str::to_string).ok_or(err("truncated"));
        let title = s()?;
        let url = s()?;
        let category = s()?;
        let snippet = s()?;
        out.push(DocMeta {
            title,
            url,
            category,
            snippet,
        });
    }
    Ok(out)
}

/// Streams terms into term-range shards and writes the whole static index.
pub struct Exporter {
    max_impact: f32,
    shard_target: usize,
    shards: Vec<(String, Vec<u8>)>,
    cur: Vec<u8>,
    cur_terms: u32,
    cur_first: Option<String>,
    last_term: Option<String>,
    /// The last term of the shard closed before the current one.
    prev_last: Option<String>,
}

/// Export settings.
#[derive(Debug, Clone, Copy)]
pub struct ExportParams {
    /// Target shard size in bytes (a shard closes once it reaches this).
    pub shard_bytes: usize,
    /// Documents per metadata chunk.
    pub docs_per_chunk: u32,
    /// The largest impact (see [`quantize`]).
    pub max_impact: f32,
}

impl Exporter {
    /// Starts an export.
    pub fn new(params: &ExportParams) -> Self {
        Exporter {
            max_impact: params.max_impact,
            shard_target: params.shard_bytes.max(1),
            shards: Vec::new(),
            cur: Vec::new(),
            cur_terms: 0,
            cur_first: None,
            last_term: None,
            prev_last: None,
        }
    }

    /// Adds a term with its postings `(doc, impact)`; terms must come in
    /// ascending byte order and postings in ascending doc order. Out-of-order
    /// input is skipped (and reported as `false`).
    pub fn add_term(&mut self, term: &str, postings: &[(u32, f32)]) -> bool {
        if postings.is_empty() || self.last_term.as_deref().is_some_and(|l| l >= term) {
            return false;
        }
        let mut body = Vec::with_capacity(postings.len().saturating_mul(3));
        let mut prev: Option<u32> = None;
        for &(doc, impact) in postings {
            let delta = match prev {
                None => doc,
                Some(p) if doc > p => doc.wrapping_sub(p),
                Some(_) => return false,
            };
            prev = Some(doc);
            put_varint(&mut body, delta);
            put_varint(&mut body, quantize(impact, self.max_impact));
        }
        // A big posting list starts a shard of its own rather than making the
        // current shard large.
        if !self.cur.is_empty() && self.cur.len().saturating_add(body.len()) > self.shard_target {
            self.close_shard();
        }
        put_str(&mut self.cur, term);
        put_len(&mut self.cur, postings.len());
        put_len(&mut self.cur, body.len());
        self.cur.extend_from_slice(&body);
        self.cur_terms = self.cur_terms.saturating_add(1);
        if self.cur_first.is_none() {
            self.cur_first = Some(term.to_string());
        }
        self.last_term = Some(term.to_string());
        if self.cur.len() >= self.shard_target {
            self.close_shard();
        }
        true
    }

    fn close_shard(&mut self) {
        if let Some(first) = self.cur_first.take() {
            let mut bytes = Vec::with_capacity(self.cur.len().saturating_add(8));
            bytes.extend_from_slice(MAGIC_SHARD);
            put_varint(&mut bytes, self.cur_terms);
            bytes.append(&mut self.cur);
            let bound = match &self.prev_last {
                None => String::new(),
                Some(prev) => shortest_bound(prev, &first),
            };
            self.shards.push((bound, bytes));
            self.prev_last.clone_from(&self.last_term);
        }
        self.cur.clear();
        self.cur_terms = 0;
    }

    /// Finishes: returns every file `(name relative to search/, bytes)`, the
    /// manifest first.
    pub fn finish(
        mut self,
        docs: &[DocMeta],
        docs_per_chunk: u32,
        synonyms: &Synonyms,
    ) -> Vec<(String, Vec<u8>)> {
        self.close_shard();
        let per = usize::try_from(docs_per_chunk.max(1)).unwrap_or(1);
        let chunks: Vec<Vec<u8>> = docs
            .chunks(per)
            .map(|c| {
                let mut b = Vec::new();
                b.extend_from_slice(MAGIC_META);
                put_len(&mut b, c.len());
                for d in c {
                    put_str(&mut b, &d.title);
                    put_str(&mut b, &d.url);
                    put_str(&mut b, &d.category);
                    put_str(&mut b, &d.snippet);
                }
                b
            })
            .collect();
        // The build id: a hash of everything the manifest points at.
        let mut h = Fnv::new();
        for (first, s) in &self.shards {
            h.write(first.as_bytes());
            h.write(s);
        }
        for c in &chunks {
            h.write(c);
        }
        h.write(&self.max_impact.to_le_bytes());
        let id = format!("{:016x}", h.0);
        let mut manifest = Vec::new();
        manifest.extend_from_slice(MAGIC_MANIFEST);
        put_varint(&mut manifest, VERSION);
        put_str(&mut manifest, &id);
        put_len(&mut manifest, docs.len());
        put_varint(&mut manifest, docs_per_chunk.max(1));
        manifest.extend_from_slice(&self.max_impact.to_le_bytes());
        put_len(&mut manifest, self.shards.len());
        let mut prev = "";
        for (bound, _) in &self.shards {
            let shared = common_prefix(prev, bound);
            put_len(&mut manifest, shared);
            put_str(&mut manifest, bound.get(shared..).unwrap_or(""));
            prev = bound;
        }
        put_len(&mut manifest, synonyms.groups().len());
        for group in synonyms.groups() {
            put_len(&mut manifest, group.len());
            for word in group {
                put_str(&mut manifest, word);
            }
        }
        let mut files = Vec::with_capacity(
            self.shards
                .len()
                .saturating_add(chunks.len())
                .saturating_add(1),
        );
        files.push((MANIFEST.to_string(), manifest));
        for (i, (_, s)) in self.shards.into_iter().enumerate() {
            files.push((format!("{id}/t{i}.bin"), s));
        }
        for (i, c) in chunks.into_iter().enumerate() {
            files.push((format!("{id}/m{i}.bin"), c));
        }
        files
    }
}

/// The shortest char-boundary prefix of `first` that sorts after `prev`
/// (`prev < first`), so every term of the shard is at or after it and every
/// term of the shard before is below it.
fn shortest_bound(prev: &str, first: &str) -> String {
    for (i, c) in first.char_indices() {
        let end = i.saturating_add(c.len_utf8());
        if let Some(p) = first.get(..end)
            && p > prev
        {
            return p.to_string();
        }
    }
    first.to_string()
}

/// Bytes shared at the start of `a` and `b`, at a char boundary of both.
fn common_prefix(a: &str, b: &str) -> usize {
    let mut n = 0usize;
    for ((i, x), y) in a.char_indices().zip(b.chars()) {
        if x != y {
            break;
        }
        n = i.saturating_add(x.len_utf8());
    }
    n
}

/// 64-bit FNV-1a, for the build id (not for security).
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}
