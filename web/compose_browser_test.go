package web

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestComposeBrowser writes and sends a message in headless Chromium, with
// compose.js running under the real CSP: choosing a file attaches it at
// once, leaving the page saves a draft, Send sends. Screenshots of the form
// at desk and phone sizes land in screenshotDir.
func TestComposeBrowser(t *testing.T) {
	t.Parallel()
	d := startDemoMail(t)
	a := newComposeApp(t, d.imap, d.options())
	box := a.mailboxOf(t, "demo", "demo")
	b := newBrowser(t, a.srv.URL)
	b.shotsDir = screenshotDir(t)
	file := filepath.Join(t.TempDir(), "minutes.txt")
	if err := os.WriteFile(file, []byte("Minutes of the meeting\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	b.run(chromedp.EmulateViewport(1366, 768),
		chromedp.Navigate(a.srv.URL+"/login"),
		chromedp.WaitVisible("#username", chromedp.ByQuery),
		chromedp.SendKeys("#username", "demo", chromedp.ByQuery),
		chromedp.SendKeys("#password", "demo", chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible("li[data-uid]", chromedp.ByQuery),
		chromedp.Click(".compose-btn", chromedp.ByQuery),
		chromedp.WaitVisible("#compose-form", chromedp.ByQuery),
		// compose.js has run once it hid the Attach button.
		chromedp.WaitReady("#attach-button[hidden]", chromedp.ByQuery),
		chromedp.SendKeys("#to", "Robin <demo@example.org>", chromedp.ByQuery),
		// Enter in a field must not submit anything.
		chromedp.SendKeys("#subject", "Written in a browser", chromedp.ByQuery),
		press(kb.Enter), // as a keyboard sends it (press): chromedp's own Enter submits whatever the page says
		chromedp.SendKeys("#body", "Hello,\nthe minutes are attached.", chromedp.ByQuery),
	)
	var attachShown bool
	b.run(chromedp.Evaluate(`document.getElementById("attach-button").offsetParent !== null`, &attachShown))
	if attachShown {
		t.Error("compose.js did not run, or CSS shows the hidden Attach button")
	}
	b.run(chromedp.SetUploadFiles("#attachment", []string{file}, chromedp.ByQuery))
	b.run(chromedp.WaitVisible(".compose-file", chromedp.ByQuery),
		chromedp.WaitReady("#attach-button[hidden]", chromedp.ByQuery))
	var subject, name string
	b.run(chromedp.Value("#subject", &subject, chromedp.ByQuery), chromedp.Text(".compose-file .att-name", &name, chromedp.ByQuery))
	if subject != "Written in a browser" || name != "minutes.txt" {
		t.Errorf("after attaching: subject %q, file %q", subject, name)
	}
	// Files dropped on the form are attached like chosen ones.
	b.run(chromedp.Evaluate(`(() => {
		const dt = new DataTransfer();
		dt.items.add(new File(["Agenda for Monday\n"], "agenda.txt", {type: "text/plain"}));
		const form = document.getElementById("compose-form");
		for (const type of ["dragenter", "dragover", "drop"]) {
			form.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: dt}));
		}
		return true;
	})()`, nil))
	var files []string
	b.run(chromedp.WaitVisible(`.compose-file:nth-of-type(2)`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll(".compose-file .att-name")).map(e => e.textContent)`, &files))
	if !slices.Equal(files, []string{"minutes.txt", "agenda.txt"}) {
		t.Errorf("after a drop: attachments %q", files)
	}
	b.shot("compose", 1366, 768)
	b.shot("compose", 390, 844)

	// Leaving the page saves a draft (sendBeacon on pagehide).
	b.run(chromedp.EmulateViewport(1366, 768),
		chromedp.SendKeys("#body", "\nOne more line.", chromedp.ByQuery),
		chromedp.Evaluate(`window.dispatchEvent(new PageTransitionEvent("pagehide")); true`, nil))
	deadline := time.Now().Add(5 * time.Second)
	for len(box.find("Drafts", "Written in a browser")) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("leaving the page saved no draft")
		}
		time.Sleep(50 * time.Millisecond)
	}

	var flash string
	// Click, then wait in a second step: the click starts a navigation,
	// and an action that spans it can lose its execution context.
	b.run(chromedp.Click("#send-button", chromedp.ByQuery))
	b.run(chromedp.WaitVisible(".flash", chromedp.ByQuery),
		chromedp.Text(".flash", &flash, chromedp.ByQuery))
	if flash != "Your message was sent." {
		t.Errorf("flash %q", flash)
	}
	got := box.waitFor("INBOX", "Written in a browser")
	m := box.open("INBOX", got.UID)
	if !strings.Contains(m.Text, "One more line.") || len(m.Attachments) != 2 { // chosen and dropped
		t.Errorf("sent: %q with %d attachments", m.Text, len(m.Attachments))
	}
	if n := len(box.find("Drafts", "Written in a browser")); n != 0 {
		t.Errorf("%d drafts left after sending", n)
	}

	if p := b.takeProblems(); len(p) > 0 {
		t.Errorf("console errors or CSP violations:\n%s", strings.Join(p, "\n"))
	}

	// A reply on a phone. (The message page's own scripts are checked by
	// the message tests.)
	b.run(chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(a.srv.URL+"/mail/INBOX/1"),
		chromedp.WaitVisible(".reply-bar", chromedp.ByQuery),
		chromedp.Click(`.reply-bar a[href^="/compose?reply="]`, chromedp.ByQuery),
		chromedp.WaitVisible("#compose-form", chromedp.ByQuery))
	b.takeProblems()
	b.run(chromedp.Reload(), chromedp.WaitVisible("#compose-form", chromedp.ByQuery))
	b.shot("compose-reply", 390, 844)
	if p := b.takeProblems(); len(p) > 0 {
		t.Errorf("console errors or CSP violations:\n%s", strings.Join(p, "\n"))
	}
	if r := b.foreignRequests(); len(r) > 0 {
		t.Errorf("requests left for other hosts: %v", r)
	}
}
