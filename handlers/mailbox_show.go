package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/templates"
)

// MailboxShow lists one page of a folder: newest first by default, or
// sorted (?sort=date|arrival|from|subject|size&order=asc|desc), or as
// conversations (?view=threads). ?select=page pre-checks the rows, which
// is "select all on this page" without JavaScript.
func (h *Handler) MailboxShow(w http.ResponseWriter, r *http.Request) error {
	mailbox := r.PathValue("mailbox")
	q := r.URL.Query()
	page, err := pageParam(q)
	if err != nil {
		return err
	}
	order, err := orderParams(q)
	if err != nil {
		return err
	}
	o, err := h.organizer(r)
	if err != nil {
		return err
	}
	threads := q.Get("view") == "threads"
	var notice string
	if threads {
		boxes, tv, err := o.Threads(r.Context(), mailbox, page, PageSize)
		if err == nil {
			h.renderConversations(w, r, boxes, tv)
			return nil
		}
		if !errors.Is(err, imapproxy.ErrUnsupported) {
			return err
		}
		notice = "This mail server cannot group messages into conversations, so they are listed one by one."
	}
	boxes, v, err := o.View(r.Context(), imapproxy.ViewOptions{Mailbox: mailbox, Order: order, Page: page, PerPage: PageSize})
	if err != nil {
		return err
	}
	p := h.listPage(r, boxes, mailbox, v, listLinks{base: mailboxURL(mailbox), keep: sortValues(v.Order)})
	if p.Tools.Role == "trash" && v.Total > 0 && v.MaxUID > 0 {
		// Everything up to the newest message shown: mail deleted into
		// Trash meanwhile is not swept along unseen.
		p.Tools.EmptyURL = mailboxURL(mailbox) + "/delete?" + url.Values{"all": {"1"}, "upto": {uitoa(v.MaxUID)},
			"uidvalidity": {uitoa(v.UIDValidity)}, "return": {mailboxURL(mailbox)}}.Encode()
	}
	if notice != "" {
		p.Tools.Notice = notice
	}
	h.render(w, r, http.StatusOK, templates.Mailbox(p))
	return nil
}

// listLinks builds a list's own URLs: base plus the parameters to keep
// (sort, search terms) plus the page.
type listLinks struct {
	base string
	keep url.Values
}

func (l listLinks) page(n int, extra ...string) string {
	v := url.Values{}
	for k, vs := range l.keep {
		v[k] = vs
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	if len(v) == 0 {
		return l.base
	}
	return l.base + "?" + v.Encode()
}

// listFrame is what every list page of a folder shares: title, sidebar,
// the "1–50 of N" position and the pager links. shown is how many rows
// this page holds.
func (h *Handler) listFrame(r *http.Request, boxes []imapproxy.Mailbox, mailbox string, total, page, pages, perPage, shown int, links listLinks) templates.MailboxPage {
	label := folderLabel(boxes, mailbox)
	p := templates.MailboxPage{
		BasePage: h.base(r, label), Mailbox: mailbox, MailboxLabel: label,
		Total: total, Page: page, Pages: pages,
	}
	p.Folders, p.InboxUnseen = folderItems(boxes, mailbox)
	p.BasePage.Mailbox = mailbox
	if total > 0 {
		p.First = (page-1)*perPage + 1
		p.Last = p.First + shown - 1
	}
	if page > 1 {
		p.PrevURL = links.page(page - 1)
	}
	if page < pages {
		p.NextURL = links.page(page + 1)
	}
	return p
}

// listPage turns a view into the list page with its organizing tools.
func (h *Handler) listPage(r *http.Request, boxes []imapproxy.Mailbox, mailbox string, v *imapproxy.View, links listLinks) templates.MailboxPage {
	p := h.listFrame(r, boxes, mailbox, v.Total, v.Page, v.Pages(), v.PerPage, len(v.Messages), links)
	now := h.now()
	for _, m := range v.Messages {
		p.Rows = append(p.Rows, messageRow(mailbox, m, now))
	}
	self := links.page(v.Page)
	p.Tools = templates.ListTools{
		ActionURL: mailboxURL(mailbox) + "/actions", ReturnURL: self,
		UIDValidity: v.UIDValidity, MaxUID: v.MaxUID,
		SelectPageURL: links.page(v.Page, "select", "page"),
		Selected:      r.URL.Query().Get("select") == "page",
		MoveTargets:   moveTargets(boxes, mailbox),
		Role:          roleOf(boxes, mailbox),
		Sort:          sortControls(mailboxURL(mailbox), v.Order, nil),
	}
	if v.Total > len(v.Messages) {
		p.Tools.AllCount = v.Total
	}
	if v.Features.Threads && v.Order == (imapproxy.Order{}) {
		p.Tools.ThreadsURL = mailboxURL(mailbox) + "?view=threads"
	}
	if v.SortUnavailable {
		p.Tools.Notice = "This folder is too large to sort on this mail server, so it is shown newest first."
	}
	if v.Order != (imapproxy.Order{}) {
		p.Tools.PrevLabel, p.Tools.NextLabel = "Previous", "Next"
	}
	return p
}

func messageRow(mailbox string, m imapproxy.MessageSummary, now time.Time) templates.MessageRow {
	from, fromTitle := senderLabel(m.From)
	return templates.MessageRow{
		UID: m.UID, URL: messageURL(mailbox, m.UID),
		From: from, FromTitle: fromTitle, Subject: subjectOrPlaceholder(m.Subject),
		Date: shortDate(m.Date, now), DateTitle: longDate(m.Date, now), DateISO: isoDate(m.Date),
		Size: humanSize(m.Size), Unread: !m.Seen, Flagged: m.Flagged, Answered: m.Answered,
		Attachment: m.HasAttachment,
	}
}

func pageParam(q url.Values) (int, error) {
	v := q.Get("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1_000_000 {
		return 0, badRequest("That page number is not valid.")
	}
	return n, nil
}
