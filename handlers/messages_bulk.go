package handlers

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/tidings-mail/tidings/imapproxy"
)

// MessagesAction applies one action to the selected messages of a folder:
// POST /mail/{mailbox}/actions with action=read|unread|flag|unflag|
// archive|junk|notjunk|delete|move|copy, the selection (uid fields, or
// all=1 with upto), to= for move and copy, and return= the page to go
// back to. Every action is one IMAP operation on the server, whatever
// the number of messages.
//
// Forms get a 303 back to the list with a message; organize.js (Accept:
// application/json) gets a small JSON Outcome and updates the rows. A
// delete in Trash is permanent: unless confirm=1, it goes to the
// confirmation page instead.
func (h *Handler) MessagesAction(w http.ResponseWriter, r *http.Request) error {
	mailbox := r.PathValue("mailbox")
	sel, err := selection(r)
	if err != nil {
		return h.failAction(w, r, err)
	}
	back := returnURL(r, mailboxURL(mailbox))
	o, err := h.organizer(r)
	if err != nil {
		return h.failAction(w, r, err)
	}
	out, err := h.apply(r, o, mailbox, sel, back)
	if err != nil {
		return h.failAction(w, r, err)
	}
	if out.Confirm != "" && !wantsJSON(r) {
		http.Redirect(w, r, out.Confirm, http.StatusSeeOther)
		return nil
	}
	// After the message page's own message left the folder, go to the
	// list, not back to a message that is not there.
	if out.Removed {
		out.Redirect = back
	}
	out.Reload = out.Reload || sel.All
	finish(w, r, back, out)
	return nil
}

type markAction struct {
	flag imapproxy.Flag
	on   bool
	done string
}

var markActions = map[string]markAction{
	"read":   {imapproxy.FlagSeen, true, "Marked %s as read."},
	"unread": {imapproxy.FlagSeen, false, "Marked %s as unread."},
	"flag":   {imapproxy.FlagFlagged, true, "Flagged %s."},
	"unflag": {imapproxy.FlagFlagged, false, "Removed the flag from %s."},
}

var moveActions = map[string]imapproxy.Target{
	"archive": {Use: imapproxy.UseArchive},
	"junk":    {Use: imapproxy.UseJunk},
	"notjunk": {Use: imapproxy.UseInbox},
}

func (h *Handler) apply(r *http.Request, o Organizer, mailbox string, sel imapproxy.Selection, back string) (Outcome, error) {
	ctx := r.Context()
	action := r.PostFormValue("action")
	if m, ok := markActions[action]; ok {
		n, err := o.Mark(ctx, mailbox, sel, m.flag, m.on)
		out := Outcome{Message: fmt.Sprintf(m.done, plural(n, "message", "messages"))}
		if m.flag == imapproxy.FlagSeen {
			out.Seen = &m.on
		} else {
			out.Flagged = &m.on
		}
		return out, err
	}
	var res imapproxy.Result
	var err error
	switch action {
	case "archive", "junk", "notjunk":
		res, err = o.Move(ctx, mailbox, sel, moveActions[action])
	case "move", "copy":
		to := r.PostFormValue("to")
		if to == "" {
			return Outcome{}, badRequest("Choose the folder to move or copy to.")
		}
		if action == "move" {
			res, err = o.Move(ctx, mailbox, sel, imapproxy.Target{Name: to})
		} else {
			res, err = o.Copy(ctx, mailbox, sel, imapproxy.Target{Name: to})
			return Outcome{Message: fmt.Sprintf("Copied %s to %s.", plural(res.Count, "message", "messages"), res.To)}, err
		}
	case "delete":
		res, err = o.Delete(ctx, mailbox, sel, r.PostFormValue("confirm") == "1")
		if err == nil && res.Confirm {
			return Outcome{Confirm: confirmDeleteURL(mailbox, r.PostForm, back)}, nil
		}
	default:
		return Outcome{}, badRequest("That action is not known.")
	}
	if err != nil {
		return Outcome{}, err
	}
	out := movedOutcome(mailbox, res)
	if r.PostFormValue("undo") == "1" {
		out.Message = fmt.Sprintf("Moved %s back.", plural(res.Count, "message", "messages"))
	} else if out.Removed {
		out.Undo = undoForm(mailbox, res)
	}
	return out, nil
}

// movedOutcome says what a move or delete did.
func movedOutcome(mailbox string, res imapproxy.Result) Outcome {
	n := plural(res.Count, "message", "messages")
	to := res.To
	if to == "INBOX" {
		to = "Inbox" // as the sidebar calls it
	}
	switch {
	case res.To == "":
		return Outcome{Message: fmt.Sprintf("Deleted %s for good.", n), Removed: true}
	case res.To == mailbox:
		return Outcome{Message: "The messages are in that folder already."}
	case res.Kept:
		// Short: the flash cookie holds at most 200 bytes.
		return Outcome{Message: fmt.Sprintf("Copied %s to %s. This server cannot remove them here, so they are marked as deleted.", n, to), Reload: true}
	}
	return Outcome{Message: fmt.Sprintf("Moved %s to %s.", n, to), Removed: true}
}

// confirmDeleteURL is the confirmation page for a permanent delete of
// the selection in form.
func confirmDeleteURL(mailbox string, form url.Values, back string) string {
	v := url.Values{}
	for _, k := range []string{"uid", "all", "upto", "uidvalidity"} {
		if vs := form[k]; len(vs) > 0 {
			v[k] = vs
		}
	}
	v.Set("return", back)
	return mailboxURL(mailbox) + "/delete?" + v.Encode()
}
