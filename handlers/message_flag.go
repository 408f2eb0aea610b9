package handlers

import (
	"net/http"

	"github.com/tidings-mail/tidings/imapproxy"
)

// MessageSeen marks a message read (seen=1) or unread (seen=0). Marking
// unread returns to the folder: staying on the message would read it again.
// organize.js gets JSON and does the same without a full form round trip.
func (h *Handler) MessageSeen(w http.ResponseWriter, r *http.Request) error {
	mailbox, uid, err := messageParams(r)
	if err != nil {
		return err
	}
	on, err := boolForm(r, "seen")
	if err != nil {
		return h.failAction(w, r, err)
	}
	if err := h.mail(r).SetFlag(r.Context(), mailbox, []uint32{uid}, imapproxy.FlagSeen, on); err != nil {
		return h.failAction(w, r, err)
	}
	if on {
		finish(w, r, messageURL(mailbox, uid), Outcome{Seen: &on})
	} else {
		finish(w, r, mailboxURL(mailbox), Outcome{Seen: &on, Message: "Marked as unread.", Redirect: mailboxURL(mailbox)})
	}
	return nil
}

// MessageFlag flags (flagged=1) or unflags (flagged=0) a message.
func (h *Handler) MessageFlag(w http.ResponseWriter, r *http.Request) error {
	mailbox, uid, err := messageParams(r)
	if err != nil {
		return err
	}
	on, err := boolForm(r, "flagged")
	if err != nil {
		return h.failAction(w, r, err)
	}
	if err := h.mail(r).SetFlag(r.Context(), mailbox, []uint32{uid}, imapproxy.FlagFlagged, on); err != nil {
		return h.failAction(w, r, err)
	}
	finish(w, r, messageURL(mailbox, uid), Outcome{Flagged: &on})
	return nil
}

func boolForm(r *http.Request, name string) (bool, error) {
	switch r.PostFormValue(name) {
	case "1":
		return true, nil
	case "0":
		return false, nil
	}
	return false, badRequest("The form was incomplete. Please go back and try again.")
}
