package submit

import (
	"errors"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// fakeServer is a go-smtp server that refuses what the test tells it to,
// to check how each SMTP answer reaches the caller.
type fakeServer struct {
	addr     string
	password string
	refuse   map[string]*smtp.SMTPError // recipient → answer to RCPT
	dataErr  *smtp.SMTPError
	maxBytes int64

	mu       sync.Mutex
	messages []string
	users    []string
}

func startFake(t *testing.T, f *fakeServer) *fakeServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &fakeSession{f: f}, nil }))
	srv.AllowInsecureAuth = true
	srv.MaxMessageBytes = f.maxBytes
	srv.ErrorLog = log.New(io.Discard, "", 0)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	f.addr = ln.Addr().String()
	return f
}

type fakeSession struct {
	f     *fakeServer
	authd bool
}

func (s *fakeSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *fakeSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if pass != s.f.password {
			return smtp.ErrAuthFailed
		}
		s.f.mu.Lock()
		s.f.users = append(s.f.users, user)
		s.f.mu.Unlock()
		s.authd = true
		return nil
	}), nil
}
func (s *fakeSession) Mail(string, *smtp.MailOptions) error {
	if !s.authd {
		return smtp.ErrAuthRequired
	}
	return nil
}
func (s *fakeSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if e := s.f.refuse[to]; e != nil {
		return e
	}
	return nil
}
func (s *fakeSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.f.dataErr != nil {
		return s.f.dataErr
	}
	s.f.mu.Lock()
	s.f.messages = append(s.f.messages, string(b))
	s.f.mu.Unlock()
	return nil
}
func (s *fakeSession) Reset()        {}
func (s *fakeSession) Logout() error { return nil }

func TestSend(t *testing.T) {
	f := startFake(t, &fakeServer{password: "pw", maxBytes: 1000, refuse: map[string]*smtp.SMTPError{
		"nobody@example.org": {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"},
		"later@example.org":  {Code: 450, EnhancedCode: smtp.EnhancedCode{4, 2, 1}, Message: "Try later"},
	}})
	c := NewClient(Config{Addr: f.addr, TLS: TLSNone, Timeout: 5 * time.Second})
	msg := "Subject: hi\r\n\r\nhello\r\n"
	send := func(pass string, to ...string) error {
		return c.Send(t.Context(), Auth{"alice", pass}, Envelope{From: "alice@example.org", To: to}, strings.NewReader(msg), int64(len(msg)))
	}

	if err := send("pw", "bob@example.org", "carol@example.org"); err != nil {
		t.Fatalf("send: %v", err)
	}
	if len(f.messages) != 1 || f.messages[0] != msg || f.users[0] != "alice" {
		t.Errorf("server got %q as %v", f.messages, f.users)
	}

	for _, tc := range []struct {
		name      string
		err       error
		kind      error
		temporary bool
		refused   []string
	}{
		{"wrong password", send("nope", "bob@example.org"), ErrAuthFailed, false, nil},
		{"unknown recipient", send("pw", "bob@example.org", "nobody@example.org"), ErrRecipientRefused, false, []string{"nobody@example.org"}},
		{"recipient for later", send("pw", "later@example.org"), ErrRecipientRefused, true, []string{"later@example.org"}},
		{"too large", c.Send(t.Context(), Auth{"alice", "pw"}, Envelope{From: "a@example.org", To: []string{"b@example.org"}},
			strings.NewReader(strings.Repeat("x", 2000)), 2000), ErrTooLarge, false, nil},
	} {
		var se *SendError
		if !errors.As(tc.err, &se) || !errors.Is(tc.err, tc.kind) || se.Temporary != tc.temporary || strings.Join(se.Recipients, ",") != strings.Join(tc.refused, ",") {
			t.Errorf("%s: got %#v (%v)", tc.name, tc.err, tc.err)
		}
	}
	if len(f.messages) != 1 {
		t.Errorf("a refused send delivered something: %d messages", len(f.messages))
	}

	f.dataErr = &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Spam"}
	if err := send("pw", "bob@example.org"); !errors.Is(err, ErrMessageRefused) {
		t.Errorf("refused content: %v", err)
	}
}

func TestSendUnreachable(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	c := NewClient(Config{Addr: addr, TLS: TLSStart, Timeout: 2 * time.Second})
	err := c.Send(t.Context(), Auth{"a", "b"}, Envelope{From: "a@x", To: []string{"b@x"}}, strings.NewReader("x"), 1)
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("closed port: %v", err)
	}

	// A server that never answers: the timeout, not a hang.
	ln, _ = net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	c = NewClient(Config{Addr: ln.Addr().String(), TLS: TLSNone, Timeout: 300 * time.Millisecond})
	start := time.Now()
	err = c.Send(t.Context(), Auth{"a", "b"}, Envelope{From: "a@x", To: []string{"b@x"}}, strings.NewReader("x"), 1)
	if !errors.Is(err, ErrTimeout) && !errors.Is(err, ErrUnavailable) {
		t.Errorf("silent server: %v", err)
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("silent server took %v", time.Since(start))
	}

	// STARTTLS required but not offered: refused, no plaintext fallback.
	f := startFake(t, &fakeServer{password: "pw"})
	c = NewClient(Config{Addr: f.addr, TLS: TLSStart, Timeout: 2 * time.Second})
	if err := c.Send(t.Context(), Auth{"alice", "pw"}, Envelope{From: "a@x", To: []string{"b@x"}}, strings.NewReader("x"), 1); !errors.Is(err, ErrTLS) {
		t.Errorf("no STARTTLS: %v", err)
	}
	if len(f.users) != 0 {
		t.Error("the password was sent without TLS")
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{{Addr: "x", TLS: TLSNone}, {Addr: "x:25", TLS: "ssl"}} {
		if c.Validate() == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	if err := (Config{Addr: "mail.example.org:587", TLS: TLSStart}).Validate(); err != nil {
		t.Error(err)
	}
}
