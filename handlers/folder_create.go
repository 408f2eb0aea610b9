package handlers

import (
	"net/http"
	"strings"
)

// FolderCreate creates a folder (POST /folders, name= and parent=). A
// name holding the server's delimiter makes nested folders. A refused
// name shows the page again with the reason and the name kept.
func (h *Handler) FolderCreate(w http.ResponseWriter, r *http.Request) error {
	name := strings.TrimSpace(r.PostFormValue("name"))
	parent := r.PostFormValue("parent")
	o, err := h.organizer(r)
	if err != nil {
		return err
	}
	full, err := o.CreateFolder(r.Context(), parent, name)
	if err != nil {
		e := organizeError(err)
		if e.Status >= 500 {
			return e
		}
		return h.renderFolders(w, r, e.Status, err, name, parent)
	}
	redirect(w, r, "/folders", "Created folder “"+full+"”.")
	return nil
}
