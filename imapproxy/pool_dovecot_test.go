package imapproxy

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"go.uber.org/goleak"

	"github.com/tidings-mail/tidings/internal/testsrv"
)

// These tests hold the pool to its promises against a real Dovecot: a
// server restart and a broken network cost the user nothing but time, a
// hung server costs at most CommandTimeout, hundreds of sessions stay
// within the limits, and nothing leaks.

// dovecotPoolConfig is a pool configuration for a test Dovecot.
func dovecotPoolConfig(addr string, mode TLSMode, roots *x509.CertPool) Config {
	cfg := DefaultConfig()
	cfg.Addr, cfg.TLS, cfg.RootCAs = addr, mode, roots
	cfg.DialTimeout = 10 * time.Second
	cfg.CommandTimeout = 10 * time.Second
	cfg.CheckAfter = time.Minute
	return cfg
}

// seedInbox gives user's INBOX n small messages, UIDs 1 to n.
func seedInbox(t testing.TB, d *testsrv.Dovecot, user string, n int) {
	t.Helper()
	msgs := make([]testsrv.MaildirMessage, n)
	for i := range msgs {
		msgs[i] = testsrv.MaildirMessage{Raw: poolTestMessage(user, i)}
	}
	d.WriteMaildir(t, user, msgs)
}

// closePool closes p within 10 s or fails the test.
func closePool(t testing.TB, p *Pool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Close(ctx); err != nil {
		t.Errorf("closing the pool: %v", err)
	}
}

// daemonWaiter is testsrv's goroutine that waits for the Dovecot process it
// started; Dovecot.Start starts a new one, which lives until the test's
// cleanup stops the server. It is not ours to find.
var daemonWaiter = goleak.IgnoreAnyFunction("github.com/tidings-mail/tidings/internal/testsrv.startDaemon.func1")

// TestDovecotRestart: the server restarts between two requests of a
// logged-in session. The second request works, without a new login by the
// user: the pool dials again with the session's PasswordFunc.
func TestDovecotRestart(t *testing.T) {
	d := testsrv.StartDovecot(t, testsrv.User{Name: "alice", Password: "pw-alice"})
	seedInbox(t, d, "alice", 10)
	// Goroutines running now are not the pool's: testsrv's waiter for the
	// Dovecot process, and whatever earlier tests leave behind.
	leaks := goleak.IgnoreCurrent()

	p := NewPool(dovecotPoolConfig(d.IMAPAddr, TLSStart, d.RootCAs()), poolLogger(t))
	var asked atomic.Int64
	s := p.Session("sid", "alice", func() (string, error) { asked.Add(1); return "pw-alice", nil })
	if _, mp, err := s.Folder(t.Context(), "INBOX", 1, 50); err != nil || mp.Total != 10 {
		t.Fatalf("before the restart: %v", err)
	}

	d.Stop()
	start := time.Now()
	_, _, err := s.Folder(t.Context(), "INBOX", 1, 50)
	if !errors.Is(err, ErrUnavailable) || time.Since(start) > 2*time.Second {
		t.Errorf("while the server is down: err = %v after %v, want ErrUnavailable at once", err, time.Since(start))
	}
	d.Start()
	_, mp, err := s.Folder(t.Context(), "INBOX", 1, 50)
	if err != nil || mp.Total != 10 || len(mp.Messages) != 10 {
		t.Fatalf("after the restart: err = %v", err)
	}
	st := p.Stats()
	t.Logf("stats: %+v", st)
	if st.Dials != 3 || st.DialFailures != 1 || st.Discards+st.Retries < 1 || st.Open != 1 {
		t.Errorf("Dials %d, DialFailures %d, Discards %d, Retries %d, Open %d; want 3 (before, while down, after), 1, >=1 together, 1",
			st.Dials, st.DialFailures, st.Discards, st.Retries, st.Open)
	}
	if asked.Load() != st.Dials {
		t.Errorf("password asked %d times for %d dials", asked.Load(), st.Dials)
	}
	closePool(t, p)
	goleak.VerifyNone(t, leaks, daemonWaiter)
}

