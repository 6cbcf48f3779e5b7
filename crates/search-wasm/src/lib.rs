//! search-core for the browser: a plain `extern "C"` ABI, no wasm-bindgen.
//!
//! Memory protocol (see themes/default/static/js/search.js):
//! * `fq_alloc(len) -> ptr` / `fq_free(ptr, len)`: buffers for JS to write
//!   UTF-8 strings and file bytes into.
//! * Calls that produce text write it to an output buffer and return its
//!   length; `fq_out_ptr()` is where it starts. It stays valid until the next
//!   call that produces text.
//! * `fq_put(name, name_len, bytes, bytes_len) -> 0 | 1`: hands a fetched
//!   index file to the engine (copied; 1 = not a valid file).
//! * `fq_search(q, q_len, limit, round) -> out_len` (`round`: rounds of
//!   fetching this search has done, from 0): JSON, one of
//!   `{"need":["<name>",…]}` (fetch `search/<name>`, `fq_put` it, search
//!   again), `{"hits":[{"title","url","category","snippet","score","all",
//!   "title_marks":[[s,e]…],"snippet_marks":[…]}…]}` (marks in UTF-16 code
//!   units) or `{"error":"…"}`.
//! * `fq_suggest(q, q_len, max) -> out_len`: JSON `["term",…]`, terms that
//!   exist near the query's unmatched terms, from the shards a search of `q`
//!   fetched (for an empty result).
//! * `fq_tokenize(text, len, index) -> out_len`: JSON `[["token",start,end],…]`
//!   with UTF-8 byte offsets; `index` 1 gives index tokens (for tests).
//!
//! Text that is not UTF-8 is treated as empty (TextEncoder always produces
//! UTF-8, turning lone surrogates into U+FFFD), so nothing JS passes can make
//! the module trap.

// Borrowed with `try_borrow*` only: `borrow*` panics, and its panic
// messages bring the formatting machinery into the module (2 KB).
use std::cell::RefCell;

use search_core::snippet::utf16_offset;
use search_core::{Engine, Step};

thread_local! {
    static ENGINE: RefCell<Engine> = RefCell::new(Engine::new());
    static OUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Allocates `len` bytes for JS to fill.
#[unsafe(no_mangle)]
pub extern "C" fn fq_alloc(len: usize) -> *mut u8 {
    let mut v: Vec<u8> = Vec::with_capacity(len.max(1));
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

/// Frees a buffer from [`fq_alloc`].
///
/// # Safety
/// `ptr` and `len` must come from one `fq_alloc(len)` call, freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fq_free(ptr: *mut u8, len: usize) {
    if !ptr.is_null() {
        // SAFETY: per the contract, `ptr` was allocated by `fq_alloc(len)`
        // with capacity `len.max(1)` and is freed once.
        drop(unsafe { Vec::from_raw_parts(ptr, 0, len.max(1)) });
    }
}

/// Where the last output starts.
#[unsafe(no_mangle)]
pub extern "C" fn fq_out_ptr() -> *const u8 {
    OUT.with(|o| o.try_borrow().map_or(std::ptr::null(), |o| o.as_ptr()))
}

/// # Safety
/// `ptr..ptr+len` must be readable (a buffer from `fq_alloc`).
unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if ptr.is_null() || len == 0 {
        return &[];
    }
    // SAFETY: the caller guarantees the range is readable.
    unsafe { std::slice::from_raw_parts(ptr, len) }
}

fn set_out(s: String) -> usize {
    let n = s.len();
    OUT.with(|o| match o.try_borrow_mut() {
        Ok(mut o) => {
            *o = s.into_bytes();
            n
        }
        Err(_) => 0,
    })
}

/// Hands an index file to the engine. Returns 0, or 1 when it is invalid.
///
/// # Safety
/// Both ranges must be readable buffers from `fq_alloc`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fq_put(
    name: *const u8,
    name_len: usize,
    data: *const u8,
    data_len: usize,
) -> u32 {
    // SAFETY: forwarded caller contract.
    let (name, data) = unsafe { (bytes(name, name_len), bytes(data, data_len)) };
    let name = std::str::from_utf8(name).unwrap_or("");
    let ok = ENGINE.with(|e| {
        e.try_borrow_mut()
            .is_ok_and(|mut e| e.put(name, data.to_vec()).is_ok())
    });
    u32::from(!ok)
}

