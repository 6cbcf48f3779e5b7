// faqtory default theme: progressive enhancements only. The page works
// without this file; each feature checks for its elements first.
(function () {
  "use strict";
  var doc = document, root = doc.documentElement, body = doc.body;
  var live = doc.getElementById("live");
  function say(msg) { if (live) { live.textContent = ""; setTimeout(function () { live.textContent = msg; }, 30); } }

  // Dark mode toggle. The choice is remembered; with none, the system decides.
  var themeBtn = doc.querySelector(".theme-btn");
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function isDark() {
    var t = root.getAttribute("data-theme");
    return t ? t === "dark" : !!(media && media.matches);
  }
  function syncThemeBtn() { if (themeBtn) themeBtn.setAttribute("aria-pressed", String(isDark())); }
  if (themeBtn) {
    themeBtn.hidden = false;
    syncThemeBtn();
    themeBtn.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("faqtory-theme", next); } catch (e) { /* private mode */ }
      syncThemeBtn();
    });
    if (media && media.addEventListener) media.addEventListener("change", syncThemeBtn);
  }

  // Category drawer on narrow screens.
  var sidebar = doc.getElementById("sidebar");
  var menuBtn = doc.querySelector(".menu-btn");
  var closeBtn = doc.querySelector(".close-btn");
  function setDrawer(open) {
    if (!sidebar || !menuBtn) return;
    sidebar.classList.toggle("open", open);
    body.classList.toggle("drawer-open", open);
    menuBtn.setAttribute("aria-expanded", String(open));
    if (open) {
      var first = sidebar.querySelector("[aria-current]") || sidebar.querySelector("a");
      if (first) first.focus();
    } else if (sidebar.contains(doc.activeElement)) {
      menuBtn.focus();
    }
  }
  if (sidebar && menuBtn) {
    menuBtn.hidden = false;
    if (closeBtn) { closeBtn.hidden = false; closeBtn.addEventListener("click", function () { setDrawer(false); }); }
    menuBtn.addEventListener("click", function () { setDrawer(!sidebar.classList.contains("open")); });
    doc.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && sidebar.classList.contains("open")) setDrawer(false);
    });
    // Tabbing out of the open drawer closes it (it is not a modal).
    sidebar.addEventListener("focusout", function (e) {
      var to = e.relatedTarget;
      if (sidebar.classList.contains("open") && to && !sidebar.contains(to) && to !== menuBtn) {
        sidebar.classList.remove("open");
        body.classList.remove("drawer-open");
        menuBtn.setAttribute("aria-expanded", "false");
      }
    });
    doc.addEventListener("click", function (e) {
      if (sidebar.classList.contains("open") && !sidebar.contains(e.target) && !menuBtn.contains(e.target)) setDrawer(false);
    });
  }

  // "/" focuses the search box (unless the reader is typing somewhere).
  doc.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target, tag = t && t.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
    var input = doc.getElementById("search-input");
    if (input) { e.preventDefault(); input.focus(); }
  });

  // Copy a question's link.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var ta = doc.createElement("textarea");
      ta.value = text; ta.setAttribute("readonly", ""); ta.style.position = "fixed"; ta.style.opacity = "0";
      body.appendChild(ta); ta.select();
      var ok = false;
      try { ok = doc.execCommand("copy"); } catch (e) { ok = false; }
      body.removeChild(ta);
      if (ok) resolve(); else reject(new Error("copy"));
    });
  }
  var copied = body.getAttribute("data-copied") || "Copied";
  var failed = body.getAttribute("data-copy-failed") || "Copy failed";
  Array.prototype.forEach.call(doc.querySelectorAll(".copy-link[data-url]"), function (btn) {
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var icon = btn.querySelector(".i");
      copyText(btn.getAttribute("data-url")).then(function () {
        btn.classList.add("done");
        if (icon) icon.className = "i i-check";
        say(copied);
        setTimeout(function () { btn.classList.remove("done"); if (icon) icon.className = "i i-copy"; }, 2000);
      }, function () { say(failed); });
    });
  });

  // "Was this helpful?": POSTs {page, question, helpful} and fails quietly.
  var endpoint = body.getAttribute("data-feedback");
  if (endpoint && window.fetch) {
    Array.prototype.forEach.call(doc.querySelectorAll(".feedback[data-question]"), function (box) {
      box.hidden = false;
      box.addEventListener("click", function (e) {
        var btn = e.target.closest ? e.target.closest("button[data-helpful]") : null;
        if (!btn) return;
        var payload = { page: box.getAttribute("data-page"), question: box.getAttribute("data-question"), helpful: btn.getAttribute("data-helpful") === "true" };
        fetch(endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload), keepalive: true })
          .catch(function () { /* quietly: feedback is optional */ });
        Array.prototype.forEach.call(box.querySelectorAll("button"), function (b) { b.hidden = true; });
        var thanks = box.querySelector(".feedback-thanks");
        if (thanks) { thanks.hidden = false; say(thanks.textContent); }
      });
    });
  }

  // Scrollable tables and code blocks must be reachable by keyboard.
  function markScrollers() {
    Array.prototype.forEach.call(doc.querySelectorAll(".prose table, .prose pre"), function (el) {
      if (el.scrollWidth > el.clientWidth + 1) el.setAttribute("tabindex", "0");
      else if (el.getAttribute("tabindex") === "0") el.removeAttribute("tabindex");
    });
  }
  markScrollers();
  window.addEventListener("resize", markScrollers);

  // Highlight the question being read in the table of contents.
  var tocLinks = doc.querySelectorAll(".toc a[href^='#']");
  if (tocLinks.length && "IntersectionObserver" in window) {
    var byId = {};
    Array.prototype.forEach.call(tocLinks, function (a) {
      try { byId[decodeURIComponent(a.getAttribute("href").slice(1))] = a; } catch (e) { /* bad escape */ }
    });
    var current = null;
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (en) {
        if (!en.isIntersecting) return;
        var a = byId[en.target.id];
        if (!a || a === current) return;
        if (current) current.removeAttribute("aria-current");
        a.setAttribute("aria-current", "true");
        current = a;
      });
    }, { rootMargin: "-15% 0px -70% 0px" });
    Array.prototype.forEach.call(doc.querySelectorAll("section.question[id]"), function (s) { io.observe(s); });
  }
})();
