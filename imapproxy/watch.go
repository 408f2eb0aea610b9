package imapproxy

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// pollEvery is how often a watch asks with NOOP (RFC 9051 §6.1.2) on a
// server without IDLE.
const pollEvery = 15 * time.Second

// Watch is a dedicated connection that waits on one folder with IDLE
// (RFC 2177) and reports that the server has news: new mail (EXISTS),
// messages gone (EXPUNGE), flags changed by another client (FETCH). It
// has a connection of its own because IDLE blocks every other command
// on its connection; the folder is opened with EXAMINE, so watching
// changes nothing (not even \Recent).
//
// Changed says that something happened; Sync says what. go-imap ends and
// restarts IDLE every 28 minutes by itself (imapclient idleRestartInterval,
// inside RFC 2177's 29), and every Sync does too.
type Watch struct {
	p         *Pool
	sid, user string
	changed   chan struct{} // one pending signal; more coalesce
	done      chan struct{} // closed when the watch has ended
	closing   atomic.Bool
	abort     atomic.Pointer[conn] // the connection, for ending it without mu
	endOnce   sync.Once
	err       error // why it ended; set before done is closed

	mu          sync.Mutex // held while commands run: IDLE is left and re-entered by one goroutine at a time
	cn          *conn
	mailbox     string
	uidValidity uint32
	modSeq      uint64                  // HIGHESTMODSEQ when the folder was opened; 0 without CONDSTORE
	idle        *imapclient.IdleCommand // nil while not idling
	poll        bool                    // no IDLE on this server: NOOP every pollEvery
}

// Watch opens a watch on mailbox for the session. The connection counts
// against the per-user and total limits like any other, but watches may
// take at most what is left after one session's worth of request
// connections, so open tabs never starve page loads (watchRoomLocked). It
// does not wait for a slot: it fails with ErrBusy instead, and the caller
// tries again later.
func (s *Session) Watch(ctx context.Context, mailbox string) (*Watch, error) {
	w := &Watch{p: s.p, sid: s.id, user: s.user, changed: make(chan struct{}, 1), done: make(chan struct{})}
	if err := s.p.addWatch(w); err != nil {
		return nil, err
	}
	if err := w.open(ctx, s.password, mailbox); err != nil {
		w.end(err)
		return nil, wrap("watch "+mailbox, err)
	}
	go w.monitor()
	return w, nil
}

func (w *Watch) open(ctx context.Context, password PasswordFunc, mailbox string) error {
	pw, err := password()
	if err != nil {
		return err
	}
	cn, err := dialNotify(ctx, &w.p.cfg, w.user, pw, w.notifier())
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cn = cn
	w.abort.Store(cn)
	if w.closing.Load() {
		// Ended (logout, shutdown) while dialling: end saw no connection.
		cn.close()
		return &opError{kind: ErrClosed, op: "watch"}
	}
	w.poll = !cn.has(imap.CapIdle)
	ctx, cancel := context.WithTimeout(ctx, w.p.cfg.CommandTimeout)
	defer cancel()
	return cn.run(ctx, func() error { return w.enter(mailbox) })
}

// notifier turns unilateral data into a signal. go-imap calls Mailbox and
// Expunge on its reader goroutine and Fetch on a new one: nothing here
// may send a command, or the reader would wait for itself.
func (w *Watch) notifier() *imapclient.UnilateralDataHandler {
	return &imapclient.UnilateralDataHandler{
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				w.signal()
			}
		},
		Expunge: func(uint32) { w.signal() },
		Fetch: func(m *imapclient.FetchMessageData) {
			_, _ = m.Collect() // must be consumed, or the reader stalls
			w.signal()
		},
	}
}

func (w *Watch) signal() {
	select {
	case w.changed <- struct{}{}:
	default:
	}
}

// Changed receives a value when the server reported a change since the
// last receive. Several changes make one value.
func (w *Watch) Changed() <-chan struct{} { return w.changed }

// Done is closed when the watch has ended: closed, its session logged
// out, the pool closed, or the connection lost. Err says which.
func (w *Watch) Done() <-chan struct{} { return w.done }

// Err is why the watch ended (ErrClosed when it was closed, by its owner,
// a logout or the pool); nil while it runs.
func (w *Watch) Err() error {
	select {
	case <-w.done:
		return w.err
	default:
		return nil
	}
}

// Mailbox is the folder watched.
func (w *Watch) Mailbox() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.mailbox
}

// Close logs the connection out and frees its slot. It is safe to call
// more than once, and from any goroutine.
func (w *Watch) Close() { w.end(&opError{kind: ErrClosed, op: "watch"}) }

