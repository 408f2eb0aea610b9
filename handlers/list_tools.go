package handlers

import (
	"strings"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/templates"
)

// moveTargets are the folders messages of current can be moved or copied
// to: every selectable folder, subscribed or not, in sidebar order.
func moveTargets(boxes []imapproxy.Mailbox, current string) []templates.FolderOption {
	var out []templates.FolderOption
	for _, m := range boxes {
		if m.NoSelect || m.Name == current {
			continue
		}
		out = append(out, templates.FolderOption{Name: m.Name, Label: treeLabel(m)})
	}
	return out
}

// treeLabel is a folder's name in a select: its leaf, indented by depth
// (a select cannot be styled), or the special folder's name.
func treeLabel(m imapproxy.Mailbox) string {
	depth, leaf := splitName(m)
	if n, ok := folderNames[m.Use]; ok && depth == 0 {
		leaf = n
	}
	return strings.Repeat("\u00a0\u00a0\u00a0", min(depth, 6)) + leaf
}

// splitName is a folder's depth and last name element.
func splitName(m imapproxy.Mailbox) (int, string) {
	if m.Delim == "" {
		return 0, m.Name
	}
	parts := strings.Split(m.Name, m.Delim)
	return len(parts) - 1, parts[len(parts)-1]
}

// roleOf is the role of mailbox that changes which actions a list offers.
func roleOf(boxes []imapproxy.Mailbox, mailbox string) string {
	for _, m := range boxes {
		if m.Name == mailbox {
			switch m.Use {
			case imapproxy.UseInbox, imapproxy.UseTrash, imapproxy.UseJunk, imapproxy.UseArchive:
				return string(m.Use)
			}
		}
	}
	return ""
}
