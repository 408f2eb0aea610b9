package testsrv

import (
	"crypto/tls"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// TestPostfix submits mail through the whole chain — SMTP submission,
// STARTTLS, SASL checked by Dovecot, LMTP into Dovecot — and checks what
// the submission server refuses.
func TestPostfix(t *testing.T) {
	t.Parallel()
	d := StartDovecot(t, testUsers...)
	start := time.Now()
	p := StartPostfix(t, d)
	t.Logf("StartPostfix took %v", time.Since(start))
	tlsConfig := &tls.Config{RootCAs: d.RootCAs(), ServerName: "localhost"}

	// dial connects and upgrades with STARTTLS.
	dial := func(t *testing.T) *smtp.Client {
		t.Helper()
		c, err := smtp.DialStartTLS(p.SubmissionAddr, tlsConfig)
		if err != nil {
			t.Fatalf("DialStartTLS: %v", err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}

	t.Run("delivers", func(t *testing.T) {
		for _, mech := range []struct {
			name   string
			client sasl.Client
		}{
			{"PLAIN", sasl.NewPlainClient("", "alice@example.test", "alice-pw")},
			{"LOGIN", sasl.NewLoginClient("alice", "alice-pw")},
		} {
			c := dial(t)
			if err := c.Auth(mech.client); err != nil {
				t.Fatalf("AUTH %s: %v", mech.name, err)
			}
			subject := "submitted with " + mech.name
			msg := "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: " + subject + "\r\n\r\nHi Bob.\r\n"
			sent := time.Now()
			if err := c.SendMail("alice@example.test", []string{"bob@example.test"}, strings.NewReader(msg)); err != nil {
				t.Fatalf("SendMail: %v", err)
			}
			waitForMessage(t, d, "bob", subject)
			t.Logf("%s: delivered into bob's INBOX %v after DATA", mech.name, time.Since(sent))
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		c := dial(t)
		err := c.Auth(sasl.NewPlainClient("", "alice", "not-her-password"))
		if code := smtpCode(err); code != 535 {
			t.Errorf("AUTH with a wrong password: %v, want code 535", err)
		}
	})

	t.Run("no auth", func(t *testing.T) {
		c := dial(t)
		err := c.SendMail("alice@example.test", []string{"bob@example.test"}, strings.NewReader("Subject: x\r\n\r\nx\r\n"))
		if code := smtpCode(err); code < 500 {
			t.Errorf("unauthenticated SendMail: %v, want a 5xx refusal", err)
		}
	})

	t.Run("no AUTH before STARTTLS", func(t *testing.T) {
		c, err := smtp.Dial(p.SubmissionAddr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Hello("localhost"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := c.Extension("AUTH"); ok {
			t.Error("AUTH offered before STARTTLS")
		}
		if ok, _ := c.Extension("STARTTLS"); !ok {
			t.Error("STARTTLS not offered")
		}
	})

	t.Run("unknown recipient", func(t *testing.T) {
		c := dial(t)
		if err := c.Auth(sasl.NewPlainClient("", "alice", "alice-pw")); err != nil {
			t.Fatal(err)
		}
		if err := c.Mail("alice@example.test", nil); err != nil {
			t.Fatal(err)
		}
		if err := c.Rcpt("nobody@example.test", nil); smtpCode(err) != 550 {
			t.Errorf("RCPT TO:<nobody@example.test>: %v, want code 550", err)
		}
		if err := c.Rcpt("someone@elsewhere.test", nil); err != nil {
			t.Errorf("RCPT to another domain: %v, want it accepted (and discarded)", err)
		}
	})
}

// waitForMessage waits (at most 10 s) until user's INBOX holds a message
// with subject.
func waitForMessage(t *testing.T, d *Dovecot, user, subject string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if d.Doveadm(t, "search", "-u", user, "mailbox", "INBOX", "SUBJECT", subject) != "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no message %q in %s's INBOX after 10 s", subject, user)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// smtpCode returns the reply code of an SMTP error, or 0.
func smtpCode(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}