// TestDovecotFaults puts a fault-injecting proxy between the pool and
// Dovecot (implicit TLS, end to end through the proxy).
func TestDovecotFaults(t *testing.T) {
	d := testsrv.StartDovecot(t,
		testsrv.User{Name: "alice", Password: "pw-alice"},
		testsrv.User{Name: "bob", Password: "pw-bob"})
	seedInbox(t, d, "alice", 20)
	seedInbox(t, d, "bob", 20)
	leaks := goleak.IgnoreCurrent() // see TestDovecotRestart

	proxy := startFaultProxy(t, d.IMAPSAddr)
	cfg := dovecotPoolConfig(proxy.Addr, TLSImplicit, d.RootCAs())
	// While a fault is on, CommandTimeout is short (faultTimeout, below
	// DialTimeout so the request's deadline must win); setup and recovery
	// run with the normal one, so that a slow process start on a loaded CI
	// machine cannot fail them. slack is what a timeout may take beyond
	// CommandTimeout: closing the socket, the TLS alert, scheduling.
	cfg.DialTimeout = 3 * time.Second
	const faultTimeout, slack = time.Second, 500 * time.Millisecond

	folder := func(t *testing.T, s *Session) error {
		t.Helper()
		_, mp, err := s.Folder(t.Context(), "INBOX", 1, 50)
		if err == nil && (mp.Total != 20 || len(mp.Messages) != 20 || mp.Messages[0].Subject == "") {
			t.Errorf("folder: total %d, %d messages", mp.Total, len(mp.Messages))
		}
		return err
	}
	mustFolder := func(t *testing.T, s *Session) {
		t.Helper()
		start := time.Now()
		if err := folder(t, s); err != nil {
			t.Fatalf("folder: %v after %v", err, time.Since(start))
		}
		t.Logf("folder took %v", time.Since(start))
	}
	timesOut := func(t *testing.T, s *Session) {
		t.Helper()
		s.p.cfg.CommandTimeout = faultTimeout // no request runs meanwhile
		defer func() { s.p.cfg.CommandTimeout = cfg.CommandTimeout }()
		start := time.Now()
		err := folder(t, s)
		took := time.Since(start)
		if !errors.Is(err, ErrTimeout) {
			t.Errorf("err = %v, want ErrTimeout", err)
		}
		if took > faultTimeout+slack {
			t.Errorf("the request took %v; CommandTimeout is %v", took, faultTimeout)
		}
		t.Logf("timed out after %v: %v", took, err)
	}
	alice := func(p *Pool) *Session { return p.Session("a", "alice", fixedPassword("pw-alice")) }

	t.Run("stall", func(t *testing.T) {
		p := NewPool(cfg, poolLogger(t))
		defer closePool(t, p)
		s := alice(p)
		mustFolder(t, s)
		proxy.Stall()
		timesOut(t, s)
		proxy.Resume()
		mustFolder(t, s)
		if st := p.Stats(); st.Dials != 2 || st.Open != 1 {
			t.Errorf("Dials %d, Open %d; want 2 (the stalled connection was closed), 1", st.Dials, st.Open)
		}
	})

	t.Run("stall during NOOP check", func(t *testing.T) {
		cfg := cfg
		cfg.CheckAfter = time.Millisecond
		p := NewPool(cfg, poolLogger(t))
		defer closePool(t, p)
		s := alice(p)
		mustFolder(t, s)
		time.Sleep(10 * time.Millisecond)
		proxy.Stall()
		timesOut(t, s)
		proxy.Resume()
		mustFolder(t, s)
		if st := p.Stats(); st.Checks < 1 {
			t.Errorf("Checks %d: the stalled NOOP was not sent", st.Checks)
		}
	})

	t.Run("blackhole", func(t *testing.T) {
		p := NewPool(cfg, poolLogger(t))
		defer closePool(t, p)
		proxy.Blackhole()
		timesOut(t, alice(p)) // the TCP connection opens; the greeting never comes
		proxy.Resume()
		mustFolder(t, alice(p))
	})

	t.Run("drop", func(t *testing.T) {
		p := NewPool(cfg, poolLogger(t))
		defer closePool(t, p)
		sessions := []*Session{alice(p), p.Session("b", "bob", fixedPassword("pw-bob"))}
		for _, s := range sessions {
			mustFolder(t, s)
		}
		proxy.Drop()
		for _, s := range sessions {
			mustFolder(t, s)
			if _, err := s.MessageContent(t.Context(), "INBOX", 3); err != nil {
				t.Errorf("message: %v", err)
			}
		}
		// A connection whose reset arrived in time is discarded before
		// use; one whose reset was still on the way breaks under the
		// request, which is then retried. Either way it is discarded once.
		if st := p.Stats(); st.Dials != 4 || st.Discards != 2 || st.Retries > 2 {
			t.Errorf("Dials %d, Discards %d, Retries %d; want 4, 2, at most 2", st.Dials, st.Discards, st.Retries)
		}
	})

	// A connection that looks alive but breaks when used: reads are
	// repeated on a fresh connection, a write never is, since the server
	// may have carried it out.
	t.Run("doom", func(t *testing.T) {
		p := NewPool(cfg, poolLogger(t))
		defer closePool(t, p)
		s := alice(p)
		mustFolder(t, s)
		proxy.Doom()
		mustFolder(t, s)
		if st := p.Stats(); st.Retries != 1 {
			t.Errorf("read: Retries %d, want 1", st.Retries)
		}

		// SetFlag is idempotent, so it counts as a read.
		proxy.Doom()
		if err := s.SetFlag(t.Context(), "INBOX", []uint32{2}, FlagFlagged, true); err != nil {
			t.Errorf("set flag: %v", err)
		}
		if st := p.Stats(); st.Retries != 2 {
			t.Errorf("set flag: Retries %d, want 2", st.Retries)
		}

		// The proxy resets the connection before the STORE reaches the
		// server, but the pool cannot know that.
		proxy.Doom()
		calls := 0
		err := s.write(t.Context(), "test write", func(cn *conn) error {
			calls++
			if _, err := cn.selectMailbox("INBOX"); err != nil {
				return err
			}
			return cn.storeFlags([]uint32{1}, imap.FlagDeleted, true)
		})
		if calls != 1 || !errors.Is(err, ErrUnavailable) {
			t.Errorf("write: %d calls, err = %v; want 1 call, ErrUnavailable", calls, err)
		}
		if st := p.Stats(); st.Retries != 2 {
			t.Errorf("write: Retries %d, want still 2", st.Retries)
		}
		mustFolder(t, s)
	})

	proxy.Close()
	goleak.VerifyNone(t, leaks)
	if t.Failed() {
		b, _ := os.ReadFile(filepath.Join(d.Dir, "dovecot.log"))
		t.Logf("dovecot.log:\n%s", b)
	}
}

