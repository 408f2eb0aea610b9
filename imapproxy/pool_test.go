package imapproxy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"
)

// These tests run the pool against go-imap's in-memory server (spyserver_test.go):
// limits, waiting, reuse, eviction, retries, session and pool shutdown.
// The same properties against a real Dovecot, through a faulty network,
// are in pool_dovecot_test.go.

// spyConfig is a pool configuration for the in-memory server with short
// timeouts and the given limits.
func spyConfig(addr string, perSession, perUser, total int) Config {
	cfg := DefaultConfig()
	cfg.Addr = addr
	cfg.TLS = TLSNone
	cfg.DialTimeout = 5 * time.Second
	cfg.CommandTimeout = 5 * time.Second
	cfg.WaitTimeout = 5 * time.Second
	cfg.CheckAfter = time.Minute
	cfg.IdleTimeout = time.Minute
	cfg.MaxPerSession, cfg.MaxPerUser, cfg.MaxTotal = perSession, perUser, total
	return cfg
}

// startPool starts a pool and closes it when the test ends.
func startPool(t testing.TB, cfg Config) *Pool {
	t.Helper()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	p := NewPool(cfg, poolLogger(t))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := p.Close(ctx); err != nil {
			t.Errorf("closing the pool: %v", err)
		}
	})
	return p
}

// fixedPassword returns a PasswordFunc that always answers pw.
func fixedPassword(pw string) PasswordFunc { return func() (string, error) { return pw, nil } }

// connHolder borrows one connection of a session and keeps it until released:
// a request that is still running.
type connHolder struct {
	got  chan struct{} // closed once the connection is lent
	done chan error    // the request's result
}

func holdConn(s *Session, release <-chan struct{}) *connHolder {
	h := &connHolder{got: make(chan struct{}), done: make(chan error, 1)}
	go func() {
		h.done <- s.do(context.Background(), "hold", nil, time.Minute, func(*conn) error {
			close(h.got)
			<-release
			return nil
		})
	}()
	return h
}

func (h *connHolder) lent() bool {
	select {
	case <-h.got:
		return true
	default:
		return false
	}
}

// countLent waits until want of the requests hold a connection, then
// checks a moment later that no more got one.
func countLent(t *testing.T, want int, hs ...*connHolder) {
	t.Helper()
	lent := func() int {
		n := 0
		for _, h := range hs {
			if h.lent() {
				n++
			}
		}
		return n
	}
	waitUntil(t, 2*time.Second, fmt.Sprintf("fewer than %d of %d requests got a connection", want, len(hs)),
		func() bool { return lent() >= want })
	time.Sleep(50 * time.Millisecond) // would one more get through?
	if n := lent(); n != want {
		t.Fatalf("%d of %d requests got a connection, want %d", n, len(hs), want)
	}
}

func TestPoolLimits(t *testing.T) {
	t.Parallel()
	srv := startSpyServer(t, map[string]string{"u1": "p1", "u2": "p2"})
	p := startPool(t, spyConfig(srv.Addr, 2, 3, 4))
	release := make(chan struct{})
	a := p.Session("a", "u1", fixedPassword("p1"))
	b := p.Session("b", "u1", fixedPassword("p1"))
	c := p.Session("c", "u2", fixedPassword("p2"))

	// Session a may hold 2 connections: the third request waits.
	ha := []*connHolder{holdConn(a, release), holdConn(a, release), holdConn(a, release)}
	countLent(t, 2, ha...)
	// Session b of the same user may add only 1: u1 may hold 3.
	hb := []*connHolder{holdConn(b, release), holdConn(b, release)}
	countLent(t, 1, hb...)
	// Session c of another user gets 1: the pool may hold 4.
	hc := []*connHolder{holdConn(c, release), holdConn(c, release)}
	countLent(t, 1, hc...)

	st := p.Stats()
	if st.Open != 4 || st.PerUserMax != 3 || st.Sessions != 3 {
		t.Errorf("while full: Open %d, PerUserMax %d, Sessions %d; want 4, 3, 3", st.Open, st.PerUserMax, st.Sessions)
	}

	// Once the first requests finish, the waiting ones are served.
	close(release)
	for _, h := range append(append(ha, hb...), hc...) {
		if err := <-h.done; err != nil {
			t.Errorf("request: %v", err)
		}
	}
	st = p.Stats()
	if st.MaxOpen != 4 || st.MaxOpenPerUser != 3 || st.MaxOpenPerSession != 2 {
		t.Errorf("high-water marks: total %d, per user %d, per session %d; want 4, 3, 2",
			st.MaxOpen, st.MaxOpenPerUser, st.MaxOpenPerSession)
	}
	if st.Dials != 4 || st.Reuses != 3 || st.Busy != 0 || st.Evictions != 0 {
		t.Errorf("Dials %d, Reuses %d, Busy %d, Evictions %d; want 4, 3, 0, 0", st.Dials, st.Reuses, st.Busy, st.Evictions)
	}
	if n := srv.accepted(); n != 4 {
		t.Errorf("server saw %d connections, want 4", n)
	}
}

