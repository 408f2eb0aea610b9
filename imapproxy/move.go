package imapproxy

import (
	"context"

	"github.com/emersion/go-imap/v2"
)

// Result says what a move, copy or delete did, for the message the user
// reads afterwards.
type Result struct {
	To    string // destination folder; "" for a permanent delete
	Count int    // messages acted on
	// Kept is true when the originals could not be removed: a server with
	// neither MOVE nor UIDPLUS. They stay in the folder flagged \Deleted,
	// because a plain EXPUNGE would also remove every other message that
	// some client flagged \Deleted.
	Kept bool
	// Confirm is true when nothing was done because the action needs the
	// user's confirmation first (a delete inside Trash is permanent).
	Confirm bool
	// Moved, when not nil, is where the messages are now: what an undo
	// moves back. Known from COPYUID (UIDPLUS, RFC 4315 §3), for up to
	// maxUndo messages.
	Moved *Moved
}

// Moved names messages in their new folder.
type Moved struct {
	Folder      string
	UIDValidity uint32
	UIDs        []uint32
}

// maxUndo bounds the messages an undo names (a form field each): moving
// a whole large folder can be undone by moving it back, not in one click.
const maxUndo = 1000

// movedTo reads COPYUID (of a COPY or a MOVE): where the messages went.
func movedTo(dest string, uidValidity uint32, destUIDs imap.NumSet) *Moved {
	us, ok := destUIDs.(imap.UIDSet)
	if uidValidity == 0 || !ok {
		return nil
	}
	uids, ok := us.Nums()
	if !ok || len(uids) == 0 || len(uids) > maxUndo {
		return nil
	}
	m := &Moved{Folder: dest, UIDValidity: uidValidity, UIDs: make([]uint32, len(uids))}
	for i, u := range uids {
		m.UIDs[i] = uint32(u)
	}
	return m
}

// Move moves the selected messages of from to the target folder, as one
// non-retried operation: UID MOVE (RFC 6851 §3.1) when the server has
// MOVE, else UID COPY, then UID STORE +FLAGS.SILENT (\Deleted) and
// UID EXPUNGE of exactly those UIDs (RFC 4315 §2.1). A role target
// (Archive, Trash, Junk) is looked up, and created when missing.
func (s *Session) Move(ctx context.Context, from string, sel Selection, to Target) (Result, error) {
	var res Result
	err := s.write(ctx, "move messages", func(cn *conn) error {
		dest, err := cn.resolve(to)
		if err != nil {
			return err
		}
		res, err = cn.move(from, sel, dest)
		return err
	})
	return res, err
}

func (cn *conn) move(from string, sel Selection, dest string) (Result, error) {
	res := Result{To: dest}
	n, err := cn.openFor(from, sel, "move messages")
	if err != nil {
		return res, err
	}
	if dest == from || sel.countOf(n) == 0 {
		return res, nil
	}
	set := sel.set()
	if cn.has(imap.CapMove) {
		data, err := cn.c.Move(set, dest).Wait()
		if err != nil {
			return res, err
		}
		res.Count = sel.countOf(n)
		if c, ok := uidCount(data.SourceUIDs); ok {
			res.Count = c
		}
		res.Moved = movedTo(dest, data.UIDValidity, data.DestUIDs)
		return res, nil
	}
	// Not go-imap's own fallback: it pipelines STORE and EXPUNGE behind
	// the COPY, so a COPY refused (TRYCREATE, OVERQUOTA) still deletes
	// the originals. Here nothing is flagged until the copy exists.
	data, err := cn.c.Copy(set, dest).Wait()
	if err != nil {
		return res, err
	}
	res.Count = sel.countOf(n)
	if c, ok := uidCount(data.SourceUIDs); ok {
		res.Count = c
	}
	_, expunged, err := cn.deleteExactly(set)
	if err != nil {
		return res, err
	}
	res.Kept = !expunged
	if expunged {
		res.Moved = movedTo(dest, data.UIDValidity, data.DestUIDs)
	}
	return res, nil
}

// deleteExactly flags set \Deleted and, with UIDPLUS, expunges exactly
// set with UID EXPUNGE (pipelined: if the STORE failed, the EXPUNGE
// removes only messages of set some client had flagged already). Without
// UIDPLUS it stops after the STORE and reports false. n is how many
// messages the server expunged.
func (cn *conn) deleteExactly(set imap.UIDSet) (n int, expunged bool, err error) {
	store := cn.c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil)
	if !cn.has(imap.CapUIDPlus) {
		return 0, false, store.Close()
	}
	expunge := cn.c.UIDExpunge(set)
	serr := store.Close()
	seqs, eerr := expunge.Collect()
	if serr != nil {
		return 0, false, serr
	}
	return len(seqs), eerr == nil, eerr
}
