//! The static index format: byte layout, encoder (export) and decoder (query).
//!
//! All files live under `search/` in the output. `manifest.bin` has a fixed
//! name; the rest sit in a folder named by the build id (a digest of what was
//! indexed and how), so a browser never mixes files of two builds and an
//! unchanged site keeps its cache. The index is packed into a few *part*
//! files of at most a few MB; a reader fetches the byte ranges it needs
//! (HTTP range requests), named as *pieces*: `<file>#<start>-<end>` (end
//! exclusive), see [`piece_range`].
//!
//! ```text
//! manifest.bin   "FQS1" ver:v build_id:s doc_count:v
//!                page_count:v { shared:v suffix:s len:v }*   (the shard directory's pages: the
//!                                                             lower bound of each, front-coded,
//!                                                             and its length in bytes)
//!                part_count:v { docs:v }*                    (documents per docs part, in id order)
//!                group_count:v { word_count:v { word:s }* }* (synonym groups)
//! <id>/s0.bin    the shard directory: pages back to back, each [`DIR_PAGE`] shards
//!                { shared:v suffix:s part:v start:v len:v }* (each shard's lower bound,
//!                front-coded within the page, and where it is: terms part, start, length)
//! <id>/t<p>.bin  shards back to back; a shard is
//!                "FQT1" scale:f32le term_count:v { term:s n:v head:v len:v body[len] }*
//!                body = [tail, when head < n] postings[head]
//!                tail = max_q:v block:v part:v at:v skip_len:v blocks_len:v
//!                postings = { doc_delta:v q:v }* (doc ids ascending, first delta from 0)
//! <id>/l<p>.bin  tails, each at its `at`: a skip table { first_delta:v bytes:v }*
//!                (one per block of `block` postings; first documents ascending, the
//!                first delta from 0), then the blocks: q:v { doc_delta:v q:v }*
//!                (the first posting is the block's first document)
//! <id>/d<p>.bin  offset:u32le × (docs + 1) (from the file's start; the last is its length),
//!                then one record per document: title:s url:s category:s snippet:s
//! v = unsigned LEB128 varint (≤ 5 bytes), s = v length + UTF-8 bytes
//! ```
//!
//! A query reads the manifest, the directory page of each query term (one
//! piece), its shard (one piece), then for each result the block of the
//! offset table that holds its document ([`DOC_BLOCK`] entries, one piece)
//! and its record (one piece). The directory is paged so the manifest, which
//! every first query reads whole, grows with the pages (a thirty-second of
//! the shards), not with the vocabulary.
//!
//! **Heads and tails.** A term with more postings than the export's head
//! size keeps only its *head* in its shard: its best postings (highest
//! impact, then lowest document), in document order. The rest, its *tail*,
//! sits in a tails part in document order, cut into blocks that a skip table
//! locates, with the largest impact of the tail (`max_q`) kept beside the
//! head. A query of common words then reads heads, and only where the heads
//! cannot settle the ranking the skip table and the blocks that hold its
//! candidates, or a whole tail (see [`crate::partial`]).
//!
//! A term of one CJK character holds a prefix list: the
//! [`crate::plan::PREFIX_DOCS`] documents with the highest summed impact of
//! every index term starting with that character (see [`crate::plan`]), not
//! the postings of the unigram itself.
//!
//! Impacts are quantized linearly to 14 bits per shard, `q = round(16383 · x /
//! scale)` (at least 1), with `scale` the largest impact in the shard, stored
//! at its head (a shard's terms are held until it closes, a few KB). 14 bits
//! is what a 2-byte varint holds; 8 bits (even on a log scale) tied
//! near-equal tantivy scores often enough to cost top-1 agreement.

use std::fmt;

use crate::synonyms::Synonyms;

/// Format version written in the manifest. 2: synonym groups in the
/// manifest; one-character CJK terms hold prefix lists. 3: packed parts
/// read by range, a scale per shard. 4: long lists split into head and tail.
/// 5: the shard directory moves out of the manifest into pages.
pub const VERSION: u32 = 5;
/// Shards per page of the shard directory.
pub const DIR_PAGE: usize = 32;
/// Entries of the documents' offset table read at once: 36 bytes, so
/// neighbouring results (questions of one page) share a read, and ten
/// scattered ones cost 0.4 KB (blocks of 32 cost 1.3 KB).
pub const DOC_BLOCK: u32 = 8;
/// Name of the manifest, relative to `search/`.
pub const MANIFEST: &str = "manifest.bin";

const MAGIC_MANIFEST: &[u8; 4] = b"FQS1";
const MAGIC_SHARD: &[u8; 4] = b"FQT1";

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

