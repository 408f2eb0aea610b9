package imapproxy

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/emersion/go-imap/v2"

	"github.com/tidings-mail/tidings/internal/testsrv"
)

// TestActionsDovecot runs every message action and folder operation
// against a real Dovecot and checks each with an independent client.
func TestActionsDovecot(t *testing.T) {
	t.Parallel()
	names := []string{"mover", "fallback", "nouidplus", "deleter", "marker", "copier", "folders", "changed", "undoer", "undofallback"}
	d := testsrv.StartDovecot(t, dovecotUsers(names...)...)
	for _, u := range names {
		appendAll(t, d.IMAPAddr, u, simpleMessages("INBOX", "note", 6))
	}
	run := func(name string, fn func(t *testing.T, d *testsrv.Dovecot, user string)) {
		t.Run(name, func(t *testing.T) { fn(t, d, name) })
	}
	run("mover", testMoveWithMOVE)
	run("fallback", testMoveFallback)
	run("nouidplus", testMoveWithoutUIDPlus)
	run("deleter", testDelete)
	run("marker", testMark)
	run("copier", testCopy)
	run("folders", testFolders)
	run("changed", testUIDValidityChanged)
	run("undoer", testUndoMove)
	run("undofallback", func(t *testing.T, d *testsrv.Dovecot, user string) {
		s := testSession(t, d.IMAPAddr, user)
		without(t, s, imap.CapMove) // COPY, STORE, UID EXPUNGE: COPYUID still says where
		undoMove(t, s, d.IMAPAddr, user)
	})
}

func testUndoMove(t *testing.T, d *testsrv.Dovecot, user string) {
	undoMove(t, testSession(t, d.IMAPAddr, user), d.IMAPAddr, user)
}

// undoMove: a move says where the messages went (COPYUID), and moving
// exactly those back restores the folder as it was.
func undoMove(t *testing.T, s *Session, addr, user string) {
	other := direct(t, addr, user)
	before := subjectsIn(t, other, "INBOX")
	uids := sortedKeys(before)[:2]
	res, err := s.Move(t.Context(), "INBOX", Selection{UIDs: uids}, Target{Use: UseArchive})
	if err != nil {
		t.Fatal(err)
	}
	if res.Moved == nil || res.Moved.Folder != "Archive" || len(res.Moved.UIDs) != 2 || res.Moved.UIDValidity == 0 {
		t.Fatalf("moved = %+v", res.Moved)
	}
	for _, u := range res.Moved.UIDs {
		if _, ok := subjectsIn(t, other, "Archive")[u]; !ok {
			t.Errorf("Archive has no UID %d", u)
		}
	}
	back, err := s.Move(t.Context(), "Archive", Selection{UIDs: res.Moved.UIDs, UIDValidity: res.Moved.UIDValidity}, Target{Name: "INBOX"})
	if err != nil || back.Count != 2 {
		t.Fatalf("moving back: %+v, %v", back, err)
	}
	after := slices.Sorted(maps.Values(subjectsIn(t, other, "INBOX")))
	if want := slices.Sorted(maps.Values(before)); !slices.Equal(after, want) {
		t.Errorf("INBOX after undo %q, want %q", after, want)
	}
}

func testMoveWithMOVE(t *testing.T, d *testsrv.Dovecot, user string) {
	s := testSession(t, d.IMAPAddr, user)
	other := direct(t, d.IMAPAddr, user)
	before := subjectsIn(t, other, "INBOX")

	res, err := s.Move(t.Context(), "INBOX", Selection{UIDs: []uint32{2, 4}}, Target{Use: UseArchive})
	if err != nil {
		t.Fatal(err)
	}
	if res.To != "Archive" || res.Count != 2 || res.Kept {
		t.Errorf("result = %+v, want 2 moved to Archive", res)
	}
	if got := sortedKeys(subjectsIn(t, other, "INBOX")); !slices.Equal(got, []uint32{1, 3, 5, 6}) {
		t.Errorf("INBOX UIDs after move = %v", got)
	}
	archived := slices.Sorted(maps.Values(subjectsIn(t, other, "Archive")))
	if want := []string{before[2], before[4]}; !slices.Equal(archived, want) {
		t.Errorf("Archive holds %q, want %q", archived, want)
	}

	// A refused move (no such folder) changes nothing.
	_, err = s.Move(t.Context(), "INBOX", Selection{UIDs: []uint32{1}}, Target{Name: "No such folder"})
	if !errors.Is(err, ErrNoMailbox) {
		t.Errorf("move to a missing folder: %v, want ErrNoMailbox", err)
	}
	if got := len(subjectsIn(t, other, "INBOX")); got != 4 {
		t.Errorf("INBOX has %d messages after a refused move, want 4", got)
	}

	// The whole folder, bounded by the newest UID the user saw: mail that
	// arrives later stays.
	appendAll(t, d.IMAPAddr, user, []testsrv.MaildirMessage{{Raw: []byte("Subject: late\r\n\r\nlate\r\n")}})
	res, err = s.Move(t.Context(), "INBOX", Selection{All: true, UpTo: 6}, Target{Name: "Archive"})
	if err != nil {
		t.Fatal(err)
	}
	left := subjectsIn(t, other, "INBOX")
	if len(left) != 1 || left[7] != "late" || res.Count != 4 {
		t.Errorf("after moving all up to UID 6: INBOX %v, count %d", left, res.Count)
	}
}

