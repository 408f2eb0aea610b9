package handlers

import (
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/tidings-mail/tidings/imapproxy"
)

// ComposeFields are the form's text fields as the user last posted them.
type ComposeFields struct {
	FromName, To, Cc, Bcc, Subject, Body string
}

type composeKind int

const (
	kindNew composeKind = iota
	kindReply
	kindReplyAll
	kindForward
	kindDraft
)

// Composition is one message being written, kept between the requests of
// its form: what the user last posted (so a failure can never lose it),
// the attachments (uploads on disk, or parts of the original fetched from
// the server when sending), threading, the draft saved last, and whether
// it was sent — once sent, its ID can never send again, which makes the
// ID the form's one-time send token.
//
// A request works on a Composition only while holding its lock, so a
// double click, an autosave and a send take turns.
type Composition struct {
	mu      sync.Mutex
	id, sid string
	gone    bool      // discarded while a request waited for mu
	touched time.Time // guarded by the store's mutex

	Fields      ComposeFields
	kind        composeKind
	origin      *imapproxy.MessageRef // the message answered or forwarded
	originFlag  imapproxy.Flag        // \Answered or $Forwarded, set once sent
	inReplyTo   string
	references  []string
	Attachments []*composeFile
	draft       *imapproxy.MessageRef // the version last saved in Drafts
	sent        bool
	sentURL     string // where a repeated send is sent
}

// composeFile is one attachment: an upload on disk, or a part of a message
// on the IMAP server (a forward's attachments), fetched when needed.
type composeFile struct {
	ID, Name, Type string
	Size           int64
	Path           string
	Source         *partSource
}

// partSource names a part on the server; Part "" is the whole message.
type partSource struct {
	Mailbox string
	UID     uint32
	Part    string
}

func (c *Composition) unlock() { c.mu.Unlock() }

func (c *Composition) attachedBytes() int64 {
	var n int64
	for _, a := range c.Attachments {
		n += max(a.Size, 0)
	}
	return n
}

func (c *Composition) heading() string {
	switch c.kind {
	case kindReply:
		return "Reply"
	case kindReplyAll:
		return "Reply to all"
	case kindForward:
		return "Forward"
	case kindDraft:
		return "Edit draft"
	}
	return "New message"
}

// returnURL is where the user goes after sending or closing the form: the
// message answered, else the Inbox.
func (c *Composition) returnURL() string {
	if c.origin != nil && c.kind != kindDraft {
		return messageURL(c.origin.Mailbox, c.origin.UID)
	}
	return "/mail/INBOX"
}

// removeFiles deletes the uploads of c from disk.
func (c *Composition) removeFiles() {
	for _, a := range c.Attachments {
		if a.Path != "" {
			_ = os.Remove(a.Path)
		}
	}
}

// ComposeStore keeps the Compositions of all sessions in memory and their
// uploads in a private temporary directory. Several Tidings instances
// behind one address need sticky sessions for writing mail.
type ComposeStore struct {
	dir        string
	ttl        time.Duration
	perSession int
	log        *slog.Logger

	mu    sync.Mutex
	items map[string]*Composition

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// NewComposeStore makes the upload directory inside tempDir ("" for the
// system's) and starts dropping compositions untouched for ttl.
func NewComposeStore(tempDir string, ttl time.Duration, log *slog.Logger) (*ComposeStore, error) {
	dir, err := os.MkdirTemp(tempDir, "tidings-compose-")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, err
	}
	s := &ComposeStore{dir: dir, ttl: ttl, perSession: 30, log: log, items: map[string]*Composition{},
		stop: make(chan struct{}), done: make(chan struct{})}
	go s.janitor()
	return s, nil
}

// Dir is where uploads and built messages are spooled.
func (s *ComposeStore) Dir() string { return s.dir }

// Close drops every composition and removes the upload directory.
func (s *ComposeStore) Close() error {
	s.closeOnce.Do(func() {
		close(s.stop)
		<-s.done
	})
	s.mu.Lock()
	s.items = map[string]*Composition{}
	s.mu.Unlock()
	return os.RemoveAll(s.dir)
}

