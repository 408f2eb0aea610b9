package web

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidings-mail/tidings/handlers"
	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/web/session"
)

// TestLiveStreamMemory measures what open live-update streams cost the
// server beyond the HTTP requests that carry them, against a fake mail
// backend (no IMAP connections). Every stream describes a full first page
// (50 rows). Three sets of 1,000 connections are opened one after the
// other, each measured as the growth of heap and goroutine stacks:
//
//   - held: the same request through the same middleware and session
//     gate to a handler that only holds it open (the baseline: what any
//     long request costs);
//   - tabs: 10 tabs each of 100 sessions (100 watchers);
//   - sessions: one stream each of 1,000 sessions (a watcher each, whose
//     IMAP connection the fake leaves out).
//
// The numbers go to BENCHMARKS.md ("Live updates: memory per open
// stream"). The test fails if 1,000 tabs cost more than 4 MiB beyond held
// requests, or 1,000 sessions more than 16 MiB. It measures in a process
// of its own (this test binary run again), where no other test allocates
// or frees meanwhile.
func TestLiveStreamMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 3,000 connections")
	}
	if raceEnabled {
		t.Skip("the race detector inflates memory")
	}
	const child = "TIDINGS_LIVE_MEMORY_CHILD"
	if os.Getenv(child) == "" {
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestLiveStreamMemory$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), child+"=1")
		out, err := cmd.CombinedOutput()
		for line := range strings.Lines(string(out)) {
			if strings.Contains(line, "live_memory_test.go") {
				t.Log(strings.TrimSpace(line))
			}
		}
		if err != nil {
			t.Fatalf("measuring: %v\n%s", err, out)
		}
		return
	}
	const n = 1000
	app, srv := newFakeLiveServer(t, slog.New(slog.DiscardHandler))
	hold := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("retry: 3000\n\n"))
		_ = http.NewResponseController(w).Flush()
		<-r.Context().Done()
	})
	mux := http.NewServeMux()
	mux.Handle("GET /events", app.requireStreamSession(app.h.Wrap(func(w http.ResponseWriter, r *http.Request) error {
		hold(w, r)
		return nil
	})))
	held := httptest.NewServer(app.logRequests(app.securityHeaders(app.recoverPanics(http.NewCrossOriginProtection().Handler(mux)))))
	defer held.Close()

	const tabs = 10
	cookies := make([]string, n+n/tabs)
	for i := range cookies {
		cookies[i] = fakeLogin(t, srv.URL, fmt.Sprintf("user%d", i))
	}
	path := "/events?" + pageQuery(50).Encode()
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	open := func(base string, cookie func(int) string, want string) (perConn float64, took time.Duration) {
		before := memInUse()
		start := time.Now()
		for i := range n {
			conns = append(conns, openRaw(t, base, path, cookie(i), want))
		}
		took = time.Since(start)
		return float64(memInUse()-before) / n, took
	}
	// The first stream of each set reads up to the sidebar, which the
	// watcher sends after its first sync.
	heldConn, _ := open(held.URL, func(i int) string { return cookies[i] }, "retry:")
	tab, tookTabs := open(srv.URL, func(i int) string { return cookies[n+i/tabs] }, "event: sidebar")
	own, tookOwn := open(srv.URL, func(i int) string { return cookies[i] }, "event: sidebar")

	kib := func(b float64) string { return strconv.FormatFloat(b/1024, 'f', 1, 64) + " KiB" }
	mib := func(b float64) string { return strconv.FormatFloat(b*n/(1<<20), 'f', 2, 64) + " MiB" }
	t.Logf("held request (baseline):   %s per connection (client and server side, heap + stacks)", kib(heldConn))
	t.Logf("stream, 10 tabs a session: %s, %s more than a held request: %s per %d (opened in %v)",
		kib(tab), kib(tab-heldConn), mib(tab-heldConn), n, tookTabs.Round(time.Millisecond))
	t.Logf("stream, 1 session each:    %s, %s more than a held request: %s per %d (opened in %v)",
		kib(own), kib(own-heldConn), mib(own-heldConn), n, tookOwn.Round(time.Millisecond))
	if tab-heldConn > 4<<20/n {
		t.Errorf("1,000 streams cost %s beyond held requests, want at most 4 MiB", mib(tab-heldConn))
	}
	if own-heldConn > 16<<20/n {
		t.Errorf("1,000 streams with a watcher each cost %s beyond held requests, want at most 16 MiB", mib(own-heldConn))
	}
}

// memInUse is the live heap plus goroutine stacks after a full GC.
func memInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc + m.StackInuse
}

