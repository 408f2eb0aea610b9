package imapproxy

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/tidings-mail/tidings/internal/testsrv"
)

// TestWatchDovecot: another client appends, marks \Seen and expunges;
// the watch signals within 2 s and one Sync reports all three.
func TestWatchDovecot(t *testing.T) {
	t.Parallel()
	d := testsrv.StartDovecot(t, dovecotUsers("watcher")...)
	appendAll(t, d.IMAPAddr, "watcher", simpleMessages("INBOX", "hello", 5))
	testWatch(t, d.IMAPAddr, "watcher", true)
}

// TestWatchMemory is the same against the demo's in-memory server,
// whose IDLE is a 100 ms poll (demo/session.go) and which has no
// CONDSTORE: the fallback, every shown row's flags on every sync.
func TestWatchMemory(t *testing.T) {
	t.Parallel()
	srv := startMemory(t, "watcher")
	testWatch(t, srv.Addr, "watcher", false)
}

func watchPool(t testing.TB, addr string) *Pool {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Addr, cfg.TLS = addr, TLSNone
	cfg.CommandTimeout = 5 * time.Second
	cfg.MaxPerSession, cfg.MaxPerUser = 2, 3 // room for exactly one watch per user
	p := NewPool(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(func() { closePool(t, p) })
	return p
}

// testWatch: condstore says whether the server has CONDSTORE, so that
// syncs after the first must ask only for the rows changed since.
func testWatch(t *testing.T, addr, user string, condstore bool) {
	ctx := t.Context()
	p := watchPool(t, addr)
	s := p.Session("sid-1", user, func() (string, error) { return testPassword, nil })
	other := direct(t, addr, user)
	before := flagsIn(t, other, "INBOX")
	uids := sortedKeys(before)
	if len(uids) < 3 {
		t.Fatalf("INBOX holds %d messages, want at least 3", len(uids))
	}
	shown := uids[max(0, len(uids)-5):] // a page: the newest five
	highest := uids[len(uids)-1]
	seenTarget, goneTarget := shown[0], shown[1]
	if _, err := other.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(before[seenTarget], imap.FlagSeen) {
		if err := other.Store(imap.UIDSetNum(imap.UID(seenTarget)), &imap.StoreFlags{Op: imap.StoreFlagsDel, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close(); err != nil {
			t.Fatal(err)
		}
	}

	w, err := s.Watch(ctx, "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	if st := p.Stats(); st.Open != 1 {
		t.Errorf("with a watch open: %d connections, want 1", st.Open)
	}
	known := map[uint32]MessageFlags{}
	q := SyncQuery{Shown: shown, New: true, NewAfter: highest, MaxNew: 50, Counts: true, List: true,
		Stale: func(uid uint32, f MessageFlags) bool { return known[uid] != f }}
	first, err := w.Sync(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Flags) != len(shown) || len(first.Gone) != 0 || first.Partial || len(first.New) != 0 || len(first.Boxes) == 0 || first.UIDValidity == 0 {
		t.Fatalf("first sync: %d flags, %d gone, partial %v, %d new, %d folders, uidvalidity %d",
			len(first.Flags), len(first.Gone), first.Partial, len(first.New), len(first.Boxes), first.UIDValidity)
	}
	if (first.ModSeq != 0) != condstore {
		t.Fatalf("first sync: ModSeq %d on a server with CONDSTORE %v", first.ModSeq, condstore)
	}
	known = first.Flags
	q.ChangedSince = first.ModSeq // what the handler does (events_sync.go)
	unseenBefore := first.Counts["INBOX"].Unseen
	drain(w)

	// Another device: new mail, a message read, one deleted.
	appendAll(t, addr, user, simpleMessages("INBOX", "arrived", 1))
	if err := other.Store(imap.UIDSetNum(imap.UID(seenTarget)), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	gone := imap.UIDSetNum(imap.UID(goneTarget))
	if err := other.Store(gone, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if err := other.UIDExpunge(gone).Close(); err != nil {
		t.Fatal(err)
	}
	changed := time.Now()

	var res *SyncResult
	deadline := time.After(2 * time.Second)
	for res == nil || !allThree(res, seenTarget, goneTarget) {
		select {
		case <-w.Changed():
		case <-deadline:
			t.Fatalf("2 s after the changes the watch reports %s", describe(res, seenTarget, goneTarget))
		}
		if res, err = w.Sync(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("all three changes seen %v after the last one", time.Since(changed).Round(time.Millisecond))
	newUID := res.New[0]
	if got := res.Rows[newUID].Subject; got != "arrived 1" {
		t.Errorf("new message's subject %q", got)
	}
	if r, ok := res.Rows[seenTarget]; !ok || !r.Seen {
		t.Errorf("the message read elsewhere was not redrawn as read: %+v", r)
	}
	if _, ok := res.Rows[shown[len(shown)-1]]; ok {
		t.Error("an unchanged row was fetched again")
	}
	if condstore {
		// CHANGEDSINCE: the one row read elsewhere, not the whole page.
		if _, ok := res.Flags[seenTarget]; !res.Partial || len(res.Flags) != 1 || !ok {
			t.Errorf("sync with ChangedSince %d: partial %v, flags of %v, want only %d's", q.ChangedSince, res.Partial, sortedKeys(res.Flags), seenTarget)
		}
		if res.ModSeq <= first.ModSeq {
			t.Errorf("ModSeq %d after a flag change, was %d", res.ModSeq, first.ModSeq)
		}
	} else if res.Partial || len(res.Flags) != len(shown)-1 || res.ModSeq != 0 {
		t.Errorf("without CONDSTORE: partial %v, %d flags for %d rows still there, ModSeq %d", res.Partial, len(res.Flags), len(shown)-1, res.ModSeq)
	}
	// One more unread (the new one), one fewer (read), and the expunged
	// one was unread or not: between unseenBefore-1 and unseenBefore.
	if u := res.Counts["INBOX"].Unseen; u > unseenBefore || u < unseenBefore-1 {
		t.Errorf("INBOX unseen %d, was %d", u, unseenBefore)
	}

	testWatchLimits(t, p, s, w, user)
}

func allThree(res *SyncResult, seen, gone uint32) bool {
	return len(res.New) == 1 && res.Flags[seen].Seen && slices.Contains(res.Gone, gone)
}

func describe(res *SyncResult, seen, gone uint32) string {
	if res == nil {
		return "no change at all"
	}
	return fmt.Sprintf("new %v, %d seen %v, %d gone %v", res.New, seen, res.Flags[seen].Seen, gone, slices.Contains(res.Gone, gone))
}

func drain(w *Watch) {
	for {
		select {
		case <-w.Changed():
		case <-time.After(200 * time.Millisecond):
			return
		}
	}
}

// testWatchLimits: watches count against the limits, Switch keeps the
// connection, and logout and Close end them.
func testWatchLimits(t *testing.T, p *Pool, s *Session, w *Watch, user string) {
	ctx := t.Context()
	if _, err := s.Watch(ctx, "Sent"); !errors.Is(err, ErrBusy) {
		t.Errorf("a second watch with MaxPerUser-MaxPerSession = 1: %v, want ErrBusy", err)
	}
	dials := p.Stats().Dials
	if err := w.Switch(ctx, "Trash"); err != nil {
		t.Fatal(err)
	}
	if w.Mailbox() != "Trash" || p.Stats().Dials != dials {
		t.Errorf("after Switch: watching %q, %d dials (was %d)", w.Mailbox(), p.Stats().Dials, dials)
	}
	if _, err := w.Sync(ctx, SyncQuery{Counts: true}); err != nil {
		t.Errorf("sync after Switch: %v", err)
	}
	if err := w.Switch(ctx, "No such folder"); !errors.Is(err, ErrNoMailbox) {
		t.Errorf("switch to a missing folder: %v", err)
	}
	waitDone(t, w)
	if st := p.Stats(); st.Open != 0 {
		t.Errorf("after a failed Switch: %d connections open", st.Open)
	}

	// Logging out ends the session's watches; the pool's page requests
	// never saw them.
	w2, err := s.Watch(ctx, "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Folder(ctx, "INBOX", 1, 10); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats(); st.Open != 2 {
		t.Errorf("watch and page: %d connections, want 2", st.Open)
	}
	p.CloseSession("sid-1")
	waitDone(t, w2)
	if !errors.Is(w2.Err(), ErrClosed) {
		t.Errorf("after logout Err = %v, want ErrClosed", w2.Err())
	}
	if _, err := w2.Sync(ctx, SyncQuery{Counts: true}); !errors.Is(err, ErrClosed) {
		t.Errorf("Sync after the end: %v", err)
	}
	w2.Close() // again: harmless
	if st := p.Stats(); st.Open != 0 {
		t.Errorf("after logout: %d connections open", st.Open)
	}

	// Closing the pool ends the watches it holds, so Close does not wait
	// for them.
	w3, err := p.Session("sid-2", user, func() (string, error) { return testPassword, nil }).Watch(ctx, "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	closePool(t, p)
	waitDone(t, w3)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("pool close took %v with a watch open", d)
	}
}

func waitDone(t *testing.T, w *Watch) {
	t.Helper()
	select {
	case <-w.Done():
	case <-time.After(3 * time.Second):
		t.Fatal("the watch did not end")
	}
}
