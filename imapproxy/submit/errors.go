package submit

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/emersion/go-smtp"
)

// InputError is a problem with what the user typed. Message is written
// for them and names what to change; Field is the form field it is about.
type InputError struct {
	Field   string
	Message string
}

func (e *InputError) Error() string { return "submit: " + e.Field + ": " + e.Message }

// Kinds of submission failure, for errors.Is. The server's own words are in
// the SendError's cause: for the log, never for the page.
var (
	ErrUnavailable      = errors.New("submit: mail server unreachable")
	ErrTimeout          = errors.New("submit: mail server did not answer in time")
	ErrTLS              = errors.New("submit: secure connection failed")
	ErrAuthFailed       = errors.New("submit: credentials refused")
	ErrSenderRefused    = errors.New("submit: sender address refused")
	ErrRecipientRefused = errors.New("submit: recipient refused")
	ErrMessageRefused   = errors.New("submit: message refused")
	ErrTooLarge         = errors.New("submit: message too large")
	ErrServer           = errors.New("submit: mail server failed")
)

// SendError is a failed submission: its kind, the recipients the server
// refused (for ErrRecipientRefused), whether trying again later may work
// (an SMTP 4xx answer), and the cause.
type SendError struct {
	Kind       error
	Recipients []string
	Temporary  bool
	Limit      int64 // the server's size limit, for ErrTooLarge when known
	Cause      error
}

func (e *SendError) Error() string {
	s := e.Kind.Error()
	if len(e.Recipients) > 0 {
		s += " (" + strings.Join(e.Recipients, ", ") + ")"
	}
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
}

func (e *SendError) Is(target error) bool { return target == e.Kind }
func (e *SendError) Unwrap() error        { return e.Cause }

// classify turns an error of one SMTP step into a SendError. step names
// the command, so a 5xx to RCPT and a 5xx to DATA mean different things.
func classify(step string, err error) *SendError {
	var se *SendError
	if errors.As(err, &se) {
		return se
	}
	wrapped := fmt.Errorf("%s: %w", step, err)
	var smtpErr *smtp.SMTPError
	if errors.As(err, &smtpErr) {
		e := &SendError{Kind: ErrServer, Temporary: smtpErr.Temporary(), Cause: wrapped}
		switch {
		case smtpErr.Code == 552 || smtpErr.EnhancedCode == smtp.EnhancedCode{5, 3, 4} || smtpErr.EnhancedCode == smtp.EnhancedCode{5, 2, 3}:
			e.Kind = ErrTooLarge
		case step == "auth" && (smtpErr.Code == 535 || smtpErr.Code == 534 || smtpErr.Code == 530 || smtpErr.Code == 454):
			e.Kind = ErrAuthFailed
		case step == "auth":
			e.Kind = ErrServer
		case step == "mail":
			e.Kind = ErrSenderRefused
		case step == "rcpt":
			e.Kind = ErrRecipientRefused
		case step == "data":
			e.Kind = ErrMessageRefused
		}
		return e
	}
	var nerr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &nerr) && nerr.Timeout():
		return &SendError{Kind: ErrTimeout, Temporary: true, Cause: wrapped}
	case step == "tls":
		return &SendError{Kind: ErrTLS, Cause: wrapped}
	}
	return &SendError{Kind: ErrUnavailable, Temporary: true, Cause: wrapped}
}