impl FormatError {
    /// An error in `file`. Out of line and called on the error path only:
    /// it allocates, and a copy at every call site costs wasm.
    #[cold]
    #[inline(never)]
    pub(crate) fn new(file: &str, what: &'static str) -> FormatError {
        FormatError {
            file: file.to_string(),
            what,
        }
    }
}

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

    pub(crate) fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or(&[])
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

/// Reads a front-coded bound (`shared:v suffix:s`, sharing its start with
/// `prev`) and the varint after it; `None` when truncated, malformed or not
/// above `prev`.
fn read_bound(r: &mut Reader<'_>, prev: Option<&String>) -> Option<(String, u32)> {
    let shared = r.len()?;
    let suffix = r.str()?;
    let value = r.varint()?;
    let p = prev.map_or("", String::as_str);
    let mut bound = String::with_capacity(shared.saturating_add(suffix.len()));
    bound.push_str(p.get(..shared)?);
    bound.push_str(suffix);
    if prev.is_some() && p >= bound.as_str() {
        return None;
    }
    Some((bound, value))
}

/// Writes `bound` front-coded against `prev`, then `value`.
fn put_bound(out: &mut Vec<u8>, prev: &str, bound: &str, value: u32) {
    let shared = common_prefix(prev, bound);
    put_len(out, shared);
    put_str(out, bound.get(shared..).unwrap_or(""));
    put_varint(out, value);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_len(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

/// The decoded manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// Folder (under `search/`) of this build's parts.
    pub build_id: String,
    /// Number of documents.
    pub doc_count: u32,
    /// The lower bound of each page of the shard directory, ascending (the
    /// bound of its first shard: the shortest prefix of the shard's first
    /// term that sorts after the previous shard's last term).
    pub page_first: Vec<String>,
    /// Where each page is in the directory file: start, end.
    page_at: Vec<(u32, u32)>,
    /// The first document of each docs part, then the document count.
    doc_part_first: Vec<u32>,
    /// The site's synonym groups.
    pub synonyms: Synonyms,
}

impl Manifest {
    /// Decodes a manifest.
    pub fn decode(bytes: &[u8]) -> Result<Manifest, FormatError> {
        let err = |what| FormatError::new(MANIFEST, what);
        let mut r = Reader::new(bytes);
        r.magic(MAGIC_MANIFEST)
            .ok_or_else(|| err("not a faqtory search manifest"))?;
        let version = r.varint().ok_or_else(|| err("truncated"))?;
        if version != VERSION {
            return Err(err("unsupported format version"));
        }
        let build_id = r.str().ok_or_else(|| err("truncated"))?.to_string();
        if build_id.is_empty() || !build_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(err("bad build id"));
        }
        let doc_count = r.varint().ok_or_else(|| err("truncated"))?;
        let n = r.len().ok_or_else(|| err("truncated"))?;
        let mut page_first: Vec<String> = Vec::with_capacity(n.min(bytes.len()));
        let mut page_at: Vec<(u32, u32)> = Vec::with_capacity(n.min(bytes.len()));
        let mut at: u32 = 0;
        for _ in 0..n {
            let (bound, len) =
                read_bound(&mut r, page_first.last()).ok_or_else(|| err("bad page bound"))?;
            let end = at
                .checked_add(len)
                .ok_or_else(|| err("directory too large"))?;
            page_first.push(bound);
            page_at.push((at, end));
            at = end;
        }
        let parts = r.len().ok_or_else(|| err("truncated"))?;
        let mut doc_part_first: Vec<u32> =
            Vec::with_capacity(parts.min(bytes.len()).saturating_add(1));
        let mut first: u32 = 0;
        for _ in 0..parts {
            doc_part_first.push(first);
            let docs = r.varint().ok_or_else(|| err("truncated"))?;
            first = first
                .checked_add(docs)
                .ok_or_else(|| err("too many documents"))?;
        }
        if first != doc_count {
            return Err(err("documents in parts do not add up"));
        }
        doc_part_first.push(first);
        let groups_n = r.len().ok_or_else(|| err("truncated"))?;
        let mut groups: Vec<Vec<String>> = Vec::with_capacity(groups_n.min(bytes.len()));
        for _ in 0..groups_n {
            let words_n = r.len().ok_or_else(|| err("truncated"))?;
            let mut words = Vec::with_capacity(words_n.min(bytes.len()));
            for _ in 0..words_n {
                words.push(r.str().ok_or_else(|| err("truncated"))?.to_string());
            }
            groups.push(words);
        }
        // Checked when the build read site.yaml.
        let synonyms = Synonyms::trusted(groups);
        Ok(Manifest {
            build_id,
            doc_count,
            page_first,
            page_at,
            doc_part_first,
            synonyms,
        })
    }

    /// The piece of the shard directory whose page would hold `term`'s
    /// shard, if there are shards.
    pub fn page_of(&self, term: &str) -> Option<String> {
        let i = self
            .page_first
            .partition_point(|f| f.as_str() <= term)
            .saturating_sub(1);
        let &(start, end) = self.page_at.get(i)?;
        Some(piece(&self.build_id, "/s", 0, start, end))
    }

    /// The piece of the shard that would hold `term`, from its directory
    /// page (the bytes of [`Manifest::page_of`]'s piece).
    pub fn shard_in_page(
        &self,
        name: &str,
        page: &[u8],
        term: &str,
    ) -> Result<Option<String>, FormatError> {
        let err = |what| FormatError::new(name, what);
        let mut r = Reader::new(page);
        let mut prev: Option<String> = None;
        let mut found: Option<(u32, u32, u32)> = None;
        while !r.rest().is_empty() {
            let (bound, part) =
                read_bound(&mut r, prev.as_ref()).ok_or_else(|| err("bad shard bound"))?;
            let start = r.varint().ok_or_else(|| err("truncated"))?;
            let len = r.varint().ok_or_else(|| err("truncated"))?;
            let end = start.checked_add(len).ok_or_else(|| err("bad shard"))?;
            // The first shard of a page holds what sorts before its bound.
            if found.is_none() || bound.as_str() <= term {
                found = Some((part, start, end));
            }
            if bound.as_str() > term {
                break;
            }
            prev = Some(bound);
        }
        Ok(found.map(|(part, start, end)| piece(&self.build_id, "/t", part, start, end)))
    }

    /// Which docs part holds `doc`, and its index there.
    fn doc_place(&self, doc: u32) -> Option<(u32, u32)> {
        if doc >= self.doc_count {
            return None;
        }
        let p = self
            .doc_part_first
            .partition_point(|&f| f <= doc)
            .checked_sub(1)?;
        let first = *self.doc_part_first.get(p)?;
        Some((u32::try_from(p).ok()?, doc.checked_sub(first)?))
    }

    /// The piece of the offset table that locates `doc`'s record: offsets
    /// of a block of [`DOC_BLOCK`] documents (and the end of the last).
    pub fn doc_block_piece(&self, doc: u32) -> Option<String> {
        let (part, k) = self.doc_place(doc)?;
        let p = usize::try_from(part).ok()?;
        let in_part = self
            .doc_part_first
            .get(p.checked_add(1)?)?
            .checked_sub(*self.doc_part_first.get(p)?)?;
        let first = k.checked_div(DOC_BLOCK)?.checked_mul(DOC_BLOCK)?;
        let last = first.checked_add(DOC_BLOCK)?.min(in_part);
        let start = first.checked_mul(4)?;
        let end = last.checked_add(1)?.checked_mul(4)?;
        Some(piece(&self.build_id, "/d", part, start, end))
    }

    /// The piece holding `doc`'s record, given its offset-table block (the
    /// bytes of [`Manifest::doc_block_piece`]).
    pub fn doc_piece(&self, doc: u32, block: &[u8]) -> Option<String> {
        let (part, k) = self.doc_place(doc)?;
        let i = usize::try_from(k.checked_rem(DOC_BLOCK)?).ok()?;
        let at = |j: usize| -> Option<u32> {
            let b = block.get(j.checked_mul(4)?..j.checked_mul(4)?.checked_add(4)?)?;
            Some(u32::from_le_bytes(b.try_into().ok()?))
        };
        let (start, end) = (at(i)?, at(i.checked_add(1)?)?);
        (start < end).then(|| piece(&self.build_id, "/d", part, start, end))
    }

    /// Dequantizes an impact against its term's scale.
    pub fn impact(q: u32, scale: f32) -> f32 {
        f32::from(u16::try_from(q.min(QMAX_INT)).unwrap_or(u16::MAX)) * (scale / QMAX)
    }
}