// TestDovecotManySessions: 200 sessions of 20 users click around at once.
// No request fails, and the pool never holds more connections than its
// limits allow, in all, per user or per session.
func TestDovecotManySessions(t *testing.T) {
	t.Parallel()
	const (
		users       = 20
		perUser     = 10 // sessions
		inbox       = 120
		perPage     = 50
		maxTotal    = 100
		maxPerUser  = 5
		maxPerSess  = 2
		parallelism = users * perUser
	)
	var accounts []testsrv.User
	for i := range users {
		accounts = append(accounts, testsrv.User{Name: fmt.Sprintf("user%02d", i), Password: fmt.Sprintf("pw%02d", i)})
	}
	d := testsrv.StartDovecot(t, accounts...)
	t.Run("seed", func(t *testing.T) {
		for _, u := range accounts {
			t.Run(u.Name, func(t *testing.T) {
				t.Parallel()
				seedInbox(t, d, u.Name, inbox)
			})
		}
	})
	if t.Failed() {
		t.FailNow()
	}

	cfg := dovecotPoolConfig(d.IMAPAddr, TLSNone, nil)
	cfg.MaxPerSession, cfg.MaxPerUser, cfg.MaxTotal = maxPerSess, maxPerUser, maxTotal
	cfg.WaitTimeout = 20 * time.Second
	cfg.CommandTimeout = 20 * time.Second
	p := NewPool(cfg, poolLogger(t))
	defer closePool(t, p)

	var (
		wg       sync.WaitGroup
		start    = make(chan struct{})
		requests atomic.Int64
		failures atomic.Int64
	)
	fail := func(format string, args ...any) {
		if failures.Add(1) <= 10 {
			t.Errorf(format, args...)
		}
	}
	for i := range parallelism {
		u := accounts[i%users]
		s := p.Session(fmt.Sprintf("session%03d", i), u.Name, fixedPassword(u.Password))
		uid := uint32(inbox - i%perPage)
		wg.Go(func() {
			<-start
			ctx := context.Background()
			// The mailbox page and, at the same time, the message frame.
			var page sync.WaitGroup
			page.Go(func() {
				requests.Add(1)
				_, mp, err := s.Folder(ctx, "INBOX", 1, perPage)
				if err != nil {
					fail("%s: page 1: %v", s.id, err)
				} else if err := checkPage(mp, inbox, perPage, inbox); err != nil {
					fail("%s: page 1: %v", s.id, err)
				}
			})
			page.Go(func() {
				requests.Add(1)
				if mv, err := s.MessageContent(ctx, "INBOX", uid); err != nil || mv.Msg == nil {
					fail("%s: message %d: %v", s.id, uid, err)
				}
			})
			page.Wait()
			requests.Add(3)
			_, mp, err := s.Folder(ctx, "INBOX", 2, perPage)
			if err != nil {
				fail("%s: page 2: %v", s.id, err)
			} else if err := checkPage(mp, inbox, perPage, inbox-perPage); err != nil {
				fail("%s: page 2: %v", s.id, err)
			}
			if err := s.SetFlag(ctx, "INBOX", []uint32{uid}, FlagFlagged, i%2 == 0); err != nil {
				fail("%s: flag %d: %v", s.id, uid, err)
			}
			if _, err := s.MessageContent(ctx, "INBOX", uid-1); err != nil {
				fail("%s: message %d: %v", s.id, uid-1, err)
			}
		})
	}
	began := time.Now()
	close(start)
	wg.Wait()
	took := time.Since(began)

	st := p.Stats()
	t.Logf("%d sessions, %d requests in %v; %+v", parallelism, requests.Load(), took, st)
	if n := failures.Load(); n > 0 {
		t.Errorf("%d of %d requests failed", n, requests.Load())
	}
	if st.MaxOpen > maxTotal || st.MaxOpenPerUser > maxPerUser || st.MaxOpenPerSession > maxPerSess {
		t.Errorf("limits broken: at most %d open (limit %d), %d per user (%d), %d per session (%d)",
			st.MaxOpen, maxTotal, st.MaxOpenPerUser, maxPerUser, st.MaxOpenPerSession, maxPerSess)
	}
	if st.Open > maxTotal || st.PerUserMax > maxPerUser || st.Busy != 0 {
		t.Errorf("Open %d, PerUserMax %d, Busy %d", st.Open, st.PerUserMax, st.Busy)
	}
	if st.MaxOpenPerUser != maxPerUser {
		t.Errorf("no user reached the per-user limit (%d): the test does not test it", st.MaxOpenPerUser)
	}
}

