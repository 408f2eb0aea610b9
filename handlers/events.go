package handlers

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/web/reqctx"
)

// Live updates: every page behind the sign-in opens one Server-Sent
// Events stream (GET /events, static/js/live.js) that carries what
// changed on the mail server while the page is open: rows added,
// redrawn and removed, the INBOX's unread count, the sidebar. Without
// JavaScript nothing opens it, and the pages work as before.
//
// The streams of one session that show the same folder share a watcher
// (events_watch.go), which holds one IDLE connection (imapproxy.Watch)
// and asks the server only about the rows the pages show.

// LiveConfig are the timings of live updates.
type LiveConfig struct {
	// Linger keeps a watcher and its connection this long after its last
	// stream closed, so that moving from page to page costs no login.
	Linger time.Duration
	// Heartbeat is how often a comment line goes down an idle stream, so
	// proxies and NATs keep it open.
	Heartbeat time.Duration
	// Refresh is how often the INBOX's counts are asked for while
	// another folder is watched (IDLE reports the watched folder's own
	// news). A watch of the INBOX asks every ListEvery. Either proves the
	// IDLE connection alive (a dead one is redialled) and restarts IDLE.
	Refresh time.Duration
	// ListEvery is how often the folder list is read again, which is how
	// folders created or deleted elsewhere reach the sidebar.
	ListEvery time.Duration
	// MaxStream ends a stream after this long (at its next heartbeat);
	// the browser reconnects at once, through the sign-in gate, so a
	// session that ended does not keep receiving mail.
	MaxStream time.Duration
	// Retry is the reconnection delay the browser is told (SSE "retry").
	Retry time.Duration
	// WriteTimeout bounds one write to a client that stopped reading.
	WriteTimeout time.Duration
}

// DefaultLiveConfig returns the timings used in production.
func DefaultLiveConfig() LiveConfig {
	return LiveConfig{
		Linger:       30 * time.Second,
		Heartbeat:    25 * time.Second,
		Refresh:      30 * time.Second,
		ListEvery:    60 * time.Second,
		MaxStream:    10 * time.Minute,
		Retry:        3 * time.Second,
		WriteTimeout: 30 * time.Second,
	}
}

// FolderWatch is a connection waiting for news of one folder;
// *imapproxy.Watch is the real one.
type FolderWatch interface {
	Changed() <-chan struct{}
	Done() <-chan struct{}
	Err() error
	Sync(ctx context.Context, q imapproxy.SyncQuery) (*imapproxy.SyncResult, error)
	Switch(ctx context.Context, mailbox string) error
	Close()
}

// Live serves the event streams and runs their watchers.
type Live struct {
	h *Handler
	// Config are the timings; change them only before the first stream.
	Config LiveConfig
	// Open starts watching mailbox for the session behind m. The default
	// uses the imapproxy pool's IDLE watch; tests put a fake here.
	Open func(ctx context.Context, m Mail, mailbox string) (FolderWatch, error)

	mu        sync.Mutex
	watchers  map[watchKey]*watcher
	lingering map[string]*watcher // a watcher without streams, by session: the next page's folder reuses its connection
	perSID    map[string]int      // open streams by session, at most maxStreamsPerSession
	closed    bool
	ctx       context.Context // cancelled by Close: every stream and watcher ends
	cancel    context.CancelFunc
	wg        sync.WaitGroup
}

type watchKey struct{ sid, mailbox string }

// NewLive returns the live-update service of h's pages.
func NewLive(h *Handler, cfg LiveConfig) *Live {
	ctx, cancel := context.WithCancel(context.Background())
	return &Live{
		h: h, Config: cfg, Open: openIMAPWatch,
		watchers: map[watchKey]*watcher{}, lingering: map[string]*watcher{}, perSID: map[string]int{},
		ctx: ctx, cancel: cancel,
	}
}

