package imapproxy

import (
	"context"
	"sort"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Mailboxes lists every folder with its message and unseen counts, special
// folders first (INBOX, Drafts, Sent, Archive, Junk, Trash), then the rest
// in name order so a tree can be drawn by walking the slice.
//
// With LIST-STATUS (RFC 5819) or IMAP4rev2 this is one round trip:
// LIST "" "*" RETURN (SUBSCRIBED SPECIAL-USE STATUS (MESSAGES UNSEEN)).
// Otherwise the STATUS commands (RFC 9051 §6.3.11) are pipelined after the
// LIST, which costs one more round trip, not one per folder.
func (s *Session) Mailboxes(ctx context.Context) ([]Mailbox, error) {
	var out []Mailbox
	err := s.read(ctx, "list mailboxes", func(cn *conn) error {
		var err error
		out, err = cn.mailboxes()
		return err
	})
	if err == nil {
		s.p.keepSidebar(s.id, out)
	}
	return out, err
}

func (cn *conn) mailboxes() ([]Mailbox, error) {
	listStatus := cn.caps.Has(imap.CapListStatus)
	opts := &imap.ListOptions{ReturnSubscribed: cn.caps.Has(imap.CapListExtended)}
	if listStatus {
		opts.ReturnStatus = &imap.StatusOptions{NumMessages: true, NumUnseen: true}
	}
	if cn.caps.Has(imap.CapSpecialUse) {
		opts.ReturnSpecialUse = true
	}
	data, err := cn.c.List("", "*", opts).Collect()
	if err != nil {
		return nil, err
	}
	boxes := make([]Mailbox, 0, len(data))
	for _, d := range data {
		boxes = append(boxes, mailboxFrom(d))
	}
	if !listStatus {
		cn.statusEach(boxes)
	}
	markSubscriptions(boxes, opts.ReturnSubscribed)
	sortMailboxes(boxes)
	return boxes, nil
}

func mailboxFrom(d *imap.ListData) Mailbox {
	m := Mailbox{Name: d.Mailbox, Use: useFromAttrs(d.Attrs)}
	if d.Delim != 0 {
		m.Delim = string(d.Delim)
	}
	for _, a := range d.Attrs {
		switch a {
		case imap.MailboxAttrNoSelect, imap.MailboxAttrNonExistent:
			m.NoSelect = true
		case imap.MailboxAttrSubscribed:
			m.Subscribed = true
		}
	}
	if strings.EqualFold(m.Name, "INBOX") {
		m.Name, m.Use = "INBOX", UseInbox
	}
	if m.Use == UseNone {
		m.Use = useFromName(m.Name, m.Delim)
	}
	if d.Status != nil {
		m.HasStatus = true
		if d.Status.NumMessages != nil {
			m.Messages = *d.Status.NumMessages
		}
		if d.Status.NumUnseen != nil {
			m.Unseen = *d.Status.NumUnseen
		}
	}
	return m
}

// statusEach pipelines one STATUS per selectable folder and waits for all.
func (cn *conn) statusEach(boxes []Mailbox) {
	cmds := make([]*imapclient.StatusCommand, len(boxes))
	for i, m := range boxes {
		if !m.NoSelect {
			cmds[i] = cn.c.Status(m.Name, &imap.StatusOptions{NumMessages: true, NumUnseen: true})
		}
	}
	for i, cmd := range cmds {
		if cmd == nil {
			continue
		}
		sd, err := cmd.Wait()
		if err != nil || sd == nil {
			continue // a folder the server will not count is still listed
		}
		boxes[i].HasStatus = true
		if sd.NumMessages != nil {
			boxes[i].Messages = *sd.NumMessages
		}
		if sd.NumUnseen != nil {
			boxes[i].Unseen = *sd.NumUnseen
		}
	}
}

func useFromAttrs(attrs []imap.MailboxAttr) SpecialUse {
	for _, a := range attrs {
		switch a {
		case imap.MailboxAttrDrafts:
			return UseDrafts
		case imap.MailboxAttrSent:
			return UseSent
		case imap.MailboxAttrArchive:
			return UseArchive
		case imap.MailboxAttrJunk:
			return UseJunk
		case imap.MailboxAttrTrash:
			return UseTrash
		case imap.MailboxAttrAll:
			return UseAll
		case imap.MailboxAttrFlagged:
			return UseFlagged
		}
	}
	return UseNone
}

// useFromName recognises the usual names of top-level special folders, for
// servers without SPECIAL-USE (and go-imap's in-memory server, which drops
// the attributes).
func useFromName(name, delim string) SpecialUse {
	if delim != "" && strings.Contains(name, delim) {
		return UseNone
	}
	switch strings.ToLower(name) {
	case "drafts", "draft":
		return UseDrafts
	case "sent", "sent items", "sent messages", "sent mail":
		return UseSent
	case "archive", "archives":
		return UseArchive
	case "junk", "spam", "junk e-mail", "junk mail", "bulk mail":
		return UseJunk
	case "trash", "deleted items", "deleted messages", "bin":
		return UseTrash
	}
	return UseNone
}

var useOrder = map[SpecialUse]int{
	UseInbox: 0, UseDrafts: 1, UseSent: 2, UseArchive: 3, UseJunk: 4, UseTrash: 5, UseAll: 6, UseFlagged: 7,
}

// sortMailboxes puts one folder per special role first, then the rest by
// name, with children right after their parent.
func sortMailboxes(boxes []Mailbox) {
	seen := map[SpecialUse]bool{}
	rank := make(map[string]int, len(boxes))
	for _, m := range boxes {
		r := 100
		if o, ok := useOrder[m.Use]; ok && !seen[m.Use] {
			seen[m.Use] = true
			r = o
		}
		rank[m.Name] = r
	}
	sort.SliceStable(boxes, func(i, j int) bool {
		a, b := boxes[i], boxes[j]
		ra, rb := rootRank(a, rank), rootRank(b, rank)
		if ra != rb {
			return ra < rb
		}
		return treeKey(a) < treeKey(b)
	})
}

// rootRank is the rank of a folder's top-level ancestor, so children stay
// under a special parent.
func rootRank(m Mailbox, rank map[string]int) int {
	root := m.Name
	if m.Delim != "" {
		root, _, _ = strings.Cut(m.Name, m.Delim)
	}
	if r, ok := rank[root]; ok {
		return r
	}
	return rank[m.Name]
}

// treeKey sorts "A", "A/B", "A B" so that children follow their parent:
// the delimiter sorts before every other character.
func treeKey(m Mailbox) string {
	k := strings.ToLower(m.Name)
	if m.Delim != "" {
		k = strings.ReplaceAll(k, strings.ToLower(m.Delim), "\x00")
	}
	return k
}
