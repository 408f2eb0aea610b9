package imapproxy

import (
	"errors"

	"github.com/emersion/go-imap/v2"
)

// Selection names the messages an action applies to: chosen UIDs, or the
// whole folder. A whole-folder action is one UID set on the server
// (RFC 9051 §9 sequence-set "1:*"), never a list fetched first.
type Selection struct {
	UIDs []uint32
	All  bool
	// UpTo bounds an All selection to UIDs up to the newest one the user
	// saw, so mail that arrived after the page was drawn is not swept
	// along: UIDs only grow (RFC 9051 §2.3.1.1). 0 means no bound.
	UpTo uint32
	// UIDValidity, when not 0, is the folder's UIDVALIDITY the page was
	// drawn with. If the server's differs, the UIDs name other messages
	// now and nothing is done (ErrChanged).
	UIDValidity uint32
}

// Empty reports whether the selection names no message.
func (sel Selection) Empty() bool { return !sel.All && len(sel.UIDs) == 0 }

// set is the selection as a UID set.
func (sel Selection) set() imap.UIDSet {
	var set imap.UIDSet
	if sel.All {
		set.AddRange(1, imap.UID(sel.UpTo)) // UpTo 0 is "*"
		return set
	}
	for _, u := range sel.UIDs {
		set.AddNum(imap.UID(u))
	}
	return set
}

var errEmptySelection = errors.New("no messages selected")

// openFor selects mailbox for an action on sel and checks that it is the
// folder the user saw. It returns the folder's message count.
func (cn *conn) openFor(mailbox string, sel Selection, op string) (uint32, error) {
	if sel.Empty() {
		return 0, refused(ErrUnsupported, op, errEmptySelection)
	}
	n, err := cn.selectMailbox(mailbox)
	if err != nil {
		return 0, err
	}
	if sel.UIDValidity != 0 && sel.UIDValidity != cn.uidValidity {
		return 0, refused(ErrChanged, op, nil)
	}
	return n, nil
}

// countOf is how many messages sel names in a folder of n messages, as
// far as the client can tell without asking.
func (sel Selection) countOf(n uint32) int {
	if sel.All {
		return int(n)
	}
	return len(sel.UIDs)
}

// uidCount counts the numbers of a set the server returned (COPYUID).
func uidCount(set imap.NumSet) (int, bool) {
	us, ok := set.(imap.UIDSet)
	if !ok || len(us) == 0 {
		return 0, false
	}
	nums, ok := us.Nums()
	return len(nums), ok
}
