package imapproxy

import (
	"context"
	"time"
)

// Session is one browser session's handle on the pool. It is cheap: make
// one per request with Pool.Session.
type Session struct {
	p        *Pool
	id       string
	user     string
	password PasswordFunc
}

// Session returns the handle for browser session id of user. password is
// called only if a new connection must be dialled.
func (p *Pool) Session(id, user string, password PasswordFunc) *Session {
	return &Session{p: p, id: id, user: user, password: password}
}

// Login checks the credentials by logging in, and keeps that connection
// for the session's first page. It returns ErrAuthFailed for wrong
// credentials and ErrUnavailable when the server cannot be reached.
func (p *Pool) Login(ctx context.Context, sid, user, password string) error {
	s := p.Session(sid, user, func() (string, error) { return password, nil })
	return s.do(ctx, "login", nil, p.cfg.CommandTimeout, func(*conn) error { return nil })
}

// User is the login name the session belongs to.
func (s *Session) User() string { return s.user }

// do runs fn on a borrowed connection under a deadline. If fn fails because
// the connection broke (not because the server said NO), and retry (when
// not nil) says the operation is safe to repeat, it runs once more on a
// fresh connection: that is what makes a restarted server or a dropped NAT
// mapping invisible to the user.
func (s *Session) do(ctx context.Context, op string, retry func() bool, timeout time.Duration, fn func(*conn) error) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for attempt := 0; ; attempt++ {
		cn, fresh, err := s.p.acquire(ctx, s.id, s.user, s.password)
		if err != nil {
			return wrap(op, err)
		}
		selected, uidValidity := cn.selected, cn.uidValidity
		err = cn.run(ctx, func() error { return fn(cn) })
		if cn.selected != "" && (cn.selected != selected || cn.uidValidity != uidValidity) {
			// fn selected a mailbox: SELECT is where UIDVALIDITY is learnt.
			s.p.noteUIDValidity(s.id, cn.selected, cn.uidValidity)
		}
		s.p.giveBack(s.id, cn)
		s.p.dropSidebar(s.id, op)
		if err == nil {
			return nil
		}
		if retry != nil && retry() && attempt == 0 && !fresh && isConnFailure(err) && ctx.Err() == nil {
			s.p.stats.retries.Add(1)
			s.p.log.Info("imap connection broke, retrying on a fresh one", "op", op, "err", err)
			continue
		}
		return wrap(op, err)
	}
}

// read runs an idempotent operation with the normal command deadline.
func (s *Session) read(ctx context.Context, op string, fn func(*conn) error) error {
	return s.do(ctx, op, always, s.p.cfg.CommandTimeout, fn)
}

// write runs an operation that must not be repeated blindly (APPEND,
// EXPUNGE, MOVE).
func (s *Session) write(ctx context.Context, op string, fn func(*conn) error) error {
	return s.do(ctx, op, nil, s.p.cfg.CommandTimeout, fn)
}

func always() bool { return true }
