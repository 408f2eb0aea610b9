package handlers

import (
	"net/http"
	"strings"

	"github.com/tidings-mail/tidings/templates"
)

// FolderRenameForm is the page to rename a folder or move it elsewhere
// in the tree (GET /folders/rename?name=).
func (h *Handler) FolderRenameForm(w http.ResponseWriter, r *http.Request) error {
	return h.renderRename(w, r, http.StatusOK, r.URL.Query().Get("name"), "", nil, false)
}

// FolderRename renames or moves a folder (POST /folders/rename, name=,
// newname=, parent=); its subfolders and their subscriptions follow.
func (h *Handler) FolderRename(w http.ResponseWriter, r *http.Request) error {
	name := r.PostFormValue("name")
	newName := strings.TrimSpace(r.PostFormValue("newname"))
	parent := r.PostFormValue("parent")
	o, err := h.organizer(r)
	if err != nil {
		return err
	}
	to, err := o.RenameFolder(r.Context(), name, parent, newName)
	if err != nil {
		e := organizeError(err)
		if e.Status >= 500 || name == "" {
			return e
		}
		return h.renderRename(w, r, e.Status, name, newName, err, true)
	}
	redirect(w, r, "/folders", "Renamed “"+name+"” to “"+to+"”.")
	return nil
}

func (h *Handler) renderRename(w http.ResponseWriter, r *http.Request, status int, name, typed string, formErr error, keepParent bool) error {
	boxes, err := h.mail(r).Mailboxes(r.Context())
	if err != nil {
		return err
	}
	var row *templates.FolderRow
	for _, m := range boxes {
		if m.Name == name {
			fr := folderRow(m)
			row = &fr
		}
	}
	if row == nil {
		return &Error{Status: http.StatusNotFound, Heading: "Folder not found",
			Message: "This folder does not exist any more. It may have been renamed or deleted from another device."}
	}
	if row.Protected {
		return organizeError(errProtected)
	}
	p := templates.FolderRenamePage{BasePage: h.base(r, "Rename "+row.Label), Folder: *row, Name: row.Leaf, Parent: row.Parent}
	p.Folders, p.InboxUnseen = folderItems(boxes, "")
	p.Parents = parentOptions(boxes, name)
	if typed != "" {
		p.Name = typed
	}
	if keepParent {
		p.Parent = r.PostFormValue("parent")
	}
	if formErr != nil {
		p.FormError = organizeError(formErr).Message
	}
	h.render(w, r, status, templates.FolderRename(p))
	return nil
}
