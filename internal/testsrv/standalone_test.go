package testsrv

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// TestStartDovecotProcess runs the standalone path cmd/tidings-bench
// uses: start, seed, stop, and nothing left behind.
func TestStartDovecotProcess(t *testing.T) {
	d, stop, err := StartDovecotProcess(User{Name: "alice", Password: "pw"})
	if errors.Is(err, ErrUnavailable) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			stop()
		}
	}()
	msg := func(subject string) MaildirMessage {
		return MaildirMessage{Raw: []byte("From: a@example.org\r\nSubject: " + subject + "\r\n\r\nHi\r\n"), Time: time.Now()}
	}
	if err := d.SeedMaildir("alice", []MaildirMessage{msg("one"), msg("two")}); err != nil {
		t.Fatal(err)
	}
	out, err := d.doveadmRun(nil, "-f", "flow", "mailbox", "status", "-u", "alice", "messages", "INBOX")
	if err != nil || !strings.Contains(out, "messages=2") {
		t.Errorf("mailbox status: %q, %v; want messages=2", out, err)
	}
	// A failure inside a helper comes back as an error, not a panic.
	if err := d.SeedMaildir("alice", []MaildirMessage{{Raw: []byte("x"), Flags: "?"}}); err == nil {
		t.Error("SeedMaildir with a bad flag: no error")
	}
	if v, err := d.Version(); err != nil || v == "" {
		t.Errorf("Version: %q, %v", v, err)
	}
	stop()
	stopped = true
	if _, err := os.Stat(d.Dir); !os.IsNotExist(err) {
		t.Errorf("%s still there after stop: %v", d.Dir, err)
	}
}
