package handlers

import (
	"net/http"
	"net/url"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/templates"
)

// searchPerFolder is how many results an every-folder search shows per
// folder; each group links to all of its results.
const searchPerFolder = 10

// SearchShow is the search page (GET /search): the quick search of the
// top bar (q, in the current folder), the advanced form, and the
// results, which the server finds (UID SEARCH) and which are paged,
// sorted and organized like a folder. Without a folder (mailbox=""),
// every folder is searched and the results are grouped by folder.
func (h *Handler) SearchShow(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	query, form, keep, err := parseSearch(q)
	if err != nil {
		return err
	}
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
	ctx := r.Context()
	p := templates.SearchPage{Form: form, Searched: !query.IsZero(), ClearURL: "/search"}
	p.Advanced = !p.Searched || form.Q == ""
	var boxes []imapproxy.Mailbox
	switch {
	case !p.Searched:
		boxes, err = h.mail(r).Mailboxes(ctx)
		if err != nil {
			return err
		}
		p.MailboxPage = templates.MailboxPage{BasePage: h.base(r, "Search")}
		p.Folders, p.InboxUnseen = folderItems(boxes, form.Mailbox)
	case form.Mailbox == "":
		var hits []imapproxy.FolderHits
		boxes, hits, err = o.SearchAll(ctx, query, searchPerFolder)
		if err != nil {
			return err
		}
		p.MailboxPage = templates.MailboxPage{BasePage: h.base(r, "Search")}
		p.Folders, p.InboxUnseen = folderItems(boxes, "")
		h.searchGroups(&p, boxes, hits, keep)
	default:
		var v *imapproxy.View
		boxes, v, err = o.View(ctx, imapproxy.ViewOptions{Mailbox: form.Mailbox, Query: query, Order: order, Page: page, PerPage: PageSize})
		if err != nil {
			return err
		}
		links := listLinks{base: "/search", keep: merge(keep, sortValues(order))}
		p.MailboxPage = h.listPage(r, boxes, form.Mailbox, v, links)
		p.Title = "Search"
		p.Tools.Sort = sortControls("/search", v.Order, keep)
		p.Tools.ThreadsURL, p.Tools.AllCount = "", 0 // "all" would mean the whole folder, not the results
		p.Tools.EmptyText = "No messages in " + p.MailboxLabel + " match. Check the spelling, use fewer words, or search all folders."
		p.Summary = plural(v.Total, "message", "messages") + " in " + p.MailboxLabel + " " + matchVerb(v.Total) + " " + searchSummary(form) + "."
		all := cloneValues(keep)
		all.Del("mailbox")
		p.ScopeURL, p.ScopeText = "/search?"+all.Encode(), "Search all folders"
	}
	p.BasePage.Query = form.Q
	p.BasePage.Mailbox = form.Mailbox
	p.FolderChoices = append([]templates.FolderOption{{Name: "", Label: "All folders"}}, moveTargets(boxes, "")...)
	h.render(w, r, http.StatusOK, templates.Search(p))
	return nil
}

// searchGroups fills an every-folder search's results.
func (h *Handler) searchGroups(p *templates.SearchPage, boxes []imapproxy.Mailbox, hits []imapproxy.FolderHits, keep url.Values) {
	p.AllScope = true
	total := 0
	now := h.now()
	for _, hit := range hits {
		g := templates.SearchGroup{Label: folderLabel(boxes, hit.Mailbox.Name), Total: hit.Total}
		for _, m := range hit.Messages {
			g.Rows = append(g.Rows, messageRow(hit.Mailbox.Name, m, now))
		}
		if hit.Total > len(hit.Messages) {
			in := cloneValues(keep)
			in.Set("mailbox", hit.Mailbox.Name)
			g.MoreURL = "/search?" + in.Encode()
		}
		total += hit.Total
		p.Groups = append(p.Groups, g)
	}
	p.Summary = plural(total, "message", "messages") + " in all folders " + matchVerb(total) + " " + searchSummary(p.Form) + "."
}

func matchVerb(n int) string {
	if n == 1 {
		return "matches"
	}
	return "match"
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func merge(a, b url.Values) url.Values {
	out := cloneValues(a)
	for k, vs := range b {
		out[k] = vs
	}
	return out
}
