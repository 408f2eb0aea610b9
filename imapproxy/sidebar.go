package imapproxy

import "time"

// sidebarTTL is how long a session reuses its folder list (names, roles,
// counts) instead of sending LIST with every page. A page load is then one
// NOOP and one FETCH: the LIST was a third of a warm folder page's server
// time (BENCHMARKS.md). Every action of the session that can change what
// the list shows drops it at once; changes made on other devices show
// within the TTL, and at once on pages with live updates on.
const sidebarTTL = 10 * time.Second

// readOnlyOps are the operations that change nothing on the server, so
// they leave the session's folder list cached. Any other operation (moves,
// flags, folder changes, appends) drops it; opening a message drops it
// only when that marked the message read (Session.Message).
var readOnlyOps = map[string]bool{
	"open folder": true, "read message": true, "stream part": true, "stream message": true,
	"list mailboxes": true, "search all folders": true, "open conversations": true,
	"open conversation": true, "open draft": true, "login": true, "open message": true,
	"find next message": true, "read quota": true,
	"read settings": true, "save settings": true, "trust sender": true, "note recipients": true, // settings, not folders
}

type sidebarCache struct {
	boxes []Mailbox
	at    time.Time
}

// withSidebar is withMailboxes for a session: a fresh cached folder list
// saves the LIST; otherwise LIST is pipelined with fn and its answer kept.
func (s *Session) withSidebar(cn *conn, fn func() error) ([]Mailbox, error) {
	if boxes, ok := s.p.cachedSidebar(s.id); ok {
		return boxes, fn()
	}
	boxes, err := withMailboxes(cn, fn)
	if err == nil {
		s.p.keepSidebar(s.id, boxes)
	}
	return boxes, err
}

func (p *Pool) cachedSidebar(sid string) ([]Mailbox, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.sessions[sid]
	if s == nil || s.sidebar.boxes == nil || time.Since(s.sidebar.at) > sidebarTTL {
		return nil, false
	}
	// A copy: handlers adjust counts on the page they draw.
	return append([]Mailbox(nil), s.sidebar.boxes...), true
}

func (p *Pool) keepSidebar(sid string, boxes []Mailbox) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s := p.sessions[sid]; s != nil {
		s.sidebar = sidebarCache{boxes: append([]Mailbox(nil), boxes...), at: time.Now()}
	}
}

// dropSidebar forgets the session's folder list after op, unless op
// changes nothing.
func (p *Pool) dropSidebar(sid, op string) {
	if readOnlyOps[op] {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if s := p.sessions[sid]; s != nil {
		s.sidebar = sidebarCache{}
	}
}
