package handlers

import (
	"bufio"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/web/reqctx"
	"github.com/tidings-mail/tidings/web/session"
)

func TestFrame(t *testing.T) {
	for _, tc := range []struct {
		name, id, event, data, want string
	}{
		{"one line", "1-5", "remove", "4 5", "id: 1-5\nevent: remove\ndata: 4 5\n\n"},
		{"lines", "", "add", "<li>a</li>\n<li>b</li>", "event: add\ndata: <li>a</li>\ndata: <li>b</li>\n\n"},
		{"carriage returns cannot end the event", "", "update", "a\r\nb\rc", "event: update\ndata: a\ndata: b\ndata: c\n\n"},
		{"empty", "", "stop", "", "event: stop\ndata:\n\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, string(frame(tc.id, tc.event, tc.data))); diff != "" {
				t.Errorf("-want +got\n%s", diff)
			}
		})
	}
}

func TestParseStream(t *testing.T) {
	req := func(query, lastID string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/events?"+query, nil)
		if lastID != "" {
			r.Header.Set("Last-Event-ID", lastID)
		}
		return r
	}
	st, mailbox, err := parseStream(req("mailbox=Projects%2FApollo&uids=9,3,5,3&unread=5&flagged=9&after=7&v=42&new=1", ""))
	if err != nil {
		t.Fatal(err)
	}
	want := []shownRow{{3, 0}, {5, rowUnread}, {9, rowFlagged}}
	if diff := cmp.Diff(want, st.shown, cmp.AllowUnexported(shownRow{})); diff != "" || mailbox != "Projects/Apollo" || st.after != 9 || st.validity != 42 || !st.wantNew {
		t.Errorf("parsed %q after %d v %d new %v; rows -want +got\n%s", mailbox, st.after, st.validity, st.wantNew, diff)
	}
	// A reconnect resumes where the events left off, for the same folder
	// state only.
	st, _, _ = parseStream(req("uids=3&v=42&new=1", "42-17"))
	if st.resumed != 17 || st.after != 3 {
		t.Errorf("resume: resumed %d after %d, want 17 and 3", st.resumed, st.after)
	}
	st, _, _ = parseStream(req("uids=3&v=42&new=1", "41-17"))
	if st.resumed != 0 {
		t.Errorf("an event ID of another UIDVALIDITY was used: resumed %d", st.resumed)
	}
	if _, mailbox, _ := parseStream(req("", "")); mailbox != "INBOX" {
		t.Errorf("no mailbox: watching %q, want INBOX", mailbox)
	}
	many := strings.Repeat("1,", maxShown) + "1"
	for _, q := range []string{"uids=0", "uids=a", "uids=" + many, "after=-1", "v=x"} {
		if _, _, err := parseStream(req(q, "")); err == nil {
			t.Errorf("%.40s: accepted", q)
		}
	}
}

// testWatcher is a watcher without a goroutine, for deliver.
func testWatcher() *watcher {
	h := &Handler{Log: slog.New(slog.DiscardHandler)}
	return &watcher{l: NewLive(h, DefaultLiveConfig()), watching: "INBOX"}
}

func summary(uid uint32, subject string, seen bool) imapproxy.MessageSummary {
	return imapproxy.MessageSummary{UID: uid, Subject: subject, Seen: seen, Date: time.Now(),
		From: []imapproxy.Address{{Name: "Ann", Email: "ann@example.org"}}}
}

// events drains what deliver queued as "kind: data" (ids left out).
func events(st *stream) []string {
	var out []string
	for {
		select {
		case msg := <-st.out:
			var kind, data string
			for line := range strings.Lines(string(msg)) {
				if v, ok := strings.CutPrefix(line, "event: "); ok {
					kind = strings.TrimSpace(v)
				}
				if v, ok := strings.CutPrefix(line, "data: "); ok {
					data += strings.TrimSuffix(v, "\n")
				}
			}
			out = append(out, kind+": "+data)
		default:
			return out
		}
	}
}

