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

// Dates in the reader's own time zone. The server writes them in its
// configured one (-timezone), in the same formats: a list's "15:04" today,
// "2 Jan" this year, "2 Jan 2006" before; a message's full date.
(function localDates() {
  const locale = "en-GB"; // the server's formats: day before month, 24 hours
  const time = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const dayMonth = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short" });
  const full = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric" });
  const long = new Intl.DateTimeFormat(locale, {
    weekday: "short", day: "numeric", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short",
  });
  const sameDay = (a, b) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  function localize(el) {
    const d = new Date(el.getAttribute("datetime"));
    if (isNaN(d)) return;
    const now = new Date();
    if (el.dataset.fmt === "short") {
      el.textContent = sameDay(d, now) ? time.format(d) : d.getFullYear() === now.getFullYear() ? dayMonth.format(d) : full.format(d);
      if (el.title) el.title = long.format(d);
    } else {
      el.textContent = long.format(d);
    }
    el.dataset.localized = "1";
  }
  const all = (root) => root.querySelectorAll("time[datetime][data-fmt]:not([data-localized])").forEach(localize);
  all(document);
  // Rows that live updates and list refreshes put in later.
  new MutationObserver((changes) => {
    for (const c of changes) {
      for (const n of c.addedNodes) if (n.nodeType === 1) (n.matches("time[data-fmt]") ? localize(n) : all(n));
    }
  }).observe(document.body, { childList: true, subtree: true });
})();
