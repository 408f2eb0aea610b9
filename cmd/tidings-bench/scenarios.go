package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/imapproxy/benchfloor"
)

// scenario is one user action, done by Tidings and by the floor.
type scenario struct {
	key, name string
	tidings   op
	via       string // how Tidings is reached, when not over HTTP
	floor     op     // nil: no floor (a part of another scenario)
	floorWhat string
}

// env is what the scenarios run against.
type env struct {
	b       *browser
	direct  *imapproxy.Session // for actions whose route does not exist yet
	floor   *benchfloor.Client
	ib      *inbox
	n       int // messages in INBOX when the run started
	perPage int
	deep    int // the deep page's number
	moves   *uidSource
	moved   uint32 // UIDs moved before this env was made: UID = sequence number + moved
	moveTo  string
	// moveFlag is -move-route: the move action's path, {uid} for the UID,
	// the form as a query ("/mail/INBOX/move?uid={uid}&to=Archive").
	moveFlag string

	moveOnce  sync.Once
	moveRoute func(uid uint32) (string, url.Values) // nil: no route found
	moveNote  string
	search    bool // GET /search exists
}

// uidSource hands out the oldest UIDs, one per move; they were never
// moved before.
type uidSource struct {
	mu   sync.Mutex
	next uint32
}

func (u *uidSource) take() uint32 {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.next++
	return u.next
}

// pageWant is a link the folder page must hold: the newest message of
// page p. Moves take the oldest UIDs, so the message with sequence number
// s has UID s + moved.
func (e *env) pageWant(p int) string {
	return fmt.Sprintf("/mail/INBOX/%d", e.n-(p-1)*e.perPage+int(e.moved))
}

// hitsLeft counts the UIDs of uids that no move has taken yet.
func (e *env) hitsLeft(uids []uint32) int {
	n := 0
	for _, u := range uids {
		if u > e.moved {
			n++
		}
	}
	return n
}

func (e *env) scenarios() []scenario {
	deepName := fmt.Sprintf("Inbox, page %d", e.deep)
	if e.deep*e.perPage >= e.n {
		deepName = fmt.Sprintf("Inbox, last page (%d)", e.deep)
	}
	msgPath := func(uid uint32) string { return fmt.Sprintf("/mail/INBOX/%d", uid) }
	html, plain := e.ib.htmlUID, e.ib.plainUID
	fetchFloor := func(uid uint32) op {
		return func(context.Context) error { _, err := e.floor.Message(uid); return err }
	}
	return []scenario{
		{key: "page1", name: "Inbox, page 1",
			tidings:   func(ctx context.Context) error { return e.b.page(ctx, "/mail/INBOX", e.pageWant(1)) },
			floor:     e.floorPage(1),
			floorWhat: fmt.Sprintf("FETCH of %d rows by sequence range", e.perPage)},
		{key: "deep", name: deepName,
			tidings: func(ctx context.Context) error {
				return e.b.page(ctx, fmt.Sprintf("/mail/INBOX?page=%d", e.deep), e.pageWant(e.deep))
			},
			floor: e.floorPage(e.deep), floorWhat: "same, deep range"},
		{key: "open-html", name: "Open HTML message (page + body frame)",
			tidings: func(ctx context.Context) error {
				if err := e.b.page(ctx, msgPath(html), msgPath(html)+"/body"); err != nil {
					return err
				}
				return e.b.page(ctx, msgPath(html)+"/body", "")
			},
			floor: fetchFloor(html), floorWhat: "one UID FETCH BODY.PEEK[]"},
		{key: "open-html-page", name: "…of which the message page",
			tidings: func(ctx context.Context) error { return e.b.page(ctx, msgPath(html), "") }},
		{key: "open-html-body", name: "…of which the body frame",
			tidings: func(ctx context.Context) error { return e.b.page(ctx, msgPath(html)+"/body", "") }},
		{key: "open-plain", name: "Open plain-text message",
			tidings: func(ctx context.Context) error { return e.b.page(ctx, msgPath(plain), "") },
			floor:   fetchFloor(plain), floorWhat: "one UID FETCH BODY.PEEK[]"},
		e.searchScenario("search-few", fewWord, e.hitsLeft(e.ib.fewUIDs)),
		e.searchScenario("search-many", manyWord, e.hitsLeft(e.ib.manyUIDs)),
		{key: "move", name: "Move one message to " + e.moveTo,
			tidings: e.tidingsMove,
			floor: func(context.Context) error {
				return e.floor.Move(e.moves.take(), e.moveTo)
			},
			floorWhat: "UID MOVE"},
	}
}

// breakdown is the Inbox page taken apart, every step timed in the same
// rounds: Tidings over HTTP, imapproxy alone, the floor sending Tidings'
// commands, and each of those commands alone.
func (e *env) breakdown() (names []string, ops []op) {
	add := func(name string, o op) { names, ops = append(names, name), append(ops, o) }
	add("Tidings: GET /mail/INBOX", func(ctx context.Context) error { return e.b.page(ctx, "/mail/INBOX", e.pageWant(1)) })
	add("imapproxy alone: Session.View, no HTTP or rendering", func(ctx context.Context) error {
		_, v, err := e.direct.View(ctx, imapproxy.ViewOptions{Mailbox: "INBOX", Page: 1, PerPage: e.perPage})
		if err == nil && len(v.Messages) != e.perPage {
			err = fmt.Errorf("View: %d rows", len(v.Messages))
		}
		return err
	})
	add("floor, Tidings' commands: NOOP ∥ UID FETCH of the last page 1's UIDs",
		func(context.Context) error { return e.floor.PageAsTidings(e.perPage) })
	add("floor: FETCH of the page alone", e.floorPage(1))
	add("floor: NOOP alone", func(context.Context) error { return e.floor.Noop() })
	add("floor: LIST RETURN (SUBSCRIBED SPECIAL-USE STATUS) alone (the sidebar; at most every 10 s)", func(context.Context) error { return e.floor.Sidebar() })
	return names, ops
}