func TestDeliver(t *testing.T) {
	w := testWatcher()
	st := newStream()
	st.show([]uint32{3, 5, 9}, []uint32{5, 9}, nil)
	st.wantNew, st.validity = true, 7
	res := &imapproxy.SyncResult{
		UIDValidity: 7,
		Flags:       map[uint32]imapproxy.MessageFlags{3: {Seen: true}, 9: {Seen: true}}, // 9 read
		Gone:        []uint32{5},
		New:         []uint32{10, 11},
		Rows: map[uint32]imapproxy.MessageSummary{
			9: summary(9, "read elsewhere", true), 10: summary(10, "ten", false), 11: summary(11, "eleven", false),
		},
		Counts: map[string]imapproxy.FolderCount{"INBOX": {Messages: 4, Unseen: 2}},
	}
	w.deliver(st, res, &rendered{w: w, res: res, now: time.Now(), rows: map[uint32]string{}, sidebars: map[string]sidebarHTML{}}, true)
	got := events(st)
	if len(got) != 4 || got[0] != "remove: 5" || !strings.HasPrefix(got[1], "update: ") || !strings.HasPrefix(got[2], "add: ") || got[3] != "unread: 2" {
		t.Fatalf("events: %q", got)
	}
	if !strings.Contains(got[1], `data-uid="9"`) || strings.Contains(got[1], "unread") {
		t.Errorf("update: %s", got[1])
	}
	if i, j := strings.Index(got[2], "eleven"), strings.Index(got[2], "ten"); i < 0 || j < 0 || i > j {
		t.Errorf("add: want 11 then 10 (newest first): %s", got[2])
	}
	if st.after != 11 || len(st.shown) != 4 {
		t.Errorf("after %d, %d rows shown", st.after, len(st.shown))
	}

	// The same state again sends nothing.
	res.New = []uint32{10, 11}
	res.Flags, res.Gone = map[uint32]imapproxy.MessageFlags{3: {Seen: true}, 9: {Seen: true}, 10: {}, 11: {}}, nil
	w.deliver(st, res, &rendered{w: w, res: res, now: time.Now(), rows: map[uint32]string{}, sidebars: map[string]sidebarHTML{}}, true)
	if got := events(st); len(got) != 0 {
		t.Errorf("nothing changed, yet: %q", got)
	}

	// A sync of counts only (the refresh timer) leaves the rows alone.
	counts := &imapproxy.SyncResult{UIDValidity: 7, Counts: map[string]imapproxy.FolderCount{"INBOX": {Messages: 4, Unseen: 1}}}
	w.deliver(st, counts, &rendered{w: w, res: counts, now: time.Now(), rows: map[uint32]string{}, sidebars: map[string]sidebarHTML{}}, false)
	if got := events(st); len(got) != 1 || got[0] != "unread: 1" || len(st.shown) != 4 {
		t.Errorf("after a counts-only sync: %q, %d rows shown", got, len(st.shown))
	}

	// A new UIDVALIDITY: the page's UIDs mean nothing now.
	res.UIDValidity = 8
	w.deliver(st, res, &rendered{w: w, res: res, now: time.Now(), rows: map[uint32]string{}, sidebars: map[string]sidebarHTML{}}, true)
	if got := events(st); len(got) != 2 || got[0] != "stale: " || got[1] != "unread: 2" {
		t.Errorf("after UIDVALIDITY changed: %q", got)
	}
}

