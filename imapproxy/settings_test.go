package imapproxy

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"

	"github.com/tidings-mail/tidings/internal/testsrv"
)

// TestTrustedSendersDovecot: the list lives in the server's METADATA, so
// a second session (another device, another instance) sees what the
// first one changed; addresses are kept in lower case, once each.
func TestTrustedSendersDovecot(t *testing.T) {
	t.Parallel()
	d := testsrv.StartDovecot(t, dovecotUsers("truster")...)
	ctx := t.Context()
	s := testSession(t, d.IMAPAddr, "truster")
	if st, err := s.Settings(ctx); err != nil || len(st.Trusted) != 0 {
		t.Fatalf("at first: %v, %v", st.Trusted, err)
	}
	for _, a := range []string{"News@Example.org", "shop@example.net", "news@example.org"} {
		if err := s.TrustSender(ctx, a, true); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"news@example.org", "shop@example.net"}
	other := testSession(t, d.IMAPAddr, "truster")
	if st, err := other.Settings(ctx); err != nil || !slices.Equal(st.Trusted, want) {
		t.Fatalf("another session reads %v, %v; want %v", st.Trusted, err, want)
	}
	if err := other.TrustSender(ctx, "NEWS@example.org", false); err != nil {
		t.Fatal(err)
	}
	if st, err := other.Settings(ctx); err != nil || !slices.Equal(st.Trusted, want[1:]) {
		t.Errorf("after removing: %v, %v", st.Trusted, err)
	}
	if err := other.TrustSender(ctx, "shop@example.net", false); err != nil {
		t.Fatal(err)
	}
	if st, err := testSession(t, d.IMAPAddr, "truster").Settings(ctx); err != nil || len(st.Trusted) != 0 {
		t.Errorf("after removing all: %v, %v", st.Trusted, err)
	}
	if err := s.TrustSender(ctx, "a@b\r\nc", true); err == nil {
		t.Error("an address with a line break was taken")
	}

	// Without METADATA the feature is off, and says so.
	bare := testSession(t, d.IMAPAddr, "truster")
	without(t, bare, imap.CapMetadata, imap.CapMetadataServer)
	if _, err := bare.Settings(ctx); !errors.Is(err, ErrUnsupported) {
		t.Errorf("without METADATA: %v, want ErrUnsupported", err)
	}
}

// TestTrustedSendersMemory: go-imap's in-memory server has no METADATA.
func TestTrustedSendersMemory(t *testing.T) {
	t.Parallel()
	srv := startMemory(t, "mem")
	s := testSession(t, srv.Addr, "mem")
	if _, err := s.Settings(t.Context()); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Settings: %v, want ErrUnsupported", err)
	}
	if err := s.TrustSender(t.Context(), "a@example.org", true); !errors.Is(err, ErrUnsupported) {
		t.Errorf("TrustSender: %v, want ErrUnsupported", err)
	}
}

// TestProfileDovecot: the display name and signature are kept on the
// server, read back by another session, and removed when emptied; the
// trusted senders set meanwhile stay as they are.
func TestProfileDovecot(t *testing.T) {
	t.Parallel()
	d := testsrv.StartDovecot(t, dovecotUsers("profiled")...)
	ctx := t.Context()
	s := testSession(t, d.IMAPAddr, "profiled")
	if err := s.TrustSender(ctx, "news@example.org", true); err != nil {
		t.Fatal(err)
	}
	sig := "Robin Demo\nNorthwind Co-operative\n+44 20 7946 0000"
	if err := s.SetProfile(ctx, "  Robin Demo ", sig+"\n\n"); err != nil {
		t.Fatal(err)
	}
	st, err := testSession(t, d.IMAPAddr, "profiled").Settings(ctx)
	if err != nil || st.FromName != "Robin Demo" || st.Signature != sig || !slices.Equal(st.Trusted, []string{"news@example.org"}) {
		t.Fatalf("another session reads %+v, %v", st, err)
	}
	if err := s.SetProfile(ctx, "", ""); err != nil {
		t.Fatal(err)
	}
	if st, err := testSession(t, d.IMAPAddr, "profiled").Settings(ctx); err != nil || st.FromName != "" || st.Signature != "" || len(st.Trusted) != 1 {
		t.Errorf("after emptying: %+v, %v", st, err)
	}
	if err := s.SetProfile(ctx, "a\nb", ""); err == nil {
		t.Error("a name with a line break was kept")
	}
	if err := s.SetProfile(ctx, "", strings.Repeat("x", MaxSignature+1)); err == nil {
		t.Error("an oversized signature was kept")
	}
}

// TestRecentRecipients: the addresses written to come first, each once
// (in the newest spelling), bounded.
func TestRecentRecipients(t *testing.T) {
	t.Parallel()
	d := testsrv.StartDovecot(t, dovecotUsers("writer")...)
	ctx := t.Context()
	s := testSession(t, d.IMAPAddr, "writer")
	if err := s.NoteRecipients(ctx, []string{"Bob <bob@example.org>", "carol@example.net"}); err != nil {
		t.Fatal(err)
	}
	if err := s.NoteRecipients(ctx, []string{"Dave <dave@example.org>", "Robert <BOB@example.org>"}); err != nil {
		t.Fatal(err)
	}
	want := []string{"Dave <dave@example.org>", "Robert <BOB@example.org>", "carol@example.net"}
	if st, err := testSession(t, d.IMAPAddr, "writer").Settings(ctx); err != nil || !slices.Equal(st.Recent, want) {
		t.Errorf("recent %q, %v; want %q", st.Recent, err, want)
	}
	many := make([]string, MaxRecent+10)
	for i := range many {
		many[i] = fmt.Sprintf("p%d@example.org", i)
	}
	if err := s.NoteRecipients(ctx, many); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Settings(ctx); len(st.Recent) != MaxRecent || st.Recent[0] != "p0@example.org" {
		t.Errorf("after many: %d recent, first %q", len(st.Recent), st.Recent[0])
	}
}

// TestQuotaDovecot: the storage used grows with the mail stored, and the
// limit is the configured one; without QUOTA, ErrUnsupported.
func TestQuotaDovecot(t *testing.T) {
	t.Parallel()
	d := testsrv.StartDovecot(t, dovecotUsers("quoted")...)
	ctx := t.Context()
	s := testSession(t, d.IMAPAddr, "quoted")
	before, err := s.Quota(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if before.Limit != 100<<30 {
		t.Errorf("limit %d, want 100 GiB", before.Limit)
	}
	appendAll(t, d.IMAPAddr, "quoted", []testsrv.MaildirMessage{{Mailbox: "INBOX", Raw: []byte("Subject: big\r\n\r\n" + strings.Repeat("x", 20000) + "\r\n")}})
	after, err := s.Quota(ctx)
	if err != nil || after.Used < before.Used+19000 {
		t.Errorf("used %d after storing 20 kB, was %d (%v)", after.Used, before.Used, err)
	}
	bare := testSession(t, d.IMAPAddr, "quoted")
	without(t, bare, imap.CapQuota)
	if _, err := bare.Quota(ctx); !errors.Is(err, ErrUnsupported) {
		t.Errorf("without QUOTA: %v", err)
	}
}
