package imapproxy

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// spyServer is go-imap's in-memory IMAP server on a loopback port, with a
// listener that watches what each connection does. Unlike the demo server it
// starts in a millisecond and holds only what a pool test needs.
type spyServer struct {
	Addr string

	srv *imapserver.Server
	ln  *spyListener
}

// spyMessages is how many messages each user's INBOX holds.
const spyMessages = 30

// startSpyServer serves users (name → password), each with an INBOX of
// spyMessages small messages, until the test ends. It advertises what
// imapserver beta.8 does correctly (notes section 2): no MOVE, no IMAP4rev2.
func startSpyServer(t testing.TB, users map[string]string) *spyServer {
	t.Helper()
	mem := imapmemserver.New()
	for name, pw := range users {
		u := imapmemserver.NewUser(name, pw)
		if err := u.Create("INBOX", nil); err != nil {
			t.Fatal(err)
		}
		for i := range spyMessages {
			// Append panics on nil options.
			opts := &imap.AppendOptions{Time: time.Date(2024, 1, 1, 0, i, 0, 0, time.UTC)}
			if _, err := u.Append("INBOX", bytes.NewReader(poolTestMessage(name, i)), opts); err != nil {
				t.Fatal(err)
			}
		}
		mem.AddUser(u)
	}
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ms := &spyServer{Addr: inner.Addr().String(), ln: &spyListener{Listener: inner}}
	ms.srv = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps: imap.CapSet{
			imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}, imap.CapESearch: {},
			imap.CapListStatus: {}, imap.CapNamespace: {},
		},
		InsecureAuth: true, // loopback only
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = ms.srv.Serve(ms.ln)
	}()
	t.Cleanup(func() {
		_ = ms.srv.Close()
		<-done
	})
	return ms
}

// poolTestMessage is message i of user's seeded mail: a few hundred bytes.
func poolTestMessage(user string, i int) []byte {
	return fmt.Appendf(nil, "From: Sender %d <sender%d@example.test>\r\n"+
		"To: %s@example.test\r\n"+
		"Subject: Message %d for %s\r\n"+
		"Date: Mon, 01 Jan 2024 10:%02d:00 +0000\r\n"+
		"Message-ID: <%d.%s@example.test>\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n"+
		"\r\n"+
		"Hello %s, this is message number %d.\r\n", i%7, i%7, user, i, user, i%60, i, user, user, i)
}

// logouts counts connections on which the client sent LOGOUT.
func (ms *spyServer) logouts() int { return ms.ln.count(func(c *spyConn) bool { return c.logout }) }

// open counts connections the server has not closed yet.
func (ms *spyServer) open() int { return ms.ln.count(func(c *spyConn) bool { return !c.closed }) }

// accepted counts every connection ever made.
func (ms *spyServer) lists() int {
	ms.ln.mu.Lock()
	defer ms.ln.mu.Unlock()
	n := 0
	for _, c := range ms.ln.conns {
		n += c.lists
	}
	return n
}

func (ms *spyServer) accepted() int { return ms.ln.count(func(*spyConn) bool { return true }) }

// spyListener remembers its connections.
type spyListener struct {
	net.Listener
	mu    sync.Mutex
	conns []*spyConn
}

func (l *spyListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	sc := &spyConn{Conn: c, l: l}
	l.mu.Lock()
	l.conns = append(l.conns, sc)
	l.mu.Unlock()
	return sc, nil
}

func (l *spyListener) count(f func(*spyConn) bool) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, c := range l.conns {
		if f(c) {
			n++
		}
	}
	return n
}

// spyConn notes whether the client said LOGOUT (RFC 9051 §6.1.3) and
// whether the server closed the connection. Its fields are guarded by l.mu.
type spyConn struct {
	net.Conn
	l      *spyListener
	logout bool
	closed bool
	lists  int // LIST commands the client sent
}

func (c *spyConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	up := bytes.ToUpper(b[:n])
	c.l.mu.Lock()
	if bytes.Contains(up, []byte(" LOGOUT\r\n")) {
		c.logout = true
	}
	c.lists += bytes.Count(up, []byte(" LIST "))
	c.l.mu.Unlock()
	return n, err
}

func (c *spyConn) Close() error {
	c.l.mu.Lock()
	c.closed = true
	c.l.mu.Unlock()
	return c.Conn.Close()
}

// poolLogger writes the pool's log to the test's output, shown on failure
// or with -v.
func poolLogger(t testing.TB) *slog.Logger {
	var w io.Writer = io.Discard
	if tt, ok := t.(interface{ Output() io.Writer }); ok {
		w = tt.Output()
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// waitUntil polls cond every 10 ms until it holds or d passes.
func waitUntil(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
