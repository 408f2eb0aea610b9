package web

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserOrganize drives the organizing pages in headless Chromium
// against Dovecot: select rows and archive them without a page load,
// sort, see a conversation on the message page, and the folder, search
// and confirmation pages at desk and phone sizes, with no CSP violation
// or script error on the way.
func TestBrowserOrganize(t *testing.T) {
	t.Parallel()
	f := orgDovecot(t, 1)
	a, user, pass := f.session(t)
	b := newBrowser(t, a.srv.URL)
	b.shotsDir = screenshotDir(t)
	b.run(chromedp.Navigate(a.srv.URL+"/login"),
		chromedp.WaitVisible("#username", chromedp.ByQuery),
		chromedp.SendKeys("#username", user, chromedp.ByQuery),
		chromedp.SendKeys("#password", pass, chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible("li[data-uid]", chromedp.ByQuery))

	// Two rows checked: the actions appear; Archive removes the rows in
	// place (the page is not reloaded: a marker set in it survives).
	inbox := f.mailbox("INBOX")
	newest := inbox[len(inbox)-2:]
	var hidden, marker bool
	b.run(chromedp.EmulateViewport(1366, 768),
		chromedp.Evaluate(`window.__stay = true`, nil),
		chromedp.Evaluate(`getComputedStyle(document.querySelector(".bulk-actions")).display === "none"`, &hidden))
	if !hidden {
		t.Error("bulk actions shown before anything is selected")
	}
	for _, s := range newest {
		b.run(chromedp.Click(fmt.Sprintf(`li[data-uid="%d"] input.msg-check`, s.UID), chromedp.ByQuery))
	}
	b.run(chromedp.WaitVisible(".bulk-actions", chromedp.ByQuery))
	b.shot("organize-selected", 1366, 768)
	screen(b, "organize-selected", 390, 844)
	var flash string
	b.run(chromedp.EmulateViewport(1366, 768),
		chromedp.Click(`.bulk-actions button[value="archive"]`, chromedp.ByQuery),
		chromedp.WaitNotPresent(fmt.Sprintf(`li[data-uid="%d"]`, newest[1].UID), chromedp.ByQuery),
		chromedp.Text(".flash", &flash, chromedp.ByQuery),
		chromedp.Evaluate(`window.__stay === true`, &marker))
	if !marker || flash != "Moved 2 messages to Archive. Undo" { // the text, and its Undo button
		t.Errorf("archive by script: page kept %v, flash %q", marker, flash)
	}
	if got := f.observe(t, a, user, pass, "INBOX", "all"); slices.Contains(got, newest[0].UID) {
		t.Error("archived in the browser, but another client still sees it in INBOX")
	}

	// Select all on the page, then the whole folder.
	var count string
	b.run(chromedp.Click("#select-page", chromedp.ByQuery),
		chromedp.Click(`#bulk input[name="all"]`, chromedp.ByQuery),
		chromedp.Text(".bulk-count", &count, chromedp.ByQuery))
	if count != "Every message selected" {
		t.Errorf("selection count says %q", count)
	}

	// Sorting applies on change, without a button.
	var loc string
	b.run(chromedp.Navigate(a.srv.URL+"/mail/INBOX"),
		chromedp.WaitVisible("#sort-key", chromedp.ByQuery),
		// As a person picks from the menu: the value, then "change".
		chromedp.Evaluate(`(s => { s.value = "size"; s.dispatchEvent(new Event("change", {bubbles: true})) })(document.querySelector("#sort-key"))`, nil),
		chromedp.WaitReady(`#sort-key option[value="size"][selected]`, chromedp.ByQuery),
		chromedp.Location(&loc))
	if u, _ := url.Parse(loc); u == nil || u.Query().Get("sort") != "size" {
		t.Errorf("sorting went to %q", loc)
	}
	b.shot("organize-sorted", 390, 844)

	// A message of a conversation shows the conversation.
	thread := f.find(t, "INBOX", func(s seeded) bool { return strings.HasPrefix(s.Parsed.Subject, "Re: ") })
	var items int
	b.run(chromedp.Navigate(fmt.Sprintf("%s/mail/INBOX/%d", a.srv.URL, thread.UID)),
		chromedp.WaitVisible(".thread-inline li", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll(".thread-inline li").length`, &items))
	if items < 2 {
		t.Errorf("conversation on the message page has %d messages", items)
	}
	b.shot("organize-message", 1366, 768)
	screen(b, "organize-message", 390, 844)

	for _, pg := range []struct{ name, path, wait string }{
		{"folders", "/folders", ".folder-rows"},
		{"conversations", "/mail/INBOX?view=threads", "li.conversation"},
		{"search", "/search?q=invoice", ".search-group"},
		{"search-folder", "/search?mailbox=INBOX&q=board", "#bulk"},
		{"confirm-folder", "/folders/delete?name=Receipts", ".confirm"},
		{"confirm-trash", "/mail/Trash/delete?uid=1&uid=2", ".confirm"},
	} {
		b.run(chromedp.Navigate(a.srv.URL+pg.path), chromedp.WaitVisible(pg.wait, chromedp.ByQuery))
		b.shot("organize-"+pg.name, 1366, 768)
		screen(b, "organize-"+pg.name, 390, 844)
	}
	// Nothing wider than a phone.
	var wide bool
	b.run(chromedp.EmulateViewport(390, 844), chromedp.Navigate(a.srv.URL+"/mail/INBOX"),
		chromedp.WaitVisible("li[data-uid]", chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.scrollWidth > 390`, &wide))
	if wide {
		t.Error("the list page scrolls sideways at 390 px")
	}
	if p := b.takeProblems(); len(p) > 0 {
		t.Errorf("browser problems:\n%s", strings.Join(p, "\n"))
	}
}

// screen saves what a phone shows first: the viewport, not the full page.
func screen(b *browser, name string, width, height int64) {
	b.t.Helper()
	var png []byte
	b.run(chromedp.EmulateViewport(width, height), chromedp.Sleep(150*time.Millisecond), chromedp.CaptureScreenshot(&png))
	file := filepath.Join(b.shotsDir, fmt.Sprintf("%s-%dx%d-screen.png", name, width, height))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}
