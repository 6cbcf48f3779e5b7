// faqtory serve: live reload, stylesheet swap and the build-error overlay.
// Injected into every served HTML page; never part of a real build.
(() => {
  "use strict";
  const OVERLAY_ID = "faqtory-build-error";
  let seen = null;

  const hideOverlay = () => {
    const old = document.getElementById(OVERLAY_ID);
    if (old) old.remove();
  };

  const showOverlay = (status) => {
    hideOverlay();
    const box = document.createElement("div");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    box.style.cssText =
      "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:24px;" +
      "background:rgba(20,20,24,.94);color:#f4f4f5;font:14px/1.5 ui-monospace,monospace";
    const title = document.createElement("h2");
    title.style.cssText = "margin:0 0 12px;color:#fca5a5;font:600 18px/1.4 system-ui,sans-serif";
    const n = status.errors.length;
    title.textContent = `Build failed: ${n} error${n === 1 ? "" : "s"} (still showing the last good site)`;
    box.appendChild(title);
    for (const e of status.errors) {
      const pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0 0 16px";
      pre.textContent = e.text;
      box.appendChild(pre);
    }
    const close = document.createElement("button");
    close.textContent = "Dismiss";
    close.onclick = hideOverlay;
    box.appendChild(close);
    document.body.appendChild(box);
  };

  const apply = (status) => {
    if (status.ok) hideOverlay();
    else showOverlay(status);
  };

  const here = () => decodeURI(location.pathname);

  const es = new EventSource("/__faqtory/events");
  es.addEventListener("hello", (ev) => {
    const status = JSON.parse(ev.data);
    // Reconnected after a rebuild we missed (or a restarted server).
    if (seen !== null && status.generation !== seen) {
      location.reload();
      return;
    }
    seen = status.generation;
    apply(status);
  });
  es.addEventListener("build-error", (ev) => {
    const status = JSON.parse(ev.data);
    seen = status.generation;
    apply(status);
  });
  es.addEventListener("build-ok", (ev) => {
    const status = JSON.parse(ev.data);
    seen = status.generation;
    apply(status);
  });
  es.addEventListener("reload", (ev) => {
    const d = JSON.parse(ev.data);
    seen = d.generation;
    if (d.all || d.changed.some((u) => u === here() || decodeURI(u) === here())) {
      location.reload();
    }
  });
  es.addEventListener("css", (ev) => {
    const d = JSON.parse(ev.data);
    seen = d.generation;
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      for (const sheet of d.sheets) {
        if (url.pathname === sheet.path) link.href = sheet.url;
      }
    }
  });
})();
