package imapproxy

import (
	"errors"
	"slices"
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
	if list, err := s.TrustedSenders(ctx); err != nil || len(list) != 0 {
		t.Fatalf("at first: %v, %v", list, err)
	}
	for _, a := range []string{"News@Example.org", "shop@example.net", "news@example.org"} {
		if err := s.TrustSender(ctx, a, true); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"news@example.org", "shop@example.net"}
	other := testSession(t, d.IMAPAddr, "truster")
	if list, err := other.TrustedSenders(ctx); err != nil || !slices.Equal(list, want) {
		t.Fatalf("another session reads %v, %v; want %v", list, err, want)
	}
	if err := other.TrustSender(ctx, "NEWS@example.org", false); err != nil {
		t.Fatal(err)
	}
	if list, err := other.TrustedSenders(ctx); err != nil || !slices.Equal(list, want[1:]) {
		t.Errorf("after removing: %v, %v", list, err)
	}
	if err := other.TrustSender(ctx, "shop@example.net", false); err != nil {
		t.Fatal(err)
	}
	if list, err := testSession(t, d.IMAPAddr, "truster").TrustedSenders(ctx); err != nil || len(list) != 0 {
		t.Errorf("after removing all: %v, %v", list, err)
	}
	if err := s.TrustSender(ctx, "a@b\r\nc", true); err == nil {
		t.Error("an address with a line break was taken")
	}

	// Without METADATA the feature is off, and says so.
	bare := testSession(t, d.IMAPAddr, "truster")
	without(t, bare, imap.CapMetadata, imap.CapMetadataServer)
	if _, err := bare.TrustedSenders(ctx); !errors.Is(err, ErrUnsupported) {
		t.Errorf("without METADATA: %v, want ErrUnsupported", err)
	}
}

// TestTrustedSendersMemory: go-imap's in-memory server has no METADATA.
func TestTrustedSendersMemory(t *testing.T) {
	t.Parallel()
	srv := startMemory(t, "mem")
	s := testSession(t, srv.Addr, "mem")
	if _, err := s.TrustedSenders(t.Context()); !errors.Is(err, ErrUnsupported) {
		t.Errorf("TrustedSenders: %v, want ErrUnsupported", err)
	}
	if err := s.TrustSender(t.Context(), "a@example.org", true); !errors.Is(err, ErrUnsupported) {
		t.Errorf("TrustSender: %v, want ErrUnsupported", err)
	}
}
