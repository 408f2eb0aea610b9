// Writing mail: autosave of drafts every 30 seconds and when the page is
// left, uploads as soon as files are chosen (with the size limit checked
// first), no accidental submit on Enter, Ctrl+Enter to send. Without this
// script the compose form works as a plain HTML form.
"use strict";

(function compose() {
  const form = document.getElementById("compose-form");
  if (!form) return;
  const status = document.getElementById("compose-status");
  const saveURL = form.dataset.autosave;
  const maxBytes = Number(form.dataset.maxBytes) || 0;
  const usedBytes = Number(form.dataset.usedBytes) || 0;
  const fileInput = document.getElementById("attachment");
  const attachButton = document.getElementById("attach-button");
  const sendButton = document.getElementById("send-button");
  let submitting = false;
  let saving = false;

  function say(text) {
    if (status) status.textContent = text;
  }

  // The text fields only: autosave never uploads the chosen files (they
  // are attached by their own submit).
  function fields() {
    const fd = new FormData(form);
    fd.delete("attachment");
    return fd;
  }
  function fingerprint(fd) {
    const parts = [];
    for (const [k, v] of fd.entries()) if (k !== "compose" && k !== "draft") parts.push(k + "\u0001" + v);
    return parts.join("\u0000");
  }
  let saved = fingerprint(fields());

  async function autosave() {
    if (submitting || saving) return;
    const fd = fields();
    const print = fingerprint(fd);
    if (print === saved) return;
    saving = true;
    try {
      const resp = await fetch(saveURL, { method: "POST", body: fd, credentials: "same-origin", headers: { Accept: "application/json" } });
      const data = await resp.json().catch(() => ({}));
      // The server may have had to start this message anew (after a
      // restart): post to the new one from now on.
      if (data.compose && form.elements.compose && form.elements.compose.value !== data.compose) {
        form.elements.compose.value = data.compose;
      }
      // The version just saved: if this server forgets the message, the
      // next post reopens it from there.
      if (data.draft && form.elements.draft) form.elements.draft.value = data.draft;
      if (resp.ok && data.saved) {
        saved = print;
        const at = new Date(data.saved).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        say("Draft saved at " + at + ".");
      } else if (data.error) {
        say(data.error);
      }
    } catch (e) {
      say("Draft not saved: no connection to Tidings. Your text is still here.");
    } finally {
      saving = false;
    }
  }
  setInterval(autosave, 30000);

  // Leaving the page (closing the tab, following a link, switching apps on
  // a phone): one last save that outlives the page.
  function saveOnLeave() {
    if (submitting || !navigator.sendBeacon) return;
    const fd = fields();
    const print = fingerprint(fd);
    if (print !== saved && navigator.sendBeacon(saveURL, fd)) saved = print;
  }
  window.addEventListener("pagehide", saveOnLeave);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") saveOnLeave();
  });
  // Back from the browser's page cache: the form is live again.
  window.addEventListener("pageshow", (ev) => {
    if (ev.persisted) submitting = false;
  });

  // One submission at a time: a second click while the first is under way
  // does nothing (the server would refuse to send twice anyway).
  form.addEventListener("submit", (ev) => {
    if (submitting) {
      ev.preventDefault();
      return;
    }
    submitting = true;
    if (ev.submitter === sendButton) say("Sending…");
  });

  form.addEventListener("keydown", (ev) => {
    const t = ev.target;
    if (ev.key !== "Enter") return;
    if ((ev.ctrlKey || ev.metaKey) && sendButton) {
      ev.preventDefault();
      form.requestSubmit(sendButton);
    } else if (t instanceof HTMLInputElement && t.type !== "submit" && t.type !== "file") {
      ev.preventDefault(); // Enter in a field is not "submit"
    }
  });

  function size(n) {
    if (n < 1000) return n + " B";
    if (n < 1e6) return Math.round(n / 1000) + " kB";
    return (n / 1e6).toFixed(1) + " MB";
  }

  // Choosing files uploads them at once; the Attach button is for the
  // page without script.
  if (fileInput && attachButton) {
    attachButton.hidden = true;
    fileInput.addEventListener("change", () => {
      if (!fileInput.files || fileInput.files.length === 0) return;
      let total = usedBytes;
      for (const f of fileInput.files) total += f.size;
      if (maxBytes && total > maxBytes) {
        say("These files are too large: attachments may total at most " + size(maxBytes) + ". Send large files as a link instead.");
        fileInput.value = "";
        return;
      }
      say("Attaching…");
      form.requestSubmit(attachButton);
    });

    // Files dropped anywhere on the form are chosen as if picked, and
    // uploaded the same way.
    let depth = 0;
    const hasFiles = (ev) => ev.dataTransfer && Array.from(ev.dataTransfer.types || []).includes("Files");
    form.addEventListener("dragenter", (ev) => {
      if (!hasFiles(ev)) return;
      depth++;
      form.classList.add("drop-target");
    });
    form.addEventListener("dragleave", () => {
      if (--depth <= 0) {
        depth = 0;
        form.classList.remove("drop-target");
      }
    });
    form.addEventListener("dragover", (ev) => {
      if (hasFiles(ev)) ev.preventDefault(); // allows the drop
    });
    form.addEventListener("drop", (ev) => {
      depth = 0;
      form.classList.remove("drop-target");
      if (!hasFiles(ev) || !ev.dataTransfer.files.length) return;
      ev.preventDefault(); // the browser would open the file instead
      fileInput.files = ev.dataTransfer.files;
      fileInput.dispatchEvent(new Event("change"));
    });
  }
})();

