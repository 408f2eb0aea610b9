package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/tidings-mail/tidings/imapproxy"
)

// observeSearch is the quick search for term in mailbox, done by an
// independent client: doveadm's IMAP-style query on Dovecot, a separate
// connection on the in-memory server.
func (f orgFixture) observeSearch(t *testing.T, a *testApp, user, pass, mailbox, term string) int {
	t.Helper()
	if f.d != nil {
		// doveadm writes IMAP's prefix OR infix (doveadm-search-query(7)).
		out := strings.TrimSpace(f.d.Doveadm(t, "search", "-u", user, "mailbox", mailbox,
			"(", "from", term, "OR", "to", term, "OR", "subject", term, "OR", "body", term, ")"))
		if out == "" {
			return 0
		}
		return len(strings.Split(out, "\n"))
	}
	other := a.pool.Session("observer-"+user, user, func() (string, error) { return pass, nil })
	defer a.pool.CloseSession("observer-" + user)
	_, v, err := other.View(t.Context(), imapproxy.ViewOptions{Mailbox: mailbox, Query: imapproxy.Query{Text: term}, Page: 1, PerPage: 50})
	if err != nil {
		t.Fatal(err)
	}
	return v.Total
}

func summaryCount(t *testing.T, p *page) int {
	t.Helper()
	s := strings.TrimSpace(p.doc.Find(".search-summary").Text())
	n, err := strconv.Atoi(strings.Fields(s + " x")[0])
	if err != nil {
		t.Fatalf("search summary %q", s)
	}
	return n
}