/// `<id><kind><part>.bin#<start>-<end>` without the formatting machinery
/// (it is large in wasm).
fn piece(id: &str, kind: &str, part: u32, start: u32, end: u32) -> String {
    let file = part_name(id, kind, usize::try_from(part).unwrap_or(usize::MAX));
    range_piece(&file, start, end)
}

/// Splits a piece name into its file (relative to `search/`) and byte range
/// `[start, end)`; `None` for a name that is not a well-formed piece (the
/// manifest is a whole file, not a piece).
pub fn piece_range(name: &str) -> Option<(&str, u64, u64)> {
    let (file, range) = name.split_once('#')?;
    let (a, b) = range.split_once('-')?;
    let num = |s: &str| -> Option<u64> {
        if s.is_empty() || s.len() > 12 || !s.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let (a, b) = (num(a)?, num(b)?);
    (a < b && !file.is_empty()).then_some((file, a, b))
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

/// The largest quantized impact: the most a 2-byte varint holds.
const QMAX_INT: u32 = 16383;
const QMAX: f32 = 16383.0;

/// Quantizes an impact to 1..=16383, linear in `impact / max_impact`.
pub fn quantize(impact: f32, max_impact: f32) -> u32 {
    if impact.is_nan() || impact <= 0.0 || max_impact.is_nan() || max_impact <= 0.0 {
        return 1;
    }
    let q = (impact / max_impact * QMAX).round().clamp(1.0, QMAX);
    // In range 1..=16383 after clamping; `as` on a clamped finite float is exact.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let v = q as u32;
    v
}

/// One term of a shard: its text, document count, scale, head postings
/// bytes and, for a long list, where its tail is.
pub(crate) struct TermEntry<'a> {
    pub(crate) term: &'a str,
    pub(crate) count: u32,
    pub(crate) head: u32,
    pub(crate) scale: f32,
    pub(crate) body: &'a [u8],
    pub(crate) tail: Option<Tail>,
}

/// Where a long list's tail is: `count` postings in blocks of `block`, at
/// `at` in tails part `part`, a skip table of `skip_len` bytes and then
/// `blocks_len` bytes of blocks; `max_q` is the largest quantized impact in
/// it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tail {
    pub(crate) count: u32,
    pub(crate) max_q: u32,
    pub(crate) block: u32,
    pub(crate) part: u32,
    pub(crate) at: u32,
    pub(crate) skip_len: u32,
    pub(crate) blocks_len: u32,
}