// Address suggestions: the recent recipients (the form's datalist) for
// the address being typed, in any position of a field of several. The
// browser's own datalist popup only knows a field's whole value, so it
// is replaced by an ARIA combobox (listbox below the field) here.
(function recipients() {
  const list = document.getElementById("recent-recipients");
  if (!list) return;
  const recent = Array.from(list.options, (o) => o.value);
  const MAX = 8;
  let n = 0;

  // token finds the address being typed: from the last comma outside
  // quotes before the caret, to the caret.
  function token(input) {
    const caret = input.selectionStart == null ? input.value.length : input.selectionStart;
    const before = input.value.slice(0, caret);
    let start = 0;
    let quoted = false;
    for (let i = 0; i < before.length; i++) {
      if (before[i] === '"') quoted = !quoted;
      else if (before[i] === "," && !quoted) start = i + 1;
    }
    return { start, end: caret, text: before.slice(start).trim() };
  }
  const key = (a) => {
    const m = /<([^>]*)>\s*$/.exec(a);
    return (m ? m[1] : a).trim().toLowerCase();
  };

  for (const input of document.querySelectorAll('input[list="recent-recipients"]')) {
    input.removeAttribute("list");
    const box = document.createElement("ul");
    box.id = "suggest-" + ++n;
    box.className = "suggestions";
    box.setAttribute("role", "listbox");
    box.setAttribute("aria-label", "Recent recipients");
    box.hidden = true;
    // The list floats under the field, over what follows, in a wrapper
    // that takes the field's place in the form's grid.
    const wrap = document.createElement("div");
    wrap.className = "suggest-wrap";
    input.replaceWith(wrap);
    wrap.append(input, box);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", box.id);
    input.setAttribute("aria-expanded", "false");
    let active = -1;

    const options = () => Array.from(box.children);
    function close() {
      box.hidden = true;
      box.replaceChildren();
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(i) {
      const opts = options();
      active = opts.length ? (i + opts.length) % opts.length : -1;
      opts.forEach((o, j) => o.setAttribute("aria-selected", String(j === active)));
      if (active >= 0) input.setAttribute("aria-activedescendant", opts[active].id);
    }
    function pick(addr) {
      const t = token(input);
      const head = input.value.slice(0, t.start);
      const tail = input.value.slice(t.end).replace(/^[^,]*,?\s*/, "");
      const value = (head ? head.replace(/\s*$/, " ") : "") + addr + ", ";
      input.value = value + tail;
      input.setSelectionRange(value.length, value.length);
      close();
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }
    function update() {
      const t = token(input);
      const q = t.text.toLowerCase();
      if (!q) return close();
      const already = new Set(input.value.split(",").map(key));
      const hits = recent.filter((a) => a.toLowerCase().includes(q) && !already.has(key(a))).slice(0, MAX);
      if (!hits.length) return close();
      box.replaceChildren(...hits.map((a, i) => {
        const li = document.createElement("li");
        li.id = box.id + "-" + i;
        li.setAttribute("role", "option");
        li.textContent = a;
        li.addEventListener("mousedown", (ev) => {
          ev.preventDefault(); // keep the focus in the field
          pick(a);
        });
        return li;
      }));
      box.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(0);
    }
    input.addEventListener("input", (ev) => {
      if (ev.isTrusted) update();
    });
    input.addEventListener("keydown", (ev) => {
      if (box.hidden) return;
      switch (ev.key) {
        case "ArrowDown":
          highlight(active + 1);
          break;
        case "ArrowUp":
          highlight(active - 1);
          break;
        case "Enter":
        case "Tab":
          if (active < 0) return;
          pick(options()[active].textContent);
          break;
        case "Escape":
          close();
          break;
        default:
          return;
      }
      ev.preventDefault();
    });
    input.addEventListener("blur", close);
  }
})();