// openIMAPWatch opens the pool's IDLE watch when the backend is the
// imapproxy pool.
func openIMAPWatch(ctx context.Context, m Mail, mailbox string) (FolderWatch, error) {
	s, ok := m.(interface {
		Watch(context.Context, string) (*imapproxy.Watch, error)
	})
	if !ok {
		return nil, errNoLive
	}
	w, err := s.Watch(ctx, mailbox)
	if err != nil {
		return nil, err // not w: a nil *Watch in the interface would not be nil
	}
	return w, nil
}

var errNoLive = errors.New("live updates: the mail backend cannot watch folders")

// Close ends every stream and waits for the watchers to log out. The
// web server calls it when it shuts down: http.Server.Shutdown waits for
// active requests, and an event stream never finishes by itself.
func (l *Live) Close() {
	l.mu.Lock()
	l.closed = true
	for _, w := range l.watchers {
		for _, st := range w.subs {
			st.close()
		}
	}
	l.mu.Unlock()
	l.cancel()
	l.wg.Wait()
}

// maxShown bounds the rows one stream may name: a page shows PageSize,
// and a page open for a day gains the new ones.
const maxShown = 500

// maxStreamsPerSession bounds the tabs of one session that get live
// updates; more get 429, and an EventSource does not retry that.
const maxStreamsPerSession = 32

// Events is GET /events?mailbox=…: one tab's stream of changes to the
// folder it shows (INBOX for pages that show none). The page says what it
// shows: uids (its rows), unread and flagged (theirs), after (the
// newest UID it knows), v (the folder's UIDVALIDITY), new=1 (new mail
// goes on top of this list), current (the sidebar's folder).
func (l *Live) Events(w http.ResponseWriter, r *http.Request) error {
	st, mailbox, err := parseStream(r)
	if err != nil {
		return err
	}
	wt, err := l.join(reqctx.Session(r.Context()).ID, mailbox, l.h.mail(r), st)
	switch {
	case errors.Is(err, errTooManyStreams):
		return &Error{Status: http.StatusTooManyRequests, Heading: "Too many tabs",
			Message: "This page will not update by itself: too many Tidings tabs are open. Close some and reload.", Cause: err}
	case err != nil:
		return &Error{Status: http.StatusServiceUnavailable, Heading: "Shutting down",
			Message: "Tidings is restarting. The page will update again in a moment.", Cause: err}
	}
	defer l.leave(wt, st)
	l.pump(w, r.Context().Done(), st)
	return nil
}

// pump writes st's events until the client goes, the watcher drops the
// stream (Close too) or the stream is MaxStream old. What waits here is
// all a stream keeps on its goroutine's stack beyond net/http and the
// middleware, so it is kept small: a little more and the stack of every
// open stream doubles to 16 KiB (web/live_memory_test.go measures it).
func (l *Live) pump(w http.ResponseWriter, gone <-chan struct{}, st *stream) {
	out := sseWriter{w: w, rc: http.NewResponseController(w), timeout: l.Config.WriteTimeout}
	if !out.start(l.Config.Retry) {
		return
	}
	heartbeat := time.NewTicker(l.Config.Heartbeat) // one timer per stream: thousands may be open
	defer heartbeat.Stop()
	endBy := time.Now().Add(l.Config.MaxStream)
	for {
		var msg []byte
		select {
		case msg = <-st.out:
		case now := <-heartbeat.C:
			if now.After(endBy) {
				return
			}
			msg = []byte(": \n\n")
		case <-st.end:
			out.drain(st) // what the watcher queued last (a "stop") still goes
			return
		case <-gone:
			return
		}
		if !out.write(msg) {
			return
		}
	}
}

// sseWriter writes a stream's bytes, each write flushed and bounded by
// its own deadline: the server's read and write timeouts are meant for
// requests, not a response that stays open for minutes.
type sseWriter struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
}

