package imapproxy

import (
	"context"

	"github.com/emersion/go-imap/v2"
)

// Flag names the flags the UI sets.
type Flag string

// Flags users change from the UI.
const (
	FlagSeen    Flag = Flag(imap.FlagSeen)
	FlagFlagged Flag = Flag(imap.FlagFlagged)
)

// SetFlag adds (on) or removes a flag on messages by UID with
// UID STORE ±FLAGS.SILENT (RFC 9051 §6.4.6). Setting a flag is idempotent,
// so a broken connection is retried once.
func (s *Session) SetFlag(ctx context.Context, mailbox string, uids []uint32, flag Flag, on bool) error {
	return s.read(ctx, "set flag", func(cn *conn) error {
		if _, err := cn.selectMailbox(mailbox); err != nil {
			return err
		}
		return cn.storeFlags(uids, imap.Flag(flag), on)
	})
}

func (cn *conn) storeFlags(uids []uint32, flag imap.Flag, on bool) error {
	var set imap.UIDSet
	for _, u := range uids {
		set.AddNum(imap.UID(u))
	}
	op := imap.StoreFlagsDel
	if on {
		op = imap.StoreFlagsAdd
	}
	return cn.c.Store(set, &imap.StoreFlags{Op: op, Silent: true, Flags: []imap.Flag{flag}}, nil).Close()
}
