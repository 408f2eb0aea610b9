package imapproxy

import (
	"bytes"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/tidings-mail/tidings/imapproxy/demo"
	"github.com/tidings-mail/tidings/internal/testsrv"
)

// The operations behind drafts and the Sent copy, against the demo's
// in-memory server and a real Dovecot.

func TestAppendDemo(t *testing.T) {
	t.Parallel()
	srv, err := demo.Start(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cfg := DefaultConfig()
	cfg.Addr, cfg.TLS = srv.Addr, TLSNone
	runAppendTests(t, cfg, "demo", "demo")
}

func TestAppendDovecot(t *testing.T) {
	t.Parallel()
	d := testsrv.StartDovecot(t, testsrv.User{Name: "alice", Password: "pw"})
	cfg := DefaultConfig()
	cfg.Addr, cfg.TLS = d.IMAPAddr, TLSNone
	runAppendTests(t, cfg, "alice", "pw")
}

func runAppendTests(t *testing.T, cfg Config, user, pass string) {
	p := NewPool(cfg, slog.New(slog.DiscardHandler))
	t.Cleanup(func() { p.Close(t.Context()) })
	s := p.Session("sid-"+user, user, func() (string, error) { return pass, nil })
	ctx := t.Context()

	drafts, err := s.SpecialMailbox(ctx, UseDrafts)
	if err != nil || drafts != "Drafts" {
		t.Fatalf("drafts folder = %q, %v", drafts, err)
	}
	raw := func(subject string) []byte {
		return fmt.Appendf(nil, "From: %s@example.test\r\nSubject: %s\r\nX-Tidings-Origin: answered 1 2 INBOX\r\n\r\nbody of %s\r\n", user, subject, subject)
	}

	t.Run("append returns the new UID", func(t *testing.T) {
		msg := raw("first draft")
		ref, err := s.Append(ctx, drafts, []Flag{FlagDraft, FlagSeen}, int64(len(msg)), bytes.NewReader(msg))
		if err != nil {
			t.Fatal(err)
		}
		if ref.UID == 0 || ref.UIDValidity == 0 || ref.Mailbox != drafts {
			t.Fatalf("ref = %+v, want APPENDUID data", ref)
		}
		ev, err := s.OpenForEdit(ctx, drafts, ref.UID)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Msg.Subject != "first draft" || ev.Origin != "answered 1 2 INBOX" || ev.Ref != ref {
			t.Errorf("opened %q origin %q ref %+v", ev.Msg.Subject, ev.Origin, ev.Ref)
		}
		_, mp, err := s.Folder(ctx, drafts, 1, 50)
		if err != nil {
			t.Fatal(err)
		}
		var got *MessageSummary
		for i := range mp.Messages {
			if mp.Messages[i].UID == ref.UID {
				got = &mp.Messages[i]
			}
		}
		if got == nil || !got.Draft || !got.Seen {
			t.Errorf("stored flags: %+v", got)
		}
	})

	t.Run("remove deletes exactly one message", func(t *testing.T) {
		var refs []MessageRef
		for i := range 3 {
			msg := raw(fmt.Sprintf("version %d", i))
			ref, err := s.Append(ctx, drafts, []Flag{FlagDraft}, int64(len(msg)), bytes.NewReader(msg))
			if err != nil {
				t.Fatal(err)
			}
			refs = append(refs, ref)
		}
		// Another message flagged \Deleted by someone else must survive.
		if err := s.SetFlag(ctx, drafts, []uint32{refs[0].UID}, FlagDeleted, true); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveMessage(ctx, refs[1]); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveMessage(ctx, refs[1]); err != nil {
			t.Errorf("removing it again: %v", err)
		}
		stale := refs[2]
		stale.UIDValidity++
		if err := s.RemoveMessage(ctx, stale); err != nil {
			t.Fatal(err)
		}
		_, mp, err := s.Folder(ctx, drafts, 1, 50)
		if err != nil {
			t.Fatal(err)
		}
		have := map[uint32]bool{}
		for _, m := range mp.Messages {
			have[m.UID] = true
		}
		if !have[refs[0].UID] || have[refs[1].UID] || !have[refs[2].UID] {
			t.Errorf("after removing %d: have %v", refs[1].UID, have)
		}
	})

	t.Run("a wrong size breaks the connection, not the session", func(t *testing.T) {
		msg := raw("short")
		if _, err := s.Append(ctx, drafts, nil, int64(len(msg))+10, bytes.NewReader(msg)); err == nil {
			t.Fatal("an append with a wrong size succeeded")
		}
		if _, err := s.Mailboxes(ctx); err != nil {
			t.Errorf("the session does not work after: %v", err)
		}
	})

	t.Run("a missing special folder is created", func(t *testing.T) {
		sent, err := s.SpecialMailbox(ctx, UseSent)
		if err != nil || sent == "" {
			t.Fatalf("sent = %q, %v", sent, err)
		}
		boxes, err := s.Mailboxes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, m := range boxes {
			names = append(names, m.Name)
		}
		if !strings.Contains(strings.Join(names, ","), sent) {
			t.Errorf("folders %v lack %q", names, sent)
		}
	})
}

func TestNewSpecialName(t *testing.T) {
	flat := []Mailbox{{Name: "INBOX", Use: UseInbox, Delim: "/"}, {Name: "Archive", Delim: "/"}}
	if got := newSpecialName(flat, UseSent); got != "Sent" {
		t.Errorf("flat: %q", got)
	}
	under := []Mailbox{{Name: "INBOX", Use: UseInbox, Delim: "."}, {Name: "INBOX.Trash", Delim: "."}}
	if got := newSpecialName(under, UseDrafts); got != "INBOX.Drafts" {
		t.Errorf("under INBOX: %q", got)
	}
}

// TestSpecialMailboxCreates: on an account that has only an INBOX, the
// first draft or sent copy creates its folder.
func TestSpecialMailboxCreates(t *testing.T) {
	t.Parallel()
	mem := imapmemserver.New()
	u := imapmemserver.NewUser("bare", "pw")
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(u)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}},
		InsecureAuth: true,
	})
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	cfg := DefaultConfig()
	cfg.Addr, cfg.TLS = ln.Addr().String(), TLSNone
	p := NewPool(cfg, slog.New(slog.DiscardHandler))
	t.Cleanup(func() { p.Close(t.Context()) })
	s := p.Session("sid", "bare", func() (string, error) { return "pw", nil })
	for use, want := range map[SpecialUse]string{UseDrafts: "Drafts", UseSent: "Sent"} {
		got, err := s.SpecialMailbox(t.Context(), use)
		if err != nil || got != want {
			t.Fatalf("%s: %q, %v", use, got, err)
		}
		again, err := s.SpecialMailbox(t.Context(), use)
		if err != nil || again != want {
			t.Errorf("%s the second time: %q, %v", use, again, err)
		}
	}
}
