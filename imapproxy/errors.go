package imapproxy

import (
	"context"
	"errors"

	"github.com/emersion/go-imap/v2"
)

// Errors the pool and its operations return. Handlers map them to pages;
// the wrapped cause (server text, network error) is for the log only.
var (
	ErrAuthFailed    = errors.New("imap: authentication failed")
	ErrUnavailable   = errors.New("imap: server unreachable")
	ErrBusy          = errors.New("imap: no connection free")
	ErrTimeout       = errors.New("imap: server did not answer in time")
	ErrNoMailbox     = errors.New("imap: no such mailbox")
	ErrNoMessage     = errors.New("imap: no such message")
	ErrNoPart        = errors.New("imap: no such message part")
	ErrOverQuota     = errors.New("imap: over quota")
	ErrAlreadyExists = errors.New("imap: already exists")
	ErrServer        = errors.New("imap: server refused the command")
	ErrClosed        = errors.New("imap: session closed")
)

// opError keeps the kind (one of the Err values, for errors.Is) and the
// cause (for the log) together.
type opError struct {
	kind  error
	op    string
	cause error
}

func (e *opError) Error() string {
	if e.cause == nil {
		return e.op + ": " + e.kind.Error()
	}
	return e.op + ": " + e.kind.Error() + ": " + e.cause.Error()
}

func (e *opError) Is(target error) bool { return target == e.kind }
func (e *opError) Unwrap() error        { return e.cause }

// wrap classifies err from operation op. Server responses (NO/BAD) become
// their response-code kind; anything else is a broken connection.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var oe *opError
	if errors.As(err, &oe) {
		return err
	}
	var ie *imap.Error
	if errors.As(err, &ie) {
		return &opError{kind: kindOf(ie), op: op, cause: err}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &opError{kind: ErrTimeout, op: op, cause: err}
	}
	return &opError{kind: ErrUnavailable, op: op, cause: err}
}

func kindOf(ie *imap.Error) error {
	switch ie.Code {
	case imap.ResponseCodeAuthenticationFailed, imap.ResponseCodeAuthorizationFailed, imap.ResponseCodeExpired:
		return ErrAuthFailed
	case imap.ResponseCodeNonExistent, imap.ResponseCodeTryCreate:
		return ErrNoMailbox
	case imap.ResponseCodeOverQuota, imap.ResponseCodeLimit:
		return ErrOverQuota
	case imap.ResponseCodeAlreadyExists:
		return ErrAlreadyExists
	case imap.ResponseCodeUnavailable:
		return ErrUnavailable
	}
	return ErrServer
}

// isConnFailure reports whether err means the connection itself is gone or
// in an unknown state (as opposed to the server refusing one command), so the
// connection must be discarded and a safe command may be retried on a fresh
// one.
func isConnFailure(err error) bool {
	if err == nil {
		return false
	}
	var ie *imap.Error
	if errors.As(err, &ie) {
		return false
	}
	for _, kind := range []error{ErrNoMessage, ErrNoPart, ErrNoMailbox, ErrAuthFailed, ErrOverQuota,
		ErrAlreadyExists, ErrServer, ErrBusy, ErrClosed} {
		if errors.Is(err, kind) {
			return false
		}
	}
	return true
}

func asIMAPError(err error, target **imap.Error) bool { return errors.As(err, target) }
