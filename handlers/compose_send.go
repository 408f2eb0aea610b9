package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/imapproxy/submit"
	"github.com/tidings-mail/tidings/web/reqctx"
)

// ComposeSend sends the message. The form is checked first (addresses,
// control characters, at least one recipient); then the message is built
// once, submitted over SMTP as the user, stored in Sent, the original
// flagged \Answered or $Forwarded, and the draft removed.
//
// Nothing is lost: when sending fails, the form comes back with all of it
// and why, and the message is saved in Drafts. Nothing is sent twice: the
// composition is locked while sending and marked sent after, so a double
// click or a reload finds it sent and only says so.
func (h *Handler) ComposeSend(w http.ResponseWriter, r *http.Request) error {
	cr, err := h.beginCompose(w, r)
	if err != nil {
		return err
	}
	defer cr.end()
	c := cr.c
	log := reqctx.Logger(r.Context())
	if c.sent {
		log.Info("repeated send ignored")
		redirect(w, r, c.sentURL, "This message was already sent; it was not sent again.")
		return nil
	}
	m, errs := h.outgoing(cr, true)
	if len(errs) > 0 || cr.notice != "" || cr.lost {
		v := cr.view(http.StatusUnprocessableEntity, errs)
		v.err = "Your message was not sent. Please check what is marked below."
		h.renderCompose(w, r, cr.cm, c, v)
		return nil
	}
	// From here on the user has pressed Send and the work must finish even
	// if the browser goes away.
	ctx := context.WithoutCancel(r.Context())
	s, err := h.spoolMessage(ctx, m)
	if err != nil {
		log.Error("building message failed", "err", err)
		v := cr.view(http.StatusBadGateway, nil)
		v.err = "Your message was not sent: Tidings could not put it together."
		if errors.Is(err, imapproxy.ErrNoMessage) || errors.Is(err, imapproxy.ErrNoPart) || errors.Is(err, imapproxy.ErrNoMailbox) {
			v.err = "Your message was not sent: an attachment from the original message could not be fetched. It may have been moved or deleted; remove it and try again."
		} else if errors.Is(err, imapproxy.ErrUnavailable) || errors.Is(err, imapproxy.ErrTimeout) {
			v.err = "Your message was not sent: the attachments from the original message could not be fetched from the mail server. Please try again in a moment."
		}
		h.renderCompose(w, r, cr.cm, c, v)
		return nil
	}
	defer s.close()

	pass, err := cr.password()
	if err != nil {
		return err
	}
	env := submit.Envelope{From: m.From.Email, To: m.Recipients()}
	if err := h.Compose.Sender.Send(ctx, submit.Auth{Username: cr.user, Password: pass}, env, s.reader(), s.w.Size); err != nil {
		h.sendFailed(ctx, w, r, cr, m, s, err)
		return nil
	}
	log.Info("message sent", "recipients", len(env.To), "bytes", s.w.Size, "attachments", len(m.Attachments))
	h.rememberName(ctx, cr)
	h.rememberRecipients(ctx, cr, m)

	flash := "Your message was sent."
	if h.Compose.SentCopy {
		if err := h.storeSent(ctx, cr, m, s); err != nil {
			log.Error("sent, but the copy in Sent failed", "err", err)
			flash = "Your message was sent, but Tidings could not save a copy in your Sent folder."
		}
	}
	if c.origin != nil {
		if err := cr.cm.FlagMessage(ctx, *c.origin, c.originFlag); err != nil {
			log.Warn("original not flagged", "flag", c.originFlag, "err", err)
		}
	}
	if c.draft != nil {
		if err := cr.cm.RemoveMessage(ctx, *c.draft); err != nil {
			log.Warn("sent draft not removed from Drafts", "err", err)
		}
	}
	to := c.returnURL()
	h.Compose.Store.markSent(c, to)
	redirect(w, r, to, flash)
	return nil
}

// storeSent APPENDs the copy, with its Bcc, to Sent as \Seen.
func (h *Handler) storeSent(ctx context.Context, cr *composeRequest, m *submit.Message, s *spooled) error {
	sent, err := cr.cm.SpecialMailbox(ctx, imapproxy.UseSent)
	if err != nil {
		return err
	}
	rd, size, err := s.copyWith(m.Bcc, nil)
	if err != nil {
		return err
	}
	_, err = cr.cm.Append(ctx, sent, []imapproxy.Flag{imapproxy.FlagSeen}, size, rd)
	return err
}

// sendFailed answers a refused or failed submission: the message goes to
// Drafts, and the form comes back with everything and the reason.
func (h *Handler) sendFailed(ctx context.Context, w http.ResponseWriter, r *http.Request, cr *composeRequest, m *submit.Message, s *spooled, err error) {
	log := reqctx.Logger(r.Context())
	status, msg := sendErrorText(err)
	if status >= 500 {
		log.Error("send failed", "err", err)
	} else {
		log.Warn("send refused", "err", err)
	}
	v := cr.view(status, nil)
	v.err = msg
	if derr := h.storeDraft(ctx, cr, m, s); derr != nil {
		log.Error("draft after a failed send not saved", "err", derr)
		v.errDetail = "It could not be saved in Drafts either, so do not close this page: everything you wrote is still here."
	} else {
		v.errDetail = "A copy was saved in your Drafts folder. Everything you wrote is still here."
	}
	h.renderCompose(w, r, cr.cm, cr.c, v)
}

// rememberName keeps the display name the user sent with, for next time,
// in their settings.
func (h *Handler) rememberName(ctx context.Context, cr *composeRequest) {
	name := strings.TrimSpace(cr.c.Fields.FromName)
	if !submit.HeaderSafe(name) || len(name) > imapproxy.MaxFromName {
		return
	}
	st := h.settingsFor(cr.cm, cr.user)
	if prof, ok := settingsOf(ctx, st); ok {
		if name != "" && name != prof.FromName {
			if err := st.SetProfile(ctx, name, prof.Signature); err != nil {
				reqctx.Logger(ctx).Warn("display name not kept in settings", "err", err)
			}
		}
	}
}

// rememberRecipients puts the message's recipients first among the
// addresses the compose form suggests.
func (h *Handler) rememberRecipients(ctx context.Context, cr *composeRequest, m *submit.Message) {
	st := h.settingsFor(cr.cm, cr.user)
	var addrs []string
	for _, list := range [][]submit.Address{m.To, m.Cc, m.Bcc} {
		for _, a := range list {
			addrs = append(addrs, a.Display())
		}
	}
	if err := st.NoteRecipients(ctx, addrs); err != nil && !errors.Is(err, imapproxy.ErrUnsupported) {
		reqctx.Logger(ctx).Warn("recent recipients not kept", "err", err)
	}
}
