package web

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// sseEvent is one parsed Server-Sent Event.
type sseEvent struct {
	ID, Event, Data string
}

// sseStream reads a live-update stream in the background.
type sseStream struct {
	t      testing.TB
	resp   *http.Response
	events chan sseEvent // closed at the end of the stream
	cancel context.CancelFunc
}

// openStream opens GET path as an EventSource would, with lastID as
// Last-Event-ID when not "".
func (a *testApp) openStream(path, lastID string) *sseStream {
	a.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.srv.URL+path, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	client := *a.client
	client.Timeout = 0 // the stream outlives any request timeout
	resp, err := client.Do(req)
	if err != nil {
		cancel()
		a.t.Fatalf("GET %s: %v", path, err)
	}
	s := &sseStream{t: a.t, resp: resp, events: make(chan sseEvent, 256), cancel: cancel}
	a.t.Cleanup(s.Close)
	go s.read()
	return s
}

// read parses the stream (HTML Living Standard §9.2.6): fields until a
// blank line; comments (heartbeats) and retry are skipped.
func (s *sseStream) read() {
	defer close(s.events)
	sc := bufio.NewScanner(s.resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	var ev sseEvent
	var data []string
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			if ev.Event != "" || len(data) > 0 {
				ev.Data = strings.Join(data, "\n")
				s.events <- ev
			}
			ev, data = sseEvent{}, nil
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "id":
			ev.ID = value
		case "event":
			ev.Event = value
		case "data":
			data = append(data, value)
		}
	}
}

// Close ends the stream as a closing tab would.
func (s *sseStream) Close() {
	s.cancel()
	s.resp.Body.Close()
}

// waitFor returns the first event of kind (any kind if "") that ok
// accepts, within d, and every event seen until then.
func (s *sseStream) waitFor(d time.Duration, kind string, ok func(sseEvent) bool) (sseEvent, []sseEvent) {
	s.t.Helper()
	timeout := time.After(d)
	var seen []sseEvent
	for {
		select {
		case ev, open := <-s.events:
			if !open {
				s.t.Fatalf("stream ended while waiting for %q; saw %v", kind, kinds(seen))
			}
			seen = append(seen, ev)
			if (kind == "" || ev.Event == kind) && (ok == nil || ok(ev)) {
				return ev, seen
			}
		case <-timeout:
			s.t.Fatalf("no %q event within %v; saw %v", kind, d, kinds(seen))
		}
	}
}

func kinds(evs []sseEvent) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = ev.Event
	}
	return out
}

// fragment parses an event's HTML.
func fragment(t testing.TB, html string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// streamPath describes a list page to the server as live.js does.
func streamPath(p *page) string {
	q := url.Values{}
	list := p.doc.Find("section.list[data-mailbox]")
	if cur, ok := p.doc.Find("#sidebar .folders li.current a[title]").Attr("title"); ok {
		q.Set("current", cur)
	}
	if list.Length() == 0 {
		return "/events?" + q.Encode()
	}
	mailbox, _ := list.Attr("data-mailbox")
	q.Set("mailbox", mailbox)
	var uids, unread, flagged []string
	after := uint64(0)
	list.Find("li[data-uid]").Each(func(_ int, li *goquery.Selection) {
		u, _ := li.Attr("data-uid")
		n, _ := strconv.ParseUint(u, 10, 32)
		after = max(after, n)
		uids = append(uids, u)
		if li.HasClass("unread") {
			unread = append(unread, u)
		}
		if li.HasClass("flagged") {
			flagged = append(flagged, u)
		}
	})
	if v, ok := list.Find(`input[name="uidvalidity"]`).Attr("value"); ok {
		q.Set("v", v)
	}
	if v, ok := list.Find(`input[name="upto"]`).Attr("value"); ok {
		n, _ := strconv.ParseUint(v, 10, 32)
		after = max(after, n)
	}
	if _, ok := list.Attr("data-live-new"); ok {
		q.Set("new", "1")
	}
	q.Set("after", strconv.FormatUint(after, 10))
	q.Set("uids", strings.Join(uids, ","))
	q.Set("unread", strings.Join(unread, ","))
	q.Set("flagged", strings.Join(flagged, ","))
	return "/events?" + q.Encode()
}
