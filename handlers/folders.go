package handlers

import (
	"net/url"
	"strings"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/templates"
)

// folderNames are the names users read for special folders.
var folderNames = map[imapproxy.SpecialUse]string{
	imapproxy.UseInbox:   "Inbox",
	imapproxy.UseDrafts:  "Drafts",
	imapproxy.UseSent:    "Sent",
	imapproxy.UseArchive: "Archive",
	imapproxy.UseJunk:    "Junk",
	imapproxy.UseTrash:   "Trash",
	imapproxy.UseAll:     "All mail",
	imapproxy.UseFlagged: "Flagged",
}

var folderIcons = map[imapproxy.SpecialUse]string{
	imapproxy.UseInbox: "inbox", imapproxy.UseDrafts: "drafts", imapproxy.UseSent: "sent",
	imapproxy.UseArchive: "archive", imapproxy.UseJunk: "junk", imapproxy.UseTrash: "trash",
	imapproxy.UseAll: "mail", imapproxy.UseFlagged: "flag",
}

// mailboxURL is the list page of a folder. The name is one path segment:
// a "/" in it is escaped, so "Projects/Apollo" stays one folder.
func mailboxURL(name string) string {
	return "/mail/" + url.PathEscape(name)
}

func messageURL(mailbox string, uid uint32) string {
	return mailboxURL(mailbox) + "/" + uitoa(uid)
}

// folderItems turns the server's folders into sidebar rows, indented by
// hierarchy level and labelled for people. Only subscribed folders are
// listed (see sidebarBoxes).
func folderItems(boxes []imapproxy.Mailbox, current string) (items []templates.FolderItem, inboxUnseen int) {
	boxes = sidebarBoxes(boxes, current)
	items = make([]templates.FolderItem, 0, len(boxes))
	for _, m := range boxes {
		depth := 0
		leaf := m.Name
		if m.Delim != "" {
			parts := strings.Split(m.Name, m.Delim)
			depth, leaf = len(parts)-1, parts[len(parts)-1]
		}
		label := leaf
		if n, ok := folderNames[m.Use]; ok && depth == 0 {
			label = n
		}
		icon := folderIcons[m.Use]
		if icon == "" {
			icon = "folder"
		}
		items = append(items, templates.FolderItem{
			Name: m.Name, Label: label, URL: mailboxURL(m.Name), Icon: icon, Depth: depth,
			Unseen: int(m.Unseen), Current: m.Name == current, NoSelect: m.NoSelect,
		})
		if m.Use == imapproxy.UseInbox {
			inboxUnseen = int(m.Unseen)
		}
	}
	return items, inboxUnseen
}

// folderLabel is the heading for a folder page.
func folderLabel(boxes []imapproxy.Mailbox, name string) string {
	for _, m := range boxes {
		if m.Name == name {
			if n, ok := folderNames[m.Use]; ok {
				return n
			}
		}
	}
	if name == "INBOX" {
		return "Inbox"
	}
	return name
}
