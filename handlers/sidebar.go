package handlers

import (
	"strings"

	"github.com/tidings-mail/tidings/imapproxy"
)

// sidebarBoxes keeps the folders the sidebar shows: the subscribed ones
// (IMAP subscriptions, RFC 9051 §6.3.7, are how a user tells every mail
// app which folders to show), the special folders whatever their state,
// the folder being shown, and the parents of any of these so the tree
// stays whole. imapproxy marks every folder subscribed when the server
// cannot say, so nothing disappears there.
func sidebarBoxes(boxes []imapproxy.Mailbox, current string) []imapproxy.Mailbox {
	keep := make(map[string]bool, len(boxes))
	for _, m := range boxes {
		if !m.Subscribed && m.Use == imapproxy.UseNone && m.Name != current {
			continue
		}
		keep[m.Name] = true
		if m.Delim == "" {
			continue
		}
		for i := strings.LastIndex(m.Name, m.Delim); i > 0; i = strings.LastIndex(m.Name[:i], m.Delim) {
			keep[m.Name[:i]] = true
		}
	}
	out := boxes[:0:0]
	for _, m := range boxes {
		if keep[m.Name] {
			out = append(out, m)
		}
	}
	return out
}
