package handlers

import "net/http"

// FolderSubscribe shows a folder in the sidebar (on=1) or hides it (on=0)
// by subscribing or unsubscribing (POST /folders/subscribe, name=).
func (h *Handler) FolderSubscribe(w http.ResponseWriter, r *http.Request) error {
	name := r.PostFormValue("name")
	on, err := boolForm(r, "on")
	if err != nil || name == "" {
		return h.failAction(w, r, badRequest("The form was incomplete. Please go back and try again."))
	}
	o, err := h.organizer(r)
	if err != nil {
		return h.failAction(w, r, err)
	}
	if err := o.SetSubscribed(r.Context(), name, on); err != nil {
		return h.failAction(w, r, err)
	}
	msg := "“" + name + "” is hidden from the sidebar."
	if on {
		msg = "“" + name + "” is shown in the sidebar."
	}
	finish(w, r, "/folders", Outcome{Message: msg, Reload: true})
	return nil
}
