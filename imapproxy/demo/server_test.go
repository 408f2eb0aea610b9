package demo

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// startServer starts a demo server closed at the end of the test.
func startServer(t *testing.T, users ...User) *Server {
	t.Helper()
	s, err := Start(testNow, users...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// login dials the server and logs in; the connection closes with the test.
func login(t *testing.T, s *Server, user, password string, opts *imapclient.Options) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(s.Addr, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(user, password).Wait(); err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return c
}

// seedCounts returns the number of seeded messages and unread ones per folder.
func seedCounts() (total, unseen map[string]uint32) {
	total, unseen = map[string]uint32{}, map[string]uint32{}
	for _, m := range seed() {
		total[m.Mailbox]++
		if !m.Seen {
			unseen[m.Mailbox]++
		}
	}
	return total, unseen
}

func TestServerCapabilities(t *testing.T) {
	s := startServer(t)
	c := login(t, s, "demo", "demo", nil)
	caps := c.Caps()
	for _, want := range []imap.Cap{imap.CapIMAP4rev1, imap.CapUIDPlus, imap.CapESearch,
		imap.CapListStatus, imap.CapNamespace, imap.CapStatusSize, imap.CapLiteralPlus, imap.CapIdle, imap.CapUnselect} {
		if !caps.Has(want) {
			t.Errorf("missing %s", want)
		}
	}
	// MOVE is broken in beta.8 and IMAP4rev2 implies it; the others are not
	// implemented by imapmemserver (see capabilities).
	for _, bad := range []imap.Cap{imap.CapIMAP4rev2, imap.CapMove, imap.CapSpecialUse, imap.CapSearchRes, imap.CapChildren,
		imap.CapListExtended, imap.CapBinary, imap.CapCondStore, imap.CapSort} {
		if _, ok := caps[bad]; ok {
			t.Errorf("advertises %s", bad)
		}
	}
}

func TestServerLogin(t *testing.T) {
	s := startServer(t, User{"demo", "secret"}, User{"erin", "pw"})
	login(t, s, "demo", "secret", nil)
	login(t, s, "erin", "pw", nil)
	c, err := imapclient.DialInsecure(s.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var imapErr *imap.Error
	if err := c.Login("demo", "demo").Wait(); !errors.As(err, &imapErr) || imapErr.Code != imap.ResponseCodeAuthenticationFailed {
		t.Errorf("login with the replaced password: %v, want AUTHENTICATIONFAILED", err)
	}
}

func TestServerListAndStatus(t *testing.T) {
	s := startServer(t)
	c := login(t, s, "demo", "demo", nil)
	total, unseen := seedCounts()

	list, err := c.List("", "*", &imap.ListOptions{
		ReturnStatus: &imap.StatusOptions{NumMessages: true, NumUnseen: true, UIDNext: true, UIDValidity: true, Size: true},
	}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range list {
		names = append(names, l.Mailbox)
		if l.Delim != Delimiter || !slices.Contains(l.Attrs, imap.MailboxAttrSubscribed) {
			t.Errorf("%s: delim %q attrs %v, want %q and \\Subscribed", l.Mailbox, l.Delim, l.Attrs, Delimiter)
		}
		st := l.Status
		if st == nil || st.NumMessages == nil || st.NumUnseen == nil || st.Size == nil {
			t.Fatalf("%s: incomplete LIST-STATUS %+v", l.Mailbox, st)
		}
		if *st.NumMessages != total[l.Mailbox] || *st.NumUnseen != unseen[l.Mailbox] || st.UIDNext != imap.UID(total[l.Mailbox]+1) {
			t.Errorf("%s: LIST-STATUS messages=%d unseen=%d uidnext=%d, want %d %d %d", l.Mailbox,
				*st.NumMessages, *st.NumUnseen, st.UIDNext, total[l.Mailbox], unseen[l.Mailbox], total[l.Mailbox]+1)
		}
	}
	var want []string
	for _, f := range Folders() {
		want = append(want, f.Name)
	}
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("LIST = %v, want %v", names, want)
	}

	st, err := c.Status("INBOX", &imap.StatusOptions{NumMessages: true, NumUnseen: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if *st.NumMessages != total["INBOX"] || *st.NumUnseen != unseen["INBOX"] {
		t.Errorf("STATUS INBOX = %d/%d, want %d/%d", *st.NumMessages, *st.NumUnseen, total["INBOX"], unseen["INBOX"])
	}

	ns, err := c.Namespace().Wait()
	if err != nil || len(ns.Personal) != 1 || ns.Personal[0].Delim != Delimiter {
		t.Errorf("NAMESPACE = %+v, %v", ns, err)
	}
}

// findUID returns the UID of the INBOX message whose subject contains sub.
func findUID(t *testing.T, c *imapclient.Client, sub string) imap.UID {
	t.Helper()
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	sd, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: sub}}}, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	uids := sd.AllUIDs()
	if len(uids) != 1 {
		t.Fatalf("SEARCH SUBJECT %q found %v", sub, uids)
	}
	return uids[0]
}

func TestServerBodyStructure(t *testing.T) {
	s := startServer(t)
	c := login(t, s, "demo", "demo", nil)
	for _, tc := range []struct{ subject, filename, mediaType string }{
		{"Annual report 2025", "Annual-report-2025-draft.pdf", "application/pdf"},
		{"Photos from the repair", "repair-cafe.jpg", "image/jpeg"},
		{"Protokoll Einkaufsrunde", "Protokoll_Einkauf_März.pdf", "application/pdf"},
		{"Minutes of the neighbourhood council", "winmail.dat", "application/ms-tnef"},
	} {
		uid := findUID(t, c, tc.subject)
		msgs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{
			BodyStructure: &imap.FetchItemBodyStructure{Extended: true}, RFC822Size: true,
		}).Collect()
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 1 || msgs[0].BodyStructure == nil {
			t.Fatalf("%s: no BODYSTRUCTURE", tc.subject)
		}
		var found bool
		msgs[0].BodyStructure.Walk(func(path []int, part imap.BodyStructure) bool {
			if sp, ok := part.(*imap.BodyStructureSinglePart); ok && sp.Filename() == tc.filename {
				found = sp.MediaType() == tc.mediaType && strings.EqualFold(sp.Encoding, "base64")
			}
			return true
		})
		if !found {
			t.Errorf("%s: no %s part named %q", tc.subject, tc.mediaType, tc.filename)
		}
	}
}

func TestServerSearch(t *testing.T) {
	s := startServer(t)
	c := login(t, s, "demo", "demo", nil)
	_, unseen := seedCounts()
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	unread := &imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}
	sd, err := c.UIDSearch(unread, &imap.SearchOptions{ReturnCount: true, ReturnMin: true, ReturnMax: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if sd.Count != unseen["INBOX"] || sd.Min == 0 || sd.Max < sd.Min {
		t.Errorf("ESEARCH UNSEEN count=%d min=%d max=%d, want count %d", sd.Count, sd.Min, sd.Max, unseen["INBOX"])
	}
	plain, err := c.Search(unread, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(plain.AllSeqNums()); n != int(unseen["INBOX"]) {
		t.Errorf("SEARCH UNSEEN found %d, want %d", n, unseen["INBOX"])
	}
}

// TestServerMoveFallback moves messages the way Tidings does. Without MOVE
// the client uses COPY, STORE \Deleted and UID EXPUNGE; afterwards the
// client's view and the server's counts must agree.
func TestServerMoveFallback(t *testing.T) {
	s := startServer(t)
	c := login(t, s, "demo", "demo", nil)
	total, _ := seedCounts()
	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	var uids imap.UIDSet
	uids.AddNum(2, 4, imap.UID(sel.NumMessages))
	md, err := c.Move(uids, "Archive").Wait()
	if err != nil {
		t.Fatal(err)
	}
	if md.UIDValidity == 0 || md.DestUIDs == nil {
		t.Errorf("no COPYUID: %+v", md)
	}
	if got := c.Mailbox().NumMessages; got != total["INBOX"]-3 {
		t.Errorf("client sees %d messages in INBOX, want %d", got, total["INBOX"]-3)
	}
	for name, want := range map[string]uint32{"INBOX": total["INBOX"] - 3, "Archive": total["Archive"] + 3} {
		st, err := c.Status(name, &imap.StatusOptions{NumMessages: true}).Wait()
		if err != nil {
			t.Fatal(err)
		}
		if *st.NumMessages != want {
			t.Errorf("%s has %d messages, want %d", name, *st.NumMessages, want)
		}
	}
}

func TestServerAddUserAndDeliver(t *testing.T) {
	s := startServer(t)
	if err := s.AddUser("fresh", "pw"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser("fresh", "other"); err == nil {
		t.Error("adding an existing user succeeded")
	}
	if err := s.Deliver("nobody", "INBOX", []byte("Subject: x\r\n\r\nx\r\n"), false); err == nil {
		t.Error("delivering to an unknown user succeeded")
	}
	if err := s.Deliver("fresh", "NoSuchFolder", []byte("Subject: x\r\n\r\nx\r\n"), false); err == nil {
		t.Error("delivering to an unknown mailbox succeeded")
	}

	var exists atomic.Uint32
	c := login(t, s, "fresh", "pw", &imapclient.Options{UnilateralDataHandler: &imapclient.UnilateralDataHandler{
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				exists.Store(*d.NumMessages)
			}
		},
	}})
	total, _ := seedCounts()
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	idle, err := c.Idle()
	if err != nil {
		t.Fatal(err)
	}
	// Larger than 4 KB, so the client's own APPEND would use LITERAL+.
	raw := fmt.Appendf(nil, "From: <carol.nguyen@example.org>\r\nTo: <demo@example.org>\r\nSubject: Delivered\r\n\r\n%s\r\n",
		strings.Repeat("A line of text.\r\n", 400))
	if err := s.Deliver("fresh", "INBOX", raw, false); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for exists.Load() != total["INBOX"]+1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := exists.Load(); got != total["INBOX"]+1 {
		t.Errorf("IDLE saw EXISTS %d, want %d", got, total["INBOX"]+1)
	}
	if err := idle.Close(); err != nil {
		t.Fatal(err)
	}
	if err := idle.Wait(); err != nil {
		t.Fatal(err)
	}

	// APPEND with LITERAL+ and APPENDUID (UIDPLUS).
	cmd := c.Append("Sent", int64(len(raw)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}})
	if _, err := cmd.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	ad, err := cmd.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if ad.UID != imap.UID(total["Sent"]+1) {
		t.Errorf("APPENDUID %d, want %d", ad.UID, total["Sent"]+1)
	}

	// The demo user is untouched.
	other := login(t, s, "demo", "demo", nil)
	st, err := other.Status("INBOX", &imap.StatusOptions{NumMessages: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if *st.NumMessages != total["INBOX"] {
		t.Errorf("demo INBOX has %d messages after delivering to another user, want %d", *st.NumMessages, total["INBOX"])
	}
}

func TestServerCloseTwice(t *testing.T) {
	s, err := Start(testNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := imapclient.DialInsecure(s.Addr, &imapclient.Options{}); err == nil {
		t.Error("server still accepts connections after Close")
	}
}

// TestServerRefusesMove checks the session wrapper: a client that sends
// MOVE although it is not advertised gets BAD, not beta.8's broken MOVE.
func TestServerRefusesMove(t *testing.T) {
	s := startServer(t)
	conn, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(conn)
	status := func(tag, cmd string) string {
		t.Helper()
		fmt.Fprintf(conn, "%s %s\r\n", tag, cmd)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(line, tag+" ") {
				return strings.Fields(line)[1]
			}
		}
	}
	if _, err := r.ReadString('\n'); err != nil { // greeting
		t.Fatal(err)
	}
	for _, step := range []struct{ tag, cmd, want string }{
		{"a", "LOGIN demo demo", "OK"},
		{"b", "SELECT INBOX", "OK"},
		{"c", "UID MOVE 1 Archive", "BAD"},
	} {
		if got := status(step.tag, step.cmd); got != step.want {
			t.Errorf("%s: %s, want %s", step.cmd, got, step.want)
		}
	}
}
