// Organizing mail without page reloads: selection, bulk actions, flags,
// sorting, conversations. Progressive enhancement only: every form here
// works without this script (a POST answered by a redirect to the page);
// with it, the same form goes through fetch with "Accept:
// application/json", and the page is updated in place.
"use strict";

(function organize() {
  const main = document.getElementById("main");
  if (!main) return;
  const FLASH_KEY = "tidings-flash";

  // One status region for what an action did (role=status is announced).
  function flash() {
    let el = main.querySelector(".flash");
    if (!el) {
      el = document.createElement("p");
      el.className = "flash";
      el.setAttribute("role", "status");
      main.prepend(el);
    }
    return el;
  }
  // say shows what an action did; with undo (a form the server sent:
  // moving the messages back), an Undo button goes with it.
  function say(text, isError, undo) {
    if (!text) return;
    const el = flash();
    el.textContent = text;
    el.classList.toggle("flash-error", !!isError);
    el.hidden = false;
    if (undo && undo.action) el.append(" ", undoButton(undo));
  }
  function undoButton(undo) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "link-button flash-undo";
    b.textContent = "Undo";
    b.addEventListener("click", async () => {
      b.disabled = true;
      const body = new URLSearchParams();
      for (const [k, vs] of Object.entries(undo.fields || {})) for (const v of vs) body.append(k, v);
      let data = null;
      try {
        const res = await fetch(undo.action, { method: "POST", body, credentials: "same-origin", headers: { Accept: "application/json" } });
        data = await res.json();
      } catch (err) {
        data = null;
      }
      if (!data || !data.ok) {
        say((data && data.error) || "That could not be undone. The messages are in the folder they were moved to.", true);
        return;
      }
      say(data.message);
      if (document.querySelector("section.list")) {
        refreshList(location.pathname + location.search).catch(() => location.reload());
      }
    });
    return b;
  }
  // A message for the next page, when an action navigates.
  function sayNext(text, undo) {
    if (text) sessionStorage.setItem(FLASH_KEY, JSON.stringify({ text, undo: undo || null }));
  }
  const pending = sessionStorage.getItem(FLASH_KEY);
  if (pending) {
    sessionStorage.removeItem(FLASH_KEY);
    let p = { text: pending, undo: null };
    try {
      p = JSON.parse(pending);
    } catch (e) {
      /* an older page's plain text */
    }
    say(p.text, false, p.undo);
  }
  function go(url, text, undo) {
    sayNext(text, undo);
    location.assign(url);
  }

  // --- Selection on lists -------------------------------------------------
  // Listeners sit on the document, so they survive the list being
  // replaced by refreshList.
  const bulkForm = () => document.getElementById("bulk");
  function rows() {
    const form = bulkForm();
    return form ? Array.from(form.querySelectorAll("input.msg-check")) : [];
  }
  function updateSelection() {
    const form = bulkForm();
    if (!form) return;
    const boxes = rows();
    const checked = boxes.filter((b) => b.checked);
    const all = form.querySelector('input[name="all"]');
    const page = document.getElementById("select-page");
    if (page) {
      page.checked = checked.length > 0 && checked.length === boxes.length;
      page.indeterminate = checked.length > 0 && !page.checked;
    }
    boxes.forEach((b) => b.closest("li").classList.toggle("selected", b.checked));
    const any = checked.length > 0 || (all && all.checked);
    form.classList.toggle("has-selection", !!any);
    const count = form.querySelector(".bulk-count");
    if (count) {
      count.textContent = all && all.checked ? "Every message selected" : checked.length ? checked.length + " selected" : "";
    }
  }
  document.addEventListener("change", (e) => {
    const t = e.target;
    const form = bulkForm();
    if (!form || !(t instanceof HTMLInputElement)) return;
    const all = form.querySelector('input[name="all"]');
    if (t.id === "select-page") {
      rows().forEach((b) => (b.checked = t.checked));
      if (!t.checked && all) all.checked = false;
    } else if (t === all) {
      if (t.checked) rows().forEach((b) => (b.checked = true));
    } else if (t.classList.contains("msg-check")) {
      if (!t.checked && all) all.checked = false;
    } else {
      return;
    }
    updateSelection();
  });
  updateSelection();

  // Refresh the list, pager and sidebar from the server after an action:
  // the server is the source of truth for what is left and what is unread.
  async function refreshList(url) {
    const res = await fetch(url, { credentials: "same-origin" });
    if (!res.ok) return location.reload();
    const doc = new DOMParser().parseFromString(await res.text(), "text/html");
    // The list section itself stays (live.js holds on to it); its
    // contents and the sidebar's folder list are replaced.
    const list = document.querySelector("section.list");
    const freshList = doc.querySelector("section.list");
    if (list && freshList) list.replaceChildren(...Array.from(freshList.childNodes, (n) => document.adoptNode(n)));
    const folders = document.querySelector("#sidebar .folders");
    const freshFolders = doc.querySelector("#sidebar .folders");
    if (folders && freshFolders) folders.replaceWith(document.adoptNode(freshFolders));
    document.title = doc.title;
    bindAutosubmit();
    updateSelection();
  }

  // --- Sending organize forms with fetch ------------------------------------
  document.addEventListener("submit", async (e) => {
    const form = e.target;
    const kind = form.dataset && form.dataset.organize;
    if (!kind) return;
    e.preventDefault();
    const body = new URLSearchParams(new FormData(form));
    if (e.submitter && e.submitter.name) body.append(e.submitter.name, e.submitter.value);
    const buttons = Array.from(form.querySelectorAll("button"));
    buttons.forEach((b) => (b.disabled = true));
    let res, data;
    try {
      // getAttribute: form.action would be the buttons named "action".
      res = await fetch(form.getAttribute("action"), {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      data = await res.json();
    } catch (err) {
      data = null;
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
    if (data && data.confirm) return go(data.confirm); // asks first, on a page of its own
    if (!res || !res.ok || !data || !data.ok) {
      say((data && data.error) || "That did not work. Check your connection and try again.", true);
      return;
    }
    done(kind, form, body, data);
  });

  function done(kind, form, body, data) {
    switch (kind) {
      case "list": {
        if (data.removed && !data.reload) {
          rows().filter((b) => b.checked).forEach((b) => b.closest("li").remove());
        }
        say(data.message, false, data.undo);
        const back = body.get("return") || location.pathname + location.search;
        refreshList(back).catch(() => location.reload());
        return;
      }
      case "message":
        if (data.redirect) return go(data.redirect, data.message, data.undo);
        return say(data.message, false, data.undo);
      case "seen":
        if (data.redirect) return go(data.redirect, data.message);
        return toggle(form, "seen", data.seen, "Mark unread", "Mark read");
      case "flag":
        toggle(form, "flagged", data.flagged, "Unflag", "Flag");
        return;
      case "subscribe":
        return go(location.pathname + location.search, data.message);
    }
  }

  // toggle flips a one-button form after the server changed the state.
  function toggle(form, name, on, onLabel, offLabel) {
    const input = form.querySelector('input[name="' + name + '"]');
    const button = form.querySelector("button");
    if (!input || !button) return;
    input.value = on ? "0" : "1";
    const label = button.querySelector("span") || button;
    label.textContent = on ? onLabel : offLabel;
    if (button.hasAttribute("aria-pressed")) {
      button.setAttribute("aria-pressed", String(!!on));
      button.classList.toggle("btn-on", !!on);
    }
  }

  // --- Sorting: apply on change --------------------------------------------
  function bindAutosubmit() {
    document.querySelectorAll("form[data-autosubmit]").forEach((form) => {
      if (form.dataset.bound) return;
      form.dataset.bound = "1";
      form.querySelectorAll("select").forEach((s) => s.addEventListener("change", () => form.requestSubmit()));
    });
  }
  bindAutosubmit();

  // --- The conversation on the message page --------------------------------
  const threadLink = document.querySelector(".message a.thread-link");
  if (threadLink) {
    fetch(threadLink.href, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((res) => (res.ok ? res.json() : null))
      .then((items) => {
        if (!Array.isArray(items) || items.length === 0) {
          threadLink.hidden = true; // the server cannot thread
          return;
        }
        if (items.length < 2) return;
        showThread(items);
      })
      .catch(() => {});
  }

  function showThread(items) {
    const nav = document.createElement("nav");
    nav.className = "thread-inline";
    nav.setAttribute("aria-labelledby", "thread-inline-title");
    const h = document.createElement("h2");
    h.id = "thread-inline-title";
    h.textContent = "Conversation (" + items.length + ")";
    nav.append(h);
    const ol = document.createElement("ol");
    for (const it of items) {
      const li = document.createElement("li");
      li.className = "thread-depth-" + Math.min(it.depth, 6) + (it.unread ? " unread" : "");
      const a = document.createElement("a");
      a.href = it.url;
      if (it.current) a.setAttribute("aria-current", "page");
      const from = document.createElement("span");
      from.className = "thread-from";
      from.textContent = it.from;
      const date = document.createElement("span");
      date.className = "thread-date";
      date.textContent = it.date;
      a.append(from, " ", date);
      li.append(a);
      ol.append(li);
    }
    nav.append(ol);
    const header = document.querySelector(".message .msg-header");
    if (header) header.after(nav);
  }
})();
