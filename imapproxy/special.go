package imapproxy

import (
	"github.com/emersion/go-imap/v2"
)

// Target is where a move or copy goes: a folder by name, or by its role
// (RFC 6154 special use), which is looked up on the server each time
// because the user may rename it from another client.
type Target struct {
	Name string
	Use  SpecialUse // when set, Name is ignored
}

// roleNames are the names Tidings creates a missing special folder under.
var roleNames = map[SpecialUse]string{
	UseArchive: "Archive",
	UseTrash:   "Trash",
	UseJunk:    "Junk",
}

var roleAttrs = map[SpecialUse]imap.MailboxAttr{
	UseArchive: imap.MailboxAttrArchive,
	UseTrash:   imap.MailboxAttrTrash,
	UseJunk:    imap.MailboxAttrJunk,
}

// resolve turns t into a folder name. A role folder that does not exist
// is created (with CREATE-SPECIAL-USE, RFC 6154 §3, when offered) and
// subscribed: "Archive" must work on a fresh account.
func (cn *conn) resolve(t Target) (string, error) {
	if t.Use == UseNone {
		return t.Name, nil
	}
	if t.Use == UseInbox {
		return "INBOX", nil
	}
	name, err := cn.findRole(t.Use)
	if err != nil || name != "" {
		return name, err
	}
	name = roleNames[t.Use]
	if name == "" {
		return "", &opError{kind: ErrNoMailbox, op: "find " + string(t.Use) + " folder"}
	}
	var opts *imap.CreateOptions
	if cn.has(imap.CapCreateSpecialUse) {
		opts = &imap.CreateOptions{SpecialUse: []imap.MailboxAttr{roleAttrs[t.Use]}}
	}
	if err := cn.c.Create(name, opts).Wait(); err != nil {
		var ie *imap.Error
		// Another client may have created it meanwhile: fine.
		if !asIMAPError(err, &ie) || ie.Code != imap.ResponseCodeAlreadyExists {
			return "", err
		}
	}
	if err := cn.c.Subscribe(name).Wait(); err != nil {
		return "", err
	}
	return name, nil
}

// findRole returns the folder that has role use: the one marked so by
// SPECIAL-USE, else the first with a usual name. "" if there is none.
func (cn *conn) findRole(use SpecialUse) (string, error) {
	opts := &imap.ListOptions{ReturnSpecialUse: cn.has(imap.CapSpecialUse)}
	if !opts.ReturnSpecialUse {
		opts = nil
	}
	data, err := cn.c.List("", "*", opts).Collect()
	if err != nil {
		return "", err
	}
	byName := ""
	for _, d := range data {
		m := mailboxFrom(d)
		if m.NoSelect {
			continue
		}
		if useFromAttrs(d.Attrs) == use {
			return m.Name, nil
		}
		if byName == "" && m.Use == use {
			byName = m.Name
		}
	}
	return byName, nil
}
