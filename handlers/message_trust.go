package handlers

import (
	"errors"
	"net/http"
	"net/mail"
	"slices"
	"strings"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/imapproxy/message"
)

// remoteTrust is what the message page shows about remote content that
// the page would block: whether the sender is trusted (so it is shown),
// or whether trusting them can be offered.
type remoteTrust struct {
	trusted bool
	offer   string // the address to offer "always show" for
}

// checkTrust looks the message's sender up in the trusted list. A
// sender is their From address, so a forged From borrows a trusted
// sender's standing: the cost is the pictures a sender would have shown
// anyway, never script (the body frame's CSP and sandbox stay).
func (h *Handler) checkTrust(r *http.Request, m *message.Message) remoteTrust {
	sender := senderAddress(m)
	if sender == "" {
		return remoteTrust{}
	}
	st, ok := settingsOf(r.Context(), h.settings(r))
	switch {
	case ok && slices.Contains(st.Trusted, sender):
		return remoteTrust{trusted: true}
	case ok:
		return remoteTrust{offer: sender}
	}
	return remoteTrust{}
}

// senderAddress is the message's From address in lower case, when there
// is exactly one.
func senderAddress(m *message.Message) string {
	if len(m.From) != 1 {
		return ""
	}
	return strings.ToLower(m.From[0].Email)
}

// MessageTrust trusts (trust=1) or stops trusting (trust=0) a sender's
// remote content, from a message of theirs, and goes back to it.
func (h *Handler) MessageTrust(w http.ResponseWriter, r *http.Request) error {
	mailbox, uid, err := messageParams(r)
	if err != nil {
		return err
	}
	return h.trustSender(w, r, messageURL(mailbox, uid))
}

// SettingsTrust is MessageTrust from the settings page.
func (h *Handler) SettingsTrust(w http.ResponseWriter, r *http.Request) error {
	return h.trustSender(w, r, "/settings")
}

// trustSender changes the trust in the posted address, then goes back.
func (h *Handler) trustSender(w http.ResponseWriter, r *http.Request, back string) error {
	on, err := boolForm(r, "trust")
	if err != nil {
		return h.failAction(w, r, err)
	}
	addr, err := mail.ParseAddress(r.PostFormValue("address"))
	if err != nil || addr.Name != "" || !strings.Contains(addr.Address, "@") {
		return h.failAction(w, r, badRequest("That is not a sender's address."))
	}
	if err := h.settings(r).TrustSender(r.Context(), addr.Address, on); err != nil {
		return h.failAction(w, r, trustError(err))
	}
	msg := "Remote content from " + strings.ToLower(addr.Address) + " will be shown from now on."
	if !on {
		msg = "Remote content from " + strings.ToLower(addr.Address) + " will be blocked again."
	}
	finish(w, r, back, Outcome{Message: msg})
	return nil
}

func trustError(err error) error {
	switch {
	case errors.Is(err, imapproxy.ErrUnsupported):
		return &Error{Status: http.StatusNotImplemented, Heading: "Not available",
			Message: "Your mail server cannot keep this setting. Use “Show remote content” on each message instead.", Cause: err}
	case errors.Is(err, imapproxy.ErrInvalid):
		return badRequest("That cannot be kept: it is too long or holds a line break.")
	case errors.Is(err, imapproxy.ErrOverQuota):
		return &Error{Status: http.StatusConflict, Heading: "Too many trusted senders",
			Message: "You already trust the most senders Tidings keeps. Stop trusting some from their messages, then try again.", Cause: err}
	}
	return err
}