func TestPoolBusy(t *testing.T) {
	t.Parallel()
	srv := startSpyServer(t, map[string]string{"u1": "p1", "u2": "p2"})
	cfg := spyConfig(srv.Addr, 1, 1, 1)
	cfg.WaitTimeout = 300 * time.Millisecond
	p := startPool(t, cfg)
	release := make(chan struct{})
	defer close(release)
	h := holdConn(p.Session("a", "u1", fixedPassword("p1")), release)
	countLent(t, 1, h)

	// The only connection is in use, so neither another session (global
	// cap) nor the same one (its own cap) can have one.
	for _, s := range []*Session{p.Session("b", "u2", fixedPassword("p2")), p.Session("a", "u1", fixedPassword("p1"))} {
		start := time.Now()
		_, _, err := s.Folder(t.Context(), "INBOX", 1, 10)
		waited := time.Since(start)
		if !errors.Is(err, ErrBusy) {
			t.Fatalf("session %s: err = %v, want ErrBusy", s.id, err)
		}
		if waited < cfg.WaitTimeout || waited > cfg.WaitTimeout+time.Second {
			t.Errorf("session %s: ErrBusy after %v, want after WaitTimeout (%v)", s.id, waited, cfg.WaitTimeout)
		}
	}
	if st := p.Stats(); st.Busy != 2 || st.Open != 1 || st.MaxOpen != 1 {
		t.Errorf("Busy %d, Open %d, MaxOpen %d; want 2, 1, 1", st.Busy, st.Open, st.MaxOpen)
	}
}

func TestPoolReuse(t *testing.T) {
	t.Parallel()
	srv := startSpyServer(t, map[string]string{"u1": "p1"})
	cfg := spyConfig(srv.Addr, 2, 2, 2)
	cfg.CheckAfter = 50 * time.Millisecond
	p := startPool(t, cfg)
	asked := 0
	s := p.Session("a", "u1", func() (string, error) { asked++; return "p1", nil })

	for page := range 4 {
		boxes, mp, err := s.Folder(t.Context(), "INBOX", page+1, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(boxes) != 1 || mp.Total != spyMessages || len(mp.Messages) != 10 {
			t.Fatalf("page %d: %d folders, total %d, %d messages", page+1, len(boxes), mp.Total, len(mp.Messages))
		}
	}
	if st := p.Stats(); st.Dials != 1 || st.Reuses != 3 || st.Checks != 0 || st.Open != 1 {
		t.Errorf("Dials %d, Reuses %d, Checks %d, Open %d; want 1, 3, 0, 1", st.Dials, st.Reuses, st.Checks, st.Open)
	}
	// A connection idle longer than CheckAfter gets a NOOP first.
	time.Sleep(2 * cfg.CheckAfter)
	if _, err := s.MessageContent(t.Context(), "INBOX", 1); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats(); st.Dials != 1 || st.Reuses != 4 || st.Checks != 1 {
		t.Errorf("after idling: Dials %d, Reuses %d, Checks %d; want 1, 4, 1", st.Dials, st.Reuses, st.Checks)
	}
	if asked != 1 || srv.accepted() != 1 {
		t.Errorf("password asked %d times, %d connections; want 1, 1", asked, srv.accepted())
	}
}

// TestPoolEvictsIdle: an idle connection of another session must not keep
// a request waiting when the pool or the user is at the cap. Sessions a, b
// and c open a folder in turn, with room for two connections: c's request
// takes the place of a's idle connection.
func TestPoolEvictsIdle(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name           string
		perUser, total int
		users          [3]string // of sessions a, b, c
	}{
		{name: "total", perUser: 1, total: 2, users: [3]string{"u1", "u2", "u3"}},
		{name: "per-user", perUser: 2, total: 3, users: [3]string{"u1", "u1", "u1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startSpyServer(t, map[string]string{"u1": "p1", "u2": "p2", "u3": "p3"})
			cfg := spyConfig(srv.Addr, 1, tc.perUser, tc.total)
			p := startPool(t, cfg)
			var sessions []*Session
			for i, u := range tc.users {
				s := p.Session(string(rune('a'+i)), u, fixedPassword("p"+u[1:]))
				sessions = append(sessions, s)
				start := time.Now()
				if _, _, err := s.Folder(t.Context(), "INBOX", 1, 10); err != nil {
					t.Fatalf("session %s: %v", s.id, err)
				}
				if d := time.Since(start); d > cfg.WaitTimeout/2 {
					t.Errorf("session %s waited %v for a connection", s.id, d)
				}
			}
			st := p.Stats()
			if st.Open != 2 || st.MaxOpen != 2 || st.MaxOpenPerUser > int64(tc.perUser) || st.Evictions != 1 || st.Busy != 0 {
				t.Errorf("Open %d, MaxOpen %d, MaxOpenPerUser %d, Evictions %d, Busy %d; want 2, 2, <=%d, 1, 0",
					st.Open, st.MaxOpen, st.MaxOpenPerUser, st.Evictions, st.Busy, tc.perUser)
			}
			// The least recently used connection (session a's) went,
			// politely.
			waitUntil(t, 2*time.Second, "evicted connection still open", func() bool { return srv.open() == 2 })
			if srv.accepted() != 3 || srv.logouts() != 1 {
				t.Errorf("server: %d connections, %d logouts; want 3, 1", srv.accepted(), srv.logouts())
			}
			if _, _, err := sessions[1].Folder(t.Context(), "INBOX", 1, 10); err != nil {
				t.Fatal(err)
			}
			if st := p.Stats(); st.Reuses != 1 {
				t.Errorf("session b's connection was not kept: Reuses %d", st.Reuses)
			}
		})
	}
}

