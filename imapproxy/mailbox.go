package imapproxy

import (
	"github.com/emersion/go-imap/v2"
)

// selectMailbox makes name the selected mailbox of cn (RFC 9051 §6.3.2) and
// returns its message count. SELECT is sent only when another mailbox (or
// none) is selected; otherwise a NOOP (§6.1.2) collects the EXISTS and
// EXPUNGE news since the connection was last used, which is much cheaper
// for a large folder.
func (cn *conn) selectMailbox(name string) (numMessages uint32, err error) {
	if cn.selected == name {
		if err := cn.c.Noop().Wait(); err != nil {
			return 0, err
		}
		if mb := cn.c.Mailbox(); mb != nil && mb.Name == name {
			return mb.NumMessages, nil
		}
	}
	cn.selected = ""
	data, err := cn.c.Select(name, nil).Wait()
	if err != nil {
		var ie *imap.Error
		if asIMAPError(err, &ie) && ie.Type == imap.StatusResponseTypeNo {
			return 0, &opError{kind: ErrNoMailbox, op: "select " + name, cause: err}
		}
		return 0, err
	}
	cn.selected = name
	cn.uidValidity = data.UIDValidity
	return data.NumMessages, nil
}
