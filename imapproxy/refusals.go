package imapproxy

import (
	"errors"
	"fmt"

	"github.com/emersion/go-imap/v2"
)

// Refusals of the organizing operations. They are checked with errors.Is
// like the kinds in errors.go; the error returned also matches ErrServer,
// so the pool keeps the connection (the server answered, nothing broke).
var (
	// ErrUnsupported: the server lacks what the operation needs to be
	// exact (UIDPLUS for a permanent delete, SORT or THREAD for a view).
	ErrUnsupported = errors.New("imap: the server cannot do this safely")
	// ErrBadName: the folder name is empty, malformed, or refused by the
	// server (Dovecot's Maildir++ layout answers NO [CANNOT] to a ".").
	ErrBadName = errors.New("imap: folder name not allowed")
	// ErrProtected: INBOX and special-use folders are neither renamed nor
	// deleted from here.
	ErrProtected = errors.New("imap: folder is protected")
	// ErrChanged: the folder's UIDVALIDITY changed since the page was
	// drawn, so the UIDs in the form may name other messages now.
	ErrChanged = errors.New("imap: folder changed on the server")
	// ErrInvalid: a setting's value cannot be kept (too long, a line
	// break where none may be).
	ErrInvalid = errors.New("imap: value not allowed")
)

// refused builds an error of kind (one of the refusals above) for op. The
// cause, if any, is kept for the log.
func refused(kind error, op string, cause error) error {
	if cause == nil {
		cause = kind
	} else {
		cause = fmt.Errorf("%w: %w", kind, cause)
	}
	return &opError{kind: ErrServer, op: op, cause: cause}
}

// nameRefusal maps a server's NO to CREATE or RENAME: a name the server's
// storage cannot hold becomes ErrBadName; anything else keeps its kind.
func nameRefusal(op string, err error) error {
	var ie *imap.Error
	if errors.As(err, &ie) && ie.Type == imap.StatusResponseTypeNo {
		// RFC 5530 §3: CANNOT is "the operation violates some invariant
		// of the server", which for a name means its storage cannot hold
		// it. Servers that send no code get the generic refusal: their
		// text is never parsed.
		if ie.Code == imap.ResponseCodeCannot {
			return refused(ErrBadName, op, err)
		}
	}
	return err
}

func isNoMailbox(err error) bool { return errors.Is(err, ErrNoMailbox) }
