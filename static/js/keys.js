// Keyboard shortcuts, on top of the links and buttons every page has:
// each key clicks or focuses something that is there without this script.
// Keys never act while the user types in a field, nor with Ctrl, Alt or
// the Command key held (those belong to the browser).
"use strict";

(function keys() {
  const main = document.getElementById("main");
  if (!main) return; // the sign-in page

  // Single-key shortcuts can be turned off (WCAG 2.1.4), per browser: a
  // choice about this keyboard and its assistive software, not about mail.
  const OFF_KEY = "tidings-keys-off";
  const off = () => localStorage.getItem(OFF_KEY) === "1";
  const toggle = document.getElementById("keys-enabled");
  if (toggle) {
    toggle.checked = !off();
    toggle.addEventListener("change", () => {
      if (toggle.checked) localStorage.removeItem(OFF_KEY);
      else localStorage.setItem(OFF_KEY, "1");
    });
  }

  const help = [
    ["Everywhere", [["/", "Search"], ["c", "Write a message"], ["?", "Show these shortcuts"]]],
    ["Message list", [["j / k", "Next / previous message"], ["o or Enter", "Open it"], ["x", "Select it"],
      ["e", "Archive"], ["#", "Delete"], ["s", "Flag"]]],
    ["Open message", [["j / k", "Older / newer message"], ["r", "Reply"], ["a", "Reply all"], ["f", "Forward"],
      ["e", "Archive"], ["#", "Delete"], ["s", "Flag or unflag"], ["u", "Back to the folder"]]],
  ];

  function typing(el) {
    return !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function click(selector) {
    const el = document.querySelector(selector);
    if (!el || el.disabled) return false;
    el.click();
    return true;
  }

  // --- Lists -----------------------------------------------------------------
  function rows() {
    return Array.from(main.querySelectorAll("ul.messages > li.msg"));
  }
  // The current row is kept by its message, not its element: organize.js
  // and live updates redraw the list, and the place must survive that.
  let currentID = "";
  const idOf = (row) => row.dataset.uid || row.dataset.uids || "";
  function currentRow() {
    const all = rows();
    return all.find((r) => r.contains(document.activeElement)) || (currentID && all.find((r) => idOf(r) === currentID)) || null;
  }
  new MutationObserver(() => {
    const row = currentID && rows().find((r) => idOf(r) === currentID);
    if (row && !row.classList.contains("kbd-current")) row.classList.add("kbd-current");
  }).observe(main, { childList: true, subtree: true });
  function moveTo(row) {
    if (!row) return;
    currentID = idOf(row);
    rows().forEach((r) => r.classList.toggle("kbd-current", r === row));
    const link = row.querySelector("a.msg-link");
    if (link) link.focus();
    row.scrollIntoView({ block: "nearest" });
  }
  function step(by) {
    const all = rows();
    if (!all.length) return false;
    const i = all.indexOf(currentRow());
    moveTo(all[i < 0 ? (by > 0 ? 0 : all.length - 1) : Math.max(0, Math.min(all.length - 1, i + by))]);
    return true;
  }
  function toggleSelect(row) {
    const box = row && row.querySelector("input.msg-check");
    if (!box) return false;
    box.checked = !box.checked;
    box.dispatchEvent(new Event("change", { bubbles: true })); // organize.js counts
    return true;
  }
  // listAction presses a bulk button: on the selected rows, or, with
  // none selected, on the current row alone.
  function listAction(value) {
    const button = main.querySelector('.bulk-bar button[name="action"][value="' + value + '"]');
    if (!button) return false;
    const any = main.querySelector("ul.messages input.msg-check:checked, .bulk-bar input[name=\"all\"]:checked");
    if (!any && !toggleSelect(currentRow())) return false;
    button.click();
    return true;
  }

  // --- An open message -----------------------------------------------------------
  function messageAction(value) {
    return click('.msg-toolbar .msg-file button[name="action"][value="' + value + '"]');
  }

  // --- Help ------------------------------------------------------------------------
  let dialog = null;
  function showHelp() {
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.className = "keys-help";
      dialog.setAttribute("aria-labelledby", "keys-help-title");
      const h = document.createElement("h2");
      h.id = "keys-help-title";
      h.textContent = "Keyboard shortcuts";
      dialog.append(h);
      for (const [title, list] of help) {
        const h3 = document.createElement("h3");
        h3.textContent = title;
        const dl = document.createElement("dl");
        for (const [key, what] of list) {
          const dt = document.createElement("dt");
          dt.append(...key.split(" ").map((k) => {
            if (k === "/" && key !== "/") return document.createTextNode(" / ");
            if (k === "or") return document.createTextNode(" or ");
            const kbd = document.createElement("kbd");
            kbd.textContent = k;
            return kbd;
          }));
          const dd = document.createElement("dd");
          dd.textContent = what;
          dl.append(dt, dd);
        }
        dialog.append(h3, dl);
      }
      const close = document.createElement("button");
      close.type = "button";
      close.className = "btn";
      close.textContent = "Close";
      close.addEventListener("click", () => dialog.close());
      dialog.append(close);
      document.body.append(dialog);
    }
    if (!dialog.open) dialog.showModal();
    return true;
  }

  const onMessage = () => !!main.querySelector(".msg-toolbar");
  document.addEventListener("keydown", (ev) => {
    if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target) || off()) return;
    if (dialog && dialog.open) return; // Escape closes it; nothing else acts behind it
    let done = false;
    switch (ev.key) {
      case "/": {
        const q = document.getElementById("q");
        if (q) {
          q.focus();
          q.select();
          done = true;
        }
        break;
      }
      case "?":
        done = showHelp();
        break;
      case "c":
        done = click(".compose-btn");
        break;
      case "j":
        done = onMessage() ? click(".msg-toolbar a.msg-older") : step(1);
        break;
      case "k":
        done = onMessage() ? click(".msg-toolbar a.msg-newer") : step(-1);
        break;
      case "o": {
        const link = currentRow() && currentRow().querySelector("a.msg-link");
        if (link) {
          link.click();
          done = true;
        }
        break;
      }
      case "x":
        done = toggleSelect(currentRow());
        break;
      case "e":
        done = onMessage() ? messageAction("archive") : listAction("archive");
        break;
      case "#":
        done = onMessage() ? messageAction("delete") : listAction("delete");
        break;
      case "s":
        done = onMessage() ? click('.msg-toolbar form[data-organize="flag"] button') : listAction("flag");
        break;
      case "r":
        done = onMessage() && click('a[href^="/compose?reply="]');
        break;
      case "a":
        done = onMessage() && click('a[href^="/compose?replyall="]');
        break;
      case "f":
        done = onMessage() && click('a[href^="/compose?forward="]:not([href*="as=attachment"])');
        break;
      case "u":
        done = onMessage() && click(".msg-toolbar > a.btn:first-child");
        break;
    }
    if (done) ev.preventDefault();
  });
})();
