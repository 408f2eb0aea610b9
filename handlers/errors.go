package handlers

import (
	"errors"
	"net/http"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/templates"
	"github.com/tidings-mail/tidings/web/reqctx"
)

// Error is a failure with what the user should read. The wrapped cause is
// logged, never shown.
type Error struct {
	Status  int
	Heading string
	Message string
	Cause   error
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return e.Heading + ": " + e.Cause.Error()
	}
	return e.Heading
}

func (e *Error) Unwrap() error { return e.Cause }

// Func is a handler that may fail.
type Func func(w http.ResponseWriter, r *http.Request) error

// Wrap turns a Func into an http.Handler that renders failures as pages.
func (h *Handler) Wrap(fn Func) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			h.Fail(w, r, err)
		}
	})
}

// Fail logs err with the request ID and renders the page that explains it.
func (h *Handler) Fail(w http.ResponseWriter, r *http.Request, err error) {
	e := classify(err)
	log := reqctx.Logger(r.Context())
	if e.Status >= 500 {
		log.Error("request failed", "status", e.Status, "err", err)
	} else {
		log.Info("request refused", "status", e.Status, "err", err)
	}
	p := templates.ErrorPage{BasePage: h.base(r, e.Heading), Status: e.Status, Heading: e.Heading, Message: e.Message}
	if p.User != "" {
		p.BackURL, p.BackLabel = "/mail/INBOX", "Back to Inbox"
	} else {
		p.BackURL, p.BackLabel = "/login", "Sign in"
	}
	if e.Status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	h.render(w, r, e.Status, templates.Error(p))
}

// classify maps any error to what the user is told.
func classify(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	switch {
	case errors.Is(err, imapproxy.ErrNoMailbox):
		return &Error{Status: http.StatusNotFound, Heading: "Folder not found",
			Message: "This folder does not exist any more. It may have been renamed or deleted from another device.", Cause: err}
	case errors.Is(err, imapproxy.ErrNoMessage), errors.Is(err, imapproxy.ErrNoPart):
		return &Error{Status: http.StatusNotFound, Heading: "Message not found",
			Message: "This message is not in the folder any more. It may have been moved or deleted from another device.", Cause: err}
	case errors.Is(err, imapproxy.ErrBusy):
		return &Error{Status: http.StatusServiceUnavailable, Heading: "Server busy",
			Message: "Too many people are using mail right now. Please wait a few seconds and try again.", Cause: err}
	case errors.Is(err, imapproxy.ErrTimeout):
		return &Error{Status: http.StatusGatewayTimeout, Heading: "Mail server too slow",
			Message: "The mail server did not answer in time. Please try again in a moment.", Cause: err}
	case errors.Is(err, imapproxy.ErrUnavailable):
		return &Error{Status: http.StatusServiceUnavailable, Heading: "Mail server unreachable",
			Message: "Tidings cannot reach the mail server right now. Please try again in a moment.", Cause: err}
	case errors.Is(err, imapproxy.ErrAuthFailed):
		return &Error{Status: http.StatusUnauthorized, Heading: "Signed out",
			Message: "The mail server no longer accepts your password. Please sign in again.", Cause: err}
	case errors.Is(err, imapproxy.ErrOverQuota):
		return &Error{Status: http.StatusInsufficientStorage, Heading: "Mailbox full",
			Message: "Your mailbox is over its quota. Delete some messages (and empty the Trash), then try again.", Cause: err}
	case errors.Is(err, imapproxy.ErrServer):
		return &Error{Status: http.StatusBadGateway, Heading: "The mail server refused",
			Message: "The mail server refused this action. Please try again; if it keeps failing, tell your administrator the reference below.", Cause: err}
	}
	return &Error{Status: http.StatusInternalServerError, Heading: "Something went wrong",
		Message: "Tidings could not complete this request. Please try again; if it keeps failing, tell your administrator the reference below.", Cause: err}
}

// badRequest is a 400 with a message for the user.
func badRequest(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Heading: "Invalid request", Message: msg}
}
