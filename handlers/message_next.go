package handlers

import (
	"context"
	"net/http"

	"github.com/tidings-mail/tidings/imapproxy"
)

// Navigator finds the message next to another in its folder's own
// order (imapproxy.Session.Neighbor).
type Navigator interface {
	Neighbor(ctx context.Context, mailbox string, uid uint32, older bool) (uint32, error)
}

// MessageOlder and MessageNewer open the message that arrived just
// before or after this one: links on the message page (and j, k), found
// only when followed, so a message page costs nothing more.
func (h *Handler) MessageOlder(w http.ResponseWriter, r *http.Request) error {
	return h.messageNext(w, r, true)
}

// MessageNewer: see MessageOlder.
func (h *Handler) MessageNewer(w http.ResponseWriter, r *http.Request) error {
	return h.messageNext(w, r, false)
}

func (h *Handler) messageNext(w http.ResponseWriter, r *http.Request, older bool) error {
	mailbox, uid, err := messageParams(r)
	if err != nil {
		return err
	}
	nav, ok := h.mail(r).(Navigator)
	if !ok {
		http.Redirect(w, r, messageURL(mailbox, uid), http.StatusSeeOther)
		return nil
	}
	next, err := nav.Neighbor(r.Context(), mailbox, uid, older)
	if err != nil {
		return err
	}
	if next == 0 {
		msg := "That was the newest message in this folder."
		if older {
			msg = "That was the oldest message in this folder."
		}
		redirect(w, r, mailboxURL(mailbox), msg)
		return nil
	}
	http.Redirect(w, r, messageURL(mailbox, next), http.StatusSeeOther)
	return nil
}

var _ Navigator = (*imapproxy.Session)(nil)
