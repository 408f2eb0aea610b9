package handlers

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/templates"
)

// SettingsShow is the settings page: the senders whose remote content is
// always shown, each with a way to stop.
func (h *Handler) SettingsShow(w http.ResponseWriter, r *http.Request) error {
	p := templates.SettingsPage{BasePage: h.base(r, "Settings")}
	if st, ok := h.mail(r).(SenderTrust); ok {
		list, err := st.TrustedSenders(r.Context())
		switch {
		case err == nil:
			p.TrustKept, p.Trusted = true, list
		case !errors.Is(err, imapproxy.ErrUnsupported):
			return err
		}
	}
	// The sidebar is best effort, as on the compose page.
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if boxes, err := h.mail(r).Mailboxes(ctx); err == nil {
		p.Folders, p.InboxUnseen = folderItems(boxes, "")
	}
	h.render(w, r, http.StatusOK, templates.Settings(p))
	return nil
}
