package imapproxy

import (
	"context"

	"github.com/emersion/go-imap/v2"
)

// Neighbor returns the UID of the message next to uid in the folder's
// own order: the one that arrived before it (older) or after it. 0 means
// there is none (uid is the oldest or the newest). It asks the
// message's sequence number (UID FETCH (UID), RFC 9051 §6.4.9), then
// the neighbour's UID (FETCH n±1 (UID)): O(1) whatever the folder's
// size, and only when the user asks for the next message.
func (s *Session) Neighbor(ctx context.Context, mailbox string, uid uint32, older bool) (uint32, error) {
	var next uint32
	err := s.read(ctx, "find next message", func(cn *conn) error {
		n, err := cn.selectMailbox(mailbox)
		if err != nil {
			return err
		}
		msgs, err := cn.c.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{UID: true}).Collect()
		if err != nil {
			return err
		}
		if len(msgs) == 0 {
			return &opError{kind: ErrNoMessage, op: "find next message"}
		}
		seq := msgs[0].SeqNum
		switch {
		case older && seq <= 1, !older && seq >= n:
			return nil
		case older:
			seq--
		default:
			seq++
		}
		msgs, err = cn.c.Fetch(imap.SeqSetNum(seq), &imap.FetchOptions{UID: true}).Collect()
		if err != nil || len(msgs) == 0 {
			return err
		}
		next = uint32(msgs[0].UID)
		return nil
	})
	return next, err
}
