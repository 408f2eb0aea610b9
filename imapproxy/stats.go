package imapproxy

import "sync/atomic"

// poolCounters are the pool's counters, updated without Pool.mu except
// for the high-water marks.
type poolCounters struct {
	dials, dialFailures, reuses, discards, retries, busy, checks atomic.Int64
	evictions, uidValidityChanges                                atomic.Int64
	firstPagesPipelined, firstPagesAgain                         atomic.Int64
	// High-water marks, written under Pool.mu.
	maxTotal, maxPerUser, maxPerSession atomic.Int64
}

// Stats is a snapshot of the pool's counters, for tests, benchmarks and the
// operator.
type Stats struct {
	Open       int // connections open now, idle or lent
	Sessions   int // sessions the pool knows
	PerUserMax int // connections of the user who holds the most, now

	Dials        int64 // connections dialled, successful or not
	DialFailures int64 // dials or logins that failed
	Reuses       int64 // requests served by an idle connection
	Discards     int64 // broken connections closed
	Retries      int64 // reads repeated on a fresh connection
	Busy         int64 // requests refused with ErrBusy
	Checks       int64 // NOOPs sent before reusing a connection
	Evictions    int64 // idle connections closed to make room for another session

	// FirstPagesPipelined counts folder pages 1 answered in one round
	// trip (NOOP and FETCH together, firstpage.go); FirstPagesAgain those
	// that had to be asked again because the folder had changed.
	FirstPagesPipelined, FirstPagesAgain int64

	// UIDValidityChanges counts SELECTs that reported another UIDVALIDITY
	// than the session's previous SELECT of that mailbox.
	UIDValidityChanges int64

	// The most connections ever open: in all, for one user, for one session.
	MaxOpen, MaxOpenPerUser, MaxOpenPerSession int64
}

// Stats returns the current counters.
func (p *Pool) Stats() Stats {
	p.mu.Lock()
	s := Stats{Open: p.total, Sessions: len(p.sessions)}
	for _, n := range p.perUser {
		s.PerUserMax = max(s.PerUserMax, n)
	}
	p.mu.Unlock()
	s.Dials = p.stats.dials.Load()
	s.DialFailures = p.stats.dialFailures.Load()
	s.Reuses = p.stats.reuses.Load()
	s.Discards = p.stats.discards.Load()
	s.Retries = p.stats.retries.Load()
	s.Busy = p.stats.busy.Load()
	s.Checks = p.stats.checks.Load()
	s.Evictions = p.stats.evictions.Load()
	s.UIDValidityChanges = p.stats.uidValidityChanges.Load()
	s.FirstPagesPipelined = p.stats.firstPagesPipelined.Load()
	s.FirstPagesAgain = p.stats.firstPagesAgain.Load()
	s.MaxOpen = p.stats.maxTotal.Load()
	s.MaxOpenPerUser = p.stats.maxPerUser.Load()
	s.MaxOpenPerSession = p.stats.maxPerSession.Load()
	return s
}

// noteHighWaterLocked updates the high-water marks after s got a slot.
func (p *Pool) noteHighWaterLocked(s *sessionConns) {
	p.stats.maxTotal.Store(max(p.stats.maxTotal.Load(), int64(p.total)))
	p.stats.maxPerUser.Store(max(p.stats.maxPerUser.Load(), int64(p.perUser[s.user])))
	p.stats.maxPerSession.Store(max(p.stats.maxPerSession.Load(), int64(s.n)))
}
