package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestDatesInConfiguredZone: dates on pages are in the zone the operator
// configured (-timezone), not the sender's and not the machine's: the
// message page's date and a list row's full date in the title.
func TestDatesInConfiguredZone(t *testing.T) {
	t.Parallel()
	f := memoryFixture(t)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	a := newTestAppWith(t, f.cfg, Config{Location: tokyo})
	a.login(f.user, f.pass)
	s := f.find(t, "INBOX", func(s seeded) bool { return !s.Parsed.Date.IsZero() })
	want := s.Parsed.Date.In(tokyo).Format("Mon, 2 Jan 2006 15:04 MST")

	p := a.get(fmt.Sprintf("/mail/INBOX/%d", s.UID))
	wantStatus(t, p, http.StatusOK)
	if got := strings.TrimSpace(p.doc.Find(`time[data-fmt="long"]`).Text()); got != want {
		t.Errorf("message date %q, want %q", got, want)
	}
	list := a.get("/mail/INBOX")
	title := list.doc.Find(fmt.Sprintf(`li[data-uid="%d"] time`, s.UID)).AttrOr("title", "")
	if title != want {
		t.Errorf("list row's date title %q, want %q", title, want)
	}
}

// TestBrowserLocalDates: with JavaScript, dates are shown in the
// browser's own time zone, whatever the server's.
func TestBrowserLocalDates(t *testing.T) {
	t.Parallel()
	f := memoryFixture(t)
	a := newTestAppWith(t, f.cfg, Config{Location: time.UTC})
	b := newBrowser(t, a.srv.URL)
	s := f.find(t, "INBOX", func(s seeded) bool { return !s.Parsed.Date.IsZero() })
	b.run(emulation.SetTimezoneOverride("Asia/Tokyo"), signIn(a.srv.URL, f.user, f.pass),
		chromedp.WaitVisible("li[data-uid] time[data-localized]", chromedp.ByQuery))
	var title, long string
	b.run(chromedp.AttributeValue(fmt.Sprintf(`li[data-uid="%d"] time`, s.UID), "title", &title, nil, chromedp.ByQuery),
		chromedp.Navigate(fmt.Sprintf("%s/mail/INBOX/%d", a.srv.URL, s.UID)),
		chromedp.WaitVisible(`time[data-fmt="long"][data-localized]`, chromedp.ByQuery),
		chromedp.Text(`time[data-fmt="long"]`, &long, chromedp.ByQuery))
	tokyo := s.Parsed.Date.In(time.FixedZone("JST", 9*3600))
	for _, got := range []string{title, long} {
		if !strings.Contains(got, "GMT+9") || !strings.Contains(got, tokyo.Format("15:04")) || !strings.Contains(got, tokyo.Format("2 Jan 2006")) {
			t.Errorf("date in the browser's zone: %q, want %s GMT+9", got, tokyo.Format("2 Jan 2006 15:04"))
		}
	}
	if p := b.takeProblems(); len(p) > 0 {
		t.Errorf("console: %v", p)
	}
}
