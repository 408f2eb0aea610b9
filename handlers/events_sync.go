package handlers

import (
	"bytes"
	"context"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/templates"
)

// syncKind says what a sync asks and for whom.
type syncKind uint8

const (
	syncAll    syncKind = 1 << iota // rows and counts, for every stream
	syncNew                         // rows and counts, for the streams that joined since the last sync
	syncCounts                      // counts only, for every stream
	syncList                        // and the folder list
)

func (w *watcher) listDue() syncKind {
	if w.boxes == nil || time.Since(w.listed) >= w.l.Config.ListEvery {
		return syncList
	}
	return 0
}

// sync asks the server what changed for the streams and sends each its
// changes. A page that opens (syncNew) costs O(its page), whatever the
// number of tabs: news for the others comes as Changed, which a sync
// does not consume.
func (w *watcher) sync(kind syncKind) {
	subs := w.streams()
	if kind&syncNew != 0 {
		subs = slices.DeleteFunc(subs, func(st *stream) bool { return st.synced })
		if len(subs) == 0 && kind&syncList == 0 {
			return
		}
	}
	rows := kind&syncCounts == 0
	// every: the sync asks about every row every stream shows, so its
	// ModSeq can stand for all of them next time.
	every := rows && len(subs) == len(w.streams())
	q := w.query(subs, kind&syncList != 0, rows)
	if every && !slices.ContainsFunc(subs, func(st *stream) bool { return !st.synced }) {
		q.ChangedSince = w.modSeq
	}
	w.lastSync = time.Now()
	res, err := w.fw.Sync(w.l.ctx, q)
	if err != nil {
		// A broken connection also closes Done, and the loop reconnects.
		w.l.h.Log.Debug("live updates: sync failed", "err", err)
		return
	}
	if res.Boxes != nil {
		w.boxes, w.listed = res.Boxes, time.Now()
	}
	for i, b := range w.boxes { // fresher than the last LIST
		if c, ok := res.Counts[b.Name]; ok {
			w.boxes[i].Messages, w.boxes[i].Unseen, w.boxes[i].HasStatus = uint32(c.Messages), uint32(c.Unseen), true
		}
	}
	r := &rendered{w: w, res: res, now: w.l.h.now(), rows: map[uint32]string{}, sidebars: map[string]sidebarHTML{}}
	for _, st := range subs {
		w.deliver(st, res, r, rows)
		st.synced = true
	}
	if every {
		w.modSeq = res.ModSeq
	}
}

// query is the union of what the streams show: O(page) per tab.
func (w *watcher) query(subs []*stream, list, rows bool) imapproxy.SyncQuery {
	q := imapproxy.SyncQuery{MaxNew: PageSize, Counts: true, List: list}
	if !rows {
		return q
	}
	for _, st := range subs {
		for _, r := range st.shown {
			q.Shown = append(q.Shown, r.uid)
		}
		if st.wantNew {
			if !q.New || st.after < q.NewAfter {
				q.NewAfter = st.after
			}
			q.New = true
		}
	}
	slices.Sort(q.Shown)
	q.Shown = slices.Compact(q.Shown)
	q.Stale = func(uid uint32, f imapproxy.MessageFlags) bool {
		now := stateOf(f)
		for _, st := range subs {
			if i, ok := st.find(uid); ok && st.shown[i].state != now {
				return true
			}
		}
		return false
	}
	return q
}

