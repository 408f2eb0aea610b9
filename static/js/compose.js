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
  }
})();
