package demo

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// User is an account on the demo server.
type User struct{ Name, Password string }

// The account Start always creates; a User named DefaultName passed to
// Start replaces its password.
const (
	DefaultName     = "demo"
	DefaultPassword = "demo"
)

// Server is a running in-memory IMAP server on a loopback port. Everything
// lives in memory and is lost on Close.
type Server struct {
	// Addr is the host:port the server listens on (127.0.0.1, random port).
	Addr string

	mem       *imapmemserver.Server
	srv       *imapserver.Server
	ln        net.Listener
	seed      []Message
	served    chan struct{} // closed when Serve returns
	closing   atomic.Bool
	closeOnce sync.Once
	closeErr  error

	mu    sync.Mutex
	users map[string]*imapmemserver.User
}

// capabilities is what the server advertises, chosen from what imapserver
// and imapmemserver v2.0.0-beta.8 actually implement (checked by this
// package's tests):
//
//   - IMAP4rev1; imapserver adds SASL-IR, LITERAL-, and after login
//     UNSELECT, ENABLE, IDLE and UTF8=ACCEPT on its own.
//   - NAMESPACE (RFC 2342), UIDPLUS (RFC 4315: APPENDUID, COPYUID, UID
//     EXPUNGE), ESEARCH (RFC 4731), LIST-STATUS (RFC 5819), STATUS=SIZE
//     (RFC 8438) and LITERAL+ (RFC 7888).
//
// Left out on purpose:
//
//   - IMAP4rev2 and MOVE: UID MOVE sends wrong EXPUNGE sequence numbers in
//     beta.8, which desynchronizes clients. Without MOVE, go-imap's client
//     falls back to COPY + STORE \Deleted + UID EXPUNGE, which is correct.
//     (IMAP4rev2 would imply MOVE.) A MOVE sent anyway gets BAD (session).
//   - SPECIAL-USE and CREATE-SPECIAL-USE: imapmemserver never stores the
//     attributes, so LIST would return none; Tidings falls back to names.
//   - CHILDREN and LIST-EXTENDED: \HasChildren/\HasNoChildren are never
//     returned and RETURN (CHILDREN) and RECURSIVEMATCH are ignored.
//   - SEARCHRES: the server side works, but go-imap's client never sends
//     RETURN (SAVE) (SearchOptions.ReturnSave is dropped), so Tidings could
//     not use it and it would go untested.
//   - BINARY: the BINARY[] fetch goes through go-message, which also
//     converts the charset of text parts to UTF-8 (or returns nothing for
//     charsets it cannot read), so the bytes are not the part's content.
func capabilities() imap.CapSet {
	return imap.CapSet{
		imap.CapIMAP4rev1:   {},
		imap.CapNamespace:   {},
		imap.CapUIDPlus:     {},
		imap.CapESearch:     {},
		imap.CapListStatus:  {},
		imap.CapStatusSize:  {},
		imap.CapLiteralPlus: {},
	}
}

// Start creates the in-memory store, adds the demo/demo account and users
// (a user named DefaultName replaces the default password), seeds every
// account with Messages(now), and serves plain IMAP on 127.0.0.1 at a random
// port. Plaintext LOGIN is allowed because the listener is loopback-only.
func Start(now time.Time, users ...User) (*Server, error) {
	s := &Server{
		mem:    imapmemserver.New(),
		seed:   Messages(now),
		served: make(chan struct{}),
		users:  map[string]*imapmemserver.User{},
	}
	accounts := []User{{DefaultName, DefaultPassword}}
	for _, u := range users {
		if u.Name == DefaultName {
			accounts[0] = u
			continue
		}
		accounts = append(accounts, u)
	}
	for _, u := range accounts {
		if err := s.AddUser(u.Name, u.Password); err != nil {
			return nil, err
		}
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: listening on loopback: %w", err)
	}
	s.ln = ln
	s.Addr = ln.Addr().String()
	s.srv = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return session{s.mem.NewSession().(imapserver.SessionNamespace)}, nil, nil
		},
		Caps:         capabilities(),
		Logger:       slogLogger{},
		InsecureAuth: true, // loopback only
	})
	go func() {
		defer close(s.served)
		if err := s.srv.Serve(ln); err != nil && !s.closing.Load() {
			slog.Error("demo IMAP server stopped", "err", err)
		}
	}()
	return s, nil
}