func (o sseWriter) start(retry time.Duration) bool {
	_ = o.rc.SetReadDeadline(time.Time{})
	h := o.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	o.w.WriteHeader(http.StatusOK)
	return o.write([]byte("retry: " + strconv.FormatInt(retry.Milliseconds(), 10) + "\n\n"))
}

func (o sseWriter) write(b []byte) bool {
	_ = o.rc.SetWriteDeadline(time.Now().Add(o.timeout))
	if _, err := o.w.Write(b); err != nil {
		return false
	}
	return o.rc.Flush() == nil
}

func (o sseWriter) drain(st *stream) {
	for {
		select {
		case msg := <-st.out:
			if !o.write(msg) {
				return
			}
		default:
			return
		}
	}
}

// parseStream reads what the page shows from the query and the
// Last-Event-ID a reconnecting EventSource sends.
func parseStream(r *http.Request) (*stream, string, error) {
	q := r.URL.Query()
	mailbox := q.Get("mailbox")
	if mailbox == "" {
		mailbox = "INBOX"
	}
	bad := badRequest("That live-update request is not valid.")
	if len(mailbox) > 1000 || len(q.Get("current")) > 1000 {
		return nil, "", bad
	}
	st := newStream()
	st.current = q.Get("current")
	st.wantNew = q.Get("new") == "1"
	var err error
	if st.after, err = optUint32(q.Get("after")); err != nil {
		return nil, "", bad
	}
	if st.validity, err = optUint32(q.Get("v")); err != nil {
		return nil, "", bad
	}
	uids, err1 := uidList(q.Get("uids"))
	unread, err2 := uidList(q.Get("unread"))
	flagged, err3 := uidList(q.Get("flagged"))
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, "", bad
	}
	st.show(uids, unread, flagged)
	if v, after, ok := parseEventID(r.Header.Get("Last-Event-ID")); ok && (st.validity == 0 || v == st.validity) {
		// A reconnect: the URL is the one the page opened with, and the
		// rows up to after came as events since. They are fetched again as
		// new mail but redrawn in place, never added twice.
		st.validity, st.resumed = v, after
	}
	return st, mailbox, nil
}

// uidList parses "4,8,15".
func uidList(s string) ([]uint32, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) > maxShown {
		return nil, errors.New("too many uids")
	}
	out := make([]uint32, 0, len(parts))
	for _, p := range parts {
		n, err := strconv.ParseUint(p, 10, 32)
		if err != nil || n == 0 {
			return nil, errors.New("bad uid")
		}
		out = append(out, uint32(n))
	}
	return out, nil
}

// eventID is the stream's position, sent with every event: the folder's
// UIDVALIDITY and the newest UID the tab has.
func eventID(validity, after uint32) string {
	return strconv.FormatUint(uint64(validity), 10) + "-" + strconv.FormatUint(uint64(after), 10)
}

func parseEventID(s string) (validity, after uint32, ok bool) {
	a, b, found := strings.Cut(s, "-")
	if !found {
		return 0, 0, false
	}
	v, err1 := strconv.ParseUint(a, 10, 32)
	u, err2 := strconv.ParseUint(b, 10, 32)
	return uint32(v), uint32(u), err1 == nil && err2 == nil
}

// frame encodes one event (HTML Living Standard §9.2.6). Every line of
// data gets its own "data:" field; the browser joins them with "\n".
func frame(id, event, data string) []byte {
	var b bytes.Buffer
	b.Grow(len(data) + len(event) + len(id) + 32)
	if id != "" {
		b.WriteString("id: " + id + "\n")
	}
	b.WriteString("event: " + event + "\n")
	for line := range strings.Lines(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(data)) {
		b.WriteString("data: ")
		b.WriteString(strings.TrimSuffix(line, "\n"))
		b.WriteByte('\n')
	}
	if data == "" {
		b.WriteString("data:\n")
	}
	b.WriteByte('\n')
	return b.Bytes()
}
