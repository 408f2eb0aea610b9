package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/imapproxy/submit"
	"github.com/tidings-mail/tidings/templates"
	"github.com/tidings-mail/tidings/web/reqctx"
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
	// The sidebar and the storage are best effort, as on the compose page.
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	p.Storage = h.storage(ctx, h.mail(r))
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

// Quotas tells how much storage the user has used (imapproxy.Session).
type Quotas interface {
	Quota(ctx context.Context) (imapproxy.Quota, error)
}

// storage is the user's quota for a page, nil when the server has none
// (or did not answer: the page does not fail for it).
func (h *Handler) storage(ctx context.Context, m any) *templates.Storage {
	qs, ok := m.(Quotas)
	if !ok {
		return nil
	}
	q, err := qs.Quota(ctx)
	if err != nil {
		if !errors.Is(err, imapproxy.ErrUnsupported) {
			reqctx.Logger(ctx).Warn("quota not read", "err", err)
		}
		return nil
	}
	s := &templates.Storage{Used: storageSize(q.Used), UsedBytes: q.Used, LimitBytes: q.Limit}
	if q.Limit > 0 {
		s.Limit = storageSize(q.Limit)
		s.Percent = int(min(100, q.Used*100/q.Limit))
	}
	return s
}

// storageSize writes a quota figure in the binary units mail servers
// configure them in (Dovecot's "1G" is 1,024 MB), one decimal at most.
func storageSize(n int64) string {
	f := func(v float64, unit string) string {
		return strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0") + " " + unit
	}
	switch {
	case n < 1<<20:
		return f(float64(n)/(1<<10), "kB")
	case n < 1<<30:
		return f(float64(n)/(1<<20), "MB")
	default:
		return f(float64(n)/(1<<30), "GB")
	}
}
