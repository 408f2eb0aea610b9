package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/web/reqctx"
)

// Organizer is what the organizing pages (bulk actions, folders, search,
// sorting, conversations) need from the mail server, besides Mail.
// *imapproxy.Session implements it; it is asked for with a type assertion
// so that Mail stays small for the pages that only read.
type Organizer interface {
	View(ctx context.Context, o imapproxy.ViewOptions) ([]imapproxy.Mailbox, *imapproxy.View, error)
	Threads(ctx context.Context, mailbox string, page, perPage int) ([]imapproxy.Mailbox, *imapproxy.ThreadView, error)
	MessageThread(ctx context.Context, mailbox string, uid uint32) ([]imapproxy.ThreadMessage, error)
	SearchAll(ctx context.Context, q imapproxy.Query, perFolder int) ([]imapproxy.Mailbox, []imapproxy.FolderHits, error)

	Mark(ctx context.Context, mailbox string, sel imapproxy.Selection, flag imapproxy.Flag, on bool) (int, error)
	Move(ctx context.Context, from string, sel imapproxy.Selection, to imapproxy.Target) (imapproxy.Result, error)
	Copy(ctx context.Context, from string, sel imapproxy.Selection, to imapproxy.Target) (imapproxy.Result, error)
	Delete(ctx context.Context, mailbox string, sel imapproxy.Selection, confirmed bool) (imapproxy.Result, error)

	CreateFolder(ctx context.Context, parent, leaf string) (string, error)
	RenameFolder(ctx context.Context, folder, newParent, newLeaf string) (string, error)
	DeleteFolder(ctx context.Context, folder string) error
	SetSubscribed(ctx context.Context, folder string, on bool) error
}

// organizer returns the request's Organizer.
func (h *Handler) organizer(r *http.Request) (Organizer, error) {
	if o, ok := h.mail(r).(Organizer); ok {
		return o, nil
	}
	return nil, &Error{Status: http.StatusNotImplemented, Heading: "Not available",
		Message: "Organizing mail is not available with this mail backend."}
}

// maxSelected bounds the UIDs one form may name; "all in this folder" is
// the way to act on more.
const maxSelected = 5000

// selection reads the messages a form names: uid fields (each one UID or
// a comma-separated list, as a conversation row sends), or all=1 with the
// newest UID the page showed (upto), plus the folder's uidvalidity.
func selection(r *http.Request) (imapproxy.Selection, error) {
	var sel imapproxy.Selection
	if err := r.ParseForm(); err != nil {
		return sel, badRequest("The form could not be read. Please go back and try again.")
	}
	form := r.PostForm
	if r.Method == http.MethodGet {
		form = r.URL.Query() // the confirmation page carries it in its URL
	}
	var err error
	if sel.UIDValidity, err = optUint32(form.Get("uidvalidity")); err != nil {
		return sel, err
	}
	if form.Get("all") == "1" {
		sel.All = true
		sel.UpTo, err = optUint32(form.Get("upto"))
		return sel, err
	}
	for _, v := range form["uid"] {
		for _, part := range strings.Split(v, ",") {
			n, err := strconv.ParseUint(strings.TrimSpace(part), 10, 32)
			if err != nil || n == 0 {
				return sel, badRequest("The selection was not valid. Please go back and try again.")
			}
			sel.UIDs = append(sel.UIDs, uint32(n))
		}
	}
	if len(sel.UIDs) > maxSelected {
		return sel, badRequest("Too many messages were selected at once. Use “all in this folder” instead.")
	}
	if sel.Empty() {
		return sel, &Error{Status: http.StatusBadRequest, Heading: "Nothing selected",
			Message: "Select at least one message first, with the boxes in the list."}
	}
	return sel, nil
}

func optUint32(v string) (uint32, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		return 0, badRequest("The form was incomplete. Please go back and try again.")
	}
	return uint32(n), nil
}

// returnURL is where a form action goes back to: the local page it came
// from (its "return" field), else fallback. Only paths of this app are
// accepted, so the field cannot send the user elsewhere.
func returnURL(r *http.Request, fallback string) string {
	v := r.PostFormValue("return")
	if v == "" {
		v = r.URL.Query().Get("return")
	}
	u, err := url.Parse(v)
	if v == "" || err != nil || u.Scheme != "" || u.Host != "" || u.User != nil ||
		strings.HasPrefix(v, "//") || strings.ContainsAny(v, "\\\r\n") {
		return fallback
	}
	for _, prefix := range []string{"/mail/", "/search", "/folders"} {
		if strings.HasPrefix(u.Path, prefix) {
			return u.RequestURI()
		}
	}
	return fallback
}

