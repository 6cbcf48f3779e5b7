/* faqtory search box: search-core (wasm) over the static index in search/.
 *
 * Markup this script expects (the theme templates provide it):
 *
 *   <html data-root="/" lang="zh-CN">           site root (may be a base path, "/help/")
 *   <form class="search" role="search" action="<all-questions url>"
 *         data-manifest="<root>search/manifest.bin"   optional; its folder holds the index
 *         data-wasm="<root>assets/search.wasm"        optional
 *         data-search-url="<root>search/">             optional; the search page
 *     <input type="search" name="q" id="search-input">
 *     <div id="search-results"></div>               dropdown, filled by this script
 *   </form>
 *   <div id="search-page-results"></div>            only on the search page (/search/?q=…)
 *
 * Optional strings on the form: data-str-loading, data-str-no-results (with
 * "{q}" for the query), data-str-all-questions, data-str-error, data-str-results
 * (with "{n}"), data-str-suggest (before the suggested terms). Defaults follow
 * <html lang> (Chinese or English).
 *
 * Behaviour: "/" focuses the box (unless typing elsewhere); results update at
 * every keystroke (not while an IME is composing: at its end), from the first
 * character (one CJK character finds every entry that contains it). When the
 * best question's title starts with what was typed, the rest of it is
 * completed in the box, selected (typing goes on over it; Tab accepts it,
 * Enter opens that question, Backspace or Escape drops it). ArrowUp/ArrowDown
 * move through the results, Enter opens the active one (or the search page
 * when none is active), Escape closes. Matched words are wrapped in <mark>;
 * every result links to its question's anchor. An empty result names the
 * query and offers the nearest terms the index does have (search-core's
 * suggestions: edit distance for Latin words, a shared character in place
 * for Chinese). Without JavaScript the form submits to the all-questions page.
 *
 * For tests: the results container gets data-state = loading | results |
 * none | error, and window.faqtorySearch = { search(q, limit) → Promise<hits>,
 * suggest(q, max) → Promise<terms> }.
 * In Node, `require()` this file for { createEngine } (no DOM needed).
 *
 * Wasm ABI (crates/search-wasm/src/lib.rs): fq_alloc, fq_free, fq_out_ptr,
 * fq_put(name, len, bytes, len), fq_search(q, len, limit, round),
 * fq_suggest(q, len, max) and fq_tokenize(text, len, index); outputs are JSON
 * at fq_out_ptr().
 */