// create starts a composition for session sid and returns it locked. A
// session holding too many loses its least recently used one.
func (s *ComposeStore) create(sid string) *Composition {
	c := &Composition{id: rand.Text(), sid: sid, touched: time.Now()}
	c.mu.Lock()
	type aged struct {
		c       *Composition
		touched time.Time
	}
	s.mu.Lock()
	s.items[c.id] = c
	var mine []aged
	for _, o := range s.items {
		if o.sid == sid && o != c {
			mine = append(mine, aged{o, o.touched})
		}
	}
	s.mu.Unlock()
	if len(mine) >= s.perSession {
		sort.Slice(mine, func(i, j int) bool { return mine[i].touched.Before(mine[j].touched) })
		for _, a := range mine[:len(mine)-s.perSession+1] {
			o := a.c
			if o.mu.TryLock() {
				s.discard(o)
				o.mu.Unlock()
			}
		}
	}
	return c
}

// lookup returns session sid's composition id, locked, or nil.
func (s *ComposeStore) lookup(sid, id string) *Composition {
	s.mu.Lock()
	c := s.items[id]
	s.mu.Unlock()
	if c == nil || c.sid != sid {
		return nil
	}
	c.mu.Lock()
	if c.gone {
		c.mu.Unlock()
		return nil
	}
	s.mu.Lock()
	c.touched = time.Now()
	s.mu.Unlock()
	return c
}

// discard forgets c and deletes its uploads; the caller holds c's lock.
func (s *ComposeStore) discard(c *Composition) {
	c.gone = true
	c.removeFiles()
	s.mu.Lock()
	delete(s.items, c.id)
	s.mu.Unlock()
}

// markSent turns c into a tombstone: the uploads go, the ID stays known
// so a repeated submission is recognised and not sent again.
func (s *ComposeStore) markSent(c *Composition, returnTo string) {
	c.sent, c.sentURL = true, returnTo
	c.removeFiles()
	c.Attachments = nil
	c.Fields = ComposeFields{}
}

// CloseSession drops the compositions of a session that ended.
func (s *ComposeStore) CloseSession(sid string) {
	s.mu.Lock()
	var mine []*Composition
	for _, c := range s.items {
		if c.sid == sid {
			mine = append(mine, c)
		}
	}
	s.mu.Unlock()
	for _, c := range mine {
		c.mu.Lock()
		s.discard(c)
		c.mu.Unlock()
	}
}

// errSpoolFull means a file went over the byte budget it was given.
var errSpoolFull = errors.New("compose: attachment over the size limit")

// spool copies r into a new file in the upload directory, at most limit
// bytes. Past the limit the file is deleted and errSpoolFull returned; the
// caller drains the rest of r.
func (s *ComposeStore) spool(r io.Reader, limit int64) (path string, n int64, err error) {
	f, err := os.CreateTemp(s.dir, "upload-*")
	if err != nil {
		return "", 0, err
	}
	n, err = io.Copy(f, io.LimitReader(r, limit+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > limit {
		err = errSpoolFull
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return "", n, err
	}
	return f.Name(), n, nil
}

// janitor drops compositions nobody touched for ttl (the browser was
// closed, the session expired), with their uploads.
func (s *ComposeStore) janitor() {
	defer close(s.done)
	t := time.NewTicker(min(s.ttl/4, 5*time.Minute))
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		s.mu.Lock()
		var old []*Composition
		for _, c := range s.items {
			if time.Since(c.touched) > s.ttl {
				old = append(old, c)
			}
		}
		s.mu.Unlock()
		for _, c := range old {
			if c.mu.TryLock() { // one in use is not stale
				s.discard(c)
				c.mu.Unlock()
			}
		}
		if len(old) > 0 {
			s.log.Debug("dropped stale compositions", "count", len(old))
		}
	}
}

// WithComposeCleanup wraps b so that a session's end (logout, a new login
// in the same browser) also drops the messages it was writing, uploads
// included: on a shared computer nothing of them should outlive it.
func WithComposeCleanup(b Backend, s *ComposeStore) Backend {
	return composeCleanup{Backend: b, store: s}
}

type composeCleanup struct {
	Backend
	store *ComposeStore
}

func (c composeCleanup) CloseSession(sid string) {
	c.Backend.CloseSession(sid)
	c.store.CloseSession(sid)
}