// Close stops the server and drops all connections. It is safe to call more
// than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.closing.Store(true)
		s.closeErr = s.srv.Close()
		// If Close wins the race against Serve's start, imapserver never
		// learns about the listener: close it here too.
		if err := s.ln.Close(); err != nil && !errors.Is(err, net.ErrClosed) && s.closeErr == nil {
			s.closeErr = err
		}
		<-s.served
	})
	return s.closeErr
}

// AddUser adds an account seeded with the same messages as the others. Tests
// use a fresh user each to stay isolated from one another.
func (s *Server) AddUser(name, password string) error {
	if name == "" || password == "" {
		return errors.New("demo: user name and password must not be empty")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users[name] != nil {
		return fmt.Errorf("demo: user %q already exists", name)
	}
	u := imapmemserver.NewUser(name, password)
	if err := seedUser(u, s.seed); err != nil {
		return fmt.Errorf("demo: seeding %q: %w", name, err)
	}
	s.mem.AddUser(u)
	s.users[name] = u
	return nil
}

// seedUser creates every folder, subscribes it and appends the messages.
func seedUser(u *imapmemserver.User, msgs []Message) error {
	for _, f := range Folders() {
		var opts *imap.CreateOptions
		if f.SpecialUse != "" {
			// Ignored by imapmemserver beta.8, kept for when it is honoured.
			opts = &imap.CreateOptions{SpecialUse: []imap.MailboxAttr{imap.MailboxAttr(f.SpecialUse)}}
		}
		if err := u.Create(f.Name, opts); err != nil {
			return err
		}
		if err := u.Subscribe(f.Name); err != nil {
			return err
		}
	}
	for _, m := range msgs {
		if _, err := u.Append(m.Mailbox, bytes.NewReader(m.Raw), &imap.AppendOptions{
			Flags: m.flags(),
			Time:  m.Time,
		}); err != nil {
			return err
		}
	}
	return nil
}

// flags returns the message's IMAP flags.
func (m *Message) flags() []imap.Flag {
	var fl []imap.Flag
	for _, f := range []struct {
		on   bool
		flag imap.Flag
	}{{m.Seen, imap.FlagSeen}, {m.Flagged, imap.FlagFlagged}, {m.Answered, imap.FlagAnswered}, {m.Draft, imap.FlagDraft}} {
		if f.on {
			fl = append(fl, f.flag)
		}
	}
	return fl
}

// Deliver appends raw (an RFC 5322 message with CRLF line endings) to a
// user's mailbox with the current time as INTERNALDATE, \Seen if seen.
// Clients that IDLE on the mailbox get an EXISTS update.
func (s *Server) Deliver(user, mailbox string, raw []byte, seen bool) error {
	s.mu.Lock()
	u := s.users[user]
	s.mu.Unlock()
	if u == nil {
		return fmt.Errorf("demo: no user %q", user)
	}
	opts := &imap.AppendOptions{Time: time.Now()} // never nil: Append panics on nil options
	if seen {
		opts.Flags = []imap.Flag{imap.FlagSeen}
	}
	if _, err := u.Append(mailbox, bytes.NewReader(raw), opts); err != nil {
		return fmt.Errorf("demo: delivering to %s/%s: %w", user, mailbox, err)
	}
	return nil
}

// slogLogger routes imapserver's error messages to slog. imapserver logs
// only failures here (no protocol traces), so no credentials pass through.
type slogLogger struct{}

func (slogLogger) Printf(format string, args ...any) {
	slog.Warn("demo IMAP server", "detail", fmt.Sprintf(format, args...))
}
