package imapproxy

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// SortKey is what a folder view is ordered by.
type SortKey string

// The orders the UI offers. The zero key is the folder's own order (by
// sequence number, which needs no sorting at all).
const (
	SortDefault SortKey = ""
	SortArrival SortKey = "arrival" // INTERNALDATE
	SortDate    SortKey = "date"    // the Date header
	SortFrom    SortKey = "from"    // the sender as displayed
	SortSubject SortKey = "subject" // the base subject (RFC 5256 §2.1)
	SortSize    SortKey = "size"
)

// Order is a sort key and direction. The zero Order is newest first.
type Order struct {
	Key SortKey
	Asc bool
}

// SortFallbackLimit is the largest folder (or search result) sorted on a
// server without SORT: the sort key of each message is fetched (ENVELOPE,
// RFC822.SIZE or INTERNALDATE, never a body) and sorted here. Beyond it
// the view stays in arrival order and says so.
const SortFallbackLimit = 3000

// sortedUIDs orders uids (ascending, all in the selected folder; nil for
// the whole folder of n messages) by o. With SORT (RFC 5256 §3) the
// server does it in one round trip; otherwise the keys are fetched.
// ok is false when there are more than limit messages to sort without
// SORT.
func (cn *conn) sortedUIDs(c *imap.SearchCriteria, uids []uint32, n uint32, o Order, limit int) (out []uint32, ok bool, err error) {
	if cn.has(imap.CapSort) {
		key := imapclient.SortKey(strings.ToUpper(string(o.Key)))
		if o.Key == SortFrom && cn.has("SORT=DISPLAY") {
			key = "DISPLAYFROM" // RFC 5957: the name people see, not the local part
		}
		nums, err := cn.c.UIDSort(&imapclient.SortOptions{
			SearchCriteria: c,
			SortCriteria:   []imapclient.SortCriterion{{Key: key, Reverse: !o.Asc}},
		}).Wait()
		return nums, true, err
	}
	size := int(n)
	if uids != nil {
		size = len(uids)
	}
	if size > limit {
		return nil, false, nil
	}
	if size == 0 {
		return nil, true, nil
	}
	keys, err := cn.fetchSortKeys(uids, n, o.Key)
	if err != nil {
		return nil, false, err
	}
	slices.SortStableFunc(keys, func(a, b sortItem) int {
		c := compareKeys(a, b, o.Key)
		if !o.Asc {
			c = -c
		}
		if c == 0 {
			c = cmp.Compare(a.uid, b.uid) // RFC 5256 §3: ties keep mailbox order
		}
		return c
	})
	out = make([]uint32, len(keys))
	for i, k := range keys {
		out[i] = k.uid
	}
	return out, true, nil
}

type sortItem struct {
	uid  uint32
	text string
	num  int64
	when time.Time
}

// fetchSortKeys fetches only what o's key needs for uids (or 1:n).
func (cn *conn) fetchSortKeys(uids []uint32, n uint32, key SortKey) ([]sortItem, error) {
	opts := &imap.FetchOptions{UID: true}
	switch key {
	case SortSize:
		opts.RFC822Size = true
	case SortArrival:
		opts.InternalDate = true
	default:
		opts.Envelope, opts.InternalDate = true, true
	}
	var set imap.NumSet
	if uids == nil {
		var seq imap.SeqSet
		seq.AddRange(1, n)
		set = seq
	} else {
		set = uidSetOf(uids)
	}
	msgs, err := cn.c.Fetch(set, opts).Collect()
	if err != nil {
		return nil, err
	}
	items := make([]sortItem, 0, len(msgs))
	for _, m := range msgs {
		it := sortItem{uid: uint32(m.UID), num: m.RFC822Size, when: m.InternalDate}
		if env := m.Envelope; env != nil {
			switch key {
			case SortDate:
				if !env.Date.IsZero() {
					it.when = env.Date
				}
			case SortFrom:
				it.text = displayFrom(env.From)
			case SortSubject:
				it.text = BaseSubject(env.Subject)
			}
		}
		items = append(items, it)
	}
	return items, nil
}

func compareKeys(a, b sortItem, key SortKey) int {
	switch key {
	case SortSize:
		return cmp.Compare(a.num, b.num)
	case SortFrom, SortSubject:
		return strings.Compare(a.text, b.text)
	default:
		return a.when.Compare(b.when)
	}
}

// displayFrom is the DISPLAYFROM key (RFC 5957 §3): the first sender's
// display name, else its address, case-folded.
func displayFrom(from []imap.Address) string {
	for _, a := range from {
		if a.IsGroupStart() || a.IsGroupEnd() {
			continue
		}
		if n := strings.TrimSpace(a.Name); n != "" {
			return strings.ToLower(n)
		}
		return strings.ToLower(a.Addr())
	}
	return ""
}

// BaseSubject reduces a subject to what RFC 5256 §2.1 sorts and threads
// by: no "Re:", "Fw:", "Fwd:" (with an optional "[blob]"), no leading
// "[list-tag]", no trailing "(fwd)", folded whitespace, case-folded.
func BaseSubject(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	for {
		before := s
		s = strings.TrimSpace(strings.TrimSuffix(s, "(fwd)"))
		for _, p := range []string{"re", "fwd", "fw"} {
			if rest, ok := strings.CutPrefix(s, p); ok {
				rest = skipBlob(strings.TrimLeft(rest, " "))
				if r, ok := strings.CutPrefix(rest, ":"); ok {
					s = strings.TrimSpace(r)
				}
			}
		}
		if strings.HasPrefix(s, "[") {
			if rest := skipBlob(s); rest != "" && rest != s {
				s = strings.TrimSpace(rest)
			}
		}
		if inner, ok := strings.CutPrefix(s, "[fwd:"); ok && strings.HasSuffix(inner, "]") {
			s = strings.TrimSpace(strings.TrimSuffix(inner, "]"))
		}
		if s == before {
			return s
		}
	}
}

// skipBlob drops one leading "[...]" (RFC 5256 subj-blob).
func skipBlob(s string) string {
	if !strings.HasPrefix(s, "[") {
		return s
	}
	end := strings.IndexByte(s, ']')
	if end < 0 || strings.ContainsAny(s[1:end], "[") {
		return s
	}
	return strings.TrimLeft(s[end+1:], " ")
}

func uidSetOf(uids []uint32) imap.UIDSet {
	var set imap.UIDSet
	for _, u := range uids {
		set.AddNum(imap.UID(u))
	}
	return set
}
