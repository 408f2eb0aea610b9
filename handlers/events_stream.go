package handlers

import (
	"slices"
	"sync"

	"github.com/tidings-mail/tidings/imapproxy"
)

// stream is one tab's event stream. out and end are shared with the
// request's goroutine; the fields after them belong to the watcher's
// goroutine once the stream has joined.
type stream struct {
	out     chan []byte   // framed events for the request to write
	end     chan struct{} // closed when the watcher drops the stream
	endOnce sync.Once

	current  string // the sidebar's current folder
	wantNew  bool   // new mail goes on top of this list
	validity uint32 // the folder's UIDVALIDITY as the page knows it; 0 unknown
	after    uint32 // the newest UID the tab has
	resumed  uint32 // rows up to this came before a reconnect: redrawn, not added
	shown    []shownRow
	unread   int    // the INBOX unread count last sent; -1 none yet
	sidebar  uint64 // hash of the sidebar last sent; 0 none yet
	synced   bool   // has had its first sync
}

// streamBuffer is how many events may wait for a slow client; one more
// ends its stream, and the browser reconnects where it left off.
const streamBuffer = 16

func newStream() *stream {
	return &stream{out: make(chan []byte, streamBuffer), end: make(chan struct{}), unread: -1}
}

// shownRow is a row of the tab and the state it shows.
type shownRow struct {
	uid   uint32
	state rowState
}

type rowState uint8

const (
	rowUnread rowState = 1 << iota
	rowFlagged
	rowUnknown // the tab has the row in a state not known here: redraw it
)

func stateOf(f imapproxy.MessageFlags) rowState {
	var s rowState
	if !f.Seen {
		s |= rowUnread
	}
	if f.Flagged {
		s |= rowFlagged
	}
	return s
}

// show sets the rows the page was drawn with.
func (st *stream) show(uids, unread, flagged []uint32) {
	st.shown = make([]shownRow, 0, len(uids))
	for _, u := range uids {
		var s rowState
		if slices.Contains(unread, u) {
			s |= rowUnread
		}
		if slices.Contains(flagged, u) {
			s |= rowFlagged
		}
		st.shown = append(st.shown, shownRow{u, s})
	}
	slices.SortFunc(st.shown, func(a, b shownRow) int { return int(a.uid) - int(b.uid) })
	st.shown = slices.CompactFunc(st.shown, func(a, b shownRow) bool { return a.uid == b.uid })
	for _, r := range st.shown {
		st.after = max(st.after, r.uid)
	}
}

func (st *stream) find(uid uint32) (int, bool) {
	return slices.BinarySearchFunc(st.shown, uid, func(r shownRow, u uint32) int { return int(r.uid) - int(u) })
}

func (st *stream) insert(uid uint32, s rowState) {
	if i, ok := st.find(uid); !ok {
		st.shown = slices.Insert(st.shown, i, shownRow{uid, s})
	}
}

// send queues an event; a client too slow to take it loses its stream.
func (st *stream) send(msg []byte) {
	select {
	case st.out <- msg:
	default:
		st.close()
	}
}

func (st *stream) close() { st.endOnce.Do(func() { close(st.end) }) }