func testMoveFallback(t *testing.T, d *testsrv.Dovecot, user string) {
	s := testSession(t, d.IMAPAddr, user)
	without(t, s, imap.CapMove)
	other := direct(t, d.IMAPAddr, user)
	// Another client flagged message 1 \Deleted without expunging: our
	// expunge must not take it along.
	if _, err := other.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := other.Store(imap.UIDSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
		t.Fatal(err)
	}

	// A refused COPY must not delete the originals (go-imap's own
	// fallback pipelines STORE+EXPUNGE behind it and loses them).
	_, err := s.Move(t.Context(), "INBOX", Selection{UIDs: []uint32{2, 3}}, Target{Name: "Missing"})
	if !errors.Is(err, ErrNoMailbox) {
		t.Errorf("move to a missing folder: %v", err)
	}
	if got := sortedKeys(subjectsIn(t, other, "INBOX")); len(got) != 6 {
		t.Fatalf("a refused fallback move removed messages: INBOX %v", got)
	}

	res, err := s.Move(t.Context(), "INBOX", Selection{UIDs: []uint32{3, 5}}, Target{Use: UseTrash})
	if err != nil {
		t.Fatal(err)
	}
	if res.To != "Trash" || res.Count != 2 || res.Kept {
		t.Errorf("result = %+v", res)
	}
	if got := sortedKeys(subjectsIn(t, other, "INBOX")); !slices.Equal(got, []uint32{1, 2, 4, 6}) {
		t.Errorf("INBOX after fallback move = %v, want 1 (\\Deleted by another client) kept", got)
	}
	if got := len(subjectsIn(t, other, "Trash")); got != 2 {
		t.Errorf("Trash has %d messages, want 2", got)
	}
}

