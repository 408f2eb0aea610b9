package imapproxy

import (
	"log/slog"
	"testing"

	"github.com/tidings-mail/tidings/internal/testsrv"
)

// TestSidebarCache: a session's folder pages reuse its folder list for a
// short while (no LIST per page), and any change the session makes drops
// it, so its own actions show at once.
func TestSidebarCache(t *testing.T) {
	t.Parallel()
	d := testsrv.StartDovecot(t, testsrv.User{Name: "dana", Password: "pw-dana"})
	seedInbox(t, d, "dana", 5) // all unread
	p := NewPool(dovecotPoolConfig(d.IMAPAddr, TLSNone, nil), slog.New(slog.DiscardHandler))
	defer closePool(t, p)
	s := p.Session("mine", "dana", fixedPassword("pw-dana"))
	other := p.Session("phone", "dana", fixedPassword("pw-dana"))
	unseen := func(sess *Session) uint32 {
		t.Helper()
		boxes, _, err := sess.Folder(t.Context(), "INBOX", 1, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range boxes {
			if b.Name == "INBOX" {
				return b.Unseen
			}
		}
		t.Fatal("no INBOX")
		return 0
	}
	if n := unseen(s); n != 5 {
		t.Fatalf("unseen %d, want 5", n)
	}
	// Another device reads a message: within the TTL this session's pages
	// keep the list they have (that is the LIST saved).
	if err := other.SetFlag(t.Context(), "INBOX", []uint32{1}, FlagSeen, true); err != nil {
		t.Fatal(err)
	}
	if n := unseen(s); n != 5 {
		t.Errorf("unseen %d: the cached folder list was not used", n)
	}
	// The session's own change drops its list: the next page is current.
	if err := s.SetFlag(t.Context(), "INBOX", []uint32{2}, FlagSeen, true); err != nil {
		t.Fatal(err)
	}
	if n := unseen(s); n != 3 {
		t.Errorf("unseen %d after this session's own change, want 3", n)
	}
	// Opening an unread message marks it read, and drops the list too.
	if _, _, err := s.Message(t.Context(), "INBOX", 3, true); err != nil {
		t.Fatal(err)
	}
	if n := unseen(s); n != 2 {
		t.Errorf("unseen %d after opening an unread message, want 2", n)
	}
}
