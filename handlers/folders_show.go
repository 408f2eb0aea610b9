package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/templates"
)

// FoldersShow is "Manage folders" (GET /folders): every folder, subscribed
// or not, with forms to create, rename or move, delete, and show in or
// hide from the sidebar (IMAP subscriptions, which other mail apps
// follow too).
func (h *Handler) FoldersShow(w http.ResponseWriter, r *http.Request) error {
	return h.renderFolders(w, r, http.StatusOK, nil, "", "")
}

// renderFolders draws the manage page; formErr (if not nil) explains why
// the create form failed, with what was typed kept.
func (h *Handler) renderFolders(w http.ResponseWriter, r *http.Request, status int, formErr error, name, parent string) error {
	boxes, err := h.mail(r).Mailboxes(r.Context())
	if err != nil {
		return err
	}
	p := templates.FoldersPage{BasePage: h.base(r, "Folders"), Name: name, Parent: parent}
	p.Folders, p.InboxUnseen = folderItems(boxes, "")
	p.Parents = parentOptions(boxes, "")
	for _, m := range boxes {
		if m.Delim != "" {
			p.Delim = m.Delim
		}
		p.Rows = append(p.Rows, folderRow(m))
	}
	if formErr != nil {
		p.FormError = organizeError(formErr).Message
	}
	h.render(w, r, status, templates.Folders(p))
	return nil
}

func folderRow(m imapproxy.Mailbox) templates.FolderRow {
	depth, leaf := splitName(m)
	label := leaf
	if n, ok := folderNames[m.Use]; ok && depth == 0 {
		label = n
	}
	parent := ""
	if depth > 0 {
		parent = strings.TrimSuffix(m.Name, m.Delim+leaf)
	}
	q := url.Values{"name": {m.Name}}.Encode()
	return templates.FolderRow{
		Name: m.Name, Label: label, Path: m.Name, URL: mailboxURL(m.Name), Depth: depth,
		Messages: int(m.Messages), Unseen: int(m.Unseen), HasStatus: m.HasStatus,
		Subscribed: m.Subscribed, Protected: protected(m), NoSelect: m.NoSelect,
		Parent: parent, Leaf: leaf,
		DeleteURL: "/folders/delete?" + q, RenameURL: "/folders/rename?" + q,
	}
}

// protected folders are neither renamed nor deleted here: the server or
// other clients rely on them.
func protected(m imapproxy.Mailbox) bool { return m.Use != imapproxy.UseNone }

// parentOptions are the places a folder can be created in or moved to:
// the top level, then every folder but skip and its descendants.
func parentOptions(boxes []imapproxy.Mailbox, skip string) []templates.FolderOption {
	out := []templates.FolderOption{{Name: "", Label: "Top level"}}
	for _, m := range boxes {
		if skip != "" && (m.Name == skip || (m.Delim != "" && strings.HasPrefix(m.Name, skip+m.Delim))) {
			continue
		}
		out = append(out, templates.FolderOption{Name: m.Name, Label: treeLabel(m)})
	}
	return out
}
