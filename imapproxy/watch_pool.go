package imapproxy

import (
	"errors"
	"sync"
	"time"
)

// The pool's accounting of watches (watch.go): each holds one connection
// slot of its user and of the pool, taken under Pool.mu like any other.

// watchSet is the pool's record of its watches, guarded by Pool.mu.
type watchSet struct {
	all     map[*Watch]struct{}
	perUser map[string]int
}

// watchRoomLocked reports whether user may open one more watch: at most
// MaxPerUser-MaxPerSession per user and half of MaxTotal in all, so
// that page requests always find connections. The connection limits
// themselves are checked by connRoomLocked.
func (p *Pool) watchRoomLocked(user string) bool {
	return p.watches.perUser[user] < p.cfg.MaxPerUser-p.cfg.MaxPerSession &&
		len(p.watches.all) < max(1, p.cfg.MaxTotal/2)
}

// connRoomLocked reports whether user may open one more connection of
// any kind. Watches are not held against MaxPerSession: that bounds the
// connections a session's page requests use in parallel, and an open tab
// must not halve it.
func (p *Pool) connRoomLocked(user string) bool {
	return p.perUser[user] < p.cfg.MaxPerUser && p.total < p.cfg.MaxTotal
}

// addWatch takes a connection slot for w, logging out the least recently
// used idle connection of the pool if that makes room (as acquire does).
func (p *Pool) addWatch(w *Watch) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return &opError{kind: ErrClosed, op: "watch"}
	}
	if !p.watchRoomLocked(w.user) {
		p.mu.Unlock()
		return &opError{kind: ErrBusy, op: "watch", cause: errors.New("no room for another watch")}
	}
	var evicted *conn
	if !p.connRoomLocked(w.user) {
		evicted = p.evictLocked(&sessionConns{user: w.user})
	}
	if !p.connRoomLocked(w.user) {
		// Not counted in Stats.Busy, which counts refused page requests;
		// a watch tries again later.
		p.mu.Unlock()
		return &opError{kind: ErrBusy, op: "watch"}
	}
	if p.watches.all == nil {
		p.watches.all, p.watches.perUser = map[*Watch]struct{}{}, map[string]int{}
	}
	p.watches.all[w] = struct{}{}
	p.watches.perUser[w.user]++
	p.perUser[w.user]++
	p.total++
	p.noteHighWaterLocked(&sessionConns{user: w.user})
	p.mu.Unlock()
	if evicted != nil {
		evicted.logout(time.Second)
	}
	return nil
}

// dropWatch frees w's slot, once.
func (p *Pool) dropWatch(w *Watch) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.watches.all[w]; !ok {
		return
	}
	delete(p.watches.all, w)
	if p.watches.perUser[w.user]--; p.watches.perUser[w.user] <= 0 {
		delete(p.watches.perUser, w.user)
	}
	if p.perUser[w.user]--; p.perUser[w.user] <= 0 {
		delete(p.perUser, w.user)
	}
	p.total--
	p.signalLocked()
}

// closeWatches ends the watches of session sid (logout).
func (p *Pool) closeWatches(sid string) {
	p.endWatches(func(w *Watch) bool { return w.sid == sid })
}

// closeAllWatches ends every watch (Close).
func (p *Pool) closeAllWatches() {
	p.endWatches(func(*Watch) bool { return true })
}

func (p *Pool) endWatches(match func(*Watch) bool) {
	p.mu.Lock()
	var ws []*Watch
	for w := range p.watches.all {
		if match(w) {
			ws = append(ws, w)
		}
	}
	p.mu.Unlock()
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Go(w.Close)
	}
	wg.Wait()
}
