package imapproxy

import (
	"context"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// FlagForwarded is the keyword clients set on forwarded messages (RFC 5788
// registry).
const FlagForwarded = "$Forwarded"

// Folder returns the sidebar's folders and one page of mailbox, newest
// first: View in the folder's own order.
func (s *Session) Folder(ctx context.Context, mailbox string, page, perPage int) ([]Mailbox, *MessagePage, error) {
	boxes, v, err := s.View(ctx, ViewOptions{Mailbox: mailbox, Page: page, PerPage: perPage})
	if err != nil {
		return boxes, nil, err
	}
	return boxes, &v.MessagePage, nil
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
