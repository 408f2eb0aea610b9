package imapproxy

import (
	"context"
	"slices"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// ViewOptions asks for one page of a folder: all of it or what a search
// matches, in some order.
type ViewOptions struct {
	Mailbox string
	Query   Query // zero: every message
	Order   Order
	Page    int // 1-based, clamped
	PerPage int
}

// View is one page of a folder or of a search in it.
type View struct {
	MessagePage // Total counts the matches
	Order       Order
	// SortUnavailable: the order asked for could not be applied (no SORT
	// and more than SortFallbackLimit messages); the page is in arrival
	// order, newest first.
	SortUnavailable bool
	// MaxUID is the newest UID in the folder or result, the bound of an
	// "all messages" action (Selection.UpTo); 0 when unknown.
	MaxUID   uint32
	Features Features

	pipelined pipelinedOutcome // for the pool's counters
}

// pipelinedOutcome says how a pipelined page 1 went (firstpage.go).
type pipelinedOutcome uint8

const (
	pipelinedNone  pipelinedOutcome = iota // not tried
	pipelinedOne                           // answered in one round trip
	pipelinedAgain                         // the folder had changed too much: asked again
)

// View returns the sidebar's folders and one page of o. Whatever the
// folder's size, only the page's messages are fetched in full (one
// UID FETCH, RFC 9051 §6.4.5 and §6.4.9): the order comes from SORT
// (RFC 5256) or SEARCH (RFC 9051 §6.4.4) as a list of UIDs, or, for the
// folder's own order, from sequence numbers without any search.
func (s *Session) View(ctx context.Context, o ViewOptions) ([]Mailbox, *View, error) {
	var boxes []Mailbox
	var v *View
	err := s.read(ctx, "open folder", func(cn *conn) error {
		var err error
		boxes, err = s.withSidebar(cn, func() error {
			v, err = cn.view(o)
			return err
		})
		return err
	})
	if v != nil {
		switch v.pipelined {
		case pipelinedOne:
			s.p.stats.firstPagesPipelined.Add(1)
		case pipelinedAgain:
			s.p.stats.firstPagesAgain.Add(1)
		}
	}
	return boxes, v, err
}

func (cn *conn) view(o ViewOptions) (*View, error) {
	ownOrder := o.Query.IsZero() && o.Order.Key == SortDefault && !o.Order.Asc
	tried := false
	if ownOrder && o.Page <= 1 {
		var v *View
		var err error
		v, tried, err = cn.pipelinedFirstPage(o)
		if err != nil || v != nil {
			if v != nil {
				v.pipelined = pipelinedOne
				cn.rememberFirstPage(v)
			}
			return v, err
		}
	}
	var n uint32
	var err error
	if mb := cn.c.Mailbox(); tried && mb != nil {
		n = mb.NumMessages // the pipelined NOOP brought the news
	} else if n, err = cn.selectMailbox(o.Mailbox); err != nil {
		return nil, err
	}
	v := &View{
		MessagePage: MessagePage{Mailbox: o.Mailbox, Total: int(n), PerPage: o.PerPage, UIDValidity: cn.uidValidity},
		Order:       o.Order,
		Features:    cn.features(),
	}
	if ownOrder {
		err := cn.sequencePage(v, n, o.Page)
		if err == nil {
			cn.rememberFirstPage(v)
			if tried {
				v.pipelined = pipelinedAgain
			}
		}
		return v, err
	}
	var uids []uint32 // in display order
	crit := o.Query.Criteria()
	if o.Order.Key == SortDefault {
		if uids, err = cn.searchUIDs(crit); err != nil {
			return nil, err
		}
		if !o.Order.Asc {
			slices.Reverse(uids)
		}
	} else {
		var matched []uint32 // nil: the whole folder
		if !o.Query.IsZero() && !cn.has(imap.CapSort) {
			if matched, err = cn.searchUIDs(crit); err != nil {
				return nil, err
			}
		}
		var ok bool
		uids, ok, err = cn.sortedUIDs(crit, matched, n, o.Order, SortFallbackLimit)
		if err != nil {
			return nil, err
		}
		if !ok {
			v.SortUnavailable, v.Order = true, Order{}
			if o.Query.IsZero() {
				return v, cn.sequencePage(v, n, o.Page)
			}
			uids = slices.Clone(matched)
			slices.Reverse(uids)
		}
	}
	v.Total = len(uids)
	for _, u := range uids {
		v.MaxUID = max(v.MaxUID, u)
	}
	v.Page = min(max(o.Page, 1), v.Pages())
	lo := (v.Page - 1) * o.PerPage
	hi := min(lo+o.PerPage, len(uids))
	if lo >= hi {
		return v, nil
	}
	v.Messages, err = cn.summaries(uids[lo:hi])
	return v, err
}

// sequencePage fills v with page of the folder's own order, newest
// first, by sequence numbers (the cheapest listing there is). UIDs rise
// with sequence numbers, so the newest UID is that of message n: on page 1
// it is among the rows; on later pages a FETCH n (UID) rides in the same
// round trip. (UID SEARCH RETURN (MAX) would answer too, but Dovecot walks
// the whole folder for it: 15-20 ms at 100,000 messages, on every page.)
func (cn *conn) sequencePage(v *View, n uint32, page int) error {
	v.Page = min(max(page, 1), v.Pages())
	hi := int(n) - (v.Page-1)*v.PerPage
	if hi < 1 {
		return nil
	}
	var newest *imapclient.FetchCommand
	if uint32(hi) < n {
		// Not overlapping the page's range: go-imap matches FETCH
		// replies to commands by sequence set.
		newest = cn.c.Fetch(imap.SeqSetNum(n), &imap.FetchOptions{UID: true})
	}
	var set imap.SeqSet
	set.AddRange(uint32(max(1, hi-v.PerPage+1)), uint32(hi))
	msgs, err := cn.c.Fetch(set, summaryFetch).Collect()
	if newest != nil {
		top, nerr := newest.Collect()
		if nerr == nil && len(top) > 0 {
			v.MaxUID = uint32(top[0].UID)
		} else if err == nil {
			err = nerr
		}
	}
	if err != nil {
		return err
	}
	slices.SortFunc(msgs, func(a, b *imapclient.FetchMessageBuffer) int { return int(b.SeqNum) - int(a.SeqNum) })
	for _, m := range msgs {
		v.Messages = append(v.Messages, summaryFrom(m))
		if newest == nil {
			v.MaxUID = max(v.MaxUID, uint32(m.UID))
		}
	}
	return nil
}

// summaries fetches the list rows of uids with one UID FETCH and returns
// them in the order of uids. A message expunged meanwhile is left out.
func (cn *conn) summaries(uids []uint32) ([]MessageSummary, error) {
	msgs, err := cn.c.Fetch(uidSetOf(uids), summaryFetch).Collect()
	if err != nil {
		return nil, err
	}
	byUID := make(map[uint32]MessageSummary, len(msgs))
	for _, m := range msgs {
		byUID[uint32(m.UID)] = summaryFrom(m)
	}
	out := make([]MessageSummary, 0, len(uids))
	for _, u := range uids {
		if s, ok := byUID[u]; ok {
			out = append(out, s)
		}
	}
	return out, nil
}