// openRaw sends a GET on a new TCP connection and reads until want.
func openRaw(t testing.TB, base, path, cookie, want string) net.Conn {
	t.Helper()
	u, _ := url.Parse(base)
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	req := "GET " + path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nAccept: text/event-stream\r\n"
	if cookie != "" {
		req += "Cookie: " + cookie + "\r\n"
	}
	if _, err := c.Write([]byte(req + "\r\n")); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReaderSize(c, 512)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("GET %s: %v before %q", path, err, want)
		}
		if strings.HasPrefix(line, "HTTP/1.1 ") && !strings.HasPrefix(line, "HTTP/1.1 200") {
			t.Fatalf("GET %s: %s", path, line)
		}
		if strings.HasPrefix(line, want) {
			break
		}
	}
	_ = c.SetReadDeadline(time.Time{})
	return c
}

// pageQuery describes a first page of n rows, as live.js would.
func pageQuery(n int) url.Values {
	q := url.Values{"mailbox": {"INBOX"}, "current": {"INBOX"}, "new": {"1"}, "v": {"1"}, "after": {strconv.Itoa(n)}}
	var uids, unread []string
	for i := 1; i <= n; i++ {
		uids = append(uids, strconv.Itoa(i))
		if i%5 == 0 {
			unread = append(unread, strconv.Itoa(i))
		}
	}
	q.Set("uids", strings.Join(uids, ","))
	q.Set("unread", strings.Join(unread, ","))
	return q
}

// newFakeLiveServer is the whole app on a fake backend whose watches
// never touch a network.
func newFakeLiveServer(t testing.TB, log *slog.Logger) (*Server, *httptest.Server) {
	t.Helper()
	key := []byte("0123456789abcdef0123456789abcdef")
	sessions, err := session.NewManager(session.Config{IdleTimeout: time.Hour, MaxLifetime: 8 * time.Hour,
		HashKey: key, BlockKey: key}, session.NewMemoryStore())
	if err != nil {
		t.Fatal(err)
	}
	app := New(Config{}, log, fakeBackend{}, sessions)
	app.live.Open = func(context.Context, handlers.Mail, string) (handlers.FolderWatch, error) {
		return &fakeWatch{changed: make(chan struct{}, 1), done: make(chan struct{})}, nil
	}
	srv := httptest.NewServer(app)
	t.Cleanup(func() {
		app.EndStreams()
		srv.Close()
	})
	return app, srv
}

// fakeLogin signs user in and returns the session cookie.
func fakeLogin(t testing.TB, base, user string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/login", url.Values{"username": {user}, "password": {"pw"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == session.CookieName {
			return ck.Name + "=" + ck.Value
		}
	}
	t.Fatalf("login %s: status %d, no session cookie", user, resp.StatusCode)
	return ""
}

type fakeBackend struct{}

func (fakeBackend) Login(context.Context, string, string, string) error { return nil }
func (fakeBackend) Mail(string, string, imapproxy.PasswordFunc) handlers.Mail {
	return fakeMail{}
}
func (fakeBackend) CloseSession(string) {}

// fakeMail serves nothing: live updates use only the fake watch.
type fakeMail struct{ handlers.Mail }

// fakeWatch answers every Sync with a folder where every shown row is
// still there, read.
type fakeWatch struct {
	changed, done chan struct{}
	once          sync.Once
}

func (w *fakeWatch) Changed() <-chan struct{} { return w.changed }
func (w *fakeWatch) Done() <-chan struct{}    { return w.done }
func (w *fakeWatch) Err() error               { return nil }
func (w *fakeWatch) Close()                   { w.once.Do(func() { close(w.done) }) }
func (w *fakeWatch) Switch(context.Context, string) error {
	return nil
}

func (w *fakeWatch) Sync(_ context.Context, q imapproxy.SyncQuery) (*imapproxy.SyncResult, error) {
	res := &imapproxy.SyncResult{Mailbox: "INBOX", UIDValidity: 1, Flags: map[uint32]imapproxy.MessageFlags{},
		Counts: map[string]imapproxy.FolderCount{"INBOX": {Messages: 50, Unseen: 10}}}
	for _, u := range q.Shown {
		res.Flags[u] = imapproxy.MessageFlags{Seen: u%5 != 0}
	}
	if q.List {
		res.Boxes = []imapproxy.Mailbox{
			{Name: "INBOX", Use: imapproxy.UseInbox, Subscribed: true, Messages: 50, Unseen: 10, HasStatus: true},
			{Name: "Sent", Use: imapproxy.UseSent, Subscribed: true, HasStatus: true},
			{Name: "Trash", Use: imapproxy.UseTrash, Subscribed: true, HasStatus: true},
		}
	}
	return res, nil
}
