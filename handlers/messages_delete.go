package handlers

import (
	"net/http"
	"strconv"

	"github.com/tidings-mail/tidings/templates"
)

// MessagesDeleteConfirm asks before deleting messages for good (GET
// /mail/{mailbox}/delete with the selection in the query): a page of its
// own, so it works without JavaScript. Its form posts the same selection
// to MessagesAction with confirm=1.
func (h *Handler) MessagesDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	mailbox := r.PathValue("mailbox")
	sel, err := selection(r)
	if err != nil {
		return err
	}
	boxes, err := h.mail(r).Mailboxes(r.Context())
	if err != nil {
		return err
	}
	label := folderLabel(boxes, mailbox)
	back := returnURL(r, mailboxURL(mailbox))
	p := templates.ConfirmPage{
		BasePage:  h.base(r, "Delete for good?"),
		Heading:   "Delete for good?",
		Action:    mailboxURL(mailbox) + "/actions",
		Button:    "Delete for good",
		CancelURL: back,
		Fields: []templates.Field{
			{Name: "action", Value: "delete"}, {Name: "confirm", Value: "1"}, {Name: "return", Value: back},
		},
	}
	p.Folders, p.InboxUnseen = folderItems(boxes, mailbox)
	p.BasePage.Mailbox = mailbox
	if sel.All {
		n := "every message"
		for _, m := range boxes {
			if m.Name == mailbox && m.HasStatus {
				n = "all " + plural(int(m.Messages), "message", "messages")
			}
		}
		p.Message = "This deletes " + n + " in " + label + " permanently. They cannot be recovered."
		p.Fields = append(p.Fields, templates.Field{Name: "all", Value: "1"}, templates.Field{Name: "upto", Value: uitoa(sel.UpTo)})
	} else {
		p.Message = "This deletes " + plural(len(sel.UIDs), "message", "messages") + " in " + label + " permanently. They cannot be recovered."
		for _, u := range sel.UIDs {
			p.Fields = append(p.Fields, templates.Field{Name: "uid", Value: uitoa(u)})
		}
	}
	if sel.UIDValidity != 0 {
		p.Fields = append(p.Fields, templates.Field{Name: "uidvalidity", Value: strconv.FormatUint(uint64(sel.UIDValidity), 10)})
	}
	h.render(w, r, http.StatusOK, templates.Confirm(p))
	return nil
}
