package imapproxy

import (
	"errors"
	"testing"

	"github.com/emersion/go-imap/v2"

	"github.com/tidings-mail/tidings/internal/testsrv"
)

func TestNeighborDovecot(t *testing.T) {
	t.Parallel()
	d := testsrv.StartDovecot(t, dovecotUsers("reader")...)
	appendAll(t, d.IMAPAddr, "reader", simpleMessages("INBOX", "m", 5))
	testNeighbor(t, d.IMAPAddr, "reader")
}

func TestNeighborMemory(t *testing.T) {
	t.Parallel()
	srv := startMemory(t, "reader")
	appendAll(t, srv.Addr, "reader", simpleMessages("INBOX", "m", 5))
	testNeighbor(t, srv.Addr, "reader")
}

// testNeighbor walks the folder from the newest message to the oldest
// and back, with a message deleted on the way (by another client).
func testNeighbor(t *testing.T, addr, user string) {
	ctx := t.Context()
	s := testSession(t, addr, user)
	uids := sortedKeys(flagsIn(t, direct(t, addr, user), "INBOX")) // oldest first
	last := len(uids) - 1
	if next, err := s.Neighbor(ctx, "INBOX", uids[last], false); err != nil || next != 0 {
		t.Errorf("newer than the newest: %d, %v", next, err)
	}
	if next, err := s.Neighbor(ctx, "INBOX", uids[0], true); err != nil || next != 0 {
		t.Errorf("older than the oldest: %d, %v", next, err)
	}
	if next, err := s.Neighbor(ctx, "INBOX", uids[last], true); err != nil || next != uids[last-1] {
		t.Errorf("older than %d: %d, %v; want %d", uids[last], next, err, uids[last-1])
	}
	if next, err := s.Neighbor(ctx, "INBOX", uids[1], false); err != nil || next != uids[2] {
		t.Errorf("newer than %d: %d, %v; want %d", uids[1], next, err, uids[2])
	}

	other := direct(t, addr, user)
	if _, err := other.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	store(t, other, uids[2], imap.StoreFlagsAdd, imap.FlagDeleted)
	if err := other.Expunge().Close(); err != nil {
		t.Fatal(err)
	}
	if next, err := s.Neighbor(ctx, "INBOX", uids[3], true); err != nil || next != uids[1] {
		t.Errorf("older than %d after %d went: %d, %v; want %d", uids[3], uids[2], next, err, uids[1])
	}
	if _, err := s.Neighbor(ctx, "INBOX", uids[2], true); !errors.Is(err, ErrNoMessage) {
		t.Errorf("from a message that is gone: %v", err)
	}
}
