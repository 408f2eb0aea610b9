package imapproxy

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/tidings-mail/tidings/internal/testsrv"
)

// TestSearchDovecot seeds one folder of 2,100 varied messages and checks
// search, sorting and threads against what a direct IMAP client gets from
// the same server for the same criteria, written out by hand.
func TestSearchDovecot(t *testing.T) {
	t.Parallel()
	d := testsrv.StartDovecot(t, dovecotUsers("searcher")...)
	d.WriteMaildir(t, "searcher", seedSearchFolder("Big"))
	appendAll(t, d.IMAPAddr, "searcher", threadMessages())
	t.Run("equivalence", func(t *testing.T) { testSearchEquivalence(t, d) })
	t.Run("all folders", func(t *testing.T) { testSearchAll(t, d) })
	t.Run("sort with SORT", func(t *testing.T) { testSortServer(t, d) })
	t.Run("sort fallback", func(t *testing.T) { testSortFallback(t, d) })
	t.Run("threads", func(t *testing.T) { testThreads(t, d) })
}

func day0(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func hdr(key, value string) imap.SearchCriteria {
	return imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: key, Value: value}}}
}

// quick is the quick search of one term, by hand: FROM or TO or SUBJECT
// or BODY.
func quick(term string) [2]imap.SearchCriteria {
	return [2]imap.SearchCriteria{hdr("From", term), {Or: [][2]imap.SearchCriteria{{hdr("To", term),
		{Or: [][2]imap.SearchCriteria{{hdr("Subject", term), {Body: []string{term}}}}}}}}}
}

var attachmentOr = [2]imap.SearchCriteria{hdr("Content-Type", "multipart/mixed"), hdr("Content-Type", "application/")}

