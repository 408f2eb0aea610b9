package imapproxy

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"
)

// PasswordFunc yields the session's password when, and only when, a new
// connection must be dialled. The password lives encrypted in the session
// store; the pool never keeps it.
type PasswordFunc func() (string, error)

// Pool holds logged-in IMAP connections, grouped by browser session.
type Pool struct {
	cfg Config
	log *slog.Logger

	mu       sync.Mutex
	sessions map[string]*sessionConns
	perUser  map[string]int
	total    int
	closed   bool
	changed  chan struct{} // closed and replaced whenever a slot frees up
	watches  watchSet      // IDLE connections of open pages (watch.go)

	stats     poolCounters
	stopReap  chan struct{}
	reapDone  chan struct{}
	closeOnce sync.Once
}

type sessionConns struct {
	user string
	idle []*conn // free connections, most recently used last
	n    int     // connections this session holds, idle or lent

	// uidValidity is the last UIDVALIDITY a SELECT reported, by mailbox.
	// It lives as long as the session holds connections: the reaper
	// forgets it with the session.
	uidValidity map[string]uint32

	sidebar  sidebarCache  // the folder list, reused briefly (sidebar.go)
	settings settingsCache // the user's settings, reused briefly (settings.go)
}

// NewPool starts a pool; Close stops it.
func NewPool(cfg Config, log *slog.Logger) *Pool {
	p := &Pool{
		cfg:      cfg,
		log:      log,
		sessions: make(map[string]*sessionConns),
		perUser:  make(map[string]int),
		changed:  make(chan struct{}),
		stopReap: make(chan struct{}),
		reapDone: make(chan struct{}),
	}
	go p.reap()
	return p
}

// acquire lends the session a connection: an idle one (checked with NOOP if
// it sat long), or a new one if the limits allow, or it waits until one is
// returned, at most WaitTimeout. fresh reports a newly dialled connection.
//
// When the user or the whole pool is at its limit but another session has
// an idle connection, that connection is logged out to make room: an idle
// connection only saves a later request a login, while this request has a
// user waiting.
func (p *Pool) acquire(ctx context.Context, sid, user string, password PasswordFunc) (cn *conn, fresh bool, err error) {
	wait := time.NewTimer(p.cfg.WaitTimeout)
	defer wait.Stop()
	for {
		if err := ctx.Err(); err != nil {
			// A NOOP check or a wait used up the request's time.
			return nil, false, &opError{kind: ErrTimeout, op: "wait for connection", cause: err}
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, false, &opError{kind: ErrClosed, op: "wait for connection"}
		}
		s := p.sessions[sid]
		if s != nil && len(s.idle) > 0 {
			cn = s.idle[len(s.idle)-1]
			s.idle = s.idle[:len(s.idle)-1]
			p.mu.Unlock()
			if cn.alive() && (time.Since(cn.lastUsed) < p.cfg.CheckAfter || p.checkConn(ctx, cn)) {
				p.stats.reuses.Add(1)
				return cn, false, nil
			}
			p.discard(sid, cn)
			continue
		}
		if s == nil {
			s = &sessionConns{user: user}
			p.sessions[sid] = s
		}
		var evicted *conn
		if s.n < p.cfg.MaxPerSession && !p.roomLocked(s) {
			evicted = p.evictLocked(s)
		}
		if p.roomLocked(s) {
			s.n++
			p.perUser[s.user]++
			p.total++
			p.noteHighWaterLocked(s)
			p.mu.Unlock()
			if evicted != nil {
				// Gone before its replacement is dialled, so the server
				// never sees more connections than the limits allow.
				evicted.logout(time.Second)
			}
			p.stats.dials.Add(1)
			cn, err := p.dialWith(ctx, user, password)
			if err != nil {
				p.stats.dialFailures.Add(1)
				p.release(sid, s.user)
				return nil, false, err
			}
			return cn, true, nil
		}
		changed := p.changed
		p.mu.Unlock()

		select {
		case <-changed:
		case <-wait.C:
			p.stats.busy.Add(1)
			return nil, false, &opError{kind: ErrBusy, op: "wait for connection"}
		case <-ctx.Done():
			return nil, false, &opError{kind: ErrTimeout, op: "wait for connection", cause: ctx.Err()}
		}
	}
}

// roomLocked reports whether s may open one more connection.
func (p *Pool) roomLocked(s *sessionConns) bool {
	return s.n < p.cfg.MaxPerSession && p.perUser[s.user] < p.cfg.MaxPerUser && p.total < p.cfg.MaxTotal
}

// evictLocked takes the least recently used idle connection of another
// session out of the pool, freeing its slot for s: one of the same user if
// s's user is at the per-user limit, else anyone's (the pool is full). It
// returns nil when there is none; the caller logs it out.
func (p *Pool) evictLocked(s *sessionConns) *conn {
	sameUser := p.perUser[s.user] >= p.cfg.MaxPerUser
	var victim *sessionConns
	for _, o := range p.sessions {
		if o == s || len(o.idle) == 0 || (sameUser && o.user != s.user) {
			continue
		}
		// idle[0] is the least recently used of o's.
		if victim == nil || o.idle[0].lastUsed.Before(victim.idle[0].lastUsed) {
			victim = o
		}
	}
	if victim == nil {
		return nil
	}
	cn := victim.idle[0]
	victim.idle = slices.Delete(victim.idle, 0, 1)
	victim.n--
	if p.perUser[cn.user]--; p.perUser[cn.user] <= 0 {
		delete(p.perUser, cn.user)
	}
	p.total--
	p.stats.evictions.Add(1)
	return cn
}