func TestPoolCloseSession(t *testing.T) {
	t.Parallel()
	srv := startSpyServer(t, map[string]string{"u1": "p1"})
	p := startPool(t, spyConfig(srv.Addr, 3, 3, 3))
	s := p.Session("a", "u1", fixedPassword("p1"))
	release := make(chan struct{})
	h := []*connHolder{holdConn(s, release), holdConn(s, release), holdConn(s, release)}
	countLent(t, 3, h...)
	close(release)
	for _, h := range h[:2] {
		if err := <-h.done; err != nil {
			t.Fatal(err)
		}
	}
	// Two connections are idle, one still lent when the session ends.
	late := make(chan struct{})
	h3 := holdConn(s, late)
	<-h3.got
	if err := <-h[2].done; err != nil {
		t.Fatal(err)
	}

	p.CloseSession("a")
	if n := srv.logouts(); n != 2 {
		t.Errorf("CloseSession: %d idle connections logged out, want 2", n)
	}
	if st := p.Stats(); st.Open != 1 || st.Sessions != 0 {
		t.Errorf("after CloseSession: Open %d, Sessions %d; want 1 (still lent), 0", st.Open, st.Sessions)
	}
	// The lent one is logged out when its request ends, not pooled.
	close(late)
	if err := <-h3.done; err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 2*time.Second, "lent connection not logged out after its session closed", func() bool {
		return p.Stats().Open == 0 && srv.logouts() == 3 && srv.open() == 0
	})
}

