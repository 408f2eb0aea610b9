package imapproxy

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// CreateFolder creates leaf below parent ("" for the top level) with
// CREATE (RFC 9051 §6.3.4), which also creates missing parents, then
// SUBSCRIBEs it (§6.3.7) so it shows in the sidebar here and on other
// clients. A delimiter inside leaf makes nested folders. It returns the
// full name.
func (s *Session) CreateFolder(ctx context.Context, parent, leaf string) (string, error) {
	var name string
	err := s.write(ctx, "create folder", func(cn *conn) error {
		delim, err := cn.hierarchyDelim()
		if err != nil {
			return err
		}
		if err := CheckFolderName(leaf, delim); err != nil {
			return err
		}
		name = joinName(parent, delim, leaf)
		if strings.EqualFold(name, "INBOX") {
			return refused(ErrAlreadyExists, "create folder", nil)
		}
		if err := cn.c.Create(name, nil).Wait(); err != nil {
			return nameRefusal("create folder", err)
		}
		return cn.c.Subscribe(name).Wait()
	})
	return name, err
}

// DeleteFolder deletes folder and every folder below it, deepest first,
// with DELETE (RFC 9051 §6.3.5) and UNSUBSCRIBE (§6.3.8), messages and
// all. INBOX and special-use folders (and folders holding one) are
// protected. Some servers keep a parent that only exists because of its
// children (Dovecot lists it \NonExistent): it vanishes with them.
func (s *Session) DeleteFolder(ctx context.Context, folder string) error {
	return s.write(ctx, "delete folder", func(cn *conn) error {
		delim, boxes, err := cn.protectedTree(folder)
		if err != nil {
			return err
		}
		if err := cn.leaveSubtree(folder, delim); err != nil {
			return err
		}
		// Deepest first, so no server refuses a parent for its children.
		slices.SortFunc(boxes, func(a, b Mailbox) int {
			return strings.Count(b.Name, delim) - strings.Count(a.Name, delim)
		})
		for _, m := range boxes {
			if err := cn.c.Delete(m.Name).Wait(); err != nil && !isNonExistent(err) {
				return err
			}
			if m.Subscribed {
				_ = cn.c.Unsubscribe(m.Name).Wait() // a leftover subscription is harmless
			}
		}
		return nil
	})
}

// SetSubscribed subscribes to or unsubscribes from folder (RFC 9051
// §6.3.7, §6.3.8). Both are idempotent, so a broken connection is retried.
func (s *Session) SetSubscribed(ctx context.Context, folder string, on bool) error {
	return s.read(ctx, "subscribe", func(cn *conn) error {
		if on {
			return cn.c.Subscribe(folder).Wait()
		}
		return cn.c.Unsubscribe(folder).Wait()
	})
}

// protectedTree lists folder's tree and refuses INBOX, special folders and
// folders that hold one. A folder that does not exist is ErrNoMailbox.
func (cn *conn) protectedTree(folder string) (string, []Mailbox, error) {
	if strings.EqualFold(folder, "INBOX") {
		return "", nil, refused(ErrProtected, "check folder", nil)
	}
	delim, err := cn.hierarchyDelim()
	if err != nil {
		return "", nil, err
	}
	boxes, err := cn.tree(folder, delim)
	if err != nil {
		return "", nil, err
	}
	if len(boxes) == 0 {
		return "", nil, &opError{kind: ErrNoMailbox, op: "find folder " + folder}
	}
	for _, m := range boxes {
		if m.Use != UseNone {
			return "", nil, refused(ErrProtected, "check folder", nil)
		}
	}
	return delim, boxes, nil
}

func isNonExistent(err error) bool {
	var ie *imap.Error
	return errors.As(err, &ie) && ie.Code == imap.ResponseCodeNonExistent
}