func testMoveWithoutUIDPlus(t *testing.T, d *testsrv.Dovecot, user string) {
	s := testSession(t, d.IMAPAddr, user)
	without(t, s, imap.CapMove, imap.CapUIDPlus)
	other := direct(t, d.IMAPAddr, user)

	res, err := s.Move(t.Context(), "INBOX", Selection{UIDs: []uint32{2}}, Target{Name: "Archive"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Kept || res.Count != 1 {
		t.Errorf("result = %+v, want the original kept", res)
	}
	flags := flagsIn(t, other, "INBOX")
	if len(flags) != 6 || !slices.Contains(flags[2], imap.FlagDeleted) || slices.Contains(flags[1], imap.FlagDeleted) {
		t.Errorf("INBOX flags = %v, want all 6 kept and only UID 2 \\Deleted", flags)
	}
	if got := len(subjectsIn(t, other, "Archive")); got != 1 {
		t.Errorf("Archive has %d messages, want the copy", got)
	}
	// A permanent delete would need a plain EXPUNGE: refused, untouched.
	if _, err := s.Expunge(t.Context(), "INBOX", Selection{UIDs: []uint32{3}}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("expunge without UIDPLUS: %v, want ErrUnsupported", err)
	}
	if got := len(flagsIn(t, other, "INBOX")); got != 6 {
		t.Errorf("INBOX has %d messages, want 6", got)
	}
}

func testDelete(t *testing.T, d *testsrv.Dovecot, user string) {
	s := testSession(t, d.IMAPAddr, user)
	other := direct(t, d.IMAPAddr, user)

	res, err := s.Delete(t.Context(), "INBOX", Selection{UIDs: []uint32{1, 2, 3}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.To != "Trash" || res.Count != 3 {
		t.Errorf("delete outside Trash = %+v, want moved to Trash", res)
	}
	trash := sortedKeys(subjectsIn(t, other, "Trash"))
	if len(trash) != 3 {
		t.Fatalf("Trash = %v", trash)
	}
	res, err = s.Delete(t.Context(), "Trash", Selection{UIDs: trash[:1]}, false)
	if err != nil || !res.Confirm {
		t.Fatalf("unconfirmed delete in Trash = %+v, %v; want a request to confirm", res, err)
	}
	if got := len(subjectsIn(t, other, "Trash")); got != 3 {
		t.Fatalf("an unconfirmed delete removed messages: %d left", got)
	}
	res, err = s.Delete(t.Context(), "Trash", Selection{UIDs: trash[:2]}, true)
	if err != nil || res.Count != 2 {
		t.Fatalf("confirmed delete = %+v, %v", res, err)
	}
	if got := sortedKeys(subjectsIn(t, other, "Trash")); !slices.Equal(got, trash[2:]) {
		t.Errorf("Trash after delete = %v, want %v", got, trash[2:])
	}
	// Everything in Trash at once: one UID set.
	if res, err = s.Delete(t.Context(), "Trash", Selection{All: true}, true); err != nil || res.Count != 1 {
		t.Errorf("empty Trash = %+v, %v", res, err)
	}
	if got := len(subjectsIn(t, other, "Trash")); got != 0 {
		t.Errorf("Trash has %d after emptying", got)
	}
}

func testMark(t *testing.T, d *testsrv.Dovecot, user string) {
	s := testSession(t, d.IMAPAddr, user)
	other := direct(t, d.IMAPAddr, user)
	if n, err := s.Mark(t.Context(), "INBOX", Selection{UIDs: []uint32{1, 3}}, FlagFlagged, true); err != nil || n != 2 {
		t.Fatalf("flag = %d, %v", n, err)
	}
	if n, err := s.Mark(t.Context(), "INBOX", Selection{All: true, UpTo: 4}, FlagSeen, true); err != nil || n != 6 {
		t.Fatalf("mark all read = %d, %v", n, err)
	}
	flags := flagsIn(t, other, "INBOX")
	for uid := uint32(1); uid <= 6; uid++ {
		flagged, seen := slices.Contains(flags[uid], imap.FlagFlagged), slices.Contains(flags[uid], imap.FlagSeen)
		if flagged != (uid == 1 || uid == 3) || seen != (uid <= 4) {
			t.Errorf("UID %d flags %v", uid, flags[uid])
		}
	}
	if _, err := s.Mark(t.Context(), "INBOX", Selection{All: true}, FlagSeen, false); err != nil {
		t.Fatal(err)
	}
	for uid, f := range flagsIn(t, other, "INBOX") {
		if slices.Contains(f, imap.FlagSeen) {
			t.Errorf("UID %d still \\Seen after marking all unread", uid)
		}
	}
}

func testCopy(t *testing.T, d *testsrv.Dovecot, user string) {
	s := testSession(t, d.IMAPAddr, user)
	other := direct(t, d.IMAPAddr, user)
	if _, err := s.CreateFolder(t.Context(), "", "Copies"); err != nil {
		t.Fatal(err)
	}
	res, err := s.Copy(t.Context(), "INBOX", Selection{UIDs: []uint32{5, 6}}, Target{Name: "Copies"})
	if err != nil || res.Count != 2 || res.To != "Copies" {
		t.Fatalf("copy = %+v, %v", res, err)
	}
	if got := len(subjectsIn(t, other, "INBOX")); got != 6 {
		t.Errorf("INBOX has %d after copy, want 6", got)
	}
	if got := len(subjectsIn(t, other, "Copies")); got != 2 {
		t.Errorf("Copies has %d, want 2", got)
	}
}

func testUIDValidityChanged(t *testing.T, d *testsrv.Dovecot, user string) {
	s := testSession(t, d.IMAPAddr, user)
	_, v, err := s.View(t.Context(), ViewOptions{Mailbox: "INBOX", Page: 1, PerPage: 50})
	if err != nil {
		t.Fatal(err)
	}
	sel := Selection{UIDs: []uint32{1}, UIDValidity: v.UIDValidity + 1}
	if _, err := s.Move(t.Context(), "INBOX", sel, Target{Name: "Archive"}); !errors.Is(err, ErrChanged) {
		t.Errorf("move with a stale UIDVALIDITY: %v, want ErrChanged", err)
	}
	if got := len(subjectsIn(t, direct(t, d.IMAPAddr, user), "INBOX")); got != 6 {
		t.Errorf("INBOX has %d, want 6 untouched", got)
	}
}

// TestActionsMemory covers what only go-imap's in-memory server shows:
// no MOVE at all, no SPECIAL-USE, a missing Archive.
func TestActionsMemory(t *testing.T) {
	t.Parallel()
	srv := startMemory(t, "mem")
	s := testSession(t, srv.Addr, "mem")
	other := direct(t, srv.Addr, "mem")
	if err := other.Delete("Archive").Wait(); err != nil {
		t.Fatal(err)
	}
	inbox := subjectsIn(t, other, "INBOX")
	uids := sortedKeys(inbox)
	res, err := s.Move(t.Context(), "INBOX", Selection{UIDs: uids[:2]}, Target{Use: UseArchive})
	if err != nil {
		t.Fatal(err)
	}
	if res.To != "Archive" || res.Count != 2 {
		t.Errorf("archive = %+v", res)
	}
	if got := len(subjectsIn(t, other, "Archive")); got != 2 {
		t.Errorf("re-created Archive has %d messages", got)
	}
	if got := len(subjectsIn(t, other, "INBOX")); got != len(inbox)-2 {
		t.Errorf("INBOX has %d, want %d", got, len(inbox)-2)
	}
	if _, sub := listed(t, other); !sub["Archive"] {
		t.Error("re-created Archive is not subscribed")
	}
	if res.Moved == nil || len(res.Moved.UIDs) != 2 {
		t.Errorf("no MOVE, COPY with COPYUID: moved = %+v", res.Moved)
	}
}
