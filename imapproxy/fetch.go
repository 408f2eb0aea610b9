package imapproxy

import (
	"context"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// FlagForwarded is the keyword clients set on forwarded messages (RFC 5788
// registry).
const FlagForwarded = "$Forwarded"

// Folder returns the sidebar's folders and one page of mailbox, newest
// first, in two round trips whatever the folder's size: LIST is pipelined
// with SELECT (or NOOP), then one FETCH (RFC 9051 §6.4.5) asks for the
// page's messages only, by sequence range. page is clamped to the folder.
func (s *Session) Folder(ctx context.Context, mailbox string, page, perPage int) ([]Mailbox, *MessagePage, error) {
	var boxes []Mailbox
	var mp *MessagePage
	err := s.read(ctx, "open folder", func(cn *conn) error {
		var err error
		boxes, err = withMailboxes(cn, func() error {
			mp, err = cn.page(mailbox, page, perPage)
			return err
		})
		return err
	})
	return boxes, mp, err
}

// withMailboxes runs fn while a LIST for the sidebar is in flight on the
// same connection, so the sidebar costs no round trip of its own. The LIST
// is drained in its own goroutine: go-imap buffers only 64 LIST replies
// before its reader waits for us.
func withMailboxes(cn *conn, fn func() error) ([]Mailbox, error) {
	type result struct {
		boxes []Mailbox
		err   error
	}
	ch := make(chan result, 1)
	go func() {
		b, err := cn.mailboxes()
		ch <- result{b, err}
	}()
	err := fn()
	r := <-ch
	if err != nil {
		return r.boxes, err
	}
	return r.boxes, r.err
}

func (cn *conn) page(mailbox string, page, perPage int) (*MessagePage, error) {
	n, err := cn.selectMailbox(mailbox)
	if err != nil {
		return nil, err
	}
	mp := &MessagePage{Mailbox: mailbox, Total: int(n), PerPage: perPage, UIDValidity: cn.uidValidity}
	mp.Page = min(max(page, 1), mp.Pages())
	hi := int(n) - (mp.Page-1)*perPage
	if hi < 1 {
		return mp, nil
	}
	lo := max(1, hi-perPage+1)
	var set imap.SeqSet
	set.AddRange(uint32(lo), uint32(hi))
	msgs, err := cn.c.Fetch(set, summaryFetch).Collect()
	if err != nil {
		return nil, err
	}
	// Newest (highest sequence number) first.
	slices.SortFunc(msgs, func(a, b *imapclient.FetchMessageBuffer) int { return int(b.SeqNum) - int(a.SeqNum) })
	mp.Messages = make([]MessageSummary, 0, len(msgs))
	for _, m := range msgs {
		mp.Messages = append(mp.Messages, summaryFrom(m))
	}
	return mp, nil
}

var summaryFetch = &imap.FetchOptions{
	UID:           true,
	Flags:         true,
	Envelope:      true,
	RFC822Size:    true,
	InternalDate:  true,
	BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
}

func summaryFrom(m *imapclient.FetchMessageBuffer) MessageSummary {
	s := MessageSummary{UID: uint32(m.UID), Size: m.RFC822Size, Date: m.InternalDate}
	if env := m.Envelope; env != nil {
		s.Subject = env.Subject
		s.From = addresses(env.From)
		s.To = addresses(env.To)
		if !env.Date.IsZero() {
			s.Date = env.Date
		}
	}
	for _, f := range m.Flags {
		switch {
		case f == imap.FlagSeen:
			s.Seen = true
		case f == imap.FlagFlagged:
			s.Flagged = true
		case f == imap.FlagAnswered:
			s.Answered = true
		case f == imap.FlagDraft:
			s.Draft = true
		case strings.EqualFold(string(f), FlagForwarded):
			s.Forwarded = true
		}
	}
	s.HasAttachment = hasAttachment(m.BodyStructure)
	return s
}

func addresses(in []imap.Address) []Address {
	out := make([]Address, 0, len(in))
	for _, a := range in {
		if a.IsGroupStart() || a.IsGroupEnd() {
			continue
		}
		out = append(out, Address{Name: a.Name, Email: a.Addr()})
	}
	return out
}

// hasAttachment says whether a body structure holds a part the user would
// call an attachment: one marked so, or one with a file name that is not
// an inline image of an HTML body.
func hasAttachment(bs imap.BodyStructure) bool {
	if bs == nil {
		return false
	}
	found := false
	bs.Walk(func(path []int, part imap.BodyStructure) bool {
		if found {
			return false
		}
		sp, ok := part.(*imap.BodyStructureSinglePart)
		if !ok {
			return true
		}
		if d := sp.Disposition(); d != nil && strings.EqualFold(d.Value, "attachment") {
			found = true
		} else if sp.Filename() != "" && (d == nil || !strings.EqualFold(d.Value, "inline")) && !strings.HasPrefix(sp.MediaType(), "text/") {
			found = true
		} else if sp.MediaType() == "message/rfc822" || sp.MediaType() == "application/ms-tnef" {
			found = true
		}
		return true
	})
	return found
}
