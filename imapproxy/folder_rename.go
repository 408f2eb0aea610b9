package imapproxy

import (
	"context"
	"strings"
)

// RenameFolder gives folder a new leaf name below newParent ("" for the
// top level) with RENAME (RFC 9051 §6.3.6), which moves its descendants
// along. It returns the new full name.
//
// Two servers' habits are smoothed over here: go-imap's in-memory server
// leaves the descendants behind, so any still under the old name are
// renamed one by one; and Dovecot keeps subscriptions under the old
// names, so each subscribed folder of the tree is subscribed under its
// new name and unsubscribed from the old.
func (s *Session) RenameFolder(ctx context.Context, folder, newParent, newLeaf string) (string, error) {
	var to string
	err := s.write(ctx, "rename folder", func(cn *conn) error {
		delim, boxes, err := cn.protectedTree(folder)
		if err != nil {
			return err
		}
		if err := CheckFolderName(newLeaf, delim); err != nil {
			return err
		}
		to = joinName(newParent, delim, newLeaf)
		if to == folder {
			return nil
		}
		if isInside(to, folder, delim) || strings.EqualFold(to, "INBOX") {
			return refused(ErrBadName, "rename folder", nil)
		}
		if err := cn.leaveSubtree(folder, delim); err != nil {
			return err
		}
		if err := cn.c.Rename(folder, to, nil).Wait(); err != nil {
			return nameRefusal("rename folder", err)
		}
		newName := func(old string) string { return to + strings.TrimPrefix(old, folder) }
		left, err := cn.tree(folder, delim)
		if err != nil {
			return err
		}
		for _, m := range left {
			if m.Name == folder || m.NoSelect {
				continue // a \NonExistent parent goes away with its children
			}
			if err := cn.c.Rename(m.Name, newName(m.Name), nil).Wait(); err != nil {
				return err
			}
		}
		for _, m := range boxes {
			if !m.Subscribed {
				continue
			}
			if err := cn.c.Subscribe(newName(m.Name)).Wait(); err != nil && !isNonExistent(err) {
				return err
			}
			_ = cn.c.Unsubscribe(m.Name).Wait() // gone already on servers that moved it
		}
		return nil
	})
	return to, err
}
