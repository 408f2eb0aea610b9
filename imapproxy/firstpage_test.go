package imapproxy

import (
	"fmt"
	"slices"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/tidings-mail/tidings/internal/testsrv"
)

// TestFirstPageDovecot: page 1 asked again on the same connection costs
// one round trip (NOOP and UID FETCH pipelined), and still shows what
// another device did just before: new mail, a message read, a message
// deleted, a flood of new mail. Each page is compared with what a
// separate client sees.
func TestFirstPageDovecot(t *testing.T) {
	t.Parallel()
	d := testsrv.StartDovecot(t, dovecotUsers("pager")...)
	appendAll(t, d.IMAPAddr, "pager", simpleMessages("INBOX", "old", 30))
	testFirstPage(t, d.IMAPAddr, "pager")
}

// TestFirstPageMemory is the same against the demo's in-memory server.
func TestFirstPageMemory(t *testing.T) {
	t.Parallel()
	srv := startMemory(t, "pager")
	appendAll(t, srv.Addr, "pager", simpleMessages("INBOX", "old", 30))
	testFirstPage(t, srv.Addr, "pager")
}

// testFirstPage checks every page against another client's view. Where
// the outcome depends on the server's timing, both are allowed: Dovecot
// runs a pipelined NOOP and UID FETCH side by side and may report new
// mail only after the FETCH's answer (the page is asked again), while
// the in-memory server answers the NOOP first but sends a flag change
// with the UID, which the UID FETCH claims (asked again, too).
func testFirstPage(t *testing.T, addr, user string) {
	const perPage = 10
	ctx := t.Context()
	p := watchPool(t, addr)
	s := p.Session("sid-1", user, func() (string, error) { return testPassword, nil })
	other := direct(t, addr, user)

	either := []pipelinedOutcome{pipelinedOne, pipelinedAgain}
	page := func(step string, want ...pipelinedOutcome) {
		t.Helper()
		before := p.Stats()
		_, mp, err := s.Folder(ctx, "INBOX", 1, perPage)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		after := p.Stats()
		got := pipelinedNone
		switch {
		case after.FirstPagesPipelined > before.FirstPagesPipelined:
			got = pipelinedOne
		case after.FirstPagesAgain > before.FirstPagesAgain:
			got = pipelinedAgain
		}
		if !slices.Contains(want, got) {
			t.Errorf("%s: pipelined outcome %d, want one of %v", step, got, want)
		}
		if wantRows, total := newestRows(t, other, perPage); mp.Total != total || !slices.Equal(rowsOf(mp.Messages), wantRows) {
			t.Errorf("%s: page 1 of %d shows %v,\n  another client sees %d messages, newest %v", step, mp.Total, rowsOf(mp.Messages), total, wantRows)
		}
	}

	page("first", pipelinedNone)
	page("again, nothing changed", pipelinedOne)

	appendAll(t, addr, user, simpleMessages("INBOX", "new", 3))
	page("after 3 new messages", either...)
	page("again", pipelinedOne)

	newest := newestUIDs(t, other, perPage)
	for i, u := range newest {
		// Every page must show the flags set just before, row by row.
		store(t, other, u, imap.StoreFlagsAdd, imap.FlagSeen, imap.FlagFlagged)
		page(fmt.Sprintf("after row %d was read and flagged elsewhere", i), either...)
	}
	store(t, other, newest[3], imap.StoreFlagsDel, imap.FlagSeen)
	page("after a row was marked unread elsewhere", either...)

	store(t, other, newest[2], imap.StoreFlagsAdd, imap.FlagDeleted)
	if err := other.UIDExpunge(imap.UIDSetNum(imap.UID(newest[2]))).Close(); err != nil {
		t.Fatal(err)
	}
	page("after one was deleted elsewhere", pipelinedAgain)
	page("again", pipelinedOne)

	appendAll(t, addr, user, simpleMessages("INBOX", "flood", perPage+1))
	page("after more new mail than a page", pipelinedAgain)

	if _, _, err := s.Folder(ctx, "INBOX", 2, perPage); err != nil {
		t.Fatal(err)
	}
	page("after page 2", pipelinedNone)
}

// row is what the test compares of a list row.
type row struct {
	UID           uint32
	Seen, Flagged bool
}

func rowsOf(ms []MessageSummary) []row {
	out := make([]row, len(ms))
	for i, m := range ms {
		out[i] = row{m.UID, m.Seen, m.Flagged}
	}
	return out
}

// newestRows is page 1 as a separate client sees it, newest first, and
// the folder's message count.
func newestRows(t *testing.T, c *imapclient.Client, n int) ([]row, int) {
	t.Helper()
	sd, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	var set imap.SeqSet
	set.AddRange(uint32(max(1, int(sd.NumMessages)-n+1)), sd.NumMessages)
	msgs, err := c.Fetch(set, &imap.FetchOptions{UID: true, Flags: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(msgs, func(a, b *imapclient.FetchMessageBuffer) int { return int(b.SeqNum) - int(a.SeqNum) })
	out := make([]row, len(msgs))
	for i, m := range msgs {
		out[i] = row{UID: uint32(m.UID), Seen: slices.Contains(m.Flags, imap.FlagSeen), Flagged: slices.Contains(m.Flags, imap.FlagFlagged)}
	}
	return out, int(sd.NumMessages)
}

func newestUIDs(t *testing.T, c *imapclient.Client, n int) []uint32 {
	t.Helper()
	rows, _ := newestRows(t, c, n)
	out := make([]uint32, len(rows))
	for i, r := range rows {
		out[i] = r.UID
	}
	return out
}

func store(t *testing.T, c *imapclient.Client, uid uint32, op imap.StoreFlagsOp, flags ...imap.Flag) {
	t.Helper()
	err := c.Store(imap.UIDSetNum(imap.UID(uid)), &imap.StoreFlags{Op: op, Silent: true, Flags: flags}, nil).Close()
	if err != nil {
		t.Fatal(fmt.Errorf("store %v on %d: %w", flags, uid, err))
	}
}
