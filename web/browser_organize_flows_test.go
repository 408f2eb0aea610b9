package web

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserOrganizeFlows does in Chromium, against Dovecot, what a person
// does to keep mail in order: move a message to a folder, delete one,
// search, and create, rename and delete a folder. Each result is checked
// on the server with doveadm, as another client would see it.
func TestBrowserOrganizeFlows(t *testing.T) {
	t.Parallel()
	f, d := dovecotFixture(t)
	a := newTestApp(t, f.cfg)
	b := newBrowser(t, a.srv.URL)
	b.shotsDir = screenshotDir(t)
	b.run(chromedp.EmulateViewport(1366, 768), signIn(a.srv.URL, f.user, f.pass))

	// until polls the server until ok, for at most 5 s.
	until := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(100 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not seen on the server", what)
			}
		}
	}
	inFolder := func(mailbox, subject string) bool {
		got := d.Doveadm(t, "fetch", "-u", f.user, "hdr.subject", "mailbox", mailbox, "all")
		return strings.Contains(got, subject)
	}
	plain := f.mailbox("INBOX")
	slices.Reverse(plain) // newest first, as the list shows them
	moved, deleted := plain[2], plain[3]

	// Move to Archive from the message page.
	b.run(chromedp.Navigate(fmt.Sprintf("%s/mail/INBOX/%d", a.srv.URL, moved.UID)),
		chromedp.WaitVisible("#msg-move-to", chromedp.ByQuery),
		chromedp.SetValue("#msg-move-to", "Archive", chromedp.ByQuery),
		chromedp.Click(`.msg-file button[value="move"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#folder-title", chromedp.ByQuery))
	until("move to Archive", func() bool { return inFolder("Archive", moved.Parsed.Subject) })

	// Delete from the message page: it goes to Trash.
	b.run(chromedp.Navigate(fmt.Sprintf("%s/mail/INBOX/%d", a.srv.URL, deleted.UID)),
		chromedp.WaitVisible(`.msg-file button[value="delete"]`, chromedp.ByQuery),
		chromedp.Click(`.msg-file button[value="delete"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#folder-title", chromedp.ByQuery))
	until("delete to Trash", func() bool { return inFolder("Trash", deleted.Parsed.Subject) })

	// Quick search from the top bar.
	word := "Cooperative Digest"
	var hits int
	b.run(chromedp.Navigate(a.srv.URL+"/mail/INBOX"),
		chromedp.WaitVisible("#q", chromedp.ByQuery),
		chromedp.SendKeys("#q", word, chromedp.ByQuery),
		leaving,
		chromedp.Submit("#q", chromedp.ByQuery),
		chromedp.WaitVisible(next("li[data-uid]"), chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("li[data-uid]").length`, &hits))
	b.shot("search-results", 1366, 768)
	if hits == 0 {
		t.Error("search found nothing")
	}
	var firstSubject string
	b.run(chromedp.Text("li[data-uid] .msg-subject", &firstSubject, chromedp.ByQuery))
	if !strings.Contains(firstSubject, "Digest") {
		t.Errorf("first search hit %q does not match %q", firstSubject, word)
	}

	// Create, rename and delete a folder.
	folders := func() string { return d.Doveadm(t, "mailbox", "list", "-u", f.user) }
	b.run(chromedp.Navigate(a.srv.URL+"/folders"),
		chromedp.WaitVisible("#new-name", chromedp.ByQuery),
		chromedp.SendKeys("#new-name", "Clients/Acme", chromedp.ByQuery),
		leaving,
		chromedp.Submit("#new-name", chromedp.ByQuery),
		chromedp.WaitVisible(next("#new-name"), chromedp.ByQuery))
	until("create Clients/Acme", func() bool { return strings.Contains(folders(), "Clients/Acme") })

	b.run(chromedp.Navigate(a.srv.URL+"/folders"),
		chromedp.WaitVisible(`a[aria-label="Rename or move Clients/Acme"]`, chromedp.ByQuery),
		chromedp.Click(`a[aria-label="Rename or move Clients/Acme"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#rename-name", chromedp.ByQuery),
		// The form keeps the parent ("Inside") and asks for the name in it.
		chromedp.SetValue("#rename-name", "Acme Ltd", chromedp.ByQuery),
		leaving,
		chromedp.Submit("#rename-name", chromedp.ByQuery),
		chromedp.WaitVisible(next("#new-name"), chromedp.ByQuery))
	until("rename to Clients/Acme Ltd", func() bool {
		l := folders()
		return strings.Contains(l, "Clients/Acme Ltd") && !strings.Contains(l, "Clients/Acme\n")
	})
	b.run(chromedp.Navigate(a.srv.URL+"/folders"),
		chromedp.WaitVisible(`a[aria-label="Delete Clients/Acme Ltd"]`, chromedp.ByQuery),
		chromedp.Click(`a[aria-label="Delete Clients/Acme Ltd"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".confirm-actions button", chromedp.ByQuery))
	b.shot("confirm-delete-folder", 390, 844)
	b.run(chromedp.EmulateViewport(1366, 768), leaving, chromedp.Click(".confirm-actions button", chromedp.ByQuery),
		chromedp.WaitVisible(next("#new-name"), chromedp.ByQuery))
	until("delete Clients/Acme Ltd", func() bool { return !strings.Contains(folders(), "Acme Ltd") })

	if p := b.takeProblems(); len(p) > 0 {
		t.Errorf("console errors or CSP violations:\n%s", strings.Join(p, "\n"))
	}
	if r := b.foreignRequests(); len(r) > 0 {
		t.Errorf("requests left for other hosts: %v", r)
	}
}
