package demosink

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidings-mail/tidings/imapproxy/submit"
)

type deliveries struct {
	mu   sync.Mutex
	got  map[string][]string
	know map[string]bool
}

func (d *deliveries) Deliver(user, mailbox string, raw []byte, seen bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.know[user] {
		return fmt.Errorf("no user %q", user)
	}
	d.got[user+"/"+mailbox] = append(d.got[user+"/"+mailbox], string(raw))
	return nil
}

func TestSink(t *testing.T) {
	d := &deliveries{got: map[string][]string{}, know: map[string]bool{"demo": true}}
	s, err := Start(d, "Example.org", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := submit.NewClient(submit.Config{Addr: s.Addr, TLS: submit.TLSNone, Timeout: 5 * time.Second})
	msg := "From: demo@example.org\r\nSubject: note\r\n\r\nhello\r\n"
	err = c.Send(t.Context(), submit.Auth{Username: "demo", Password: "demo"},
		submit.Envelope{From: "demo@example.org", To: []string{"demo@EXAMPLE.ORG", "ghost@example.org", "someone@example.com"}},
		strings.NewReader(msg), int64(len(msg)))
	if err != nil {
		t.Fatal(err)
	}
	got := d.got["demo/INBOX"]
	if len(got) != 1 || !strings.HasSuffix(got[0], msg) || !strings.HasPrefix(got[0], "Return-Path: <demo@example.org>\r\n") {
		t.Errorf("delivered %q", got)
	}
	if len(d.got) != 1 {
		t.Errorf("deliveries: %v", d.got)
	}

	// AUTH is required, as on a real submission port.
	err = c.Send(t.Context(), submit.Auth{}, submit.Envelope{From: "x@example.org", To: []string{"demo@example.org"}},
		bytes.NewReader([]byte("x")), 1)
	if !errors.Is(err, submit.ErrSenderRefused) {
		t.Errorf("unauthenticated send: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Error(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