var searchCases = []struct {
	name  string
	q     Query
	by    imap.SearchCriteria // the same criteria, written independently
	empty bool                // expected to match nothing
}{
	{"quick word", Query{Text: "carol"}, imap.SearchCriteria{Or: [][2]imap.SearchCriteria{quick("carol")}}, false},
	{"quick two words", Query{Text: "quarterly report"}, imap.SearchCriteria{Or: [][2]imap.SearchCriteria{quick("quarterly"), quick("report")}}, false},
	{"quick phrase", Query{Text: `"quarterly report"`}, imap.SearchCriteria{Or: [][2]imap.SearchCriteria{quick("quarterly report")}}, false},
	{"quick non-ASCII", Query{Text: "Grüße"}, imap.SearchCriteria{Or: [][2]imap.SearchCriteria{quick("Grüße")}}, false},
	{"quick CJK", Query{Text: "日本語"}, imap.SearchCriteria{Or: [][2]imap.SearchCriteria{quick("日本語")}}, false},
	{"subject with quotes", Query{Subject: `The "big"`}, hdr("Subject", `The "big"`), false},
	{"from non-ASCII name", Query{From: "Díaz"}, hdr("From", "Díaz"), false},
	{"from domain", Query{From: "example.org"}, hdr("From", "example.org"), false},
	{"to", Query{To: "zoe"}, hdr("To", "zoe"), false},
	{"cc", Query{Cc: "lee@"}, hdr("Cc", "lee@"), false},
	{"subject", Query{Subject: "invoice"}, hdr("Subject", "invoice"), false},
	{"body", Query{Body: "kangaroo"}, imap.SearchCriteria{Body: []string{"kangaroo"}}, false},
	{"body quoted-printable", Query{Body: "crème brûlée"}, imap.SearchCriteria{Body: []string{"crème brûlée"}}, false},
	{"since", Query{Since: day0(2025, 6, 1)}, imap.SearchCriteria{SentSince: day0(2025, 6, 1)}, false},
	{"until", Query{Until: day0(2024, 12, 31)}, imap.SearchCriteria{SentBefore: day0(2025, 1, 1)}, false},
	{"date range", Query{Since: day0(2025, 3, 1), Until: day0(2025, 3, 31)}, imap.SearchCriteria{SentSince: day0(2025, 3, 1), SentBefore: day0(2025, 4, 1)}, false},
	{"one day", Query{Since: day0(2025, 3, 14), Until: day0(2025, 3, 14)}, imap.SearchCriteria{SentSince: day0(2025, 3, 14), SentBefore: day0(2025, 3, 15)}, false},
	{"unread", Query{Unread: true}, imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}, false},
	{"flagged", Query{Flagged: true}, imap.SearchCriteria{Flag: []imap.Flag{imap.FlagFlagged}}, false},
	{"unread and flagged", Query{Unread: true, Flagged: true}, imap.SearchCriteria{Flag: []imap.Flag{imap.FlagFlagged}, NotFlag: []imap.Flag{imap.FlagSeen}}, false},
	{"has attachment", Query{HasAttachment: true}, imap.SearchCriteria{Or: [][2]imap.SearchCriteria{attachmentOr}}, false},
	{"larger", Query{Larger: 10000}, imap.SearchCriteria{Larger: 10000}, false},
	{"smaller", Query{Smaller: 1000}, imap.SearchCriteria{Smaller: 1000}, false},
	{"size range and sender", Query{Larger: 2000, Smaller: 30000, From: "carol"},
		imap.SearchCriteria{Larger: 2000, Smaller: 30000, Header: []imap.SearchCriteriaHeaderField{{Key: "From", Value: "carol"}}}, false},
	{"quick, unread, since", Query{Text: "invoice", Unread: true, Since: day0(2025, 1, 1)},
		imap.SearchCriteria{Or: [][2]imap.SearchCriteria{quick("invoice")}, NotFlag: []imap.Flag{imap.FlagSeen}, SentSince: day0(2025, 1, 1)}, false},
	{"body and attachment", Query{Body: "naïve café", HasAttachment: true},
		imap.SearchCriteria{Body: []string{"naïve café"}, Or: [][2]imap.SearchCriteria{attachmentOr}}, false},
	{"everything at once", Query{From: "bob", To: "example", Subject: "report", Body: "message", Since: day0(2024, 1, 1), Until: day0(2026, 12, 31), Larger: 100},
		imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "From", Value: "bob"}, {Key: "To", Value: "example"}, {Key: "Subject", Value: "report"}},
			Body: []string{"message"}, SentSince: day0(2024, 1, 1), SentBefore: day0(2027, 1, 1), Larger: 100}, false},
	{"no match", Query{Text: "xyzzy-nothing-here"}, imap.SearchCriteria{Or: [][2]imap.SearchCriteria{quick("xyzzy-nothing-here")}}, true},
	{"long string", Query{Subject: strings.Repeat("ä long subject ", 30)}, hdr("Subject", strings.Repeat("ä long subject ", 30)), true},
}