// enter opens mailbox read-only (EXAMINE, RFC 9051 §6.3.3) and starts
// IDLE. A mailbox that does not exist is ErrNoMailbox. On a server with
// CONDSTORE, EXAMINE (CONDSTORE) (RFC 7162 §3.1.8) gives the folder's
// HIGHESTMODSEQ, and from then on every flag change the server reports
// carries its MODSEQ.
func (w *Watch) enter(mailbox string) error {
	opts := &imap.SelectOptions{ReadOnly: true, CondStore: w.cn.has(imap.CapCondStore)}
	data, err := w.cn.c.Select(mailbox, opts).Wait()
	if err != nil {
		var ie *imap.Error
		if asIMAPError(err, &ie) && ie.Type == imap.StatusResponseTypeNo {
			return &opError{kind: ErrNoMailbox, op: "examine " + mailbox, cause: err}
		}
		return err
	}
	w.mailbox, w.uidValidity, w.modSeq = mailbox, data.UIDValidity, data.HighestModSeq
	w.cn.selected, w.cn.uidValidity, w.cn.readOnly = mailbox, data.UIDValidity, true
	return w.startIdle()
}

func (w *Watch) startIdle() error {
	if w.poll || w.idle != nil {
		return nil
	}
	cmd, err := w.cn.c.Idle()
	if err != nil {
		return err
	}
	w.idle = cmd
	return nil
}

// stopIdle sends DONE and waits for IDLE's completion. The command is
// forgotten first: go-imap blocks forever on a second Close or Wait of a
// finished command.
func (w *Watch) stopIdle() error {
	cmd := w.idle
	if cmd == nil {
		return nil
	}
	w.idle = nil
	if err := cmd.Close(); err != nil {
		return err
	}
	return cmd.Wait()
}

// Switch makes the watch wait on another folder, reusing its connection:
// a page that moves from one folder to another costs no new login.
func (w *Watch) Switch(ctx context.Context, mailbox string) error {
	err := w.locked(ctx, "watch "+mailbox, func() error {
		if err := w.stopIdle(); err != nil {
			return err
		}
		return w.enter(mailbox)
	})
	if err != nil {
		// Half switched (no IDLE, maybe nothing selected) is no state to
		// keep: the caller opens a new watch.
		w.end(err)
	}
	return err
}

// locked runs fn with the watch's connection to itself, under the
// command deadline. A broken connection ends the watch.
func (w *Watch) locked(ctx context.Context, op string, fn func() error) error {
	if w.closing.Load() {
		return w.endErr()
	}
	w.mu.Lock()
	if w.closing.Load() {
		w.mu.Unlock()
		return w.endErr()
	}
	ctx, cancel := context.WithTimeout(ctx, w.p.cfg.CommandTimeout)
	err := w.cn.run(ctx, fn)
	cancel()
	alive := w.cn.alive()
	w.mu.Unlock()
	if err != nil && (!alive || isConnFailure(err)) {
		err = wrap(op, err)
		w.end(err)
		return err
	}
	return wrap(op, err)
}

func (w *Watch) endErr() error {
	if err := w.Err(); err != nil {
		return err
	}
	return &opError{kind: ErrClosed, op: "watch"}
}

// monitor ends the watch when the server closes the connection (its
// restart, a network failure) and, on servers without IDLE, polls.
func (w *Watch) monitor() {
	var tick <-chan time.Time
	if w.poll {
		t := time.NewTicker(pollEvery)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-w.done:
			return
		case <-w.cn.c.Closed():
			w.end(&opError{kind: ErrUnavailable, op: "watch", cause: errors.New("connection closed by the server")})
			return
		case <-tick:
			// Unilateral EXISTS, EXPUNGE and FETCH come with the answer.
			_ = w.locked(context.Background(), "watch poll", func() error { return w.cn.c.Noop().Wait() })
		}
	}
}

// end finishes the watch once: DONE and LOGOUT when the connection is
// free, else the socket is closed under the running command, so ending
// never waits for a slow server. The slot goes back to the pool.
func (w *Watch) end(err error) {
	w.endOnce.Do(func() {
		w.closing.Store(true)
		polite := w.mu.TryLock()
		if !polite {
			if cn := w.abort.Load(); cn != nil {
				cn.close() // fails the command that holds mu
			}
			w.mu.Lock()
		}
		if cn := w.cn; cn != nil {
			if polite && cn.alive() {
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				_ = cn.run(ctx, func() error {
					if err := w.stopIdle(); err != nil {
						return err
					}
					return cn.c.Logout().Wait()
				})
				cancel()
			}
			cn.close()
		}
		w.idle = nil
		w.mu.Unlock()
		w.err = err
		w.p.dropWatch(w)
		close(w.done)
	})
}

// isInbox reports whether name is the INBOX, whose name is
// case-insensitive (RFC 9051 §5.1).
func isInbox(name string) bool { return strings.EqualFold(name, "INBOX") }