// TestSyncChangedSince: a sync asks only for what changed since the last
// sync that covered every stream's rows (on CONDSTORE servers), and a
// stream that has not had its first sync makes the sync ask for all.
func TestSyncChangedSince(t *testing.T) {
	w := testWatcher()
	fw := &recordingWatch{modSeq: 40}
	w.fw = fw
	a := newStream()
	a.show([]uint32{3, 5, 9}, []uint32{5}, nil)
	w.subs = []*stream{a}

	w.sync(syncAll) // a's first: every row
	fw.modSeq = 41
	fw.flags = map[uint32]imapproxy.MessageFlags{9: {}} // only 9 changed: unread again
	w.sync(syncAll)
	if got := events(a); len(got) != 1 || !strings.HasPrefix(got[0], "update: ") || !strings.Contains(got[0], `data-uid="9"`) {
		t.Errorf("a partial answer: %q, want 9 redrawn and nothing removed", got)
	}

	b := newStream() // another tab opens
	b.show([]uint32{3}, nil, nil)
	w.subs = append(w.subs, b)
	w.sync(syncNew) // b's first: its rows only, and the ModSeq is not kept
	fw.modSeq = 50
	w.sync(syncAll)
	fw.modSeq = 51
	w.sync(syncAll)
	want := []uint64{0, 40, 0, 41, 50}
	if diff := cmp.Diff(want, fw.since); diff != "" {
		t.Errorf("ChangedSince per sync, -want +got\n%s", diff)
	}
}

// recordingWatch answers every Sync with modSeq and, partially, flags,
// and records each query's ChangedSince.
type recordingWatch struct {
	FolderWatch
	modSeq uint64
	flags  map[uint32]imapproxy.MessageFlags
	since  []uint64
}

func (f *recordingWatch) Sync(_ context.Context, q imapproxy.SyncQuery) (*imapproxy.SyncResult, error) {
	f.since = append(f.since, q.ChangedSince)
	res := &imapproxy.SyncResult{Mailbox: "INBOX", UIDValidity: 7, ModSeq: f.modSeq, Flags: f.flags, Rows: map[uint32]imapproxy.MessageSummary{}}
	if q.ChangedSince == 0 {
		res.Flags = map[uint32]imapproxy.MessageFlags{}
		for _, u := range q.Shown {
			res.Flags[u] = imapproxy.MessageFlags{Seen: u != 5}
		}
	} else {
		res.Partial = true
	}
	for u, fl := range res.Flags {
		if q.Stale != nil && q.Stale(u, fl) {
			res.Rows[u] = summary(u, "changed", fl.Seen)
		}
	}
	return res, nil
}

// TestDeliverResumed: after a reconnect, rows the tab got as events
// before are redrawn, not added again; only newer ones are added.
func TestDeliverResumed(t *testing.T) {
	w := testWatcher()
	st := newStream()
	st.show([]uint32{3}, nil, nil)
	st.wantNew, st.validity, st.resumed = true, 7, 10
	res := &imapproxy.SyncResult{
		UIDValidity: 7, Flags: map[uint32]imapproxy.MessageFlags{3: {Seen: true}}, New: []uint32{10, 11},
		Rows: map[uint32]imapproxy.MessageSummary{10: summary(10, "ten", true), 11: summary(11, "eleven", false)},
	}
	w.deliver(st, res, &rendered{w: w, res: res, now: time.Now(), rows: map[uint32]string{}, sidebars: map[string]sidebarHTML{}}, true)
	got := events(st)
	if len(got) != 2 || !strings.Contains(got[0], "ten") || !strings.HasPrefix(got[0], "update:") ||
		!strings.HasPrefix(got[1], "add:") || strings.Contains(got[1], ">ten<") {
		t.Errorf("events after a resume: %q", got)
	}
}

// TestDeliverTooMuchNew: more new mail than a page holds is not sent row
// by row; the page is told it is stale.
func TestDeliverTooMuchNew(t *testing.T) {
	w := testWatcher()
	st := newStream()
	st.wantNew, st.after = true, 100
	res := &imapproxy.SyncResult{UIDValidity: 1, New: []uint32{101, 102, 103},
		Rows: map[uint32]imapproxy.MessageSummary{103: summary(103, "newest", false)}}
	w.deliver(st, res, &rendered{w: w, res: res, now: time.Now(), rows: map[uint32]string{}, sidebars: map[string]sidebarHTML{}}, true)
	got := events(st)
	if len(got) != 2 || got[0] != "stale: more" || !strings.HasPrefix(got[1], "add:") {
		t.Errorf("events: %q", got)
	}
}