// deliver sends st what changed for it: rows removed, redrawn, added
// (when the sync asked about rows), then the INBOX's unread count and the
// sidebar if they changed.
func (w *watcher) deliver(st *stream, res *imapproxy.SyncResult, r *rendered, rows bool) {
	if st.validity != 0 && res.UIDValidity != 0 && st.validity != res.UIDValidity {
		// The folder was rebuilt: the page's UIDs name other messages.
		// The page is told, and gets nothing but counts from now on.
		st.shown, st.wantNew = nil, false
		st.send(frame("", "stale", ""))
	}
	if res.UIDValidity != 0 {
		st.validity = res.UIDValidity
	}
	var removed, updated, added []string
	if rows {
		removed, updated, added = w.diffRows(st, res, r)
	}
	id := eventID(st.validity, st.after)
	if len(removed) > 0 {
		st.send(frame(id, "remove", strings.Join(removed, " ")))
	}
	if len(updated) > 0 {
		st.send(frame(id, "update", strings.Join(updated, "\n")))
	}
	if len(added) > 0 {
		st.send(frame(id, "add", strings.Join(added, "\n")))
	}
	if c, ok := res.Counts["INBOX"]; ok && c.Unseen != st.unread {
		st.unread = c.Unseen
		st.send(frame(id, "unread", strconv.Itoa(c.Unseen)))
	}
	if sb := r.sidebar(st.current); sb.html != "" && sb.sum != st.sidebar {
		st.sidebar = sb.sum
		st.send(frame(id, "sidebar", sb.html))
	}
}

// diffRows updates what st shows to res and returns the events for it:
// UIDs gone, rows redrawn, rows added (newest first).
func (w *watcher) diffRows(st *stream, res *imapproxy.SyncResult, r *rendered) (removed, updated, added []string) {
	keep := st.shown[:0]
	for _, row := range st.shown {
		if slices.Contains(res.Gone, row.uid) {
			removed = append(removed, strconv.FormatUint(uint64(row.uid), 10))
			continue
		}
		f, ok := res.Flags[row.uid] // not there: unchanged (res.Partial)
		if now := stateOf(f); ok && row.state != now {
			if html, ok := r.row(row.uid); ok {
				updated = append(updated, html)
				row.state = now
			}
		}
		keep = append(keep, row)
	}
	st.shown = keep
	if st.wantNew && len(res.New) > 0 {
		more := false
		for _, u := range slices.Backward(res.New) { // newest first, as the list
			if u <= st.after {
				break // the page was drawn with it
			}
			if _, ok := st.find(u); ok {
				continue
			}
			html, ok := r.row(u)
			if !ok {
				more = more || u > st.resumed // beyond MaxNew
				continue
			}
			st.insert(u, stateOf(imapproxy.MessageFlags{Seen: res.Rows[u].Seen, Flagged: res.Rows[u].Flagged}))
			if u <= st.resumed {
				updated = append(updated, html) // the tab has it from before the reconnect
			} else {
				added = append(added, html)
			}
		}
		st.after = max(st.after, res.New[len(res.New)-1])
		if more {
			st.send(frame("", "stale", "more"))
		}
	}
	return removed, updated, added
}

// rendered draws rows and sidebars once per sync, whatever the number of
// streams that get them.
type rendered struct {
	w        *watcher
	res      *imapproxy.SyncResult
	now      time.Time
	rows     map[uint32]string
	sidebars map[string]sidebarHTML
}

type sidebarHTML struct {
	html string
	sum  uint64
}

func (r *rendered) row(uid uint32) (string, bool) {
	if html, ok := r.rows[uid]; ok {
		return html, true
	}
	m, ok := r.res.Rows[uid]
	if !ok {
		return "", false
	}
	var b bytes.Buffer
	if err := templates.LiveRow(messageRow(r.w.watching, m, r.now)).Render(context.Background(), &b); err != nil {
		r.w.l.h.Log.Error("live updates: render row", "err", err)
		return "", false
	}
	r.rows[uid] = b.String()
	return b.String(), true
}

func (r *rendered) sidebar(current string) sidebarHTML {
	if sb, ok := r.sidebars[current]; ok {
		return sb
	}
	var sb sidebarHTML
	if r.w.boxes != nil {
		items, _ := folderItems(r.w.boxes, current)
		var b bytes.Buffer
		if err := templates.FolderTree(items).Render(context.Background(), &b); err == nil {
			h := fnv.New64a()
			h.Write(b.Bytes())
			sb = sidebarHTML{html: b.String(), sum: h.Sum64() | 1} // never 0, "none yet"
		}
	}
	r.sidebars[current] = sb
	return sb
}
