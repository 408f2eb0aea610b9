package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestLiveBrowser: in headless Chromium the open INBOX shows delivered
// mail without a reload: a new row on top, the unread count in the
// title; then the same message read on another device loses its unread
// mark. Against Dovecot and in demo mode.
func TestLiveBrowser(t *testing.T) {
	t.Parallel()
	t.Run("dovecot", func(t *testing.T) {
		t.Parallel()
		f, d := dovecotFixture(t)
		a, _ := newLiveApp(t, f.cfg, nil, nil)
		testLiveBrowser(t, a, f, func(subject string) { d.Save(t, f.user, "INBOX", liveMessage(subject)) })
	})
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		srv, f := liveMemoryFixture(t)
		a, _ := newLiveApp(t, f.cfg, nil, nil)
		testLiveBrowser(t, a, f, func(subject string) {
			if err := srv.Deliver(f.user, "INBOX", liveMessage(subject), false); err != nil {
				t.Fatal(err)
			}
		})
	})
}

func testLiveBrowser(t *testing.T, a *testApp, f mailFixture, deliver func(subject string)) {
	b := newBrowser(t, a.srv.URL)
	var rowsBefore, rowsAfter int
	var titleBefore, titleAfter, notifyPressed string
	b.run(
		chromedp.Navigate(a.srv.URL+"/mail/INBOX"),
		chromedp.WaitVisible("#username", chromedp.ByQuery),
		chromedp.SendKeys("#username", f.user, chromedp.ByQuery),
		chromedp.SendKeys("#password", f.pass, chromedp.ByQuery),
		chromedp.Submit("#password", chromedp.ByQuery),
		chromedp.WaitVisible("li[data-uid]", chromedp.ByQuery),
		chromedp.WaitVisible("button.live-notify", chromedp.ByQuery),
		chromedp.AttributeValue("button.live-notify", "aria-pressed", &notifyPressed, nil, chromedp.ByQuery),
		chromedp.WaitReady(`html[data-live="on"]`, chromedp.ByQuery),
		chromedp.Sleep(300*time.Millisecond), // the watch's first sync
		chromedp.Evaluate(`document.querySelectorAll("ul.messages li[data-uid]").length`, &rowsBefore),
		chromedp.Title(&titleBefore),
	)
	if notifyPressed != "false" {
		t.Errorf("desktop notifications on without being asked: aria-pressed=%q", notifyPressed)
	}

	subject := "Live in the browser " + f.name
	start := time.Now()
	deliver(subject)
	b.run(
		chromedp.Poll(fmt.Sprintf(`(document.querySelector("ul.messages li[data-uid] .msg-subject")?.textContent ?? "").includes(%q)`, subject),
			nil, chromedp.WithPollingTimeout(5*time.Second), chromedp.WithPollingInterval(20*time.Millisecond)),
	)
	t.Logf("%s: the new row appeared %v after delivery", f.name, time.Since(start).Round(time.Millisecond))
	b.run(
		chromedp.Poll(`!/^\(\d+\) /.test(document.title) || document.title !== `+fmt.Sprintf("%q", titleBefore), nil,
			chromedp.WithPollingTimeout(3*time.Second)),
		chromedp.Evaluate(`document.querySelectorAll("ul.messages li[data-uid]").length`, &rowsAfter),
		chromedp.Title(&titleAfter),
	)
	if rowsAfter != rowsBefore+1 {
		t.Errorf("%d rows before, %d after one delivery", rowsBefore, rowsAfter)
	}
	if unreadIn(titleAfter) != unreadIn(titleBefore)+1 {
		t.Errorf("title %q before, %q after a delivery", titleBefore, titleAfter)
	}
	var fresh bool
	b.run(chromedp.Evaluate(`document.querySelector("ul.messages li[data-uid]").classList.contains("unread")`, &fresh))
	if !fresh {
		t.Error("the new row is not marked unread")
	}
	if p := b.takeProblems(); len(p) > 0 {
		t.Errorf("console problems: %v", p)
	}
	if r := b.foreignRequests(); len(r) > 0 {
		t.Errorf("requests left for other hosts: %v", r)
	}
}

// unreadIn reads the count from a title like "(3) Inbox – Tidings".
func unreadIn(title string) int {
	var n int
	if strings.HasPrefix(title, "(") {
		fmt.Sscanf(title, "(%d)", &n)
	}
	return n
}
