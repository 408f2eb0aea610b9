package web

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserKeyboard drives the list and an open message with the
// keyboard alone (keys.js), against Dovecot: move with j and k, select
// with x, archive with e, open with o, flag with s, reply with r, delete
// with #, back with u, search with /, help with ?. Each change is checked
// on the server.
func TestBrowserKeyboard(t *testing.T) {
	t.Parallel()
	f, d := dovecotFixture(t)
	a := newComposeApp(t, f.cfg, composeOptions{mailDomain: "example.org"}) // r opens a form; nothing is sent
	b := newBrowser(t, a.srv.URL)
	b.shotsDir = screenshotDir(t)
	b.run(chromedp.EmulateViewport(1366, 768), signIn(a.srv.URL, f.user, f.pass))

	until := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(100 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not seen on the server", what)
			}
		}
	}
	uidsIn := func(mailbox string) []string { // doveadm search prints "GUID UID" lines
		var uids []string
		for _, l := range strings.Split(d.Doveadm(t, "search", "-u", f.user, "mailbox", mailbox, "all"), "\n") {
			if f := strings.Fields(l); len(f) == 2 {
				uids = append(uids, f[1])
			}
		}
		return uids
	}
	var current string
	currentUID := chromedp.Evaluate(`(document.querySelector("li.kbd-current") || {}).dataset?.uid || ""`, &current)
	var focused bool
	linkFocused := chromedp.Evaluate(`document.activeElement === document.querySelector("li.kbd-current a.msg-link")`, &focused)

	// j, j, k: the second row, then the first; the focus goes along.
	var rows []string
	b.run(chromedp.Evaluate(`Array.from(document.querySelectorAll("ul.messages > li.msg")).map(li => li.dataset.uid)`, &rows),
		press("j"), press("j"), currentUID)
	if len(rows) < 4 || current != rows[1] {
		t.Fatalf("after j j: current row %q, rows %v", current, rows)
	}
	b.run(press("k"), currentUID, linkFocused)
	if current != rows[0] || !focused {
		t.Errorf("after k: current %q (want %q), link focused %v", current, rows[0], focused)
	}

	// x selects the row, and again unselects it.
	var count string
	b.run(press("x"), chromedp.Text(".bulk-count", &count, chromedp.ByQuery))
	if count != "1 selected" {
		t.Errorf("after x: %q", count)
	}
	var checked int
	b.run(press("x"), chromedp.Evaluate(`document.querySelectorAll("input.msg-check:checked").length`, &checked))
	if checked != 0 {
		t.Errorf("after x twice: %d rows selected", checked)
	}

	// e archives the current row (nothing selected: that one alone).
	inArchive, inTrash, inInbox := len(uidsIn("Archive")), len(uidsIn("Trash")), len(uidsIn("INBOX"))
	b.run(press("j"), press("j"), currentUID)
	archived := current
	b.run(press("e"), chromedp.WaitNotPresent(`li[data-uid="`+archived+`"]`, chromedp.ByQuery))
	until("e archives", func() bool { return len(uidsIn("Archive")) == inArchive+1 })
	if inbox := uidsIn("INBOX"); slices.Contains(inbox, archived) {
		t.Errorf("archived %s is still in INBOX", archived)
	}

	// The flash offers Undo: the archived row comes back.
	b.run(chromedp.WaitVisible(".flash .flash-undo", chromedp.ByQuery), chromedp.Click(".flash .flash-undo", chromedp.ByQuery),
		chromedp.WaitVisible(`li[data-uid]`, chromedp.ByQuery))
	until("undo brings it back", func() bool { return len(uidsIn("Archive")) == inArchive && len(uidsIn("INBOX")) == inInbox })
	var flashText string
	b.run(chromedp.Text(".flash", &flashText, chromedp.ByQuery))
	if !strings.Contains(flashText, "back") {
		t.Errorf("after Undo the flash says %q", flashText)
	}
	// Archive it again, for the steps below.
	b.run(press("j"), press("j"), currentUID, press("e"), chromedp.WaitNotPresent(`li[data-uid="`+current+`"]`, chromedp.ByQuery))
	until("e archives again", func() bool { return len(uidsIn("Archive")) == inArchive+1 })

	// o opens the current row.
	b.run(press("j"), currentUID)
	opened := current
	b.run(leaving, press("o"), chromedp.WaitVisible(next("#msg-subject"), chromedp.ByQuery))

	// s flags it.
	b.run(press("s"), chromedp.WaitVisible(`form[data-organize="flag"] button[aria-pressed="true"]`, chromedp.ByQuery))
	until("s flags", func() bool {
		return strings.Contains(d.Doveadm(t, "fetch", "-u", f.user, "flags", "mailbox", "INBOX", "uid", opened), `\Flagged`)
	})

	// ? shows the shortcuts; Escape closes them, and keys act again.
	var open bool
	b.run(press("?"), chromedp.WaitVisible("dialog.keys-help", chromedp.ByQuery))
	b.shot("keyboard-help", 1366, 768)
	b.run(press(kb.Escape), chromedp.Evaluate(`document.querySelector("dialog.keys-help").open`, &open))
	if open {
		t.Error("Escape left the help open")
	}

	// r replies.
	b.run(leaving, press("r"), chromedp.WaitVisible(next("#compose-form"), chromedp.ByQuery))
	var subject string
	b.run(chromedp.Value("#subject", &subject, chromedp.ByQuery))
	if !strings.HasPrefix(subject, "Re:") {
		t.Errorf("r opened a form with subject %q", subject)
	}
	b.run(leaving, chromedp.NavigateBack(), chromedp.WaitVisible(next("#msg-subject"), chromedp.ByQuery))

	// / goes to the search field, and typed letters stay there.
	var q string
	b.run(press("/"), chromedp.KeyEvent("jeans"), chromedp.Value("#q", &q, chromedp.ByQuery))
	if q != "jeans" {
		t.Errorf("typed into search: %q", q)
	}
	b.run(chromedp.Blur("#q", chromedp.ByQuery))

	// # deletes the open message: it goes to Trash, the folder shows.
	b.run(leaving, press("#"), chromedp.WaitVisible(next("#folder-title"), chromedp.ByQuery))
	until("# deletes", func() bool { return len(uidsIn("Trash")) == inTrash+1 })

	// u goes back from a message to its folder.
	b.run(press("j"), leaving, press("o"), chromedp.WaitVisible(next("#msg-subject"), chromedp.ByQuery),
		leaving, press("u"), chromedp.WaitVisible(next("#folder-title"), chromedp.ByQuery))

	// On a message, j and k go to the older and the newer one.
	var before, after string
	b.run(press("j"), leaving, press("o"), chromedp.WaitVisible(next("#msg-subject"), chromedp.ByQuery), chromedp.Location(&before),
		leaving, press("j"), chromedp.WaitVisible(next("#msg-subject"), chromedp.ByQuery), chromedp.Location(&after))
	if before == after || !strings.Contains(after, "/mail/INBOX/") {
		t.Errorf("j on a message: %s, then %s", before, after)
	}
	b.run(leaving, press("k"), chromedp.WaitVisible(next("#msg-subject"), chromedp.ByQuery), chromedp.Location(&after))
	if after != before {
		t.Errorf("k after j: %s, want back at %s", after, before)
	}

	// The settings page, where the shortcuts are mentioned, and can be
	// turned off for this browser (WCAG 2.1.4): then j does nothing.
	b.run(chromedp.Navigate(a.srv.URL+"/settings"), chromedp.WaitVisible("#set-signature", chromedp.ByQuery))
	b.shot("settings", 1366, 768)
	b.shot("settings", 390, 844)
	b.run(chromedp.Click("#keys-enabled", chromedp.ByQuery),
		chromedp.Navigate(a.srv.URL+"/mail/INBOX"), chromedp.WaitVisible("li[data-uid]", chromedp.ByQuery),
		press("j"), currentUID)
	if current != "" {
		t.Errorf("shortcuts turned off, yet j moved to row %s", current)
	}
	b.run(chromedp.Navigate(a.srv.URL+"/settings"), chromedp.WaitVisible("#keys-enabled", chromedp.ByQuery),
		chromedp.Click("#keys-enabled", chromedp.ByQuery),
		chromedp.Navigate(a.srv.URL+"/mail/INBOX"), chromedp.WaitVisible("li[data-uid]", chromedp.ByQuery),
		press("j"), currentUID)
	if current == "" {
		t.Error("shortcuts turned on again, yet j did nothing")
	}

	if p := b.takeProblems(); len(p) > 0 {
		t.Errorf("console: %v", p)
	}
}
