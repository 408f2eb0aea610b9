package web

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/imapproxy/demo"
	"github.com/tidings-mail/tidings/imapproxy/message"
	"github.com/tidings-mail/tidings/internal/testsrv"
)

// mailFixture is a mail server seeded with the demo mailbox, with what the
// tests need to know about the seed.
type mailFixture struct {
	name       string
	cfg        imapproxy.Config
	user, pass string
	seed       []demo.Message
}

func testIMAPConfig(addr string, tls imapproxy.TLSMode) imapproxy.Config {
	cfg := imapproxy.DefaultConfig()
	cfg.Addr, cfg.TLS = addr, tls
	return cfg
}

// memoryFixture is go-imap's in-memory server as the demo runs it.
func memoryFixture(t testing.TB) mailFixture {
	t.Helper()
	now := time.Now()
	srv, err := demo.Start(now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return mailFixture{name: "memory", cfg: testIMAPConfig(srv.Addr, imapproxy.TLSNone),
		user: "demo", pass: "demo", seed: demo.Messages(now)}
}

// dovecotFixture is a real Dovecot holding the same seed, reached over
// implicit TLS with its certificate verified.
func dovecotFixture(t testing.TB) (mailFixture, *testsrv.Dovecot) {
	t.Helper()
	d := testsrv.StartDovecot(t, testsrv.User{Name: "alice", Password: "wonderland"})
	now := time.Now()
	seed := demo.Messages(now)
	msgs := make([]testsrv.MaildirMessage, 0, len(seed))
	for _, m := range seed {
		msgs = append(msgs, testsrv.MaildirMessage{Mailbox: m.Mailbox, Raw: m.Raw, Flags: maildirFlags(m), Time: m.Time})
	}
	d.WriteMaildir(t, "alice", msgs)
	cfg := testIMAPConfig(d.IMAPSAddr, imapproxy.TLSImplicit)
	cfg.RootCAs = d.RootCAs()
	cfg.Addr = strings.Replace(cfg.Addr, "127.0.0.1", "localhost", 1)
	return mailFixture{name: "dovecot", cfg: cfg, user: "alice", pass: "wonderland", seed: seed}, d
}

func maildirFlags(m demo.Message) string {
	var f string
	if m.Draft {
		f += "D"
	}
	if m.Flagged {
		f += "F"
	}
	if m.Answered {
		f += "R"
	}
	if m.Seen {
		f += "S"
	}
	return f
}

// seeded is one seeded message with its UID (seeds are stored in order, so
// the n-th message of a mailbox has UID n).
type seeded struct {
	demo.Message
	UID    uint32
	Parsed *message.Message
}

func (f mailFixture) mailbox(name string) []seeded {
	var out []seeded
	for _, m := range f.seed {
		if m.Mailbox != name {
			continue
		}
		p, err := message.Parse(bytes.NewReader(m.Raw), message.Options{})
		if err != nil {
			panic(err)
		}
		out = append(out, seeded{Message: m, UID: uint32(len(out) + 1), Parsed: p})
	}
	return out
}

// find returns the newest seeded message of mailbox that ok accepts.
func (f mailFixture) find(t testing.TB, mailbox string, ok func(seeded) bool) seeded {
	t.Helper()
	all := f.mailbox(mailbox)
	for i := len(all) - 1; i >= 0; i-- {
		if ok(all[i]) {
			return all[i]
		}
	}
	t.Fatalf("%s: no seeded message in %s fits", f.name, mailbox)
	return seeded{}
}

// attachmentBytes decodes the named attachment of raw with go-message, as
// the reference for what a download must yield.
func attachmentBytes(t testing.TB, raw []byte, filename string) []byte {
	t.Helper()
	mr, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h, ok := p.Header.(*gomail.AttachmentHeader); ok {
			if name, _ := h.Filename(); name == filename {
				b, err := io.ReadAll(p.Body)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
		}
	}
	t.Fatalf("no attachment %q", filename)
	return nil
}
