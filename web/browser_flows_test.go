package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestBrowserFlows walks the app in headless Chromium against Dovecot, as
// a person would: sign in, folders, paging, messages of each kind, flags,
// sign out and the Back button. Screenshots of the main pages at desktop
// and phone sizes land in screenshotDir.
func TestBrowserFlows(t *testing.T) {
	t.Parallel()
	f, _ := dovecotFixture(t)
	a := newTestApp(t, f.cfg)
	b := newBrowser(t, a.srv.URL)
	b.shotsDir = screenshotDir(t)

	var text string
	b.run(chromedp.Navigate(a.srv.URL + "/mail/INBOX"))
	b.run(chromedp.WaitVisible("#username", chromedp.ByQuery))
	b.shot("login", 1366, 768)
	b.shot("login", 390, 844)
	b.run(
		chromedp.EmulateViewport(1366, 768),
		chromedp.SendKeys("#username", f.user, chromedp.ByQuery),
		chromedp.SendKeys("#password", f.pass, chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible("li[data-uid]", chromedp.ByQuery),
		chromedp.Text("#folder-title", &text, chromedp.ByQuery),
	)
	if text != "Inbox" {
		t.Errorf("after sign-in the page shows %q, want Inbox", text)
	}
	b.shot("inbox", 1366, 768)
	b.shot("inbox", 390, 844)

	// Page to older mail and back.
	var pos string
	b.run(
		chromedp.EmulateViewport(1366, 768),
		chromedp.Click(`.list-head a[rel="next"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.list-head a[rel="prev"]`, chromedp.ByQuery),
		chromedp.Text(".list-head .pager-pos", &pos, chromedp.ByQuery),
	)
	if !strings.HasPrefix(pos, "51–") {
		t.Errorf("page 2 shows %q", pos)
	}

	// Another folder from the sidebar.
	b.run(leaving, chromedp.Click(`.folders a[href="/mail/Sent"]`, chromedp.ByQuery),
		chromedp.WaitVisible(next("li[data-uid]"), chromedp.ByQuery),
		chromedp.Text("#folder-title", &text, chromedp.ByQuery))
	if text != "Sent" {
		t.Errorf("Sent folder shows %q", text)
	}

	// An HTML newsletter: shown in its frame, remote content blocked.
	html := f.find(t, "INBOX", func(s seeded) bool {
		return strings.Contains(s.Parsed.HTML, "<table") && strings.Contains(s.Parsed.HTML, "http://")
	})
	b.run(chromedp.Navigate(fmt.Sprintf("%s/mail/INBOX/%d", a.srv.URL, html.UID)),
		chromedp.WaitVisible("iframe.msg-html", chromedp.ByQuery), chromedp.Sleep(300e6))
	b.shot("message-html", 1366, 768)
	b.shot("message-html", 390, 844)

	// Inline (cid:) images come embedded in the sandboxed frame's
	// document: the frame has no cookie to fetch them with.
	related := f.find(t, "INBOX", func(s seeded) bool { return len(s.Parsed.Inline) > 0 })
	b.run(chromedp.Navigate(fmt.Sprintf("%s/mail/INBOX/%d", a.srv.URL, related.UID)),
		chromedp.WaitVisible("iframe.msg-html", chromedp.ByQuery), chromedp.Sleep(500e6))
	if st := b.status("/body"); st != 200 {
		t.Errorf("body frame answered %d", st)
	}
	a.login(f.user, f.pass)
	frame := a.get(fmt.Sprintf("/mail/INBOX/%d/body", related.UID))
	if frame.doc.Find(`img[src^="data:image/png;base64,"]`).Length() == 0 {
		t.Error("the cid: image is not embedded in the body")
	}

	// A message with attachments.
	att := f.find(t, "INBOX", func(s seeded) bool { return len(s.Parsed.Attachments) > 1 })
	b.run(chromedp.Navigate(fmt.Sprintf("%s/mail/INBOX/%d", a.srv.URL, att.UID)),
		chromedp.WaitVisible(".attachments", chromedp.ByQuery))
	b.shot("message-attachments", 1366, 768)

	// A plain-text message: flag it, mark it unread.
	plain := f.find(t, "INBOX", func(s seeded) bool { return s.Parsed.HTML == "" && s.Parsed.Text != "" && !s.Flagged })
	b.run(chromedp.Navigate(fmt.Sprintf("%s/mail/INBOX/%d", a.srv.URL, plain.UID)),
		chromedp.WaitVisible(".msg-text", chromedp.ByQuery))
	b.shot("message-text", 390, 844)
	// Printed, a message is the message alone.
	var toolbarShown bool
	b.run(emulation.SetEmulatedMedia().WithMedia("print"),
		chromedp.Evaluate(`getComputedStyle(document.querySelector(".msg-toolbar")).display !== "none"`, &toolbarShown))
	b.shot("message-print", 794, 1123)
	b.run(emulation.SetEmulatedMedia().WithMedia(""))
	if toolbarShown {
		t.Error("the print style shows the toolbar")
	}
	b.run(chromedp.EmulateViewport(1366, 768),
		chromedp.Click(`form[action$="/flag"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action$="/flag"] button[aria-pressed="true"]`, chromedp.ByQuery))
	if !serverFlags(t, a, f, "INBOX", plain.UID).Flagged {
		t.Error("flag button did not flag on the server")
	}
	b.run(chromedp.Click(`form[action$="/seen"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery))
	if serverFlags(t, a, f, "INBOX", plain.UID).Seen {
		t.Error("mark unread did not clear \\Seen on the server")
	}

	// Sign out, then Back: no mail may come back from the cache.
	b.run(chromedp.Navigate(fmt.Sprintf("%s/mail/INBOX/%d", a.srv.URL, plain.UID)),
		chromedp.WaitVisible(".msg-text", chromedp.ByQuery),
		chromedp.Click(".logout button", chromedp.ByQuery),
		chromedp.WaitVisible("#username", chromedp.ByQuery),
		chromedp.NavigateBack(),
		chromedp.Sleep(500e6),
	)
	var body string
	b.run(chromedp.Text("body", &body, chromedp.ByQuery))
	if strings.Contains(body, plain.Parsed.Subject) || !strings.Contains(body, "Password") {
		t.Errorf("after sign-out, Back shows mail:\n%.300s", body)
	}

	if p := b.takeProblems(); len(p) > 0 {
		t.Errorf("console errors or CSP violations:\n%s", strings.Join(p, "\n"))
	}
	if r := b.foreignRequests(); len(r) > 0 {
		t.Errorf("requests left for other hosts: %v", r)
	}
}