// sizeBytes reads humanSize back.
func sizeBytes(t *testing.T, s string) float64 {
	t.Helper()
	var n float64
	var unit string
	if _, err := fmt.Sscanf(s, "%g %s", &n, &unit); err != nil {
		t.Fatalf("size %q", s)
	}
	return n * map[string]float64{"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}[unit]
}

func testSearchSortThreads(t *testing.T, f orgFixture) {
	a, user, pass := f.session(t)
	for _, term := range []string{"board", "Änderungen", "来週", `"quarterly members"`} {
		p := a.get("/search?mailbox=INBOX&q=" + url.QueryEscape(term))
		wantStatus(t, p, http.StatusOK)
		want := f.observeSearch(t, a, user, pass, "INBOX", strings.Trim(term, `"`))
		if got := summaryCount(t, p); got != want || want == 0 {
			t.Errorf("search %s: page says %d, independent client finds %d", term, got, want)
		}
		if n := p.doc.Find("#bulk li[data-uid]").Length(); n != min(want, 50) {
			t.Errorf("search %s: %d rows for %d results", term, n, want)
		}
		if v := p.doc.Find("#q").AttrOr("value", ""); v != term {
			t.Errorf("quick search box keeps %q, want %q", v, term)
		}
	}
	// Empty results say so; a long string works; too long is refused.
	p := a.get("/search?mailbox=INBOX&q=zzqqxx-nothing")
	if summaryCount(t, p) != 0 || !strings.Contains(p.doc.Find(".empty").Text(), "No messages in Inbox match") {
		t.Errorf("empty result page: %q", p.doc.Find(".list").Text())
	}
	wantStatus(t, a.get("/search?mailbox=INBOX&q="+strings.Repeat("ü", 250)), http.StatusOK)
	wantStatus(t, a.get("/search?mailbox=INBOX&q="+strings.Repeat("x", 501)), http.StatusBadRequest)
	wantStatus(t, a.get("/search?mailbox=INBOX&since=31.12.2025"), http.StatusBadRequest)

	// Advanced: unread only matches what the server calls unseen.
	p = a.get("/search?mailbox=INBOX&unread=1")
	if got, want := summaryCount(t, p), len(f.observe(t, a, user, pass, "INBOX", "unseen")); got != want {
		t.Errorf("unread search: %d, independent client %d unseen", got, want)
	}
	if p.doc.Find("details.search-advanced[open]").Length() != 1 {
		t.Error("an advanced search hides its form")
	}
	wantStatus(t, a.get("/search?mailbox=INBOX&from=priya&since=2020-01-01&until=2099-12-31&attachment=1&larger=1&smaller=100000"), http.StatusOK)

	// Every folder: grouped, counted per folder.
	p = a.get("/search?q=invoice")
	wantStatus(t, p, http.StatusOK)
	groups := map[string]int{}
	p.doc.Find(".search-group").Each(func(_ int, s *goquery.Selection) {
		n, _ := strconv.Atoi(s.Find(".group-count").Text())
		groups[strings.TrimSpace(s.Find("h2").Contents().First().Text())] = n
	})
	if len(groups) < 2 || groups["Inbox"] != f.observeSearch(t, a, user, pass, "INBOX", "invoice") {
		t.Errorf("all-folder groups %v", groups)
	}

	// Sorting: by size, largest first, paged with the order kept.
	p = a.get("/mail/INBOX?sort=size&order=desc")
	wantStatus(t, p, http.StatusOK)
	var prev float64 = 1e18
	p.doc.Find("li[data-uid] .msg-size").Each(func(i int, s *goquery.Selection) {
		n := sizeBytes(t, s.Text())
		if n > prev {
			t.Errorf("row %d: %s after a smaller one", i, s.Text())
		}
		prev = n
	})
	if next := p.doc.Find(`.list-head a[rel="next"]`).AttrOr("href", ""); !strings.Contains(next, "sort=size") || !strings.Contains(next, "order=desc") {
		t.Errorf("next page link %q loses the order", next)
	}
	if sel := p.doc.Find(`#sort-key option[selected]`).AttrOr("value", ""); sel != "size" {
		t.Errorf("sort menu shows %q", sel)
	}
	wantStatus(t, a.get("/mail/INBOX?sort=color"), http.StatusBadRequest)

	// Conversations: Dovecot has THREAD=REFERENCES, the in-memory server not.
	p = a.get("/mail/INBOX")
	toggle := p.doc.Find(`a[href="/mail/INBOX?view=threads"]`).Length() == 1
	if toggle != (f.d != nil) {
		t.Fatalf("conversation switch shown %v on %s", toggle, f.name)
	}
	p = a.get("/mail/INBOX?view=threads")
	wantStatus(t, p, http.StatusOK)
	if f.d == nil {
		if !strings.Contains(p.doc.Find(".notice").Text(), "cannot group") || p.doc.Find("li[data-uid]").Length() == 0 {
			t.Error("without THREAD the list is not shown with a notice")
		}
		wantStatus(t, a.get("/mail/INBOX/1/thread"), http.StatusNotImplemented)
		return
	}
	var conv *goquery.Selection
	p.doc.Find("li.conversation").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if s.Find(".msg-count").Length() == 1 {
			conv = s
			return false
		}
		return true
	})
	if conv == nil {
		t.Fatal("no conversation of several messages in INBOX")
	}
	uids := strings.Split(conv.AttrOr("data-uids", ""), ",")
	th := a.get(conv.Find("a.msg-link").AttrOr("href", ""))
	wantStatus(t, th, http.StatusOK)
	if n := th.doc.Find(".thread-list li").Length(); n != len(uids) || n < 2 {
		t.Errorf("conversation page lists %d, the row holds %d", n, len(uids))
	}
	// A conversation row's checkbox acts on all its messages.
	v := url.Values{"action": {"flag"}, "uid": {conv.Find("input.msg-check").AttrOr("value", "")}}
	wantStatus(t, a.post("/mail/INBOX/actions", v), http.StatusSeeOther)
	flagged := f.observe(t, a, user, pass, "INBOX", "flagged")
	for _, u := range uids {
		n, _ := strconv.Atoi(u)
		found := false
		for _, x := range flagged {
			found = found || x == uint32(n)
		}
		if !found {
			t.Errorf("UID %s of the conversation not flagged", u)
		}
	}
}