// noteUIDValidity remembers the UIDVALIDITY (RFC 9051 §2.3.1.1) that a
// SELECT of mailbox reported for session sid. A different value than last
// time means the mailbox was recreated or rebuilt under the same name: the
// UIDs the user's open pages and links carry now name other messages, or
// none. That is logged and counted; the pages themselves carry UIDVALIDITY
// (MessagePage.UIDValidity) for handlers to check.
func (p *Pool) noteUIDValidity(sid, mailbox string, v uint32) {
	if v == 0 {
		return
	}
	p.mu.Lock()
	s := p.sessions[sid]
	if s == nil {
		p.mu.Unlock()
		return
	}
	if s.uidValidity == nil {
		s.uidValidity = make(map[string]uint32)
	}
	old, seen := s.uidValidity[mailbox]
	s.uidValidity[mailbox] = v
	p.mu.Unlock()
	if seen && old != v {
		p.stats.uidValidityChanges.Add(1)
		p.log.Warn("imap mailbox UIDVALIDITY changed; its UIDs now name other messages",
			"mailbox", mailbox, "old_uidvalidity", old, "new_uidvalidity", v)
	}
}

func (p *Pool) dialWith(ctx context.Context, user string, password PasswordFunc) (*conn, error) {
	pw, err := password()
	if err != nil {
		return nil, err
	}
	return dial(ctx, &p.cfg, user, pw)
}

// checkConn sends a NOOP, bounded by the request's deadline too: the
// check must not make a request outlast CommandTimeout. A connection that
// sat this long also re-SELECTs its mailbox on next use: Dovecot does not
// tell a connection that its selected folder was deleted and recreated
// meanwhile (NOOP and STATUS keep describing the old one), so a folder
// page after a pause must not trust the old selection.
func (p *Pool) checkConn(ctx context.Context, cn *conn) bool {
	p.stats.checks.Add(1)
	cn.selected = ""
	return cn.check(ctx, min(p.cfg.CommandTimeout, 5*time.Second)) == nil
}

// giveBack returns a connection after use. A dead connection, or one of a
// session that ended meanwhile, is closed instead.
func (p *Pool) giveBack(sid string, cn *conn) {
	if !cn.alive() {
		p.discard(sid, cn)
		return
	}
	cn.lastUsed = time.Now()
	p.mu.Lock()
	s := p.sessions[sid]
	if p.closed || s == nil {
		p.mu.Unlock()
		// The slot is released only once the connection is gone, so that
		// Close, which waits for every slot, leaves nothing behind.
		go func() {
			cn.logout(time.Second)
			p.release(sid, cn.user)
		}()
		return
	}
	s.idle = append(s.idle, cn)
	p.signalLocked()
	p.mu.Unlock()
}

// discard closes a broken connection and frees its slot.
func (p *Pool) discard(sid string, cn *conn) {
	p.stats.discards.Add(1)
	cn.close()
	p.release(sid, cn.user)
}

// release frees one connection slot of sid/user.
func (p *Pool) release(sid, user string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s := p.sessions[sid]; s != nil {
		s.n--
	}
	if p.perUser[user]--; p.perUser[user] <= 0 {
		delete(p.perUser, user)
	}
	p.total--
	p.signalLocked()
}

func (p *Pool) signalLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// CloseSession logs out every idle connection of the session and forgets
// it; connections still lent out are closed when they come back. Called on
// logout and session expiry.
func (p *Pool) CloseSession(sid string) {
	p.mu.Lock()
	s := p.sessions[sid]
	delete(p.sessions, sid)
	var idle []*conn
	if s != nil {
		idle, s.idle = s.idle, nil
	}
	p.mu.Unlock()
	for _, cn := range idle {
		cn.logout(time.Second)
		p.release(sid, cn.user)
	}
	p.closeWatches(sid)
}

// reap logs out connections that sat unused longer than IdleTimeout, and
// forgets sessions that hold none.
func (p *Pool) reap() {
	defer close(p.reapDone)
	t := time.NewTicker(min(p.cfg.IdleTimeout/2, 30*time.Second))
	defer t.Stop()
	for {
		select {
		case <-p.stopReap:
			return
		case <-t.C:
		}
		var old []*conn
		var sids []string
		p.mu.Lock()
		for sid, s := range p.sessions {
			keep := s.idle[:0]
			for _, cn := range s.idle {
				if time.Since(cn.lastUsed) > p.cfg.IdleTimeout {
					old = append(old, cn)
					sids = append(sids, sid)
				} else {
					keep = append(keep, cn)
				}
			}
			s.idle = keep
		}
		p.mu.Unlock()
		for i, cn := range old {
			cn.logout(time.Second)
			p.release(sids[i], cn.user)
		}
		p.mu.Lock()
		for sid, s := range p.sessions {
			if s.n <= 0 {
				delete(p.sessions, sid)
			}
		}
		p.mu.Unlock()
	}
}

// Close logs out every idle connection and refuses new work; connections
// in use are closed as their requests finish. It waits for that drain at
// most until ctx is done.
func (p *Pool) Close(ctx context.Context) error {
	p.closeOnce.Do(func() {
		close(p.stopReap)
		<-p.reapDone
		p.mu.Lock()
		p.closed = true
		p.signalLocked() // requests waiting for a slot give up now
		var all []*conn
		var sids []string
		for sid, s := range p.sessions {
			for _, cn := range s.idle {
				all = append(all, cn)
				sids = append(sids, sid)
			}
			s.idle = nil
		}
		p.mu.Unlock()
		p.closeAllWatches()
		var wg sync.WaitGroup
		for i, cn := range all {
			wg.Go(func() {
				cn.logout(time.Second)
				p.release(sids[i], cn.user)
			})
		}
		wg.Wait()
	})
	for {
		p.mu.Lock()
		n, changed := p.total, p.changed
		p.mu.Unlock()
		if n <= 0 {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
