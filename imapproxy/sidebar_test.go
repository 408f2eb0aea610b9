package imapproxy

import "testing"

// TestSidebarKept: a session's folder list is asked once and reused by
// the pages after it; opening a message keeps it unless the open marked
// the message read (its folder's unread count changed), and then the next
// page asks again and shows the new count.
func TestSidebarKept(t *testing.T) {
	t.Parallel()
	srv := startSpyServer(t, map[string]string{"u1": "p1"})
	p := startPool(t, spyConfig(srv.Addr, 1, 1, 1))
	s := p.Session("sid", "u1", fixedPassword("p1"))
	ctx := t.Context()
	unseen := func(boxes []Mailbox) uint32 {
		for _, b := range boxes {
			if isInbox(b.Name) {
				return b.Unseen
			}
		}
		t.Fatal("no INBOX in the folder list")
		return 0
	}
	folder := func(wantLists int) (uint32, uint32) {
		t.Helper()
		boxes, mp, err := s.Folder(ctx, "INBOX", 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		if n := srv.lists(); n != wantLists {
			t.Errorf("%d LIST commands so far, want %d", n, wantLists)
		}
		return unseen(boxes), mp.Messages[0].UID
	}

	before, uid := folder(1)
	folder(1) // reused

	if _, mv, err := s.Message(ctx, "INBOX", uid, true); err != nil || mv.Seen {
		t.Fatalf("open unread message: seen before %v, %v", mv != nil && mv.Seen, err)
	}
	after, _ := folder(2) // marked read: asked again
	if after != before-1 {
		t.Errorf("INBOX unread %d after reading one, was %d", after, before)
	}

	if _, _, err := s.Message(ctx, "INBOX", uid, true); err != nil {
		t.Fatal(err)
	}
	folder(2) // already read: nothing changed, the list is reused
}
