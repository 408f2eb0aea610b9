package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/imapproxy/submit"
	"github.com/tidings-mail/tidings/templates"
)

// SettingsShow is the settings page: the user's name and signature, and
// the senders whose remote content is always shown, each with a way to
// stop.
func (h *Handler) SettingsShow(w http.ResponseWriter, r *http.Request) error {
	return h.renderSettings(w, r, http.StatusOK, nil, nil)
}

// renderSettings draws the page; posted (when not nil) is the profile
// form as the user sent it, kept with errs when it could not be saved.
func (h *Handler) renderSettings(w http.ResponseWriter, r *http.Request, status int, posted *imapproxy.Settings, errs map[string]string) error {
	p := templates.SettingsPage{BasePage: h.base(r, "Settings"), FieldErrors: errs,
		MaxName: imapproxy.MaxFromName, MaxSignature: imapproxy.MaxSignature}
	s, err := h.settings(r).SettingsNow(r.Context())
	switch {
	case err == nil:
		p.Kept, p.Trusted, p.FromName, p.Signature = true, s.Trusted, s.FromName, s.Signature
	case !errors.Is(err, imapproxy.ErrUnsupported):
		return err
	}
	if posted != nil {
		p.FromName, p.Signature = posted.FromName, posted.Signature
	}
	// The sidebar is best effort, as on the compose page.
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if boxes, err := h.mail(r).Mailboxes(ctx); err == nil {
		p.Folders, p.InboxUnseen = folderItems(boxes, "")
	}
	h.render(w, r, status, templates.Settings(p))
	return nil
}

// SettingsProfile saves the display name and signature.
func (h *Handler) SettingsProfile(w http.ResponseWriter, r *http.Request) error {
	in := imapproxy.Settings{
		FromName:  strings.TrimSpace(r.PostFormValue("from_name")),
		Signature: strings.ReplaceAll(strings.TrimRight(r.PostFormValue("signature"), " \t\r\n"), "\r\n", "\n"),
	}
	errs := map[string]string{}
	switch {
	case len(in.FromName) > imapproxy.MaxFromName:
		errs["from_name"] = "This name is too long. Use at most 200 characters."
	case !utf8.ValidString(in.FromName) || !submit.HeaderSafe(in.FromName):
		errs["from_name"] = "A name cannot hold line breaks or control characters."
	}
	switch {
	case len(in.Signature) > imapproxy.MaxSignature:
		errs["signature"] = "This signature is too long. Keep it to a few lines (at most 4,000 characters)."
	case !utf8.ValidString(in.Signature):
		errs["signature"] = "This signature holds characters that are not text."
	}
	if len(errs) > 0 {
		return h.renderSettings(w, r, http.StatusUnprocessableEntity, &in, errs)
	}
	if err := h.settings(r).SetProfile(r.Context(), in.FromName, in.Signature); err != nil {
		if errors.Is(err, imapproxy.ErrUnsupported) {
			return trustError(err)
		}
		return err
	}
	redirect(w, r, "/settings", "Settings saved.")
	return nil
}
