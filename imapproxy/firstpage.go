package imapproxy

import (
	"slices"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// firstPage remembers page 1 of the folder selected on a connection, the
// most asked page there is, so that the next one costs one round trip
// instead of two (pipelinedFirstPage).
type firstPage struct {
	mailbox     string // "" when nothing is remembered
	uidValidity uint32
	perPage     int
	low, high   uint32 // the UIDs of its oldest and newest rows
}

// remember notes page 1 of v, or forgets when v is another page.
func (cn *conn) rememberFirstPage(v *View) {
	cn.first = firstPage{}
	if v.Page != 1 || len(v.Messages) == 0 || cn.selected != v.Mailbox {
		return
	}
	fp := firstPage{mailbox: v.Mailbox, uidValidity: cn.uidValidity, perPage: v.PerPage, low: v.Messages[0].UID, high: v.Messages[0].UID}
	for _, m := range v.Messages {
		fp.low, fp.high = min(fp.low, m.UID), max(fp.high, m.UID)
	}
	cn.first = fp
}

// pipelinedFirstPage answers page 1 of the folder's own order in one
// round trip when the connection has the folder selected and drew its
// page 1 before: the NOOP that collects the news (RFC 9051 §6.1.2) goes
// out together with a UID FETCH of the UIDs from the old page's oldest
// row to its newest plus a page (§6.4.9). UIDs only grow, and new mail
// takes the next ones, so unless more than a page arrived or rows were
// expunged, the newest PerPage messages are among them; at most two
// pages of rows come back, however much the folder holds.
//
// A server may answer the two in either order: the in-memory one answers
// the NOOP first, so new mail is in the FETCH's answer; Dovecot runs them
// side by side and reports new mail and expunges after the FETCH's rows
// (whose flags are current). Either way the answer is used only when it
// is the whole page 1 of the folder as the server reports it once both
// are done: the newest message (sequence number = message count) and
// the PerPage below it, every one with its envelope. Otherwise
// (more new mail than a page, expunges among the rows, a FETCH of the
// NOOP's news claimed by the UID FETCH) it returns nil and the caller asks
// again the usual way, the news already known: two round trips, as
// without the memory. tried says whether the pair was sent (then the
// news is known and the caller needs no NOOP of its own).
func (cn *conn) pipelinedFirstPage(o ViewOptions) (v *View, tried bool, err error) {
	fp := cn.first
	cn.first = firstPage{}
	if fp.mailbox == "" || fp.mailbox != o.Mailbox || cn.selected != o.Mailbox || fp.uidValidity != cn.uidValidity || fp.perPage != o.PerPage {
		return nil, false, nil
	}
	var set imap.UIDSet
	set.AddRange(imap.UID(fp.low), imap.UID(min(uint64(fp.high)+uint64(o.PerPage), uint64(maxUID))))
	noop := cn.c.Noop()
	fetch := cn.c.Fetch(set, summaryFetch)
	msgs, ferr := fetch.Collect()
	if err := noop.Wait(); err != nil {
		return nil, true, err
	}
	if ferr != nil {
		var ie *imap.Error
		if asIMAPError(ferr, &ie) {
			return nil, true, nil // refused (a server's view of expunged rows, say): ask the usual way
		}
		return nil, true, ferr
	}
	mb := cn.c.Mailbox()
	if mb == nil {
		return nil, true, nil
	}
	n := mb.NumMessages
	if n == 0 {
		return nil, true, nil
	}
	slices.SortFunc(msgs, func(a, b *imapclient.FetchMessageBuffer) int { return int(b.SeqNum) - int(a.SeqNum) })
	want := min(o.PerPage, int(n))
	if len(msgs) < want {
		return nil, true, nil
	}
	for i, m := range msgs[:want] {
		if m.SeqNum != n-uint32(i) || m.Envelope == nil || m.UID == 0 {
			return nil, true, nil
		}
	}
	v = &View{
		MessagePage: MessagePage{Mailbox: o.Mailbox, Total: int(n), Page: 1, PerPage: o.PerPage, UIDValidity: cn.uidValidity},
		Order:       o.Order,
		Features:    cn.features(),
	}
	for _, m := range msgs[:want] {
		v.Messages = append(v.Messages, summaryFrom(m))
		v.MaxUID = max(v.MaxUID, uint32(m.UID))
	}
	return v, true, nil
}
