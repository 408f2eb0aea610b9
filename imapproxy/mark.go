package imapproxy

import (
	"context"

	"github.com/emersion/go-imap/v2"
)

// Mark adds (on) or removes flag on the selected messages of mailbox with
// one UID STORE ±FLAGS.SILENT (RFC 9051 §6.4.6; UID form §6.4.9), however
// many messages that is. Setting a flag is idempotent, so a broken
// connection is retried once. It returns how many messages were named.
func (s *Session) Mark(ctx context.Context, mailbox string, sel Selection, flag Flag, on bool) (int, error) {
	count := 0
	err := s.read(ctx, "mark messages", func(cn *conn) error {
		n, err := cn.openFor(mailbox, sel, "mark messages")
		if err != nil {
			return err
		}
		count = sel.countOf(n)
		if count == 0 {
			return nil
		}
		op := imap.StoreFlagsDel
		if on {
			op = imap.StoreFlagsAdd
		}
		// Close consumes the (silent, so empty) FETCH stream once.
		return cn.c.Store(sel.set(), &imap.StoreFlags{Op: op, Silent: true, Flags: []imap.Flag{imap.Flag(flag)}}, nil).Close()
	})
	return count, err
}
