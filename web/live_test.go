package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/tidings-mail/tidings/handlers"
	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/imapproxy/demo"
	"github.com/tidings-mail/tidings/web/session"
)

// liveApp is the whole app like newTestApp, with a handle on its Server
// (live-update timings, EndStreams) and a server that ends the streams on
// Shutdown as cmd/tidings does.
func newLiveApp(t testing.TB, imapCfg imapproxy.Config, backend func(*imapproxy.Pool) handlers.Backend, tune func(*handlers.Live)) (*testApp, *Server) {
	t.Helper()
	pool := imapproxy.NewPool(imapCfg, testLogger(t))
	store := session.NewMemoryStore()
	key := []byte("0123456789abcdef0123456789abcdef")
	sessions, err := session.NewManager(session.Config{IdleTimeout: 30 * time.Minute, MaxLifetime: 8 * time.Hour,
		HashKey: key, BlockKey: key}, store)
	if err != nil {
		t.Fatal(err)
	}
	var b handlers.Backend = handlers.PoolBackend{Pool: pool}
	if backend != nil {
		b = backend(pool)
	}
	app := New(Config{}, testLogger(t), b, sessions)
	if tune != nil {
		tune(app.live)
	}
	srv := httptest.NewUnstartedServer(app)
	srv.Config.RegisterOnShutdown(app.EndStreams)
	srv.Start()
	t.Cleanup(func() {
		app.EndStreams()
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = pool.Close(ctx)
	})
	return &testApp{t: t, srv: srv, client: newCookieClient(), pool: pool, store: store}, app
}

// fastLive shortens the timings so tests see lingering and refreshes.
func fastLive(l *handlers.Live) {
	l.Config.Linger = 300 * time.Millisecond
	l.Config.Refresh = time.Second
}

// liveMessage is a new message as a mail server would deliver it.
func liveMessage(subject string) []byte {
	return fmt.Appendf(nil, "From: Live Sender <live@example.net>\r\nTo: someone@example.test\r\nSubject: %s\r\n"+
		"Date: %s\r\nMessage-ID: <%d.live@example.net>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nJust arrived.\r\n",
		subject, time.Now().Format(time.RFC1123Z), time.Now().UnixNano())
}

// changes are what another device does to the mailbox.
type changes struct {
	deliver func(subject string)
	see     func(uid uint32)
	remove  func(uid uint32) // expunge, or move to another folder
}

// TestLiveDovecot: a second client (doveadm, as another device or the
// delivery agent would) appends a message, sets \Seen on another and
// expunges a third; within 2 s the session's stream carries all three.
func TestLiveDovecot(t *testing.T) {
	t.Parallel()
	f, d := dovecotFixture(t)
	a, _ := newLiveApp(t, f.cfg, nil, fastLive)
	testLive(t, a, f, changes{
		deliver: func(subject string) { d.Save(t, f.user, "INBOX", liveMessage(subject)) },
		see: func(uid uint32) {
			d.Doveadm(t, "flags", "add", "-u", f.user, `\Seen`, "mailbox", "INBOX", "uid", strconv.Itoa(int(uid)))
		},
		remove: func(uid uint32) {
			d.Doveadm(t, "expunge", "-u", f.user, "mailbox", "INBOX", "uid", strconv.Itoa(int(uid)))
		},
	})
}

// TestLiveMemory is the same in demo mode: delivery by the demo server,
// the other changes by a second signed-in browser (a move to Trash for
// the removal).
func TestLiveMemory(t *testing.T) {
	t.Parallel()
	srv, f := liveMemoryFixture(t)
	a, _ := newLiveApp(t, f.cfg, nil, fastLive)
	other := a.newBrowserFor()
	other.login(f.user, f.pass)
	testLive(t, a, f, changes{
		deliver: func(subject string) {
			if err := srv.Deliver(f.user, "INBOX", liveMessage(subject), false); err != nil {
				t.Fatal(err)
			}
		},
		see: func(uid uint32) {
			wantStatus(t, other.post(fmt.Sprintf("/mail/INBOX/%d/seen", uid), url.Values{"seen": {"1"}}), http.StatusSeeOther)
		},
		remove: func(uid uint32) {
			p := other.post("/mail/INBOX/actions", url.Values{"action": {"delete"}, "uid": {strconv.Itoa(int(uid))}, "return": {"/mail/INBOX"}})
			wantStatus(t, p, http.StatusSeeOther)
		},
	})
}