/// Searches; see the module docs for the JSON.
///
/// # Safety
/// `q..q+q_len` must be a readable buffer from `fq_alloc`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fq_search(q: *const u8, q_len: usize, limit: u32, round: u32) -> usize {
    // SAFETY: forwarded caller contract.
    let q = std::str::from_utf8(unsafe { bytes(q, q_len) }).unwrap_or("");
    let limit = usize::try_from(limit).unwrap_or(10).min(100);
    let step = ENGINE.with(|e| match e.try_borrow() {
        Ok(e) => e.search(q, limit, usize::try_from(round).unwrap_or(usize::MAX)),
        Err(_) => Err(search_core::FormatError {
            file: String::new(),
            what: "engine busy",
        }),
    });
    let mut s = String::new();
    match step {
        Err(e) => {
            s.push_str("{\"error\":");
            let mut msg = e.file.clone();
            msg.push_str(": ");
            msg.push_str(e.what);
            json_str(&mut s, &msg);
            s.push('}');
        }
        Ok(Step::Need(names)) => {
            s.push_str("{\"need\":[");
            for (i, n) in names.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                json_str(&mut s, n);
            }
            s.push_str("]}");
        }
        Ok(Step::Done(hits)) => {
            s.push_str("{\"hits\":[");
            for (i, h) in hits.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                s.push_str("{\"title\":");
                json_str(&mut s, &h.meta.title);
                s.push_str(",\"url\":");
                json_str(&mut s, &h.meta.url);
                s.push_str(",\"category\":");
                json_str(&mut s, &h.meta.category);
                s.push_str(",\"snippet\":");
                json_str(&mut s, &h.snippet);
                s.push_str(",\"score\":");
                json_num(&mut s, h.score);
                s.push_str(if h.all {
                    ",\"all\":true"
                } else {
                    ",\"all\":false"
                });
                s.push_str(",\"title_marks\":");
                json_marks(&mut s, &h.meta.title, &h.title_marks);
                s.push_str(",\"snippet_marks\":");
                json_marks(&mut s, &h.snippet, &h.snippet_marks);
                s.push('}');
            }
            s.push_str("]}");
        }
    }
    set_out(s)
}

/// Suggests terms for a query that found nothing; see the module docs.
///
/// # Safety
/// `q..q+q_len` must be a readable buffer from `fq_alloc`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fq_suggest(q: *const u8, q_len: usize, max: u32) -> usize {
    // SAFETY: forwarded caller contract.
    let q = std::str::from_utf8(unsafe { bytes(q, q_len) }).unwrap_or("");
    let max = usize::try_from(max).unwrap_or(5).min(20);
    let terms = ENGINE.with(|e| {
        e.try_borrow()
            .map(|e| e.suggest(q, max))
            .unwrap_or_default()
    });
    let mut s = String::from("[");
    for (i, t) in terms.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        json_str(&mut s, t);
    }
    s.push(']');
    set_out(s)
}

/// Tokenizes text; see the module docs for the JSON.
///
/// # Safety
/// `text..text+len` must be a readable buffer from `fq_alloc`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fq_tokenize(text: *const u8, len: usize, index: u32) -> usize {
    // SAFETY: forwarded caller contract.
    let t = std::str::from_utf8(unsafe { bytes(text, len) }).unwrap_or("");
    let mut s = String::from("[");
    let mut first = true;
    let each = |tok: search_core::Token| {
        if !first {
            s.push(',');
        }
        first = false;
        s.push('[');
        json_str(&mut s, &tok.text);
        s.push(',');
        push_uint(&mut s, tok.start);
        s.push(',');
        push_uint(&mut s, tok.end);
        s.push(']');
    };
    if index == 0 {
        search_core::tokenize::tokenize_with(t, each);
    } else {
        search_core::tokenize::tokenize_index_with(t, each);
    }
    s.push(']');
    set_out(s)
}

fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                out.push_str("\\u00");
                let v = u32::from(c);
                for d in [v >> 4, v & 0xF] {
                    out.push(char::from_digit(d, 16).unwrap_or('0'));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_uint(out: &mut String, mut n: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i = i.saturating_sub(1);
        let d = u8::try_from(n % 10).unwrap_or(0);
        if let Some(slot) = buf.get_mut(i) {
            *slot = b'0'.saturating_add(d);
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(buf.get(i..).unwrap_or(&[])).unwrap_or("0"));
}

/// A score with three decimals (scores are non-negative and finite).
fn json_num(out: &mut String, x: f32) {
    let x = if x.is_finite() && x > 0.0 { x } else { 0.0 };
    // Truncation is intended: a non-negative finite score in thousandths.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let milli = (f64::from(x) * 1000.0).round().min(1e15) as usize;
    push_uint(out, milli / 1000);
    out.push('.');
    let frac = milli % 1000;
    if frac < 100 {
        out.push('0');
    }
    if frac < 10 {
        out.push('0');
    }
    push_uint(out, frac);
}

fn json_marks(out: &mut String, text: &str, marks: &[(usize, usize)]) {
    out.push('[');
    for (i, &(a, b)) in marks.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        push_uint(out, utf16_offset(text, a));
        out.push(',');
        push_uint(out, utf16_offset(text, b));
        out.push(']');
    }
    out.push(']');
}
