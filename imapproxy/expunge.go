package imapproxy

import (
	"context"

	"github.com/emersion/go-imap/v2"
)

// Delete deletes the selected messages the way people expect: outside
// Trash they move to Trash (created when missing); inside Trash they are
// removed for good, but only when confirmed — otherwise nothing happens
// and the result asks for confirmation.
//
// Removal is UID STORE +FLAGS.SILENT (\Deleted) then UID EXPUNGE of the
// same UIDs (RFC 4315 §2.1). A server without UIDPLUS could only do a
// plain EXPUNGE (RFC 9051 §6.4.3), which also removes every other
// message flagged \Deleted by any client, so there it is refused with
// ErrUnsupported before anything changes.
func (s *Session) Delete(ctx context.Context, mailbox string, sel Selection, confirmed bool) (Result, error) {
	var res Result
	err := s.write(ctx, "delete messages", func(cn *conn) error {
		trash, err := cn.resolve(Target{Use: UseTrash})
		if err != nil {
			return err
		}
		if mailbox != trash {
			res, err = cn.move(mailbox, sel, trash)
			return err
		}
		if !confirmed {
			res.Confirm = true
			return nil
		}
		res, err = cn.expunge(mailbox, sel)
		return err
	})
	return res, err
}

// Expunge removes the selected messages for good, wherever they are. The
// caller has asked the user.
func (s *Session) Expunge(ctx context.Context, mailbox string, sel Selection) (Result, error) {
	var res Result
	err := s.write(ctx, "expunge messages", func(cn *conn) error {
		var err error
		res, err = cn.expunge(mailbox, sel)
		return err
	})
	return res, err
}

func (cn *conn) expunge(mailbox string, sel Selection) (Result, error) {
	if !cn.has(imap.CapUIDPlus) {
		return Result{}, refused(ErrUnsupported, "expunge messages", nil)
	}
	n, err := cn.openFor(mailbox, sel, "expunge messages")
	if err != nil || sel.countOf(n) == 0 {
		return Result{}, err
	}
	removed, _, err := cn.deleteExactly(sel.set())
	return Result{Count: removed}, err
}
