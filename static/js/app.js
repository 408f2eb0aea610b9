// Tidings' small script: progressive enhancement only. Every feature here
// has a plain HTML path that works without it.
"use strict";

document.documentElement.classList.remove("no-js");

// Phone layout: the folder list becomes a drawer behind a menu button.
(function folderDrawer() {
  const toggle = document.querySelector(".nav-toggle");
  const sidebar = document.getElementById("sidebar");
  if (!toggle || !sidebar) return;
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = sidebar.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
})();

// The HTML body frame grows to its content, so the page scrolls once.
// The frame is sandboxed without same-origin, so its height cannot be
// read; a generous fixed height (CSS min-height) is the fallback.
(function frameHeight() {
  const frame = document.querySelector("iframe.msg-html");
  if (!frame) return;
  frame.addEventListener("load", () => {
    try {
      const doc = frame.contentDocument;
      if (doc && doc.documentElement) {
        frame.style.height = doc.documentElement.scrollHeight + 24 + "px";
      }
    } catch (e) {
      /* opaque origin: keep the CSS height */
    }
  });
})();
