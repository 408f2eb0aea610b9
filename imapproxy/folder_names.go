package imapproxy

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-imap/v2"
)

// maxNameBytes bounds a folder name. RFC 9051 sets no limit, but servers
// do (Dovecot: 255 bytes per path element on most file systems).
const maxNameBytes = 200

// CheckFolderName reports whether leaf can be a new folder's name below
// a parent, before the server is asked. A leaf holding delim makes nested
// folders ("2026/Q1"). Wildcards (RFC 9051 §6.3.9 "*" and "%") and control
// characters are refused: they make a name that LIST cannot find or a
// terminal cannot show. Everything else is the server's to judge, and
// modified UTF-7 (RFC 9051 §5.1.3) is go-imap's.
func CheckFolderName(leaf, delim string) error {
	if leaf == "" || len(leaf) > maxNameBytes || !utf8.ValidString(leaf) {
		return refused(ErrBadName, "check name", errors.New("empty, too long or not UTF-8"))
	}
	if strings.ContainsAny(leaf, "*%") {
		return refused(ErrBadName, "check name", errors.New("wildcard"))
	}
	for _, r := range leaf {
		if unicode.IsControl(r) {
			return refused(ErrBadName, "check name", errors.New("control character"))
		}
	}
	parts := []string{leaf}
	if delim != "" {
		parts = strings.Split(leaf, delim)
	}
	for _, p := range parts {
		if p == "" || strings.TrimSpace(p) != p {
			return refused(ErrBadName, "check name", errors.New("empty element or outer spaces"))
		}
	}
	return nil
}

// joinName makes the full name of leaf below parent.
func joinName(parent, delim, leaf string) string {
	if parent == "" || delim == "" {
		return leaf
	}
	return parent + delim + leaf
}

// isInside reports whether name is folder or one of its descendants.
func isInside(name, folder, delim string) bool {
	return name == folder || (delim != "" && strings.HasPrefix(name, folder+delim))
}

// hierarchyDelim asks the server for its hierarchy delimiter with
// LIST "" "" (RFC 9051 §6.3.9: the empty pattern returns the root and
// delimiter only). "" means a flat namespace.
func (cn *conn) hierarchyDelim() (string, error) {
	data, err := cn.c.List("", "", nil).Collect()
	if err != nil {
		return "", err
	}
	for _, d := range data {
		if d.Delim != 0 {
			return string(d.Delim), nil
		}
	}
	return "", nil
}

// tree lists folder and its descendants (RFC 9051 §6.3.9 pattern "name/*"
// plus the folder itself), with subscription state where the server says
// (Subscribed is false where it cannot: see markSubscriptions).
func (cn *conn) tree(folder, delim string) ([]Mailbox, error) {
	opts := &imap.ListOptions{ReturnSubscribed: cn.has(imap.CapListExtended), ReturnSpecialUse: cn.has(imap.CapSpecialUse)}
	patterns := []string{folder}
	if delim != "" {
		patterns = append(patterns, folder+delim+"*")
	}
	var out []Mailbox
	for _, p := range patterns {
		data, err := cn.c.List("", p, opts).Collect()
		if err != nil {
			return nil, err
		}
		for _, d := range data {
			if isInside(d.Mailbox, folder, delim) {
				out = append(out, mailboxFrom(d))
			}
		}
	}
	return out, nil
}

// markSubscriptions settles what "subscribed" means when the server cannot
// say: without LIST-EXTENDED (RFC 5258) a LIST carries no \Subscribed, so
// if no folder is marked, all count as subscribed and the sidebar shows
// everything. (go-imap's in-memory server marks \Subscribed anyway, so its
// subscriptions do work.)
func markSubscriptions(boxes []Mailbox, listExtended bool) {
	if listExtended {
		return
	}
	for _, m := range boxes {
		if m.Subscribed {
			return
		}
	}
	for i := range boxes {
		boxes[i].Subscribed = true
	}
}

// leaveSubtree makes sure the connection has nothing selected inside
// folder before it is renamed or deleted, so a later open of the old name
// is not answered from the stale selection.
func (cn *conn) leaveSubtree(folder, delim string) error {
	if cn.selected == "" || !isInside(cn.selected, folder, delim) {
		return nil
	}
	cn.selected = ""
	if cn.has(imap.CapUnselect) {
		return cn.c.Unselect().Wait()
	}
	// CLOSE would expunge; EXAMINE of INBOX just moves the selection away.
	_, err := cn.c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait()
	return err
}