func testSearchEquivalence(t *testing.T, d *testsrv.Dovecot) {
	s := testSession(t, d.IMAPAddr, "searcher")
	other := direct(t, d.IMAPAddr, "searcher")
	if _, err := other.Select("Big", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	search := func(t *testing.T, q Query) []uint32 {
		var got []uint32
		err := s.read(t.Context(), "search", func(cn *conn) error {
			if _, err := cn.selectMailbox("Big"); err != nil {
				return err
			}
			var err error
			got, err = cn.searchUIDs(q.Criteria())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	for i, c := range searchCases {
		t.Run(c.name, func(t *testing.T) {
			// Through tidings: the Query's criteria, sent with ESEARCH, as
			// the UID list a view pages through; for some cases the view's
			// first page too. (A search without an index reads every
			// message, so each one costs.)
			got := search(t, c.q)
			total := len(got)
			if i%4 == 0 {
				_, v, err := s.View(t.Context(), ViewOptions{Mailbox: "Big", Query: c.q, Page: 1, PerPage: 50})
				if err != nil {
					t.Fatal(err)
				}
				for i, m := range v.Messages {
					if want := got[len(got)-1-i]; m.UID != want {
						t.Fatalf("page 1 row %d = UID %d, want %d (newest first)", i, m.UID, want)
					}
				}
				total = v.Total
			}
			// Plain SEARCH (no ESEARCH) on the direct client: another path
			// through the server, too.
			by := c.by
			data, err := other.UIDSearch(&by, nil).Wait()
			if err != nil {
				t.Fatal(err)
			}
			var want []uint32
			for _, u := range data.AllUIDs() {
				want = append(want, uint32(u))
			}
			t.Logf("%d matches", len(want))
			if !slices.Equal(got, want) || total != len(want) {
				t.Errorf("tidings found %d (total %d), direct client %d: differ", len(got), total, len(want))
			}
			if c.empty != (len(want) == 0) {
				t.Errorf("%d matches; the case expects empty=%v", len(want), c.empty)
			}
			if len(want) > 0 && len(want) == seedCount && c.name != "since" {
				t.Errorf("criteria match everything: not a useful case")
			}
		})
	}
	// Paged like folders: 50 a page, newest first, the same set.
	q := Query{Subject: "report"}
	all := search(t, q)
	_, p2, err := s.View(t.Context(), ViewOptions{Mailbox: "Big", Query: q, Page: 2, PerPage: 50})
	if err != nil {
		t.Fatal(err)
	}
	if p2.Total != len(all) || len(p2.Messages) != 50 || p2.MaxUID != all[len(all)-1] {
		t.Fatalf("page 2 of %d: %d rows, max %d", p2.Total, len(p2.Messages), p2.MaxUID)
	}
	for i, m := range p2.Messages {
		if want := all[len(all)-51-i]; m.UID != want {
			t.Fatalf("page 2 row %d = UID %d, want %d", i, m.UID, want)
		}
	}
}

func testSearchAll(t *testing.T, d *testsrv.Dovecot) {
	s := testSession(t, d.IMAPAddr, "searcher")
	other := direct(t, d.IMAPAddr, "searcher")
	q := Query{Text: "kangaroo"}
	_, hits, err := s.SearchAll(t.Context(), q, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, box := range []string{"INBOX", "Big", "Archive", "Trash", "Sent", "Drafts", "Junk"} {
		if _, err := other.Select(box, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
			t.Fatal(err)
		}
		data, err := other.UIDSearch(&imap.SearchCriteria{Or: [][2]imap.SearchCriteria{quick("kangaroo")}}, nil).Wait()
		if err != nil {
			t.Fatal(err)
		}
		if n := len(data.AllUIDs()); n > 0 {
			want[box] = n
		}
	}
	got := map[string]int{}
	for _, h := range hits {
		got[h.Mailbox.Name] = h.Total
		if len(h.Messages) != min(10, h.Total) {
			t.Errorf("%s: %d rows for %d hits", h.Mailbox.Name, len(h.Messages), h.Total)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || len(want) != 2 {
		t.Errorf("hits per folder = %v, direct client %v (want INBOX and Big)", got, want)
	}
}

// sortedOrder is tidings' whole order of Big by o: the UID list a sorted
// view pages through.
func sortedOrder(t *testing.T, s *Session, o Order) []uint32 {
	t.Helper()
	var out []uint32
	err := s.read(t.Context(), "sort", func(cn *conn) error {
		n, err := cn.selectMailbox("Big")
		if err != nil {
			return err
		}
		var ok bool
		out, ok, err = cn.sortedUIDs(&imap.SearchCriteria{}, nil, n, o, SortFallbackLimit)
		if err == nil && !ok {
			t.Errorf("%+v: not sorted", o)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var sortKeys = map[SortKey]imapclient.SortKey{
	SortArrival: imapclient.SortKeyArrival, SortDate: imapclient.SortKeyDate, SortFrom: "DISPLAYFROM",
	SortSubject: imapclient.SortKeySubject, SortSize: imapclient.SortKeySize,
}

func testSortServer(t *testing.T, d *testsrv.Dovecot) {
	s := testSession(t, d.IMAPAddr, "searcher")
	other := direct(t, d.IMAPAddr, "searcher")
	if _, err := other.Select("Big", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	for key, ik := range sortKeys {
		for _, asc := range []bool{true, false} {
			got := sortedOrder(t, s, Order{Key: key, Asc: asc})
			want, err := other.UIDSort(&imapclient.SortOptions{SearchCriteria: &imap.SearchCriteria{},
				SortCriteria: []imapclient.SortCriterion{{Key: ik, Reverse: !asc}}}).Wait()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) || len(got) != seedCount {
				t.Errorf("%s asc=%v: tidings order differs from UID SORT", key, asc)
			}
		}
	}
	// A sorted view pages through that order: page 3 is its third slice.
	all := sortedOrder(t, s, Order{Key: SortSize})
	_, v, err := s.View(t.Context(), ViewOptions{Mailbox: "Big", Order: Order{Key: SortSize}, Page: 3, PerPage: 50})
	if err != nil {
		t.Fatal(err)
	}
	if v.SortUnavailable || v.Total != seedCount || len(v.Messages) != 50 {
		t.Fatalf("sorted page 3: %d of %d, unavailable %v", len(v.Messages), v.Total, v.SortUnavailable)
	}
	for i, m := range v.Messages {
		if m.UID != all[100+i] {
			t.Fatalf("page 3 row %d = UID %d, want %d", i, m.UID, all[100+i])
		}
	}
}

func testSortFallback(t *testing.T, d *testsrv.Dovecot) {
	s := testSession(t, d.IMAPAddr, "searcher")
	without(t, s, imap.CapSort)
	server := testSession(t, d.IMAPAddr, "searcher")
	other := direct(t, d.IMAPAddr, "searcher")
	sd, err := other.Select("Big", &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	var all imap.SeqSet
	all.AddRange(1, sd.NumMessages)
	msgs, err := other.Fetch(all, &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[uint32]int64{}
	for _, m := range msgs {
		sizes[uint32(m.UID)] = m.RFC822Size
	}
	for _, asc := range []bool{true, false} {
		got := sortedOrder(t, s, Order{Key: SortSize, Asc: asc})
		want := sortedOrder(t, server, Order{Key: SortSize, Asc: asc})
		if len(got) != len(want) || len(got) != seedCount {
			t.Fatalf("fallback size sort: %d of %d", len(got), len(want))
		}
		// Same sizes in the same order (ties may be broken differently).
		for i := range got {
			if sizes[got[i]] != sizes[want[i]] {
				t.Fatalf("asc=%v row %d: size %d, UID SORT has %d", asc, i, sizes[got[i]], sizes[want[i]])
			}
		}
	}
	// Search plus sort without SORT: search first, then sort the matches.
	o := ViewOptions{Mailbox: "Big", Query: Query{From: "carol"}, Order: Order{Key: SortDate}, Page: 2, PerPage: 50}
	_, fv, err := s.View(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	_, sv, err := server.View(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	if fv.Total != sv.Total || fv.Total < 100 || fv.SortUnavailable {
		t.Fatalf("search+sort fallback found %d, server %d", fv.Total, sv.Total)
	}
	for i := range fv.Messages {
		if !fv.Messages[i].Date.Equal(sv.Messages[i].Date) {
			t.Fatalf("date order differs at row %d", i)
		}
	}
	// Too large to sort here: arrival order, and said so.
	err = s.read(t.Context(), "sort", func(cn *conn) error {
		n, err := cn.selectMailbox("Big")
		if err != nil {
			return err
		}
		_, ok, err := cn.sortedUIDs(&imap.SearchCriteria{}, nil, n, Order{Key: SortSize}, 100)
		if ok || err != nil {
			t.Errorf("sorting %d messages with a limit of 100: ok %v, %v", n, ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