func liveMemoryFixture(t testing.TB) (*demo.Server, mailFixture) {
	t.Helper()
	now := time.Now()
	srv, err := demo.Start(now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, mailFixture{name: "memory", cfg: testIMAPConfig(srv.Addr, imapproxy.TLSNone), user: "demo", pass: "demo", seed: demo.Messages(now)}
}

func testLive(t *testing.T, a *testApp, f mailFixture, do changes) {
	a.login(f.user, f.pass)
	p := a.get("/mail/INBOX")
	wantStatus(t, p, http.StatusOK)
	path := streamPath(p)
	s := a.openStream(path, "")
	if ct := s.resp.Header.Get("Content-Type"); ct != "text/event-stream" || s.resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Content-Type %q, Cache-Control %q", ct, s.resp.Header.Get("Cache-Control"))
	}
	if s.resp.Header.Get("Content-Security-Policy") == "" {
		t.Error("the stream lacks the security headers")
	}
	first, _ := s.waitFor(5*time.Second, "unread", nil)
	unread, _ := strconv.Atoi(first.Data)

	// Two rows of the page: one unread to be read elsewhere, another to go.
	seen := uint32(0)
	var gone uint32
	rows := p.doc.Find("ul.messages li[data-uid]")
	rows.Each(func(_ int, li *goquery.Selection) {
		u, _ := li.Attr("data-uid")
		n, _ := strconv.Atoi(u)
		if seen == 0 && li.HasClass("unread") {
			seen = uint32(n)
		} else if gone == 0 && seen != 0 {
			gone = uint32(n)
		}
	})
	if seen == 0 || gone == 0 {
		t.Fatalf("the page has no unread row and another to delete (%d rows)", rows.Length())
	}

	do.deliver("Live test: just arrived")
	do.see(seen)
	do.remove(gone)
	start := time.Now()

	var added, updated, removed bool
	var lastID string
	deadline := time.After(2 * time.Second)
	for !added || !updated || !removed {
		var ev sseEvent
		select {
		case e, ok := <-s.events:
			if !ok {
				t.Fatal("stream ended")
			}
			ev = e
		case <-deadline:
			t.Fatalf("2 s after the changes: added %v, read %v, removed %v", added, updated, removed)
		}
		if ev.ID != "" {
			lastID = ev.ID
		}
		switch ev.Event {
		case "add":
			doc := fragment(t, ev.Data)
			if doc.Find("li[data-uid] .msg-subject").Text() == "" || !strings.Contains(doc.Text(), "Live test: just arrived") {
				t.Errorf("added row: %s", ev.Data)
			}
			if doc.Find("li.unread[data-uid]").Length() != 1 {
				t.Errorf("the new row is not unread: %s", ev.Data)
			}
			added = true
		case "update":
			li := fragment(t, ev.Data).Find(fmt.Sprintf(`li[data-uid="%d"]`, seen))
			if li.Length() == 1 {
				if li.HasClass("unread") {
					t.Errorf("row %d still unread after \\Seen elsewhere", seen)
				}
				updated = true
			}
		case "remove":
			if strings.Contains(" "+ev.Data+" ", fmt.Sprintf(" %d ", gone)) {
				removed = true
			}
		}
	}
	t.Logf("%s: all three changes on the stream %v after the last one", f.name, time.Since(start).Round(time.Millisecond))
	// The INBOX count follows: one unread more, one less, and the one
	// removed may have been unread.
	ev, _ := s.waitFor(2*time.Second, "unread", func(ev sseEvent) bool {
		n, _ := strconv.Atoi(ev.Data)
		return n != unread
	})
	if n, _ := strconv.Atoi(ev.Data); n > unread || n < unread-1 {
		t.Errorf("INBOX unread %d, was %d", n, unread)
	}

	// A reconnect with the page's original URL and Last-Event-ID: the
	// new row is not added twice; newer mail is.
	s.Close()
	s2 := a.openStream(path, lastID)
	do.deliver("Live test: after the reconnect")
	var sawSecond bool
	for !sawSecond {
		ev, _ := s2.waitFor(3*time.Second, "", nil)
		if ev.Event != "add" {
			continue
		}
		if strings.Contains(ev.Data, "Live test: just arrived") {
			t.Errorf("after a reconnect with Last-Event-ID the same row was added again")
		}
		sawSecond = strings.Contains(ev.Data, "after the reconnect")
	}
	open := a.pool.Stats().Open
	s2.Close()

	// No stream open: after the linger the watch's connection is gone,
	// and the page requests' connections remain within the limits.
	waitFor(t, 3*time.Second, "the IDLE connection to close", func() bool { return a.pool.Stats().Open == open-1 })
	if st := a.pool.Stats(); st.MaxOpenPerUser > int64(f.cfg.MaxPerUser) {
		t.Errorf("%d connections for one user, limit %d", st.MaxOpenPerUser, f.cfg.MaxPerUser)
	}
}

func waitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(d)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("waited %v for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestLiveGateAndShutdown: a stream without a session gets 204 (an
// EventSource stops there quietly); Shutdown ends open streams at once;
// a stream that was not asked for live rows still gets counts.
func TestLiveGateAndShutdown(t *testing.T) {
	t.Parallel()
	srv, f := liveMemoryFixture(t)
	a, _ := newLiveApp(t, f.cfg, nil, fastLive)
	resp, err := a.client.Get(a.srv.URL + "/events")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("signed out: status %d, want 204", resp.StatusCode)
	}
	a.login(f.user, f.pass)
	wantStatus(t, a.get("/events?uids=x"), http.StatusBadRequest)

	// A page without a folder list (compose, a message): counts only.
	s := a.openStream("/events", "")
	ev, _ := s.waitFor(5*time.Second, "unread", nil)
	n, _ := strconv.Atoi(ev.Data)
	if err := srv.Deliver(f.user, "INBOX", liveMessage("counted"), false); err != nil {
		t.Fatal(err)
	}
	ev, seen := s.waitFor(2*time.Second, "unread", nil)
	if got, _ := strconv.Atoi(ev.Data); got != n+1 {
		t.Errorf("unread %d after a delivery, was %d", got, n)
	}
	for _, e := range seen {
		if e.Event == "add" {
			t.Errorf("a page without a list got rows: %v", e.Data)
		}
	}

	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.srv.Config.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown with a stream open: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("shutdown took %v with a stream open", d)
	}
	select {
	case _, open := <-s.events:
		for open {
			_, open = <-s.events
		}
	case <-time.After(time.Second):
		t.Error("the stream stayed open after shutdown")
	}
	waitFor(t, 3*time.Second, "watch connections to close", func() bool { return a.pool.Stats().Open <= 1 })
}
