package testsrv

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestWriteMaildir(t *testing.T) {
	t.Parallel()
	d := StartDovecot(t, testUsers...)

	// 2,000 messages for INBOX, then 20 each for two other mailboxes.
	const n = 2040
	base := time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)
	msgs := make([]MaildirMessage, n)
	want := map[string]int{} // mailbox → count
	seen, flagged := 0, 0
	for i := range msgs {
		m := MaildirMessage{
			Raw:  fmt.Appendf(nil, "From: carol@example.test\nSubject: msg %d\nMessage-ID: <%d@example.test>\n\nbody %d\n", i, i, i),
			Time: base.Add(-time.Duration(i) * time.Hour),
		}
		switch {
		case i >= 2020:
			m.Mailbox = "Reçus/2024" // created; non-ASCII: modified UTF-7 on disk
		case i >= 2000:
			m.Mailbox = "Archive" // exists already (special-use)
		}
		if i%3 == 0 {
			m.Flags = "S"
			seen++
		}
		if i%7 == 0 {
			m.Flags += "F"
			flagged++
		}
		want[mailboxName(m.Mailbox)]++
		msgs[i] = m
	}
	start := time.Now()
	d.WriteMaildir(t, "alice", msgs)
	t.Logf("WriteMaildir of %d messages took %v", n, time.Since(start))

	for box, count := range want {
		got := d.Doveadm(t, "mailbox", "status", "-u", "alice", "messages", box)
		if want := fmt.Sprintf("%s messages=%d", box, count); strings.TrimSpace(got) != want {
			t.Errorf("mailbox status = %q, want %q", got, want)
		}
	}
	countSearch := func(query ...string) int {
		out := d.Doveadm(t, append([]string{"search", "-u", "alice"}, query...)...)
		return strings.Count(out, "\n")
	}
	if got := countSearch("SEEN"); got != seen {
		t.Errorf("SEEN messages = %d, want %d", got, seen)
	}
	if got := countSearch("FLAGGED"); got != flagged {
		t.Errorf("FLAGGED messages = %d, want %d", got, flagged)
	}

	// Over IMAP: UIDs follow the order of msgs, INTERNALDATE is Time, and
	// the size counts CRLF line ends (RFC 3501 section 2.3.4).
	c, _ := dialIMAP(t, d.IMAPAddr, nil)
	c.cmd(t, "a", "LOGIN alice alice-pw")
	untagged, status := c.cmd(t, "b", "EXAMINE INBOX")
	if !strings.HasPrefix(status, "OK") || !containsLine(untagged, fmt.Sprintf("* %d EXISTS", want["INBOX"])) {
		t.Fatalf("EXAMINE INBOX: %s %q", status, untagged)
	}
	fetched, status := c.cmd(t, "c", "UID FETCH 1:4 (INTERNALDATE RFC822.SIZE FLAGS)")
	if !strings.HasPrefix(status, "OK") {
		t.Fatalf("UID FETCH: %s", status)
	}
	re := regexp.MustCompile(`UID (\d+)|INTERNALDATE "([^"]+)"|RFC822\.SIZE (\d+)|FLAGS \(([^)]*)\)`)
	for i, line := range fetched {
		var uid, date, size, flags string
		for _, m := range re.FindAllStringSubmatch(line, -1) {
			uid, date, size, flags = uid+m[1], date+m[2], size+m[3], flags+m[4]
		}
		msg := msgs[i]
		got, err := time.Parse("02-Jan-2006 15:04:05 -0700", date)
		if err != nil || !got.Equal(msg.Time) {
			t.Errorf("UID %s: INTERNALDATE %q, want %v", uid, date, msg.Time)
		}
		if want := fmt.Sprint(virtualSize(msg.Raw)); size != want {
			t.Errorf("UID %s: RFC822.SIZE %s, want %s", uid, size, want)
		}
		if strings.Contains(flags, `\Seen`) != strings.Contains(msg.Flags, "S") {
			t.Errorf("UID %s: FLAGS (%s), want maildir flags %q", uid, flags, msg.Flags)
		}
	}
	if len(fetched) != 4 {
		t.Errorf("UID FETCH 1:4 returned %d lines: %q", len(fetched), fetched)
	}

	// A second call appends after what is there.
	d.WriteMaildir(t, "alice", []MaildirMessage{{Raw: []byte("Subject: later\r\n\r\nx\r\n")}})
	out := d.Doveadm(t, "fetch", "-u", "alice", "uid", "mailbox", "INBOX", "SUBJECT", "later")
	if want := fmt.Sprintf("uid: %d", want["INBOX"]+1); strings.TrimSpace(out) != want {
		t.Errorf("the later message has %q, want %q", strings.TrimSpace(out), want)
	}
}

func TestWriteMaildirRejectsUnknownFlags(t *testing.T) {
	t.Parallel()
	d := StartDovecot(t, testUsers...)
	r := &recorder{TB: t}
	r.run(func() {
		d.WriteMaildir(r, "alice", []MaildirMessage{{Raw: []byte("Subject: x\r\n\r\n"), Flags: "Sx"}})
	})
	if r.fatal == "" {
		t.Error("WriteMaildir accepted the flag letter x")
	}
}