func (e *env) floorPage(p int) op {
	want := min(e.perPage, e.n-(p-1)*e.perPage)
	return func(context.Context) error {
		n, err := e.floor.Page(p, e.perPage)
		if err == nil && n != want {
			err = fmt.Errorf("floor page %d: %d rows, want %d", p, n, want)
		}
		return err
	}
}

// searchScenario searches INBOX for word, which hits messages hold.
// Without a /search route yet, Tidings is measured through imapproxy's
// View, what such a route would call.
func (e *env) searchScenario(key, word string, hits int) scenario {
	q := imapproxy.Query{Text: word}
	s := scenario{key: key, name: fmt.Sprintf("Search INBOX, %d hits", hits),
		floor: func(context.Context) error {
			n, err := e.floor.Search(q, e.perPage)
			if err == nil && n != hits {
				err = fmt.Errorf("floor search %q: %d hits, want %d", word, n, hits)
			}
			return err
		},
		floorWhat: "UID SEARCH + UID FETCH of the first page"}
	if e.search {
		s.tidings = func(ctx context.Context) error {
			return e.b.page(ctx, "/search?mailbox=INBOX&q="+url.QueryEscape(word), word)
		}
		return s
	}
	s.via = "imapproxy Session.View (no GET /search route yet)"
	s.tidings = func(ctx context.Context) error {
		_, v, err := e.direct.View(ctx, imapproxy.ViewOptions{Mailbox: "INBOX", Query: q, Page: 1, PerPage: e.perPage})
		if err == nil && v.Total != hits {
			err = fmt.Errorf("search %q: %d hits, want %d", word, v.Total, hits)
		}
		return err
	}
	return s
}

// detectSearch asks whether GET /search exists (it is being built while
// this benchmark is): 404 means not yet.
func (e *env) detectSearch(ctx context.Context) error {
	status, body, err := e.b.get(ctx, "/search?mailbox=INBOX&q="+fewWord)
	switch {
	case err != nil:
		return err
	case status == http.StatusOK:
		e.search = true
	case status != http.StatusNotFound:
		return fmt.Errorf("GET /search: status %d: %s", status, snippet(body))
	}
	return nil
}

// moveCandidates are the shapes the move action may take (the route is
// being built while this benchmark is). The form names the target under
// every name it may read.
var moveCandidates = []string{
	"/mail/INBOX/actions?action=move&uid={uid}", // handlers/messages_bulk.go
	"/mail/INBOX/{uid}/move",
	"/mail/INBOX/move?uid={uid}",
}

// tidingsMove moves the next oldest message through the first route that
// works, found on first use; without one, through imapproxy's Move.
func (e *env) tidingsMove(ctx context.Context) error {
	e.moveOnce.Do(func() { e.findMoveRoute(ctx) })
	uid := e.moves.take()
	if e.moveRoute == nil {
		res, err := e.direct.Move(ctx, "INBOX", imapproxy.Selection{UIDs: []uint32{uid}}, imapproxy.Target{Name: e.moveTo})
		if err == nil && res.Count != 1 {
			err = fmt.Errorf("move UID %d: moved %d", uid, res.Count)
		}
		return err
	}
	path, form := e.moveRoute(uid)
	status, body, err := e.b.post(ctx, path, form, true)
	if err == nil && status != http.StatusOK && status != http.StatusSeeOther {
		err = fmt.Errorf("POST %s: status %d: %s", path, status, snippet(body))
	}
	return err
}

// findMoveRoute tries each candidate (or the one -move-route names) on a
// message of its own, and keeps the first after which the message has
// left INBOX.
func (e *env) findMoveRoute(ctx context.Context) {
	cands := moveCandidates
	if e.moveFlag != "" {
		cands = []string{e.moveFlag}
	}
	var tried []string
	for _, c := range cands {
		route := func(uid uint32) (string, url.Values) {
			u, _ := url.Parse(strings.ReplaceAll(c, "{uid}", fmt.Sprint(uid)))
			form := u.Query()
			for _, k := range []string{"to", "target", "folder", "dest"} {
				if form.Get(k) == "" {
					form.Set(k, e.moveTo)
				}
			}
			form.Set("return", "/mail/INBOX")
			return u.Path, form
		}
		uid := e.moves.take()
		path, form := route(uid)
		status, body, err := e.b.post(ctx, path, form, true)
		still, herr := e.floor.Has(uid)
		if err == nil && herr == nil && (status == http.StatusOK || status == http.StatusSeeOther) && !still {
			e.moveRoute, e.moveNote = route, "POST "+c
			return
		}
		tried = append(tried, fmt.Sprintf("POST %s → %d", c, status))
		if status == http.StatusOK {
			tried[len(tried)-1] += " " + snippet(body)
		}
		if err = errors.Join(err, herr); err != nil {
			tried[len(tried)-1] += " (" + err.Error() + ")"
		}
		if still {
			// Every UID a move took must be gone, or later pages' links
			// and hit counts would be off by one.
			_ = e.floor.Move(uid, e.moveTo)
		}
	}
	e.moveNote = "imapproxy Session.Move (no move route yet: " + strings.Join(tried, ", ") + ")"
}
