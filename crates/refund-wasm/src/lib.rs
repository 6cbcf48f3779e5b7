//! The refund engine for the browser: a plain `extern "C"` ABI, no
//! wasm-bindgen (the site's JavaScript is a few lines of glue).
//!
//! Exports:
//! - `alloc(len) -> ptr` / `dealloc(ptr, len)`: byte buffers in linear memory.
//! - `evaluate(rules_ptr, rules_len, req_ptr, req_len) -> u64`: both inputs
//!   are UTF-8 JSON (the rules as the build writes them to
//!   `assets/refund-rules.json`, the request as in `refund::json`). The
//!   result is a JSON buffer allocated with `alloc`; the return value packs
//!   `len << 32 | ptr`, and the caller frees it with `dealloc(ptr, len)`. The
//!   result is the outcome (`{"verdict":…}`) or `{"error":{"code","message"}}`.
//!
//! The input buffers stay owned by the caller. Nothing here panics on any
//! input: the engine is panic-free and the JSON reader is depth-limited.

use std::alloc::{Layout, alloc as raw_alloc, dealloc as raw_dealloc};

use refund::{Error, Lang, json};

fn layout(len: usize) -> Option<Layout> {
    Layout::from_size_align(len.max(1), 1).ok()
}

/// Allocates `len` bytes for the caller to fill; 0 when out of memory.
#[unsafe(no_mangle)]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    match layout(len) {
        // SAFETY: the layout has a non-zero size.
        Some(l) => unsafe { raw_alloc(l) },
        None => std::ptr::null_mut(),
    }
}

/// Frees a buffer from [`alloc`] (or a result of [`evaluate`]).
///
/// # Safety
/// `ptr` must come from `alloc(len)` with the same `len`, freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dealloc(ptr: *mut u8, len: usize) {
    if let (false, Some(l)) = (ptr.is_null(), layout(len)) {
        // SAFETY: the caller passes a pointer from `alloc(len)`.
        unsafe { raw_dealloc(ptr, l) }
    }
}

/// Reads `len` bytes at `ptr` as UTF-8.
///
/// # Safety
/// `ptr..ptr+len` must be readable (a buffer from [`alloc`]).
unsafe fn input<'a>(ptr: *const u8, len: usize) -> Option<&'a str> {
    if ptr.is_null() {
        return (len == 0).then_some("");
    }
    // SAFETY: the caller guarantees the range is a live buffer.
    let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
    std::str::from_utf8(bytes).ok()
}

fn answer(rules: Option<&str>, req: Option<&str>) -> String {
    let (Some(rules), Some(req)) = (rules, req) else {
        return json::error_to_json(&Error::Malformed("input is not UTF-8".into()), Lang::En);
    };
    let (request, lang) = json::request_from_json(req);
    let request = match request {
        Ok(r) => r,
        Err(e) => return json::error_to_json(&e, lang),
    };
    let rules = match json::rules_from_json(rules) {
        Ok(r) => r,
        Err(msg) => {
            let mut m = String::from("rules: ");
            m.push_str(&msg);
            return json::error_to_json(&Error::Malformed(m), lang);
        }
    };
    match rules.evaluate(&request, lang) {
        Ok(o) => json::outcome_to_json(&o),
        Err(e) => json::error_to_json(&e, lang),
    }
}

/// Evaluates a request against rules; see the module docs for the encoding.
///
/// # Safety
/// Both ranges must be readable buffers (from [`alloc`]).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn evaluate(
    rules_ptr: *const u8,
    rules_len: usize,
    req_ptr: *const u8,
    req_len: usize,
) -> u64 {
    // SAFETY: forwarded from the caller's guarantee.
    let (rules, req) = unsafe { (input(rules_ptr, rules_len), input(req_ptr, req_len)) };
    let out = answer(rules, req).into_bytes();
    let len = out.len();
    let ptr = alloc(len);
    if ptr.is_null() {
        return 0;
    }
    // SAFETY: `ptr` has room for `len` bytes and does not overlap `out`.
    unsafe { std::ptr::copy_nonoverlapping(out.as_ptr(), ptr, len) };
    ((len as u64) << 32) | (ptr as usize as u64)
}
