package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/templates"
)

// errProtected is ErrProtected for checks made before the server is asked.
var errProtected = &Error{Status: http.StatusForbidden, Heading: "Folder protected",
	Message: "The Inbox and the special folders (Drafts, Sent, Archive, Junk, Trash) and folders holding them cannot be renamed or deleted."}

// FolderDeleteConfirm asks before deleting a folder (GET
// /folders/delete?name=): it names the subfolders and the messages that
// go with it.
func (h *Handler) FolderDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	name := r.URL.Query().Get("name")
	boxes, err := h.mail(r).Mailboxes(r.Context())
	if err != nil {
		return err
	}
	var tree []imapproxy.Mailbox
	for _, m := range boxes {
		if m.Name == name || (m.Delim != "" && strings.HasPrefix(m.Name, name+m.Delim)) {
			tree = append(tree, m)
		}
	}
	if len(tree) == 0 {
		return &Error{Status: http.StatusNotFound, Heading: "Folder not found",
			Message: "This folder does not exist any more. It may have been renamed or deleted from another device."}
	}
	messages := 0
	var items []string
	for _, m := range tree {
		if protected(m) {
			return errProtected
		}
		messages += int(m.Messages)
		if m.Name != name {
			items = append(items, m.Name)
		}
	}
	what := "“" + name + "”"
	if len(items) > 0 {
		what += " and its " + plural(len(items), "subfolder", "subfolders") + " (listed below)"
	}
	p := templates.ConfirmPage{
		BasePage:  h.base(r, "Delete folder?"),
		Heading:   "Delete folder " + name + "?",
		Message:   "This deletes " + what + " with " + plural(messages, "message", "messages") + " in them, for good. They cannot be recovered.",
		Items:     items,
		Action:    "/folders/delete",
		Fields:    []templates.Field{{Name: "name", Value: name}, {Name: "confirm", Value: "1"}},
		Button:    "Delete folder",
		CancelURL: "/folders",
	}
	p.Folders, p.InboxUnseen = folderItems(boxes, "")
	h.render(w, r, http.StatusOK, templates.Confirm(p))
	return nil
}

// FolderDelete deletes a folder and its subfolders (POST /folders/delete,
// name=, confirm=1). Without confirm it goes to the confirmation page.
func (h *Handler) FolderDelete(w http.ResponseWriter, r *http.Request) error {
	name := r.PostFormValue("name")
	if name == "" {
		return badRequest("The form was incomplete. Please go back and try again.")
	}
	if r.PostFormValue("confirm") != "1" {
		http.Redirect(w, r, "/folders/delete?name="+url.QueryEscape(name), http.StatusSeeOther)
		return nil
	}
	o, err := h.organizer(r)
	if err != nil {
		return err
	}
	if err := o.DeleteFolder(r.Context(), name); err != nil {
		return organizeError(err)
	}
	redirect(w, r, "/folders", "Deleted folder “"+name+"”.")
	return nil
}
