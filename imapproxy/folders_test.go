package imapproxy

import (
	"errors"
	"slices"
	"testing"

	"github.com/tidings-mail/tidings/internal/testsrv"
)

func testFolders(t *testing.T, d *testsrv.Dovecot, user string) {
	ctx := t.Context()
	s := testSession(t, d.IMAPAddr, user)
	other := direct(t, d.IMAPAddr, user)

	for _, c := range []struct{ parent, leaf, want string }{
		{"", "Projects", "Projects"},
		{"Projects", "2026/Q1", "Projects/2026/Q1"}, // the delimiter nests
		{"Projects", "Ünïcode ☃ Grüße", "Projects/Ünïcode ☃ Grüße"},
		{"", "With space", "With space"},
	} {
		got, err := s.CreateFolder(ctx, c.parent, c.leaf)
		if err != nil || got != c.want {
			t.Fatalf("create %q under %q = %q, %v; want %q", c.leaf, c.parent, got, err, c.want)
		}
	}
	names, sub := listed(t, other)
	// "Projects/2026" exists only as a parent (Dovecot: \\NonExistent).
	for _, n := range []string{"Projects", "Projects/2026/Q1", "Projects/Ünïcode ☃ Grüße", "With space"} {
		if !slices.Contains(names, n) {
			t.Errorf("another client does not see %q in %q", n, names)
		}
	}
	for _, n := range []string{"Projects", "Projects/2026/Q1", "Projects/Ünïcode ☃ Grüße", "With space"} {
		if !sub[n] {
			t.Errorf("%q not subscribed after create", n)
		}
	}
	// Dovecot's Maildir++ layout cannot hold a "."; wildcards and empty
	// elements are refused before the server is asked.
	for _, bad := range []string{"a.b", "a*", "x//y", " lead", ""} {
		if _, err := s.CreateFolder(ctx, "", bad); !errors.Is(err, ErrBadName) {
			t.Errorf("create %q: %v, want ErrBadName", bad, err)
		}
	}
	if _, err := s.CreateFolder(ctx, "", "With space"); !errors.Is(err, ErrAlreadyExists) {
		t.Errorf("create existing: %v, want ErrAlreadyExists", err)
	}

	// A message inside, to see it follow the rename.
	appendAll(t, d.IMAPAddr, user, []testsrv.MaildirMessage{{Mailbox: "Projects/2026/Q1", Raw: []byte("Subject: plan\r\n\r\nplan\r\n")}})
	// Unsubscribe one child: the subscription state must follow as is.
	if err := s.SetSubscribed(ctx, "Projects/Ünïcode ☃ Grüße", false); err != nil {
		t.Fatal(err)
	}
	if _, sub := listed(t, other); sub["Projects/Ünïcode ☃ Grüße"] {
		t.Fatal("unsubscribe not seen by another client")
	}
	to, err := s.RenameFolder(ctx, "Projects", "", "Work")
	if err != nil || to != "Work" {
		t.Fatalf("rename = %q, %v", to, err)
	}
	names, sub = listed(t, other)
	for _, n := range names {
		if isInside(n, "Projects", "/") {
			t.Errorf("%q still there after rename", n)
		}
	}
	for n, want := range map[string]bool{"Work": true, "Work/2026/Q1": true, "Work/Ünïcode ☃ Grüße": false} {
		if !slices.Contains(names, n) || sub[n] != want {
			t.Errorf("after rename %q: listed %v, subscribed %v (want %v)", n, slices.Contains(names, n), sub[n], want)
		}
	}
	if got := subjectsIn(t, other, "Work/2026/Q1"); len(got) != 1 {
		t.Errorf("the message did not follow the rename: %v", got)
	}
	// Rename into a subfolder of another folder, and into itself.
	if to, err := s.RenameFolder(ctx, "With space", "Work", "Moved in"); err != nil || to != "Work/Moved in" {
		t.Errorf("move folder = %q, %v", to, err)
	}
	if _, err := s.RenameFolder(ctx, "Work", "Work/2026", "Loop"); !errors.Is(err, ErrBadName) {
		t.Errorf("rename into itself: %v, want ErrBadName", err)
	}

	for _, p := range []string{"INBOX", "Trash", "Archive", "Sent"} {
		if err := s.DeleteFolder(ctx, p); !errors.Is(err, ErrProtected) {
			t.Errorf("delete %s: %v, want ErrProtected", p, err)
		}
		if _, err := s.RenameFolder(ctx, p, "", p+"2"); !errors.Is(err, ErrProtected) {
			t.Errorf("rename %s: %v, want ErrProtected", p, err)
		}
	}
	// Delete a tree while one of its folders is selected on our connection.
	if _, _, err := s.View(ctx, ViewOptions{Mailbox: "Work/2026/Q1", Page: 1, PerPage: 50}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteFolder(ctx, "Work"); err != nil {
		t.Fatal(err)
	}
	names, _ = listed(t, other)
	for _, n := range names {
		if isInside(n, "Work", "/") {
			t.Errorf("%q survived deleting Work", n)
		}
	}
	if _, _, err := s.View(ctx, ViewOptions{Mailbox: "Work/2026/Q1", Page: 1, PerPage: 50}); !errors.Is(err, ErrNoMailbox) {
		t.Errorf("opening a deleted folder: %v, want ErrNoMailbox", err)
	}
	if err := s.DeleteFolder(ctx, "Never there"); !errors.Is(err, ErrNoMailbox) {
		t.Errorf("delete a missing folder: %v, want ErrNoMailbox", err)
	}
}

// TestFoldersMemory: go-imap's in-memory server leaves children behind on
// RENAME and DELETE; the operations must still act on the whole tree.
func TestFoldersMemory(t *testing.T) {
	t.Parallel()
	srv := startMemory(t, "mem")
	ctx := t.Context()
	s := testSession(t, srv.Addr, "mem")
	other := direct(t, srv.Addr, "mem")

	if _, err := s.CreateFolder(ctx, "Projects/Apollo", "Specs"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RenameFolder(ctx, "Projects", "", "Missions"); err != nil {
		t.Fatal(err)
	}
	names, sub := listed(t, other)
	for _, n := range []string{"Missions", "Missions/Apollo", "Missions/Apollo/Specs"} {
		if !slices.Contains(names, n) || !sub[n] {
			t.Errorf("after rename %q: listed %v, subscribed %v", n, slices.Contains(names, n), sub[n])
		}
	}
	if slices.ContainsFunc(names, func(n string) bool { return isInside(n, "Projects", "/") }) {
		t.Errorf("children left behind: %v", names)
	}
	if err := s.DeleteFolder(ctx, "Missions"); err != nil {
		t.Fatal(err)
	}
	if names, _ = listed(t, other); slices.ContainsFunc(names, func(n string) bool { return isInside(n, "Missions", "/") }) {
		t.Errorf("children left behind by delete: %v", names)
	}
	// Without LIST-EXTENDED the in-memory server still marks \Subscribed,
	// so the sidebar can follow subscriptions there too.
	if err := s.SetSubscribed(ctx, "Receipts", false); err != nil {
		t.Fatal(err)
	}
	boxes, err := s.Mailboxes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range boxes {
		if m.Subscribed == (m.Name == "Receipts") {
			t.Errorf("%s subscribed = %v", m.Name, m.Subscribed)
		}
	}
}
