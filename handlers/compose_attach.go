package handlers

import (
	"net/http"
)

// ComposeAttach adds the chosen files and removes the ones whose Remove
// button was pressed, then shows the form again (through a redirect, so a
// reload does not upload again). Files over the size limit are not
// attached, and the form says which.
func (h *Handler) ComposeAttach(w http.ResponseWriter, r *http.Request) error {
	cr, err := h.beginCompose(w, r)
	if err != nil {
		return err
	}
	defer cr.end()
	c := cr.c
	if c.sent {
		redirect(w, r, c.sentURL, "This message was already sent.")
		return nil
	}
	if cr.notice != "" {
		h.renderCompose(w, r, cr.cm, c, cr.view(http.StatusRequestEntityTooLarge, nil))
		return nil
	}
	if cr.lost {
		redirect(w, r, "/compose?c="+c.id, cr.lostText())
		return nil
	}
	http.Redirect(w, r, "/compose?c="+c.id, http.StatusSeeOther)
	return nil
}