// TestPoolClose: Close turns waiting requests away at once, waits for
// running ones, and leaves nothing open.
func TestPoolClose(t *testing.T) {
	t.Parallel()
	srv := startSpyServer(t, map[string]string{"u1": "p1"})
	cfg := spyConfig(srv.Addr, 1, 1, 1)
	p := NewPool(cfg, poolLogger(t))
	s := p.Session("a", "u1", fixedPassword("p1"))
	release := make(chan struct{})
	running := holdConn(s, release)
	<-running.got
	// A request waiting for the session's only connection.
	waiting := make(chan error, 1)
	go func() {
		_, _, err := s.Folder(context.Background(), "INBOX", 1, 10)
		waiting <- err
	}()
	time.Sleep(50 * time.Millisecond)

	closed := make(chan error, 1)
	go func() { closed <- p.Close(context.Background()) }()
	select {
	case err := <-waiting:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("waiting request: err = %v, want ErrClosed", err)
		}
	case <-time.After(cfg.WaitTimeout / 2):
		t.Errorf("a waiting request still waits after Close")
	}
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a request still ran", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if err := <-running.done; err != nil {
		t.Errorf("running request: %v", err)
	}
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return after the last request ended")
	}
	if st := p.Stats(); st.Open != 0 || srv.logouts() != 1 {
		t.Errorf("after Close: Open %d, logouts %d; want 0, 1", st.Open, srv.logouts())
	}
	waitUntil(t, time.Second, "server still has a connection", func() bool { return srv.open() == 0 })
	if _, _, err := s.Folder(t.Context(), "INBOX", 1, 10); !errors.Is(err, ErrClosed) {
		t.Errorf("request after Close: err = %v, want ErrClosed", err)
	}
	if err := p.Close(t.Context()); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestPoolCloseIdle(t *testing.T) {
	t.Parallel()
	srv := startSpyServer(t, map[string]string{"u1": "p1", "u2": "p2"})
	p := NewPool(spyConfig(srv.Addr, 2, 2, 4), poolLogger(t))
	for i, u := range []string{"u1", "u2", "u1"} {
		if _, _, err := p.Session(fmt.Sprint(i), u, fixedPassword("p"+u[1:])).Folder(t.Context(), "INBOX", 1, 10); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := p.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if st := p.Stats(); st.Open != 0 || srv.logouts() != 3 {
		t.Errorf("after Close: Open %d, logouts %d; want 0, 3", st.Open, srv.logouts())
	}
	waitUntil(t, time.Second, "server still has a connection", func() bool { return srv.open() == 0 })
}

func TestPoolReaper(t *testing.T) {
	t.Parallel()
	srv := startSpyServer(t, map[string]string{"u1": "p1"})
	cfg := spyConfig(srv.Addr, 2, 2, 2)
	cfg.IdleTimeout = 100 * time.Millisecond
	p := startPool(t, cfg)
	s := p.Session("a", "u1", fixedPassword("p1"))
	if _, _, err := s.Folder(t.Context(), "INBOX", 1, 10); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 2*time.Second, "idle connection not reaped", func() bool {
		st := p.Stats()
		return st.Open == 0 && st.Sessions == 0 && srv.logouts() == 1 && srv.open() == 0
	})
	// The session simply dials again.
	if _, _, err := s.Folder(t.Context(), "INBOX", 1, 10); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats(); st.Dials != 2 {
		t.Errorf("Dials %d, want 2", st.Dials)
	}
}

func TestPoolLoginErrors(t *testing.T) {
	t.Parallel()
	srv := startSpyServer(t, map[string]string{"u1": "p1"})
	p := startPool(t, spyConfig(srv.Addr, 2, 2, 2))

	if err := p.Login(t.Context(), "a", "u1", "wrong"); !errors.Is(err, ErrAuthFailed) {
		t.Errorf("Login with a wrong password: err = %v, want ErrAuthFailed", err)
	}
	_, _, err := p.Session("b", "u1", fixedPassword("wrong")).Folder(t.Context(), "INBOX", 1, 10)
	if !errors.Is(err, ErrAuthFailed) {
		t.Errorf("Folder with a changed password: err = %v, want ErrAuthFailed", err)
	}
	if err := p.Login(t.Context(), "c", "u1", "p1"); err != nil {
		t.Errorf("Login: %v", err)
	}
	if st := p.Stats(); st.Open != 1 || st.DialFailures != 2 {
		t.Errorf("Open %d, DialFailures %d; want 1 (the good login's connection), 2", st.Open, st.DialFailures)
	}

	// Nothing listens on a port just closed.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	q := startPool(t, spyConfig(addr, 1, 1, 1))
	start := time.Now()
	if err := q.Login(t.Context(), "a", "u1", "p1"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Login to a closed port: err = %v, want ErrUnavailable", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("refused connection took %v to report", d)
	}
	if st := q.Stats(); st.Open != 0 {
		t.Errorf("Open %d after failed dial", st.Open)
	}
}