// wantsJSON reports whether the request came from organize.js, which asks
// for a small JSON answer instead of a redirect to a whole page.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// Outcome is the JSON answer to an action.
type Outcome struct {
	OK       bool   `json:"ok"`
	Message  string `json:"message,omitempty"`
	Removed  bool   `json:"removed,omitempty"`  // the selected rows left this list
	Reload   bool   `json:"reload,omitempty"`   // the change reaches beyond the rows on screen
	Redirect string `json:"redirect,omitempty"` // go there (the page's message is gone)
	Confirm  string `json:"confirm,omitempty"`  // ask first: open this confirmation page
	Error    string `json:"error,omitempty"`
	Flagged  *bool  `json:"flagged,omitempty"`
	Seen     *bool  `json:"seen,omitempty"`
	// Undo, after a move, archive or delete to Trash, is the form that
	// moves the messages back: organize.js offers it next to Message.
	Undo *UndoForm `json:"undo,omitempty"`
}

// UndoForm is a POST to Action with Fields.
type UndoForm struct {
	Action string              `json:"action"`
	Fields map[string][]string `json:"fields"`
}

// undoForm moves res.Moved back to from; nil when the move cannot be
// undone exactly (no COPYUID, or too many messages).
func undoForm(from string, res imapproxy.Result) *UndoForm {
	m := res.Moved
	if m == nil || m.Folder == from {
		return nil
	}
	uids := make([]string, len(m.UIDs))
	for i, u := range m.UIDs {
		uids[i] = uitoa(u)
	}
	return &UndoForm{Action: mailboxURL(m.Folder) + "/actions", Fields: map[string][]string{
		"action": {"move"}, "to": {from}, "uid": uids, "uidvalidity": {uitoa(m.UIDValidity)}, "undo": {"1"},
	}}
}

// finish answers a successful action: JSON for organize.js, otherwise
// redirect-after-post (303) to back with message as the flash.
func finish(w http.ResponseWriter, r *http.Request, back string, o Outcome) {
	if wantsJSON(r) {
		o.OK = true
		writeJSON(w, http.StatusOK, o)
		return
	}
	redirect(w, r, back, o.Message)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// failAction explains a failed action: as JSON to organize.js (the same
// user-readable text as the error page, never the server's), otherwise
// as the error page.
func (h *Handler) failAction(w http.ResponseWriter, r *http.Request, err error) error {
	e := organizeError(err)
	if !wantsJSON(r) {
		return e
	}
	log := reqctx.Logger(r.Context())
	if e.Status >= 500 {
		log.Error("action failed", "status", e.Status, "err", err)
	} else {
		log.Info("action refused", "status", e.Status, "err", err)
	}
	writeJSON(w, e.Status, Outcome{Error: e.Heading + ". " + e.Message})
	return nil
}

// organizeError maps the organizing refusals to what the user reads;
// everything else goes through classify.
func organizeError(err error) *Error {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, imapproxy.ErrChanged):
		return &Error{Status: http.StatusConflict, Heading: "Folder changed",
			Message: "This folder was changed on the server since the page was shown, so nothing was done. Reload the page and try again.", Cause: err}
	case errors.Is(err, imapproxy.ErrProtected):
		return &Error{Status: http.StatusForbidden, Heading: "Folder protected",
			Message: "The Inbox and the special folders (Drafts, Sent, Archive, Junk, Trash) and folders holding them cannot be renamed or deleted.", Cause: err}
	case errors.Is(err, imapproxy.ErrBadName):
		return &Error{Status: http.StatusBadRequest, Heading: "Folder name not accepted",
			Message: "The mail server does not accept this folder name. Leave out characters such as . * and %, and empty parts between slashes.", Cause: err}
	case errors.Is(err, imapproxy.ErrAlreadyExists):
		return &Error{Status: http.StatusConflict, Heading: "Folder exists",
			Message: "A folder with that name exists already. Choose another name.", Cause: err}
	case errors.Is(err, imapproxy.ErrUnsupported):
		return &Error{Status: http.StatusNotImplemented, Heading: "Not possible on this server",
			Message: "Your mail server cannot do this safely (it lacks the UIDPLUS, SORT or THREAD extension). Nothing was changed.", Cause: err}
	}
	return classify(err)
}

// plural is "1 message" or "3 messages".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