/// One block of a tail: its first document and its bytes, `[start, end)`
/// in the tails part, and how many postings it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TailBlock {
    pub(crate) first: u32,
    pub(crate) start: u32,
    pub(crate) end: u32,
    pub(crate) count: u32,
}

impl Tail {
    /// The file of the tails part (relative to `search/`).
    pub(crate) fn file(&self, build_id: &str) -> String {
        part_name(
            build_id,
            "/l",
            usize::try_from(self.part).unwrap_or(usize::MAX),
        )
    }

    /// The skip table's byte range in the tails part.
    pub(crate) fn skip_range(&self) -> Option<(u32, u32)> {
        Some((self.at, self.at.checked_add(self.skip_len)?))
    }

    /// The whole tail's byte range (skip table and blocks).
    pub(crate) fn whole_range(&self) -> Option<(u32, u32)> {
        Some((
            self.at,
            self.at
                .checked_add(self.skip_len)?
                .checked_add(self.blocks_len)?,
        ))
    }
}

/// The piece `<file>#<start>-<end>`.
pub(crate) fn range_piece(file: &str, start: u32, end: u32) -> String {
    let mut s = String::with_capacity(file.len().saturating_add(24));
    s.push_str(file);
    s.push('#');
    let n = |v: u32| usize::try_from(v).unwrap_or(usize::MAX);
    push_decimal(&mut s, n(start));
    s.push('-');
    push_decimal(&mut s, n(end));
    s
}

/// Calls `f` for every term of a shard, in order, until `f` returns false.
fn for_each_term<'a>(
    name: &str,
    shard: &'a [u8],
    mut f: impl FnMut(TermEntry<'a>) -> bool,
) -> Result<(), FormatError> {
    let err = |what| FormatError::new(name, what);
    let mut r = Reader::new(shard);
    r.magic(MAGIC_SHARD)
        .ok_or_else(|| err("not a faqtory search shard"))?;
    let scale = r.f32().ok_or_else(|| err("truncated"))?;
    if !scale.is_finite() || scale < 0.0 {
        return Err(err("bad impact scale"));
    }
    let n = r.varint().ok_or_else(|| err("truncated"))?;
    for _ in 0..n {
        let term = r.str().ok_or_else(|| err("truncated"))?;
        let count = r.varint().ok_or_else(|| err("truncated"))?;
        let head = r.varint().ok_or_else(|| err("truncated"))?;
        let len = r.len().ok_or_else(|| err("truncated"))?;
        let mut body = Reader::new(r.take(len).ok_or_else(|| err("truncated"))?);
        let tail = match count.checked_sub(head) {
            None => return Err(err("head longer than its list")),
            Some(0) => None,
            Some(rest) => {
                let mut v = || body.varint().ok_or_else(|| err("truncated tail"));
                let tail = Tail {
                    count: rest,
                    max_q: v()?,
                    block: v()?,
                    part: v()?,
                    at: v()?,
                    skip_len: v()?,
                    blocks_len: v()?,
                };
                if tail.block == 0 || tail.whole_range().is_none() {
                    return Err(err("bad tail"));
                }
                Some(tail)
            }
        };
        let body = body.rest();
        if !f(TermEntry {
            term,
            count,
            head,
            scale,
            body,
            tail,
        }) {
            break;
        }
    }
    Ok(())
}

