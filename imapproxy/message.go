package imapproxy

import (
	"context"
	"io"

	"github.com/emersion/go-imap/v2"

	"github.com/tidings-mail/tidings/imapproxy/message"
)

// MessageView is an opened message: its flags and its parsed content.
type MessageView struct {
	UID      uint32
	Size     int64
	Seen     bool // as it was before this open
	Flagged  bool
	Answered bool
	Msg      *message.Message
}

// Message opens one message with the sidebar's folders: LIST is pipelined
// with SELECT/NOOP, then one UID FETCH (RFC 9051 §6.4.5) streams
// BODY.PEEK[] through the MIME parser, which keeps only the text parts
// (bounded) and counts the rest. If markSeen and the message was unread, a
// UID STORE +FLAGS.SILENT (\Seen) follows (§6.4.6).
func (s *Session) Message(ctx context.Context, mailbox string, uid uint32, markSeen bool) ([]Mailbox, *MessageView, error) {
	var boxes []Mailbox
	var mv *MessageView
	err := s.read(ctx, "open message", func(cn *conn) error {
		var err error
		boxes, err = s.withSidebar(cn, func() error {
			mv, err = cn.message(mailbox, uid, markSeen, message.Options{})
			return err
		})
		return err
	})
	if err == nil && markSeen && !mv.Seen {
		// Marked read: the folder's unread count changed. Opening a
		// message already read changes nothing, and keeps the list.
		s.p.dropSidebar(s.id, "mark read")
	}
	return boxes, mv, err
}

// inlineImageBudget bounds the cid: images kept for one HTML body.
const inlineImageBudget = 10 << 20

// MessageContent opens one message without the sidebar and without
// touching its flags, keeping its inline (cid:) images' bytes up to a
// budget: the HTML body frame embeds them, having no cookie to fetch them.
func (s *Session) MessageContent(ctx context.Context, mailbox string, uid uint32) (*MessageView, error) {
	var mv *MessageView
	err := s.read(ctx, "read message", func(cn *conn) error {
		var err error
		mv, err = cn.message(mailbox, uid, false, message.Options{KeepImages: inlineImageBudget})
		return err
	})
	return mv, err
}

func (cn *conn) message(mailbox string, uid uint32, markSeen bool, opt message.Options) (*MessageView, error) {
	if _, err := cn.selectMailbox(mailbox); err != nil {
		return nil, err
	}
	mv := &MessageView{UID: uid}
	section := &imap.FetchItemBodySection{Peek: true}
	cmd := cn.c.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{
		UID: true, Flags: true, RFC822Size: true,
		BodySection: []*imap.FetchItemBodySection{section},
	})
	found, err := false, error(nil)
	for msg := cmd.Next(); msg != nil && err == nil; msg = cmd.Next() {
		for item := msg.Next(); item != nil; item = msg.Next() {
			switch item := item.(type) {
			case imapclientFlags:
				mv.setFlags(item.Flags)
			case imapclientSize:
				mv.Size = item.Size
			case imapclientBody:
				if item.Literal == nil {
					continue
				}
				var m *message.Message
				m, err = message.Parse(item.Literal, opt)
				// Drain what the parser left, so the connection stays in sync.
				_, _ = io.Copy(io.Discard, item.Literal)
				mv.Msg, found = m, err == nil
			}
		}
	}
	// Close exactly once: a second Close of a finished go-imap command
	// waits forever.
	if cerr := cmd.Close(); cerr != nil {
		return nil, cerr
	}
	if err != nil {
		return nil, &opError{kind: ErrNoMessage, op: "parse message", cause: err}
	}
	if !found {
		return nil, &opError{kind: ErrNoMessage, op: "fetch message", cause: nil}
	}
	if markSeen && !mv.Seen {
		if err := cn.storeFlags([]uint32{uid}, imap.FlagSeen, true); err != nil {
			return nil, err
		}
	}
	return mv, nil
}

func (mv *MessageView) setFlags(flags []imap.Flag) {
	for _, f := range flags {
		switch f {
		case imap.FlagSeen:
			mv.Seen = true
		case imap.FlagFlagged:
			mv.Flagged = true
		case imap.FlagAnswered:
			mv.Answered = true
		}
	}
}