// checkPage checks one page of a seeded INBOX: newest first, every row
// complete (a row built from a stray FETCH would lack its envelope).
func checkPage(mp *MessagePage, total, perPage int, firstUID uint32) error {
	if mp.Total != total || len(mp.Messages) != perPage {
		return fmt.Errorf("total %d, %d rows; want %d, %d", mp.Total, len(mp.Messages), total, perPage)
	}
	for i, m := range mp.Messages {
		if want := firstUID - uint32(i); m.UID != want || m.Subject == "" || len(m.From) != 1 {
			return fmt.Errorf("row %d: UID %d, subject %q, from %v; want UID %d, a subject, a sender", i, m.UID, m.Subject, m.From, want)
		}
	}
	return nil
}

// TestDovecotUIDValidity: a folder deleted and created again under the
// same name has a new UIDVALIDITY (RFC 9051 §2.3.1.1), and the old UIDs
// mean nothing. The pool notices at the session's next SELECT of it: it
// logs a warning and counts it.
func TestDovecotUIDValidity(t *testing.T) {
	t.Parallel()
	d := testsrv.StartDovecot(t, testsrv.User{Name: "carol", Password: "pw-carol"})
	box := func(n int) []testsrv.MaildirMessage {
		msgs := make([]testsrv.MaildirMessage, n)
		for i := range msgs {
			msgs[i] = testsrv.MaildirMessage{Mailbox: "Projects", Raw: poolTestMessage("carol", i)}
		}
		return msgs
	}
	d.WriteMaildir(t, "carol", append(box(3), testsrv.MaildirMessage{Raw: poolTestMessage("carol", 9)}))
	recreate := func(n int) {
		d.Doveadm(t, "mailbox", "delete", "-u", "carol", "Projects")
		d.WriteMaildir(t, "carol", box(n))
	}

	logs := &warnings{}
	cfg := dovecotPoolConfig(d.IMAPAddr, TLSNone, nil)
	cfg.MaxPerSession = 1
	p := NewPool(cfg, slog.New(logs))
	defer closePool(t, p)
	s := p.Session("s", "carol", fixedPassword("pw-carol"))
	open := func(t *testing.T, s *Session, mailbox string) *MessagePage {
		t.Helper()
		_, mp, err := s.Folder(t.Context(), mailbox, 1, 50)
		if err != nil {
			t.Fatalf("%s: %v", mailbox, err)
		}
		return mp
	}

	before := open(t, s, "Projects")
	open(t, s, "INBOX") // the next open of Projects is a SELECT
	recreate(2)
	after := open(t, s, "Projects")
	if after.UIDValidity == before.UIDValidity || after.Total != 2 {
		t.Fatalf("UIDVALIDITY %d → %d, %d messages: the folder was not recreated", before.UIDValidity, after.UIDValidity, after.Total)
	}
	if st := p.Stats(); st.UIDValidityChanges != 1 {
		t.Errorf("UIDValidityChanges %d, want 1", st.UIDValidityChanges)
	}
	if got := logs.String(); !strings.Contains(got, "UIDVALIDITY changed") || !strings.Contains(got, "mailbox=Projects") {
		t.Errorf("warnings: %q", got)
	}
	// Another session never saw the old folder: nothing changed for it.
	open(t, p.Session("t", "carol", fixedPassword("pw-carol")), "Projects")
	if st := p.Stats(); st.UIDValidityChanges != 1 {
		t.Errorf("UIDValidityChanges %d, want still 1", st.UIDValidityChanges)
	}

	t.Run("recreated while selected", func(t *testing.T) {
		// Dovecot keeps a connection's view of its selected folder after
		// the folder is deleted and recreated behind it: NOOP and STATUS
		// report nothing. A connection idle past CheckAfter re-SELECTs.
		p.cfg.CheckAfter = 50 * time.Millisecond
		open(t, s, "Projects") // still selected on s's only connection
		recreate(4)
		time.Sleep(100 * time.Millisecond)
		again := open(t, s, "Projects")
		if again.Total != 4 || p.Stats().UIDValidityChanges != 2 {
			t.Errorf("UIDVALIDITY %d → %d, %d messages, %d changes counted; want a new one, 4, 2",
				after.UIDValidity, again.UIDValidity, again.Total, p.Stats().UIDValidityChanges)
		}
	})
}

// warnings is a slog.Handler that keeps the pool's warnings.
type warnings struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *warnings) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (w *warnings) WithAttrs([]slog.Attr) slog.Handler           { return w }
func (w *warnings) WithGroup(string) slog.Handler                { return w }
func (w *warnings) Handle(_ context.Context, r slog.Record) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&w.b, " %s=%v", a.Key, a.Value)
		return true
	})
	w.b.WriteString("\n")
	return nil
}

func (w *warnings) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