// TestEventsStream: the stream's headers, the retry hint, heartbeats; a
// watcher shared by two tabs of a session; the watch closed once the
// last tab went and the linger passed; Close ends streams at once.
func TestEventsStream(t *testing.T) {
	var mu sync.Mutex
	opened := map[string]int{}
	var watches []*stubWatch
	l := NewLive(&Handler{Log: slog.New(slog.DiscardHandler), Backend: stubBackend{}}, LiveConfig{
		Linger: 100 * time.Millisecond, Heartbeat: 50 * time.Millisecond, Refresh: time.Hour, ListEvery: time.Hour,
		MaxStream: time.Hour, Retry: 1500 * time.Millisecond, WriteTimeout: time.Second,
	})
	l.Open = func(_ context.Context, _ Mail, mailbox string) (FolderWatch, error) {
		mu.Lock()
		defer mu.Unlock()
		opened[mailbox]++
		w := &stubWatch{done: make(chan struct{}), changed: make(chan struct{}, 1)}
		watches = append(watches, w)
		return w, nil
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := reqctx.WithSession(r.Context(), &session.Session{ID: "sid", User: "ann"})
		if err := l.Events(w, r.WithContext(ctx)); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	}))
	defer srv.Close()

	open := func() (*http.Response, *bufio.Reader) {
		resp, err := http.Get(srv.URL + "/events?mailbox=INBOX")
		if err != nil {
			t.Fatal(err)
		}
		return resp, bufio.NewReader(resp.Body)
	}
	resp, rd := open()
	if resp.Header.Get("Content-Type") != "text/event-stream" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("headers: %v", resp.Header)
	}
	if line, _ := rd.ReadString('\n'); line != "retry: 1500\n" {
		t.Errorf("first line %q", line)
	}
	sawHeartbeat := false
	for deadline := time.Now().Add(2 * time.Second); !sawHeartbeat && time.Now().Before(deadline); {
		line, err := rd.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		sawHeartbeat = line == ": \n"
	}
	if !sawHeartbeat {
		t.Error("no heartbeat comment")
	}
	resp2, _ := open()
	time.Sleep(50 * time.Millisecond)
	mu.Lock()
	if opened["INBOX"] != 1 {
		t.Errorf("two tabs of a session opened %d watches, want 1", opened["INBOX"])
	}
	mu.Unlock()

	resp.Body.Close()
	resp2.Body.Close()
	select {
	case <-watches[0].done:
	case <-time.After(2 * time.Second):
		t.Error("the watch stayed open after the last tab and the linger")
	}

	resp3, rd3 := open()
	defer resp3.Body.Close()
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	l.Close()
	if _, err := rd3.ReadString(0); err == nil || time.Since(start) > time.Second {
		t.Errorf("after Close the stream went on (%v)", time.Since(start))
	}
}

type stubBackend struct{ Backend }

func (stubBackend) Mail(string, string, imapproxy.PasswordFunc) Mail { return nil }

type stubWatch struct {
	done, changed chan struct{}
	once          sync.Once
}

func (w *stubWatch) Changed() <-chan struct{}             { return w.changed }
func (w *stubWatch) Done() <-chan struct{}                { return w.done }
func (w *stubWatch) Err() error                           { return nil }
func (w *stubWatch) Switch(context.Context, string) error { return nil }
func (w *stubWatch) Close()                               { w.once.Do(func() { close(w.done) }) }
func (w *stubWatch) Sync(context.Context, imapproxy.SyncQuery) (*imapproxy.SyncResult, error) {
	return &imapproxy.SyncResult{UIDValidity: 1}, nil
}
