package imapproxy

import (
	"bufio"
	"context"
	"io"
	"net/textproto"
	"strings"

	"github.com/emersion/go-imap/v2"

	"github.com/tidings-mail/tidings/imapproxy/message"
)

// OriginField is the header field Tidings adds to the drafts it saves (and
// only to drafts) to remember which message a draft answers or forwards,
// so the original can be flagged \Answered or $Forwarded when the draft
// is finally sent from another session.
const OriginField = "X-Tidings-Origin"

// EditView is a message opened to be edited again: where it is, what it
// says, and its OriginField, if any.
type EditView struct {
	Ref    MessageRef
	Msg    *message.Message
	Origin string
	Size   int64 // RFC822.SIZE: the message as stored, in bytes
}

// OpenForEdit reads a message (a draft) to continue editing it, in one
// UID FETCH of BODY.PEEK[] and BODY.PEEK[HEADER.FIELDS (X-Tidings-Origin)]
// (RFC 9051 §6.4.5), without touching its flags. The reference carries the
// UIDVALIDITY, so the draft can later be replaced safely.
func (s *Session) OpenForEdit(ctx context.Context, mailbox string, uid uint32) (*EditView, error) {
	var ev *EditView
	err := s.read(ctx, "open draft", func(cn *conn) error {
		if _, err := cn.selectMailbox(mailbox); err != nil {
			return err
		}
		ev = &EditView{Ref: MessageRef{Mailbox: mailbox, UIDValidity: cn.uidValidity, UID: uid}}
		full := &imap.FetchItemBodySection{Peek: true}
		origin := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{OriginField}, Peek: true}
		cmd := cn.c.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{
			UID: true, RFC822Size: true, BodySection: []*imap.FetchItemBodySection{origin, full},
		})
		var parseErr error
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			for item := msg.Next(); item != nil; item = msg.Next() {
				if size, ok := item.(imapclientSize); ok {
					ev.Size = size.Size
				}
				body, ok := item.(imapclientBody)
				if !ok || body.Literal == nil {
					continue
				}
				if body.Section != nil && body.Section.Specifier == imap.PartSpecifierHeader {
					ev.Origin = originFrom(body.Literal)
				} else if ev.Msg == nil {
					ev.Msg, parseErr = message.Parse(body.Literal, message.Options{})
				}
				// Drain what the parser left, so the connection stays in sync.
				_, _ = io.Copy(io.Discard, body.Literal)
			}
		}
		// Close exactly once: a second Close of a finished command hangs.
		if err := cmd.Close(); err != nil {
			return err
		}
		if parseErr != nil || ev.Msg == nil {
			return &opError{kind: ErrNoMessage, op: "open draft", cause: parseErr}
		}
		return nil
	})
	return ev, err
}

// originFrom reads OriginField from a HEADER.FIELDS answer.
func originFrom(r io.Reader) string {
	h, err := textproto.NewReader(bufio.NewReader(io.LimitReader(r, 4096))).ReadMIMEHeader()
	if err != nil && len(h) == 0 {
		return ""
	}
	return strings.TrimSpace(h.Get(OriginField))
}
