package imapproxy

import (
	"context"
	"slices"
)

// FolderHits is what a search found in one folder: how many, and the
// newest few.
type FolderHits struct {
	Mailbox  Mailbox
	Total    int
	Messages []MessageSummary // newest first, at most perFolder
	MaxUID   uint32
}

// SearchAll runs q in every selectable folder, one SELECT and one
// UID SEARCH (RFC 9051 §6.3.2, §6.4.4) each, and fetches the newest
// perFolder matches of each folder that has any. IMAP has no portable
// multi-folder search (RFC 7377 MULTISEARCH is rare; Dovecot 2.3 lacks
// it), so the cost grows with the number of folders, not their size.
// Folders come back in sidebar order; those without a match are left out.
func (s *Session) SearchAll(ctx context.Context, q Query, perFolder int) ([]Mailbox, []FolderHits, error) {
	var boxes []Mailbox
	var hits []FolderHits
	err := s.read(ctx, "search all folders", func(cn *conn) error {
		var err error
		boxes, err = cn.mailboxes()
		if err != nil {
			return err
		}
		hits, err = cn.searchEach(boxes, q, perFolder)
		return err
	})
	return boxes, hits, err
}

func (cn *conn) searchEach(boxes []Mailbox, q Query, perFolder int) ([]FolderHits, error) {
	var hits []FolderHits
	crit := q.Criteria()
	for _, m := range boxes {
		if m.NoSelect {
			continue
		}
		if _, err := cn.selectMailbox(m.Name); err != nil {
			if isNonExistent(err) || isNoMailbox(err) {
				continue // deleted by another client since the LIST
			}
			return nil, err
		}
		uids, err := cn.searchUIDs(crit)
		if err != nil {
			return nil, err
		}
		if len(uids) == 0 {
			continue
		}
		h := FolderHits{Mailbox: m, Total: len(uids), MaxUID: uids[len(uids)-1]}
		newest := slices.Clone(uids[max(0, len(uids)-perFolder):])
		slices.Reverse(newest)
		if h.Messages, err = cn.summaries(newest); err != nil {
			return nil, err
		}
		hits = append(hits, h)
	}
	return hits, nil
}
