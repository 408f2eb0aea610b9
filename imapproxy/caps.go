package imapproxy

import (
	"slices"

	"github.com/emersion/go-imap/v2"
)

// has reports whether the server offers capability c on this connection
// (implied capabilities count: IMAP4rev2 implies MOVE, UIDPLUS, ESEARCH…).
// Operations ask the connection's copy, not the client, so that a test can
// take a capability away and exercise the fallback against a server that
// has it.
func (cn *conn) has(c imap.Cap) bool { return cn.caps.Has(c) }

// Features says which optional parts of the UI the server can back.
type Features struct {
	Sort    bool // SORT (RFC 5256 §3): any folder can be sorted on the server
	Threads bool // THREAD=REFERENCES (RFC 5256 §3): conversation view
	Move    bool // MOVE (RFC 6851); without it a move is COPY + STORE + UID EXPUNGE
	UIDPlus bool // UIDPLUS (RFC 4315): UID EXPUNGE removes exactly the chosen messages
	ESearch bool // ESEARCH (RFC 4731): SEARCH RETURN (COUNT ALL MAX)
}

func (cn *conn) features() Features {
	return Features{
		Sort:    cn.has(imap.CapSort),
		Threads: slices.Contains(cn.caps.ThreadAlgorithms(), imap.ThreadReferences),
		Move:    cn.has(imap.CapMove),
		UIDPlus: cn.has(imap.CapUIDPlus),
		ESearch: cn.has(imap.CapESearch),
	}
}