/// Finds `term` in a shard.
pub(crate) fn shard_lookup<'a>(
    name: &str,
    shard: &'a [u8],
    term: &str,
) -> Result<Option<TermEntry<'a>>, FormatError> {
    let mut found = None;
    // Terms are sorted: stop at the first one at or past `term`.
    for_each_term(name, shard, |e| match e.term.cmp(term) {
        std::cmp::Ordering::Equal => {
            found = Some(e);
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
    for_each_term(name, shard, |e| {
        f(e.term, e.count);
        true
    })
}

/// Decodes `count` postings into `(doc, quantized impact)`, documents
/// counted from 0.
pub(crate) fn decode_postings(
    name: &str,
    body: &[u8],
    count: u32,
    mut f: impl FnMut(u32, u32),
) -> Result<(), FormatError> {
    let err = |what| FormatError::new(name, what);
    let mut r = Reader::new(body);
    let mut doc: u32 = 0;
    for _ in 0..count {
        let d = r.varint().ok_or_else(|| err("truncated postings"))?;
        doc = doc.checked_add(d).ok_or_else(|| err("doc id overflow"))?;
        let q = r.varint().ok_or_else(|| err("truncated postings"))?;
        f(doc, q);
    }
    Ok(())
}

/// Decodes a tail's skip table (the bytes of its skip range) into its
/// blocks, checked against the tail's counts and lengths.
pub(crate) fn decode_skip(
    name: &str,
    bytes: &[u8],
    tail: &Tail,
) -> Result<Vec<TailBlock>, FormatError> {
    let err = |what| FormatError::new(name, what);
    let n = tail
        .count
        .div_ceil(tail.block)
        .min(u32::try_from(bytes.len()).unwrap_or(u32::MAX));
    let mut r = Reader::new(bytes);
    let mut blocks = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
    let (mut first, mut start) = (0u32, tail.at.checked_add(tail.skip_len));
    let mut left = tail.count;
    for i in 0..n {
        let d = r.varint().ok_or_else(|| err("truncated skip table"))?;
        let len = r.varint().ok_or_else(|| err("truncated skip table"))?;
        if i > 0 && d == 0 {
            return Err(err("skip table out of order"));
        }
        first = first.checked_add(d).ok_or_else(|| err("doc id overflow"))?;
        let s = start.ok_or_else(|| err("bad tail"))?;
        let end = s.checked_add(len).ok_or_else(|| err("bad tail"))?;
        let count = left.min(tail.block);
        left = left.saturating_sub(count);
        blocks.push(TailBlock {
            first,
            start: s,
            end,
            count,
        });
        start = Some(end);
    }
    if left != 0 || start != tail.whole_range().map(|w| w.1) || !r.rest().is_empty() {
        return Err(err("skip table does not match its tail"));
    }
    Ok(blocks)
}

/// Decodes one block of a tail (its bytes) into `(doc, quantized impact)`.
pub(crate) fn decode_block(
    name: &str,
    bytes: &[u8],
    block: &TailBlock,
    mut f: impl FnMut(u32, u32),
) -> Result<(), FormatError> {
    let err = |what| FormatError::new(name, what);
    let mut r = Reader::new(bytes);
    let mut doc = block.first;
    for i in 0..block.count {
        if i > 0 {
            let d = r.varint().ok_or_else(|| err("truncated postings"))?;
            if d == 0 {
                return Err(err("postings out of order"));
            }
            doc = doc.checked_add(d).ok_or_else(|| err("doc id overflow"))?;
        }
        let q = r.varint().ok_or_else(|| err("truncated postings"))?;
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

/// Decodes one document's record (a piece of a docs part).
pub fn decode_record(name: &str, bytes: &[u8]) -> Result<DocMeta, FormatError> {
    let err = |what| FormatError::new(name, what);
    let mut r = Reader::new(bytes);
    let mut s = || {
        r.str()
            .map(str::to_string)
            .ok_or_else(|| err("truncated record"))
    };
    Ok(DocMeta {
        title: s()?,
        url: s()?,
        category: s()?,
        snippet: s()?,
    })
}

/// Export settings.
#[derive(Debug, Clone, Copy)]
pub struct ExportParams {
    /// Target shard size in bytes (a shard closes once it reaches this).
    pub shard_bytes: usize,
    /// Target part size in bytes (a part closes once it reaches this).
    pub part_bytes: usize,
    /// Postings a term keeps in its shard (its head); a longer list puts
    /// the rest in a tail.
    pub head_postings: usize,
    /// Postings per block of a tail.
    pub tail_block: usize,
}

/// Writes the static index as terms and documents arrive: terms in byte
/// order, documents in id order. Finished parts are handed out as they
/// fill ([`Exporter::take_ready`]), so an export holds about one part of
/// each kind in memory, not the whole index.
pub struct Exporter {
    build_id: String,
    shard_target: usize,
    part_target: usize,
    head: usize,
    block: usize,
    // The shard being filled: its terms and postings (quantized when it
    // closes, against its largest impact) and its estimated size.
    cur: Vec<(String, Vec<(u32, f32)>)>,
    cur_bytes: usize,
    last_term: Option<String>,
    /// The last term of the shard closed before the current one.
    prev_last: Option<String>,
    /// Every closed shard: lower bound, terms part, start and length.
    shards: Vec<(String, u32, u32, u32)>,
    /// The terms part (`t<n>.bin`) being filled.
    terms: Part,
    /// The tails part (`l<n>.bin`) being filled.
    tails: Part,
    // The docs part being filled: records and their offsets from the
    // first record; the document count of each closed part.
    docs_part: Vec<u8>,
    docs_offsets: Vec<u32>,
    docs_parts: Vec<u32>,
    doc_count: u32,
    ready: Vec<(String, Vec<u8>)>,
}

impl Exporter {
    /// Starts an export into the folder `build_id` (ASCII letters and
    /// digits; anything else is dropped).
    pub fn new(params: &ExportParams, build_id: &str) -> Self {
        let mut id: String = build_id
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        if id.is_empty() {
            id.push('0');
        }
        Exporter {
            build_id: id,
            shard_target: params.shard_bytes.max(1),
            part_target: params.part_bytes.max(1),
            head: params.head_postings.max(1),
            block: params.tail_block.max(1),
            cur: Vec::new(),
            cur_bytes: 0,
            last_term: None,
            prev_last: None,
            shards: Vec::new(),
            terms: Part::default(),
            tails: Part::default(),
            docs_part: Vec::new(),
            docs_offsets: Vec::new(),
            docs_parts: Vec::new(),
            doc_count: 0,
            ready: Vec::new(),
        }
    }

    /// Adds a term with its postings `(doc, impact)`; terms must come in
    /// ascending byte order and postings in ascending doc order. Out-of-order
    /// input is skipped (and reported as `false`).
    pub fn add_term(&mut self, term: &str, postings: &[(u32, f32)]) -> bool {
        if postings.is_empty()
            || self.last_term.as_deref().is_some_and(|l| l >= term)
            || postings
                .windows(2)
                .any(|w| matches!(w, [a, b] if a.0 >= b.0))
        {
            return false;
        }
        // About 3 bytes per posting as varints, 4 in a head (its documents
        // are further apart), plus the term's header.
        let size = if postings.len() > self.head {
            self.head.saturating_mul(4).saturating_add(16)
        } else {
            postings.len().saturating_mul(3)
        };
        let size = size.saturating_add(term.len()).saturating_add(4);
        // A big posting list starts a shard of its own rather than making the
        // current shard large.
        if !self.cur.is_empty() && self.cur_bytes.saturating_add(size) > self.shard_target {
            self.close_shard();
        }
        self.cur.push((term.to_string(), postings.to_vec()));
        self.cur_bytes = self.cur_bytes.saturating_add(size);
        self.last_term = Some(term.to_string());
        if self.cur_bytes >= self.shard_target {
            self.close_shard();
        }
        true
    }

    fn close_shard(&mut self) {
        let terms = std::mem::take(&mut self.cur);
        self.cur_bytes = 0;
        let Some(first) = terms.first().map(|t| t.0.clone()) else {
            return;
        };
        let scale = terms
            .iter()
            .flat_map(|t| t.1.iter().map(|p| p.1))
            .filter(|x| x.is_finite())
            .fold(0f32, f32::max);
        let start = self.terms.bytes.len();
        let out = &mut self.terms.bytes;
        out.extend_from_slice(MAGIC_SHARD);
        out.extend_from_slice(&scale.to_le_bytes());
        put_len(out, terms.len());
        let mut body = Vec::new();
        for (term, postings) in &terms {
            body.clear();
            let head_len = if postings.len() > self.head {
                let (head, tail) = split_head(postings, self.head);
                self.write_tail(&tail, scale, &mut body);
                put_postings(&mut body, &head, scale);
                head.len()
            } else {
                put_postings(&mut body, postings, scale);
                postings.len()
            };
            let out = &mut self.terms.bytes;
            put_str(out, term);
            put_len(out, postings.len());
            put_len(out, head_len);
            put_len(out, body.len());
            out.extend_from_slice(&body);
        }
        let len = self.terms.bytes.len().saturating_sub(start);
        let bound = match &self.prev_last {
            None => String::new(),
            Some(prev) => shortest_bound(prev, &first),
        };
        let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.shards
            .push((bound, to_u32(self.terms.closed), to_u32(start), to_u32(len)));
        self.prev_last = terms.last().map(|t| t.0.clone());
        if self.terms.bytes.len() >= self.part_target {
            self.terms.close(&self.build_id, "/t", &mut self.ready);
        }
    }

    /// Writes a tail (ascending by document) into the tails part and its
    /// descriptor into `desc`.
    fn write_tail(&mut self, tail: &[(u32, f32)], scale: f32, desc: &mut Vec<u8>) {
        let mut skip = Vec::new();
        let mut blocks = Vec::new();
        let mut prev_first = 0u32;
        let mut max_q = 0u32;
        for chunk in tail.chunks(self.block) {
            let at = blocks.len();
            let mut prev = None;
            for &(doc, impact) in chunk {
                let q = quantize(impact, scale);
                max_q = max_q.max(q);
                if let Some(p) = prev {
                    put_varint(&mut blocks, doc.wrapping_sub(p));
                }
                put_varint(&mut blocks, q);
                prev = Some(doc);
            }
            let first = chunk.first().map_or(0, |p| p.0);
            put_varint(&mut skip, first.wrapping_sub(prev_first));
            put_len(&mut skip, blocks.len().saturating_sub(at));
            prev_first = first;
        }
        let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        put_varint(desc, max_q);
        put_len(desc, self.block);
        put_len(desc, self.tails.closed);
        put_len(desc, self.tails.bytes.len());
        put_varint(desc, to_u32(skip.len()));
        put_varint(desc, to_u32(blocks.len()));
        self.tails.bytes.extend_from_slice(&skip);
        self.tails.bytes.extend_from_slice(&blocks);
        if self.tails.bytes.len() >= self.part_target {
            self.tails.close(&self.build_id, "/l", &mut self.ready);
        }
    }

    /// Adds the next document's metadata (documents come in id order, from 0).
    pub fn add_doc(&mut self, doc: &DocMeta) {
        self.docs_offsets
            .push(u32::try_from(self.docs_part.len()).unwrap_or(u32::MAX));
        put_str(&mut self.docs_part, &doc.title);
        put_str(&mut self.docs_part, &doc.url);
        put_str(&mut self.docs_part, &doc.category);
        put_str(&mut self.docs_part, &doc.snippet);
        self.doc_count = self.doc_count.saturating_add(1);
        if self.docs_part.len() >= self.part_target {
            self.close_docs_part();
        }
    }

    fn close_docs_part(&mut self) {
        let n = self.docs_offsets.len();
        if n == 0 {
            return;
        }
        // The offset table comes first; offsets count from the file's start.
        let table = n.saturating_add(1).saturating_mul(4);
        let mut bytes = Vec::with_capacity(table.saturating_add(self.docs_part.len()));
        let base = u32::try_from(table).unwrap_or(u32::MAX);
        let end = u32::try_from(self.docs_part.len()).unwrap_or(u32::MAX);
        for &o in self.docs_offsets.iter().chain(std::iter::once(&end)) {
            bytes.extend_from_slice(&base.saturating_add(o).to_le_bytes());
        }
        bytes.append(&mut self.docs_part);
        let name = part_name(&self.build_id, "/d", self.docs_parts.len());
        self.ready.push((name, bytes));
        self.docs_parts.push(u32::try_from(n).unwrap_or(u32::MAX));
        self.docs_offsets.clear();
    }

    /// The parts finished since the last call, as `(name relative to
    /// search/, bytes)`.
    pub fn take_ready(&mut self) -> Vec<(String, Vec<u8>)> {
        std::mem::take(&mut self.ready)
    }

    /// Finishes: the parts not yet handed out, then the manifest.
    pub fn finish(mut self, synonyms: &Synonyms) -> Vec<(String, Vec<u8>)> {
        self.close_shard();
        self.terms.close(&self.build_id, "/t", &mut self.ready);
        self.tails.close(&self.build_id, "/l", &mut self.ready);
        self.close_docs_part();
        let mut manifest = Vec::new();
        manifest.extend_from_slice(MAGIC_MANIFEST);
        put_varint(&mut manifest, VERSION);
        put_str(&mut manifest, &self.build_id);
        put_varint(&mut manifest, self.doc_count);
        // The shard directory, in pages; the manifest names the pages.
        let mut files = std::mem::take(&mut self.ready);
        let mut dir = Vec::new();
        let pages: Vec<_> = self.shards.chunks(DIR_PAGE).collect();
        put_len(&mut manifest, pages.len());
        let mut prev_page = "";
        for page in pages {
            let at = dir.len();
            let mut prev = "";
            for (bound, part, start, len) in page {
                put_bound(&mut dir, prev, bound, *part);
                put_varint(&mut dir, *start);
                put_varint(&mut dir, *len);
                prev = bound;
            }
            let first = page.first().map_or("", |s| s.0.as_str());
            let len = u32::try_from(dir.len().saturating_sub(at)).unwrap_or(u32::MAX);
            put_bound(&mut manifest, prev_page, first, len);
            prev_page = first;
        }
        if !dir.is_empty() {
            files.push((part_name(&self.build_id, "/s", 0), dir));
        }
        put_len(&mut manifest, self.docs_parts.len());
        for &n in &self.docs_parts {
            put_varint(&mut manifest, n);
        }
        put_len(&mut manifest, synonyms.groups().len());
        for group in synonyms.groups() {
            put_len(&mut manifest, group.len());
            for word in group {
                put_str(&mut manifest, word);
            }
        }
        files.push((MANIFEST.to_string(), manifest));
        files
    }
}

/// Postings (ascending by document) as document deltas from 0 and
/// impacts quantized against `scale`.
fn put_postings(out: &mut Vec<u8>, postings: &[(u32, f32)], scale: f32) {
    let mut prev = 0u32;
    for &(doc, impact) in postings {
        put_varint(out, doc.wrapping_sub(prev));
        put_varint(out, quantize(impact, scale));
        prev = doc;
    }
}

/// A posting list: `(document, impact)`, ascending by document.
type Postings = Vec<(u32, f32)>;

/// Splits a list (ascending by document) into its best `n` postings
/// (highest impact, then lowest document) and the rest, both ascending by
/// document.
fn split_head(postings: &[(u32, f32)], n: usize) -> (Postings, Postings) {
    let head = crate::plan::cut_best(postings.to_vec(), n);
    let mut tail = Vec::with_capacity(postings.len().saturating_sub(head.len()));
    let mut h = head.iter().peekable();
    for &p in postings {
        if h.peek().is_some_and(|x| x.0 == p.0) {
            h.next();
        } else {
            tail.push(p);
        }
    }
    (head, tail)
}

/// `<id><kind><n>.bin`.
/// A part file being filled (terms or tails): its bytes, and how many parts
/// of its kind were closed before it.
#[derive(Debug, Default)]
struct Part {
    bytes: Vec<u8>,
    closed: usize,
}

impl Part {
    /// Hands the part out as `<id><kind><n>.bin` and starts the next one.
    /// An empty part is not written: entries are never empty, so no part
    /// holds none.
    fn close(&mut self, id: &str, kind: &str, ready: &mut Vec<(String, Vec<u8>)>) {
        if self.bytes.is_empty() {
            return;
        }
        ready.push((
            part_name(id, kind, self.closed),
            std::mem::take(&mut self.bytes),
        ));
        self.closed = self.closed.saturating_add(1);
    }
}

fn part_name(id: &str, kind: &str, n: usize) -> String {
    let mut s = String::with_capacity(id.len().saturating_add(16));
    s.push_str(id);
    s.push_str(kind);
    push_decimal(&mut s, n);
    s.push_str(".bin");
    s
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

/// 64-bit FNV-1a, for build ids (not for security): stable across
/// platforms and compiler versions, unlike std's hasher.
#[derive(Debug, Clone)]
pub struct Digest(u64);

impl Default for Digest {
    fn default() -> Self {
        Digest(0xcbf2_9ce4_8422_2325)
    }
}

impl Digest {
    /// Feeds bytes.
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// Feeds a string and its length (so `"ab","c"` and `"a","bc"` differ).
    pub fn write_str(&mut self, s: &str) {
        self.write(&u64::try_from(s.len()).unwrap_or(u64::MAX).to_le_bytes());
        self.write(s.as_bytes());
    }

    /// The digest as 16 hex digits.
    pub fn hex(&self) -> String {
        let mut s = String::with_capacity(16);
        for shift in (0..16u32).rev() {
            let nibble = self.0.checked_shr(shift.saturating_mul(4)).unwrap_or(0) & 0xF;
            s.push(char::from_digit(u32::try_from(nibble).unwrap_or(0), 16).unwrap_or('0'));
        }
        s
    }
}
