// Live updates: while a page is open it follows the mail server — new
// mail appears on top of the list, rows read, flagged or deleted on
// another device change or go, the INBOX's unread count stays current in
// the title and the sidebar. One Server-Sent Events stream per tab
// (GET /events, handlers/events.go). Progressive enhancement only:
// without this script every page is the same, it just does not change by
// itself. All HTML arrives rendered and escaped by the server's own
// templates; it is parsed into a <template> (which runs nothing) and
// inserted.
"use strict";

(function live() {
  if (!document.body || !document.body.classList.contains("app") || !window.EventSource) return;
  const MAX_UIDS = 500; // the server's limit per stream
  let source = null;
  let list = null; // the list section the stream describes
  let unread = null; // the INBOX unread count as last received

  // What the page shows, for the server to watch: its folder, rows,
  // their state, the newest UID it knows and the folder's UIDVALIDITY.
  function streamURL() {
    const p = new URLSearchParams();
    list = document.querySelector("section.list[data-mailbox]");
    const current = document.querySelector("#sidebar .folders li.current a[title]");
    if (current) p.set("current", current.title);
    if (list) {
      p.set("mailbox", list.dataset.mailbox);
      const uids = [], unreadUIDs = [], flagged = [];
      let after = 0;
      list.querySelectorAll("li[data-uid]").forEach((li) => {
        const uid = Number(li.dataset.uid);
        after = Math.max(after, uid);
        if (uids.length >= MAX_UIDS) return;
        uids.push(uid);
        if (li.classList.contains("unread")) unreadUIDs.push(uid);
        if (li.classList.contains("flagged")) flagged.push(uid);
      });
      const upto = list.querySelector('input[name="upto"]');
      if (upto) after = Math.max(after, Number(upto.value) || 0);
      const v = list.querySelector('input[name="uidvalidity"]');
      if (v) p.set("v", v.value);
      if (list.hasAttribute("data-live-new")) p.set("new", "1");
      p.set("after", String(after));
      if (uids.length) p.set("uids", uids.join(","));
      if (unreadUIDs.length) p.set("unread", unreadUIDs.join(","));
      if (flagged.length) p.set("flagged", flagged.join(","));
    }
    return "/events?" + p.toString();
  }

  function open() {
    if (source) source.close();
    source = new EventSource(streamURL());
    // <html data-live="on"> while connected (for styles and tests).
    source.addEventListener("open", () => (document.documentElement.dataset.live = "on"));
    source.addEventListener("error", () => (document.documentElement.dataset.live = "off"));
    source.addEventListener("add", (e) => add(e.data));
    source.addEventListener("update", (e) => update(e.data));
    source.addEventListener("remove", (e) => remove(e.data));
    source.addEventListener("unread", (e) => setUnread(Number(e.data)));
    source.addEventListener("sidebar", (e) => sidebar(e.data));
    source.addEventListener("stale", (e) => stale(e.data));
    source.addEventListener("stop", (e) => e.target.close()); // e.g. the password changed
  }

  function parse(html) {
    const t = document.createElement("template");
    t.innerHTML = html;
    return t.content;
  }
  function messages() {
    return list && list.isConnected ? list.querySelector("ul.messages") : null;
  }
  function row(uid) {
    const ul = messages();
    return ul ? ul.querySelector('li[data-uid="' + Number(uid) + '"]') : null;
  }

  // New rows, newest first, go on top; a row the page has is skipped.
  function add(html) {
    const ul = messages();
    if (!ul) return stale("more"); // an empty folder has no list to add to
    const fresh = [];
    for (const li of Array.from(parse(html).querySelectorAll("li[data-uid]"))) {
      if (row(li.dataset.uid)) continue;
      li.classList.add("live-new");
      fresh.push(li);
    }
    ul.prepend(...fresh);
    if (fresh.length) notifyRows(fresh);
  }

  // A row changed elsewhere is redrawn, keeping its selection.
  function update(html) {
    for (const li of Array.from(parse(html).querySelectorAll("li[data-uid]"))) {
      const old = row(li.dataset.uid);
      if (!old) continue;
      const was = old.querySelector("input.msg-check");
      const now = li.querySelector("input.msg-check");
      if (was && now) now.checked = was.checked;
      li.classList.toggle("selected", old.classList.contains("selected"));
      old.replaceWith(li);
    }
  }

  function remove(data) {
    for (const uid of data.split(" ")) {
      const li = row(uid);
      if (li) li.remove();
    }
  }

  function setUnread(n) {
    if (!(n >= 0)) return;
    const before = unread;
    unread = n;
    const base = document.title.replace(/^\(\d+\) /, "");
    document.title = n > 0 ? "(" + n + ") " + base : base;
    // Pages that get no rows of the INBOX notify on the count instead.
    const inboxList = list && list.dataset.mailbox === "INBOX" && list.hasAttribute("data-live-new");
    if (before !== null && n > before && !inboxList) {
      notify("New mail", n + " unread in your Inbox", "tidings-unread");
    }
  }

  function sidebar(html) {
    const now = document.querySelector("#sidebar .folders");
    const fresh = parse(html).querySelector("ul.folders");
    if (now && fresh) now.replaceWith(fresh);
  }

  // The list cannot be brought up to date in place (the folder was
  // rebuilt, or more mail came than a page holds): say so, with a link.
  function stale() {
    const main = document.getElementById("main");
    if (!main || main.querySelector(".live-notice")) return;
    const p = document.createElement("p");
    p.className = "notice live-notice";
    p.setAttribute("role", "status");
    const a = document.createElement("a");
    a.href = location.pathname + location.search;
    a.textContent = "Show the latest";
    p.append("This folder changed. ", a);
    main.prepend(p);
  }

  // --- Desktop notifications: only after the user asked, with a button.
  const KEY = "tidings-notify";
  const canNotify = "Notification" in window;
  function notifyOn() {
    return canNotify && Notification.permission === "granted" && localStorage.getItem(KEY) === "1";
  }
  function notify(title, body, tag) {
    if (!notifyOn() || document.visibilityState === "visible") return;
    try {
      const n = new Notification(title, { body, tag });
      n.addEventListener("click", () => window.focus());
    } catch (e) {
      /* some browsers allow notifications only from a service worker */
    }
  }
  function notifyRows(rows) {
    if (!list || list.dataset.mailbox !== "INBOX") return;
    for (const li of rows.slice(0, 3)) {
      const from = li.querySelector(".msg-from");
      const subject = li.querySelector(".msg-subject");
      notify(from ? from.textContent.trim() : "New mail", subject ? subject.textContent.trim() : "", "tidings-" + li.dataset.uid);
    }
  }
  (function notifyButton() {
    const end = document.querySelector(".topbar-end");
    if (!canNotify || !end || Notification.permission === "denied") return;
    const b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-quiet live-notify";
    const label = () => {
      b.textContent = notifyOn() ? "Notifications on" : "Notify me";
      b.setAttribute("aria-pressed", String(notifyOn()));
      b.title = notifyOn() ? "Desktop notifications for new mail are on. Click to turn them off." : "Show a desktop notification when new mail arrives";
    };
    b.addEventListener("click", async () => {
      if (notifyOn()) {
        localStorage.setItem(KEY, "0");
      } else if ((await Notification.requestPermission()) === "granted") {
        localStorage.setItem(KEY, "1");
      }
      label();
    });
    label();
    end.prepend(b);
  })();

  // organize.js replaces the whole list after an action: describe the
  // new one to the server.
  const main = document.getElementById("main");
  if (main) {
    new MutationObserver(() => {
      if (document.querySelector("section.list[data-mailbox]") !== list) open();
    }).observe(main, { childList: true });
  }
  window.addEventListener("pagehide", () => source && source.close());
  window.addEventListener("pageshow", (e) => {
    if (e.persisted) open(); // back from the bfcache
  });
  open();
})();
