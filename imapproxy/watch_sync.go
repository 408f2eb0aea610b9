package imapproxy

import (
	"context"
	"math"
	"slices"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// SyncQuery says what the pages a Watch serves show, so that Sync asks
// the server only about that: O(page), never O(folder).
type SyncQuery struct {
	// Shown are the UIDs of the rows the pages show. Their flags are
	// fetched; the ones the server no longer has are gone.
	Shown []uint32
	// ChangedSince, when not 0, is the ModSeq of an earlier Sync of this
	// watch on this folder (a Switch starts afresh), after which the caller knew every Shown row's flags. On a
	// server with CONDSTORE (RFC 7162) only the rows changed since then
	// are fetched (FETCH CHANGEDSINCE, §3.1.4.1), and a UID SEARCH of
	// the rows says which are gone: O(changes), not O(page), in bytes.
	// Elsewhere it is ignored and every row's flags come back.
	ChangedSince uint64
	// Stale reports whether a shown row must be redrawn now that its
	// flags are f; the summaries of those rows are fetched. Nil: none.
	Stale func(uid uint32, f MessageFlags) bool
	// New asks for the messages above NewAfter (mail that arrived since
	// the page was drawn): all their UIDs, and the summaries of the
	// newest MaxNew.
	New      bool
	NewAfter uint32
	MaxNew   int
	// Counts asks for the unseen count of the INBOX and of the folder.
	Counts bool
	// List asks for every folder with its counts (the sidebar), which
	// is how folders created or deleted elsewhere are noticed.
	List bool
}

// MessageFlags are the flags a list row shows.
type MessageFlags struct {
	Seen, Flagged bool
}

// FolderCount is how many messages a folder holds, and how many unseen.
type FolderCount struct {
	Messages, Unseen int
}

// SyncResult is the folder's state as far as the query asked.
type SyncResult struct {
	Mailbox     string
	UIDValidity uint32
	// Flags are the flags of the shown messages that still exist: of
	// all of them, or, when Partial, only of those changed since
	// SyncQuery.ChangedSince (the others are as the caller knew them).
	Flags   map[uint32]MessageFlags
	Partial bool
	// Gone are the shown messages the server no longer has.
	Gone []uint32
	// ModSeq, when not 0, is what to pass as SyncQuery.ChangedSince next
	// time, if the caller then knows the rows this Sync reported on as
	// reported. 0 on a server without CONDSTORE.
	ModSeq uint64
	// New are the UIDs above NewAfter, ascending.
	New []uint32
	// Rows are the summaries of the stale rows and of the newest MaxNew
	// new messages.
	Rows map[uint32]MessageSummary
	// Counts are the INBOX's and the folder's, by name, when asked.
	Counts map[string]FolderCount
	// Boxes is the folder list, when asked; nil if it failed.
	Boxes []Mailbox
}

// maxUID is the largest UID (RFC 9051 §9 nz-number). "n:*" is not used
// for new mail: it always includes the last message even when its UID is
// below n, and a FETCH answer the command did not ask for would reach the
// unilateral handler and signal a change that is none.
const maxUID = imap.UID(math.MaxUint32)

// Sync leaves IDLE, asks what q needs in one pipelined round trip (UID
// FETCH of the shown rows' FLAGS, RFC 9051 §6.4.9, or with CONDSTORE of
// those changed since q.ChangedSince and a UID SEARCH of which still
// exist; UID FETCH of the UIDs
// above NewAfter; STATUS of the INBOX, §6.3.11; SEARCH UNSEEN of the
// folder, §6.4.4, since STATUS should not be used on the selected one),
// plus one more for the summaries of changed and new rows, and
// re-enters IDLE.
func (w *Watch) Sync(ctx context.Context, q SyncQuery) (*SyncResult, error) {
	var res *SyncResult
	err := w.locked(ctx, "watch sync", func() error {
		if err := w.stopIdle(); err != nil {
			return err
		}
		var list chan []Mailbox
		if q.List {
			// Pipelined with the rest; drained in its own goroutine
			// because go-imap buffers few LIST replies (see withMailboxes).
			list = make(chan []Mailbox, 1)
			go func() {
				boxes, err := w.cn.mailboxes()
				if err != nil {
					boxes = nil
				}
				list <- boxes
			}()
		}
		var err error
		res, err = w.sync(q)
		if list != nil {
			boxes := <-list
			if res != nil {
				res.Boxes = boxes
			}
		}
		if ierr := w.startIdle(); err == nil {
			err = ierr
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (w *Watch) sync(q SyncQuery) (*SyncResult, error) {
	c := w.cn.c
	res := &SyncResult{Mailbox: w.mailbox, UIDValidity: w.uidValidity}

	// A folder without mod-sequences (EXAMINE said NOMODSEQ, RFC 7162
	// §3.1.2.2) has no HIGHESTMODSEQ: every row is asked, as without
	// CONDSTORE.
	condstore := w.cn.has(imap.CapCondStore) && w.modSeq != 0
	if condstore {
		res.ModSeq = max(w.modSeq, q.ChangedSince)
	}
	esearch := w.cn.has(imap.CapESearch)
	var flagsCmd, newCmd *imapclient.FetchCommand
	var existCmd *imapclient.SearchCommand
	if len(q.Shown) > 0 {
		shown := uidSetOf(q.Shown)
		opts := &imap.FetchOptions{UID: true, Flags: true, ModSeq: condstore}
		if condstore && q.ChangedSince != 0 {
			res.Partial = true
			opts.ChangedSince = q.ChangedSince
			var so *imap.SearchOptions
			if esearch {
				so = &imap.SearchOptions{ReturnAll: true} // RFC 4731: ranges, not a list
			}
			existCmd = c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{shown}}, so)
		}
		flagsCmd = c.Fetch(shown, opts)
	}
	if q.New {
		var set imap.UIDSet
		set.AddRange(imap.UID(q.NewAfter)+1, maxUID)
		newCmd = c.Fetch(set, &imap.FetchOptions{UID: true})
	}
	var inboxCmd *imapclient.StatusCommand
	var unseenCmd *imapclient.SearchCommand
	if q.Counts {
		if !isInbox(w.mailbox) {
			inboxCmd = c.Status("INBOX", &imap.StatusOptions{NumMessages: true, NumUnseen: true})
		}
		var opts *imap.SearchOptions
		if esearch {
			opts = &imap.SearchOptions{ReturnCount: true} // RFC 4731: a number, not every UID
		}
		unseenCmd = c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}, opts)
	}

	// Answers come in the order asked; each command is drained in turn.
	var redraw []uint32
	var exist map[uint32]bool // nil: the flags' answer says
	if existCmd != nil {
		sd, err := existCmd.Wait()
		if err != nil {
			return nil, err
		}
		exist = map[uint32]bool{}
		for _, u := range sd.AllUIDs() {
			exist[uint32(u)] = true
		}
	}
	if flagsCmd != nil {
		msgs, err := flagsCmd.Collect()
		if err != nil {
			return nil, err
		}
		res.Flags = make(map[uint32]MessageFlags, len(msgs))
		for _, m := range msgs {
			u := uint32(m.UID)
			if exist != nil && !exist[u] {
				continue // expunged between the two answers
			}
			f := flagsOf(m.Flags)
			res.Flags[u] = f
			if condstore {
				res.ModSeq = max(res.ModSeq, m.ModSeq)
			}
			if q.Stale != nil && q.Stale(u, f) {
				redraw = append(redraw, u)
			}
		}
		for _, u := range q.Shown {
			_, ok := res.Flags[u]
			if exist != nil {
				ok = exist[u]
			}
			if !ok {
				res.Gone = append(res.Gone, u)
			}
		}
	}
	if newCmd != nil {
		msgs, err := newCmd.Collect()
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			if u := uint32(m.UID); u > q.NewAfter {
				res.New = append(res.New, u)
			}
		}
		slices.Sort(res.New)
		newest := res.New[max(0, len(res.New)-max(q.MaxNew, 0)):]
		redraw = append(redraw, newest...)
	}
	if q.Counts {
		res.Counts = map[string]FolderCount{}
		if inboxCmd != nil {
			if sd, err := inboxCmd.Wait(); err == nil && sd.NumMessages != nil && sd.NumUnseen != nil {
				res.Counts["INBOX"] = FolderCount{Messages: int(*sd.NumMessages), Unseen: int(*sd.NumUnseen)}
			} // a server that will not count the INBOX leaves it out
		}
		sd, err := unseenCmd.Wait()
		if err != nil {
			return nil, err
		}
		fc := FolderCount{Unseen: len(sd.AllUIDs())}
		if esearch {
			fc.Unseen = int(sd.Count)
		}
		if mb := c.Mailbox(); mb != nil {
			fc.Messages = int(mb.NumMessages) // kept current by EXISTS and EXPUNGE
		}
		name := w.mailbox
		if isInbox(name) {
			name = "INBOX"
		}
		res.Counts[name] = fc
	}
	if len(redraw) > 0 {
		rows, err := w.cn.summaries(redraw)
		if err != nil {
			return nil, err
		}
		res.Rows = make(map[uint32]MessageSummary, len(rows))
		for _, r := range rows {
			res.Rows[r.UID] = r
		}
	}
	return res, nil
}

func flagsOf(flags []imap.Flag) MessageFlags {
	var f MessageFlags
	for _, fl := range flags {
		switch fl {
		case imap.FlagSeen:
			f.Seen = true
		case imap.FlagFlagged:
			f.Flagged = true
		}
	}
	return f
}
