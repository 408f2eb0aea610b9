package handlers

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/tidings-mail/tidings/web/reqctx"
)

// ComposeSave saves the message in Drafts, replacing the version saved
// before. The Save button gets the form back (through a redirect, so a
// reload does not post again); the script's autosave (?autosave=1) gets a
// small JSON answer for its status line: {"saved": time} or {"error":
// text}. A message already sent is never saved again.
func (h *Handler) ComposeSave(w http.ResponseWriter, r *http.Request) error {
	auto := r.URL.Query().Get("autosave") == "1"
	cr, err := h.beginCompose(w, r)
	if err != nil {
		if auto {
			return autosaveAnswer(w, http.StatusBadRequest, "", "", "", "Not saved: the form could not be read.")
		}
		return err
	}
	defer cr.end()
	c := cr.c
	if c.sent {
		if auto {
			return autosaveAnswer(w, http.StatusConflict, c.id, "", "", "This message was sent.")
		}
		redirect(w, r, c.sentURL, "This message was already sent.")
		return nil
	}
	m, errs := h.outgoing(cr, false)
	if len(errs) > 0 {
		if auto {
			return autosaveAnswer(w, http.StatusUnprocessableEntity, c.id, draftToken(c.draft), "", "Not saved yet: "+firstError(errs))
		}
		v := cr.view(http.StatusUnprocessableEntity, errs)
		v.err = "The draft was not saved. Please check what is marked below."
		h.renderCompose(w, r, cr.cm, c, v)
		return nil
	}
	ctx := context.WithoutCancel(r.Context())
	log := reqctx.Logger(r.Context())
	err = func() error {
		s, err := h.spoolMessage(ctx, m)
		if err != nil {
			return err
		}
		defer s.close()
		return h.storeDraft(ctx, cr, m, s)
	}()
	if err != nil {
		log.Error("draft not saved", "err", err)
		msg := "The draft could not be saved: the mail server did not take it. Everything you wrote is still here; try again in a moment."
		if auto {
			return autosaveAnswer(w, http.StatusBadGateway, c.id, draftToken(c.draft), "", msg)
		}
		v := cr.view(http.StatusBadGateway, nil)
		v.err = msg
		h.renderCompose(w, r, cr.cm, c, v)
		return nil
	}
	h.rememberName(ctx, cr)
	if auto {
		return autosaveAnswer(w, http.StatusOK, c.id, draftToken(c.draft), time.Now().UTC().Format(time.RFC3339), "")
	}
	if cr.notice != "" {
		v := cr.view(http.StatusRequestEntityTooLarge, nil)
		v.err = "The draft was saved, but not every file could be attached."
		h.renderCompose(w, r, cr.cm, c, v)
		return nil
	}
	if cr.lost {
		redirect(w, r, "/compose?c="+c.id, "Draft saved. "+cr.lostText())
		return nil
	}
	redirect(w, r, "/compose?c="+c.id, "Draft saved.")
	return nil
}

// autosaveAnswer is the JSON the script reads. It names the composition:
// when the one the page had was gone (a restart), a new one holds the
// text now, and the page must post to that one from then on, or every
// autosave would start yet another draft.
//
// draft is the version saved (draftToken), which the page keeps in its
// form so that a composition lost here can be reopened from it.
func autosaveAnswer(w http.ResponseWriter, status int, id, draft, saved, errText string) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(struct {
		Compose string `json:"compose,omitempty"`
		Draft   string `json:"draft,omitempty"`
		Saved   string `json:"saved,omitempty"`
		Error   string `json:"error,omitempty"`
	}{id, draft, saved, errText})
}

// firstError picks one field error to show in the status line, in form
// order.
func firstError(errs map[string]string) string {
	for _, k := range []string{"from_name", "to", "cc", "bcc", "subject", "body", "attachment"} {
		if e := errs[k]; e != "" {
			return e
		}
	}
	for _, e := range errs {
		return e
	}
	return ""
}

// ComposeDiscard throws the message away: its saved draft is removed from
// Drafts and its uploads deleted.
func (h *Handler) ComposeDiscard(w http.ResponseWriter, r *http.Request) error {
	cr, err := h.beginCompose(w, r)
	if err != nil {
		return err
	}
	defer cr.end()
	c := cr.c
	if c.sent {
		redirect(w, r, c.sentURL, "")
		return nil
	}
	to := c.returnURL()
	if c.draft != nil {
		if err := cr.cm.RemoveMessage(context.WithoutCancel(r.Context()), *c.draft); err != nil {
			reqctx.Logger(r.Context()).Error("draft not discarded", "err", err)
			v := cr.view(http.StatusBadGateway, nil)
			v.err = "The saved draft could not be removed from Drafts. Please try again in a moment."
			h.renderCompose(w, r, cr.cm, c, v)
			return nil
		}
	}
	h.Compose.Store.discard(c)
	redirect(w, r, to, "Message discarded.")
	return nil
}
