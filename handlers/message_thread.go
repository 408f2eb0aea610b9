package handlers

import (
	"errors"
	"net/http"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/templates"
)

// ThreadItem is one message of a conversation in the JSON organize.js
// reads to show the conversation on the message page.
type ThreadItem struct {
	URL     string `json:"url"`
	From    string `json:"from"`
	Subject string `json:"subject"`
	Date    string `json:"date"`
	Depth   int    `json:"depth"`
	Unread  bool   `json:"unread"`
	Current bool   `json:"current"`
}

// MessageThread shows the conversation a message belongs to (GET
// /mail/{mailbox}/{uid}/thread): its messages in reply order, linked. As
// JSON (Accept: application/json) it is the list organize.js puts on the
// message page.
func (h *Handler) MessageThread(w http.ResponseWriter, r *http.Request) error {
	mailbox, uid, err := messageParams(r)
	if err != nil {
		return err
	}
	o, err := h.organizer(r)
	if err != nil {
		return h.failAction(w, r, err)
	}
	msgs, err := o.MessageThread(r.Context(), mailbox, uid)
	if err != nil && wantsJSON(r) && errors.Is(err, imapproxy.ErrUnsupported) {
		// No THREAD on this server: the script just hides the link; an
		// error status would be a console error on every message page.
		writeJSON(w, http.StatusOK, []ThreadItem{})
		return nil
	}
	if err != nil {
		return h.failAction(w, r, err)
	}
	now := h.now()
	var items []templates.ConversationItem
	for _, m := range msgs {
		items = append(items, templates.ConversationItem{MessageRow: messageRow(mailbox, m.MessageSummary, now), Depth: m.Depth, Current: m.UID == uid})
	}
	if wantsJSON(r) {
		out := make([]ThreadItem, len(items))
		for i, it := range items {
			out[i] = ThreadItem{URL: it.URL, From: it.From, Subject: it.Subject, Date: it.Date, Depth: it.Depth, Unread: it.Unread, Current: it.Current}
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
	boxes, err := h.mail(r).Mailboxes(r.Context())
	if err != nil {
		return err
	}
	label := folderLabel(boxes, mailbox)
	subject := "Conversation"
	if len(items) > 0 {
		subject = items[0].Subject
	}
	p := templates.ConversationPage{BasePage: h.base(r, subject), Mailbox: mailbox, MailboxLabel: label,
		MailboxURL: mailboxURL(mailbox), Subject: subject, Items: items}
	p.Folders, p.InboxUnseen = folderItems(boxes, mailbox)
	p.BasePage.Mailbox = mailbox
	h.render(w, r, http.StatusOK, templates.Conversation(p))
	return nil
}
