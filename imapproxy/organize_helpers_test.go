package imapproxy

import (
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/tidings-mail/tidings/imapproxy/demo"
	"github.com/tidings-mail/tidings/internal/testsrv"
)

// The organizing tests share one Dovecot per test function; each subtest
// logs in as its own user, so they do not see each other's changes.

const testPassword = "secret"

func dovecotUsers(names ...string) []testsrv.User {
	users := make([]testsrv.User, len(names))
	for i, n := range names {
		users[i] = testsrv.User{Name: n, Password: testPassword}
	}
	return users
}

// testSession is a Session on its own pool with one connection, so a test
// can change that connection's capabilities and know the next operation
// uses it.
func testSession(t testing.TB, addr, user string) *Session {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Addr, cfg.TLS = addr, TLSNone
	cfg.MaxPerSession, cfg.MaxPerUser = 1, 1
	p := NewPool(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(func() { _ = p.Close(t.Context()) })
	return p.Session("test-"+user, user, func() (string, error) { return testPassword, nil })
}

// without removes capabilities from the session's connection (dialling
// it first), to exercise the fallbacks against a server that has them.
func without(t testing.TB, s *Session, caps ...imap.Cap) {
	t.Helper()
	err := s.read(t.Context(), "drop caps", func(cn *conn) error {
		cn.caps = cn.caps.Copy()
		for _, c := range caps {
			delete(cn.caps, c)
		}
		delete(cn.caps, imap.CapIMAP4rev2) // it implies MOVE, UIDPLUS, ESEARCH
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// direct is an independent IMAP client: another device looking at the
// same mailbox.
// startMemory starts the demo's in-memory server with user (password
// testPassword) until the test ends.
func startMemory(t testing.TB, user string) *demo.Server {
	t.Helper()
	srv, err := demo.Start(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if err := srv.AddUser(user, testPassword); err != nil {
		t.Fatal(err)
	}
	return srv
}

func direct(t testing.TB, addr, user string) *imapclient.Client {
	return directAs(t, addr, user, testPassword)
}

// directAs is direct with a password of its own.
func directAs(t testing.TB, addr, user, password string) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(user, password).Wait(); err != nil {
		t.Fatal(err)
	}
	return c
}

// subjectsIn lists the subjects of mailbox by UID, as seen by c.
func subjectsIn(t testing.TB, c *imapclient.Client, mailbox string) map[uint32]string {
	t.Helper()
	sd, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatalf("select %s: %v", mailbox, err)
	}
	out := map[uint32]string{}
	if sd.NumMessages == 0 {
		return out
	}
	var all imap.SeqSet
	all.AddRange(1, sd.NumMessages)
	msgs, err := c.Fetch(all, &imap.FetchOptions{UID: true, Envelope: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		out[uint32(m.UID)] = m.Envelope.Subject
	}
	return out
}

// flagsIn returns the flags of every message of mailbox by UID.
func flagsIn(t testing.TB, c *imapclient.Client, mailbox string) map[uint32][]imap.Flag {
	t.Helper()
	sd, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatalf("select %s: %v", mailbox, err)
	}
	out := map[uint32][]imap.Flag{}
	if sd.NumMessages == 0 {
		return out
	}
	var all imap.SeqSet
	all.AddRange(1, sd.NumMessages)
	msgs, err := c.Fetch(all, &imap.FetchOptions{UID: true, Flags: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		out[uint32(m.UID)] = m.Flags
	}
	return out
}

// listed returns the folders c sees and which of them are subscribed.
func listed(t testing.TB, c *imapclient.Client) (names []string, subscribed map[string]bool) {
	t.Helper()
	data, err := c.List("", "*", &imap.ListOptions{ReturnSubscribed: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	subscribed = map[string]bool{}
	for _, d := range data {
		if slices.Contains(d.Attrs, imap.MailboxAttrNonExistent) {
			continue
		}
		names = append(names, d.Mailbox)
		subscribed[d.Mailbox] = slices.Contains(d.Attrs, imap.MailboxAttrSubscribed)
	}
	slices.Sort(names)
	return names, subscribed
}

// appendAll stores msgs through IMAP APPEND (RFC 9051 §6.3.12) as another
// client would: for a few messages much faster than Maildir seeding,
// which runs doveadm several times. UIDs follow the order of msgs.
func appendAll(t testing.TB, addr, user string, msgs []testsrv.MaildirMessage) {
	t.Helper()
	c := direct(t, addr, user)
	for _, m := range msgs {
		box := m.Mailbox
		if box == "" {
			box = "INBOX"
		}
		cmd := c.Append(box, int64(len(m.Raw)), &imap.AppendOptions{Time: m.Time})
		if _, err := cmd.Write(m.Raw); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := cmd.Wait(); err != nil {
			t.Fatalf("append to %s: %v", box, err)
		}
	}
}

// simpleMessages makes n small messages "subject 1" … "subject n".
func simpleMessages(mailbox, subject string, n int) []testsrv.MaildirMessage {
	msgs := make([]testsrv.MaildirMessage, n)
	base := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	for i := range msgs {
		when := base.Add(time.Duration(i) * time.Hour)
		msgs[i] = testsrv.MaildirMessage{Mailbox: mailbox, Time: when, Raw: []byte(fmt.Sprintf(
			"From: Sender %d <s%d@example.test>\r\nTo: me@example.test\r\nSubject: %s %d\r\nDate: %s\r\nMessage-ID: <%s-%d@example.test>\r\n\r\nBody %d\r\n",
			i+1, i+1, subject, i+1, when.Format(time.RFC1123Z), strings.ReplaceAll(subject, " ", "-"), i+1, i+1))}
	}
	return msgs
}

func sortedKeys[V any](m map[uint32]V) []uint32 {
	keys := make([]uint32, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