(function () {
  "use strict";

  var enc = new TextEncoder();
  var dec = new TextDecoder();

  /* The engine: wasm exports plus a fetch function `load(name) → Promise<Uint8Array>`
   * for files and pieces under search/ (see loader). Fetches each once. */
  function createEngine(exports, load) {
    var ex = exports;
    var loaded = Object.create(null); // name → Promise

    function mem() { return new Uint8Array(ex.memory.buffer); }
    function withBytes(bytes, fn) {
      var n = bytes.length;
      var p = ex.fq_alloc(n);
      mem().set(bytes, p);
      try { return fn(p, n); } finally { ex.fq_free(p, n); }
    }
    function out(len) {
      var p = ex.fq_out_ptr();
      return dec.decode(mem().slice(p, p + len));
    }
    function put(name, bytes) {
      var nb = enc.encode(name);
      return withBytes(nb, function (np, nl) {
        return withBytes(bytes, function (bp, bl) { return ex.fq_put(np, nl, bp, bl); });
      });
    }
    function fetchOnce(name) {
      if (!loaded[name]) {
        loaded[name] = Promise.resolve(load(name)).then(function (bytes) {
          if (put(name, bytes) !== 0) throw new Error("bad search file " + name);
        });
        loaded[name].catch(function () { delete loaded[name]; });
      }
      return loaded[name];
    }
    function step(q, limit, round) {
      var len = withBytes(enc.encode(q), function (p, n) { return ex.fq_search(p, n, limit, round); });
      return JSON.parse(out(len));
    }
    /* Resolves to the hits; fetches what the engine asks for (manifest, the
     * shards of the query's tokens, the pieces of their tails the ranking
     * needs, then the offset blocks and records of the results: pieces of
     * the index's part files). */
    function search(q, limit) {
      var rounds = 0;
      function go() {
        var r = step(q, limit, rounds);
        if (r.error) return Promise.reject(new Error(r.error));
        if (r.need) {
          /* Every round fetches something new (search_core::engine::MAX_ROUNDS). */
          if (++rounds > 64) return Promise.reject(new Error("search did not settle"));
          return Promise.all(r.need.map(fetchOnce)).then(go);
        }
        return r.hits;
      }
      return Promise.resolve().then(go);
    }
    /* Index tokens when `index` is true, query tokens otherwise. */
    function tokenize(text, index) {
      var len = withBytes(enc.encode(text), function (p, n) { return ex.fq_tokenize(p, n, index ? 1 : 0); });
      return JSON.parse(out(len));
    }
    /* Terms near the query's unmatched ones, from the shards its search
     * fetched (searches first, so they are there). */
    function suggest(q, max) {
      return search(q, 1).then(function () {
        var len = withBytes(enc.encode(q), function (p, n) { return ex.fq_suggest(p, n, max || 5); });
        return JSON.parse(out(len));
      });
    }
    return { search: search, suggest: suggest, tokenize: tokenize, prefetch: fetchOnce };
  }

  /* `load(name)` for createEngine over HTTP: the manifest is a whole file;
   * every other name is a piece, `<file>#<start>-<end>` (end exclusive),
   * fetched with a Range request. A host that ignores Range answers 200 with
   * the whole file: it is kept and sliced, and from then on every file is
   * fetched whole, once. */
  function loader(base, fetchFn) {
    var ranges = null; // unknown until a host answers a range
    var whole = Object.create(null); // file → Promise<Uint8Array>
    function bytes(r) { return r.arrayBuffer().then(function (b) { return new Uint8Array(b); }); }
    function keep(file, p) {
      whole[file] = p;
      p.catch(function () { delete whole[file]; });
      return p;
    }
    function get(file) {
      return fetchFn(base + file).then(function (r) {
        if (!r.ok) throw new Error(r.status + " " + base + file);
        return bytes(r);
      });
    }
    function wholeFile(file) { return whole[file] || keep(file, get(file)); }
    return function (name) {
      var hash = name.indexOf("#");
      if (hash < 0) return get(name); // the manifest: the engine keeps it
      var file = name.slice(0, hash);
      var range = name.slice(hash + 1).split("-");
      var a = Number(range[0]), b = Number(range[1]);
      function slice(all) { return all.slice(a, b); }
      if (whole[file] || ranges === false) return wholeFile(file).then(slice);
      return fetchFn(base + file, { headers: { Range: "bytes=" + a + "-" + (b - 1) } }).then(function (r) {
        if (r.status === 206) { ranges = true; return bytes(r); }
        if (r.status !== 200) throw new Error(r.status + " " + base + file);
        ranges = false;
        return (whole[file] || keep(file, bytes(r))).then(slice);
      });
    };
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = { createEngine: createEngine, loader: loader };
  }
  if (typeof document === "undefined") return;

  /* ---------------------------------------------------------------- browser */

  var html = document.documentElement;
  var root = (html.dataset.root || "/").replace(/\/?$/, "/");
  var form = document.querySelector("form.search");
  var input = document.getElementById("search-input");
  var box = document.getElementById("search-results");
  var page = document.getElementById("search-page-results");
  if (!input && !page) return;

  var zh = /^zh/i.test(html.lang || "");
  var ds = (form && form.dataset) || {};
  var S = {
    loading: ds.strLoading || (zh ? "正在搜索…" : "Searching…"),
    none: ds.strNoResults || (zh ? "没有找到与“{q}”相关的问题。" : "No questions match “{q}”."),
    all: ds.strAllQuestions || (zh ? "浏览全部问题" : "Browse all questions"),
    error: ds.strError || (zh ? "搜索暂时不可用。" : "Search is unavailable right now."),
    results: ds.strResults || (zh ? "{n} 个结果" : "{n} results"),
    suggest: ds.strSuggest || (zh ? "试试：" : "Try:"),
  };
  var allUrl = (form && form.getAttribute("action")) || root + "questions/";
  var searchUrl = ds.searchUrl || root + "search/";
  var manifestUrl = ds.manifest || root + "search/manifest.bin";
  var base = manifestUrl.replace(/[^/]*$/, "");
  var wasmUrl = ds.wasm || root + "assets/search.wasm";

  var enginePromise = null;
  function engine() {
    if (!enginePromise) {
      var load = loader(base, fetch);
      var wasm = fetch(wasmUrl).then(function (r) {
        if (!r.ok) throw new Error(r.status + " " + wasmUrl);
        return r.arrayBuffer();
      }).then(function (b) { return WebAssembly.instantiate(b, {}); });
      enginePromise = wasm.then(function (m) {
        var e = createEngine(m.instance.exports, load);
        e.prefetch("manifest.bin");
        return e;
      });
      enginePromise.catch(function () { enginePromise = null; });
    }
    return enginePromise;
  }

  window.faqtorySearch = {
    search: function (q, limit) {
      return engine().then(function (e) { return e.search(q, limit || 10); });
    },
    suggest: function (q, max) {
      return engine().then(function (e) { return e.suggest(q, max || 5); });
    },
  };

  function href(url) {
    // Result urls are root-relative paths ("/a/b/#q"), usually with the site's
    // base path already in them; a path without it gets it.
    if (!/^\//.test(url) || /^\/\//.test(url)) return "#";
    return url.indexOf(root) === 0 ? url : root + url.slice(1);
  }

  /* Text with <mark> around UTF-16 ranges, built as DOM nodes (never HTML). */
  function marked(text, marks) {
    var frag = document.createDocumentFragment();
    var at = 0;
    (marks || []).forEach(function (m) {
      var a = Math.max(at, m[0]), b = Math.min(text.length, m[1]);
      if (b <= a) return;
      if (a > at) frag.appendChild(document.createTextNode(text.slice(at, a)));
      var mk = document.createElement("mark");
      mk.textContent = text.slice(a, b);
      frag.appendChild(mk);
      at = b;
    });
    if (at < text.length) frag.appendChild(document.createTextNode(text.slice(at)));
    return frag;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function hitNode(h, id) {
    var a = el("a", "search-hit");
    a.href = href(h.url);
    if (id) { a.id = id; a.setAttribute("role", "option"); a.setAttribute("aria-selected", "false"); }
    var t = el("span", "search-hit-title");
    t.appendChild(marked(h.title, h.title_marks));
    a.appendChild(t);
    if (h.category) a.appendChild(el("span", "search-hit-category", h.category));
    if (h.snippet) {
      var s = el("span", "search-hit-snippet");
      s.appendChild(marked(h.snippet, h.snippet_marks));
      a.appendChild(s);
    }
    return a;
  }

  function message(target, state, text, withLink) {
    target.replaceChildren();
    target.dataset.state = state;
    var p = el("p", "search-message search-" + state, text);
    if (withLink) {
      p.appendChild(document.createTextNode(" "));
      var a = el("a", "search-all", S.all);
      a.href = allUrl;
      p.appendChild(a);
    }
    target.appendChild(p);
  }

  /* The no-results state: what was searched, then the nearest terms that
   * exist (each a link to its search; `pick` fills the box instead). */
  function noResults(target, q, pick) {
    message(target, "none", S.none.replace("{q}", q), true);
    window.faqtorySearch.suggest(q, 5).then(function (terms) {
      if (!terms.length || target.dataset.state !== "none") return;
      var p = el("p", "search-suggestions", S.suggest);
      terms.forEach(function (t) {
        var a = el("a", "search-suggestion", t);
        a.href = searchUrl + "?q=" + encodeURIComponent(t);
        if (pick) a.addEventListener("click", function (e) { e.preventDefault(); pick(t); });
        p.appendChild(document.createTextNode(" "));
        p.appendChild(a);
      });
      target.appendChild(p);
    }, function () {});
  }

  function render(target, q, hits, listbox, pick) {
    if (!hits.length) {
      noResults(target, q, pick);
      return;
    }
    target.replaceChildren();
    target.dataset.state = "results";
    var list = el("div", "search-hit-list");
    if (listbox) {
      list.setAttribute("role", "listbox");
      list.id = "search-listbox";
      // A listbox needs a name of its own (axe-core: aria-input-field-name).
      list.setAttribute("aria-label", S.results.replace("{n}", hits.length));
    }
    hits.forEach(function (h, i) { list.appendChild(hitNode(h, listbox ? "search-hit-" + i : null)); });
    target.appendChild(list);
    var more = el("p", "search-more");
    var all = el("a", "search-all", S.all);
    all.href = allUrl;
    more.appendChild(all);
    target.appendChild(more);
  }

  /* ------------------------------------------------------------ the box */
  if (input && box) {
    var seq = 0, active = -1, timer = 0;
    // What the reader typed (the box may also hold a selected completion),
    // and whether the last edit added text (only then is a completion offered).
    var typed = input.value, grew = false, completion = "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "both");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", "search-results");

    var options = function () { return box.querySelectorAll("[role=option]"); };
    var setActive = function (i) {
      var opts = options();
      if (!opts.length) { active = -1; return; }
      active = (i + opts.length) % opts.length;
      opts.forEach(function (o, k) { o.setAttribute("aria-selected", k === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    };
    var hasCompletion = function () {
      return completion && input.value === completion && input.selectionEnd === input.value.length &&
        input.selectionStart === typed.length && typed.length < completion.length;
    };
    var dropCompletion = function () {
      if (hasCompletion()) input.value = typed;
      completion = "";
    };
    var complete = function (hits) {
      completion = "";
      var t = hits.length ? hits[0].title : "";
      if (!grew || !typed.trim() || t.length <= typed.length || document.activeElement !== input) return;
      if (input.value !== typed || input.selectionEnd !== typed.length) return;
      if (t.slice(0, typed.length).toLowerCase() !== typed.toLowerCase()) return;
      completion = typed + t.slice(typed.length);
      input.value = completion;
      input.setSelectionRange(typed.length, completion.length);
    };
    var pick = function (t) {
      input.value = typed = t;
      grew = false;
      input.focus();
      run();
    };
    var close = function () {
      dropCompletion();
      box.replaceChildren();
      delete box.dataset.state;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    };
    var run = function () {
      var q = typed.trim();
      var mine = ++seq;
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!q) { close(); return; }
      if (!box.firstChild) message(box, "loading", S.loading, false);
      input.setAttribute("aria-expanded", "true");
      window.faqtorySearch.search(q, 8).then(function (hits) {
        if (mine !== seq) return; // a newer keystroke won
        render(box, q, hits, true, pick);
        complete(hits);
      }, function () {
        if (mine !== seq) return;
        message(box, "error", S.error, true);
      });
    };

    var schedule = function () {
      clearTimeout(timer);
      timer = setTimeout(run, 30);
    };
    input.addEventListener("input", function (e) {
      completion = "";
      grew = input.value.length > typed.length && /^insert/.test(e.inputType || "insertText");
      typed = input.value;
      if (e.isComposing) return; // pinyin being composed: wait for its end
      schedule();
    });
    input.addEventListener("compositionend", function () {
      typed = input.value;
      grew = true;
      schedule();
    });
    input.addEventListener("focus", function () {
      engine().catch(function () {}); // warm up: wasm + manifest
      if (!hasCompletion()) typed = input.value;
      if (typed.trim() && !box.firstChild) run();
    });
    input.addEventListener("keydown", function (e) {
      if (e.isComposing) return; // IME candidate selection
      if (e.key === "Tab" && !e.shiftKey && hasCompletion()) {
        // Accept the completion: the whole title, searched.
        e.preventDefault();
        typed = input.value;
        completion = "";
        grew = false;
        input.setSelectionRange(typed.length, typed.length);
        run();
      } else if (e.key === "Backspace" && hasCompletion()) {
        // Drop the completion, keep what was typed.
        e.preventDefault();
        dropCompletion();
      } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (!options().length) return;
        e.preventDefault();
        setActive(active + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Enter") {
        var opts = options();
        e.preventDefault();
        if (active >= 0 && opts[active]) {
          window.location.href = opts[active].href;
        } else if (hasCompletion() && opts[0]) {
          window.location.href = opts[0].href; // the completed question
        } else if (input.value.trim()) {
          window.location.href = searchUrl + "?q=" + encodeURIComponent(input.value.trim());
        }
      } else if (e.key === "Escape") {
        if (hasCompletion()) { e.preventDefault(); dropCompletion(); } else if (box.firstChild) { e.preventDefault(); close(); } else { input.blur(); }
      }
    });
    document.addEventListener("click", function (e) {
      // The event's path as dispatched: a click that re-rendered the box (a
      // suggestion) has a detached target by now, but was still inside.
      var path = e.composedPath ? e.composedPath() : [e.target];
      if (form && path.indexOf(form) < 0 && !form.contains(e.target)) close();
    });
    document.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
      var t = e.target;
      var tag = t && t.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
      e.preventDefault();
      input.focus();
      input.select();
    });
  }

  /* ------------------------------------------------------ the search page */
  if (page) {
    var q = new URLSearchParams(window.location.search).get("q") || "";
    q = q.trim();
    if (input && q) input.value = q;
    if (!q) {
      message(page, "none", zh ? "请输入要搜索的内容。" : "Type what you are looking for.", true);
    } else {
      message(page, "loading", S.loading, false);
      window.faqtorySearch.search(q, 50).then(function (hits) {
        render(page, q, hits, false, null);
        if (hits.length) {
          var n = el("p", "search-count", S.results.replace("{n}", hits.length));
          page.insertBefore(n, page.firstChild);
        }
      }, function () { message(page, "error", S.error, true); });
    }
  }
})();
