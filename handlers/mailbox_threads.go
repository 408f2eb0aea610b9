package handlers

import (
	"net/http"
	"strings"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/templates"
)

// renderConversations draws a folder as conversations (MailboxShow with
// ?view=threads): one row per conversation, its newest message shown,
// the most recently active first. A row's checkbox selects every message
// of the conversation, so the bulk actions work unchanged.
func (h *Handler) renderConversations(w http.ResponseWriter, r *http.Request, boxes []imapproxy.Mailbox, tv *imapproxy.ThreadView) {
	mailbox := tv.Mailbox
	links := listLinks{base: mailboxURL(mailbox), keep: map[string][]string{"view": {"threads"}}}
	p := h.listFrame(r, boxes, mailbox, tv.Total, tv.Page, tv.Pages(), tv.PerPage, len(tv.Conversations), links)
	self := links.page(tv.Page)
	p.Tools = templates.ListTools{
		ActionURL: mailboxURL(mailbox) + "/actions", ReturnURL: self,
		UIDValidity: tv.UIDValidity, MaxUID: tv.MaxUID,
		SelectPageURL: links.page(tv.Page, "select", "page"),
		Selected:      r.URL.Query().Get("select") == "page",
		MoveTargets:   moveTargets(boxes, mailbox),
		Role:          roleOf(boxes, mailbox),
		ThreadView:    true,
		MessagesURL:   mailboxURL(mailbox),
	}
	now := h.now()
	for _, c := range tv.Conversations {
		row := messageRow(mailbox, c.Latest, now)
		row.URL = threadURL(mailbox, c.Latest.UID)
		uids := make([]string, len(c.UIDs))
		for i, u := range c.UIDs {
			uids[i] = uitoa(u)
		}
		cr := templates.ConversationRow{MessageRow: row, UIDs: strings.Join(uids, ","), Count: len(c.UIDs), Unread: c.Unread}
		// The row is unread if any message is; Unread -1 means not counted.
		if c.Unread >= 0 {
			cr.MessageRow.Unread = c.Unread > 0
		}
		cr.Flagged = cr.Flagged || c.Flagged
		p.Tools.Conversations = append(p.Tools.Conversations, cr)
	}
	h.render(w, r, http.StatusOK, templates.Mailbox(p))
}

func threadURL(mailbox string, uid uint32) string {
	return messageURL(mailbox, uid) + "/thread"
}