// TestPoolRetry: when the connection breaks under a command, a read is
// repeated once on a fresh connection and a write never is, because the
// server may have carried it out before the connection broke.
func TestPoolRetry(t *testing.T) {
	t.Parallel()
	srv := startSpyServer(t, map[string]string{"u1": "p1"})
	p := startPool(t, spyConfig(srv.Addr, 1, 1, 1))
	s := p.Session("a", "u1", fixedPassword("p1"))
	warm := func() {
		t.Helper()
		if _, _, err := s.Folder(t.Context(), "INBOX", 1, 10); err != nil {
			t.Fatal(err)
		}
	}
	// breakFirst cuts the connection under the first call only.
	breakFirst := func(calls *int) func(*conn) error {
		return func(cn *conn) error {
			*calls++
			if *calls == 1 {
				cn.raw.Close()
			}
			return cn.c.Noop().Wait()
		}
	}
	breakAlways := func(calls *int) func(*conn) error {
		return func(cn *conn) error {
			*calls++
			cn.raw.Close()
			return cn.c.Noop().Wait()
		}
	}

	for _, tc := range []struct {
		name        string
		run         func(*Session, context.Context, string, func(*conn) error) error
		fn          func(*int) func(*conn) error
		wantCalls   int
		wantErr     error
		wantRetries int64
	}{
		{"read, broken once", (*Session).read, breakFirst, 2, nil, 1},
		{"read, broken twice", (*Session).read, breakAlways, 2, ErrUnavailable, 1},
		{"write, broken once", (*Session).write, breakFirst, 1, ErrUnavailable, 0},
	} {
		warm()
		before := p.Stats()
		calls := 0
		err := tc.run(s, t.Context(), "test", tc.fn(&calls))
		after := p.Stats()
		if calls != tc.wantCalls || !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
			t.Errorf("%s: %d calls, err = %v; want %d calls, err %v", tc.name, calls, err, tc.wantCalls, tc.wantErr)
		}
		if got := after.Retries - before.Retries; got != tc.wantRetries {
			t.Errorf("%s: %d retries counted, want %d", tc.name, got, tc.wantRetries)
		}
		if after.Open > 1 {
			t.Errorf("%s: %d connections open", tc.name, after.Open)
		}
	}

	// A NO from the server is an answer, not a broken connection: no
	// retry, and the connection stays.
	warm()
	before := p.Stats()
	if _, _, err := s.Folder(t.Context(), "No such folder", 1, 10); !errors.Is(err, ErrNoMailbox) {
		t.Errorf("missing folder: err = %v, want ErrNoMailbox", err)
	}
	if after := p.Stats(); after.Retries != before.Retries || after.Discards != before.Discards || after.Dials != before.Dials {
		t.Errorf("missing folder: retries %d→%d, discards %d→%d, dials %d→%d; want no change",
			before.Retries, after.Retries, before.Discards, after.Discards, before.Dials, after.Dials)
	}

	// A connection dialled for this very request is not retried: the
	// server just failed it.
	p.CloseSession("a")
	calls := 0
	if err := s.read(t.Context(), "test", breakFirst(&calls)); err == nil || calls != 1 {
		t.Errorf("fresh connection broken: %d calls, err = %v; want 1 call and an error", calls, err)
	}
}

// TestPoolConcurrentSessionsMem is a quick race-detector workout: many
// sessions of few users through a small pool.
func TestPoolConcurrentSessionsMem(t *testing.T) {
	t.Parallel()
	users := map[string]string{"u1": "p1", "u2": "p2", "u3": "p3"}
	srv := startSpyServer(t, users)
	cfg := spyConfig(srv.Addr, 2, 3, 6)
	cfg.WaitTimeout = 10 * time.Second
	p := startPool(t, cfg)
	var wg sync.WaitGroup
	for i := range 30 {
		u := fmt.Sprintf("u%d", i%3+1)
		s := p.Session(fmt.Sprint("s", i), u, fixedPassword(users[u]))
		wg.Go(func() {
			for j := range 5 {
				if _, _, err := s.Folder(t.Context(), "INBOX", j%3+1, 10); err != nil {
					t.Errorf("session %d: %v", i, err)
				}
				if err := s.SetFlag(t.Context(), "INBOX", []uint32{uint32(j + 1)}, FlagFlagged, i%2 == 0); err != nil {
					t.Errorf("session %d: %v", i, err)
				}
			}
		})
	}
	wg.Wait()
	st := p.Stats()
	if st.MaxOpen > 6 || st.MaxOpenPerUser > 3 || st.MaxOpenPerSession > 2 || st.Busy != 0 {
		t.Errorf("limits broken: %+v", st)
	}
}
