// Package demosink is the demo's mail server for sending: an SMTP
// submission server on a loopback port that delivers mail for the demo's
// own domain into the in-memory IMAP server and quietly drops the rest, so
// that composing and sending work end to end in `go run ./cmd/tidings`
// without any real mail leaving the machine.
package demosink

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Deliverer puts a message into a user's mailbox; *demo.Server is one.
type Deliverer interface {
	Deliver(user, mailbox string, raw []byte, seen bool) error
}

// MaxMessageBytes is the size limit the sink announces (SIZE, RFC 1870).
const MaxMessageBytes = 40 << 20

// Sink is a running demo SMTP server.
type Sink struct {
	// Addr is the host:port it listens on (127.0.0.1, a random port).
	Addr string

	srv    *smtp.Server
	served chan struct{}
	once   sync.Once
}

// Start serves SMTP on 127.0.0.1 at a random port. Mail for
// user@domain is delivered to that user's INBOX through d; mail for other
// domains (and unknown users) is accepted and dropped. Any credentials
// are accepted, but AUTH is required, as a real submission server would.
func Start(d Deliverer, domain string, log *slog.Logger) (*Sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demosink: listening on loopback: %w", err)
	}
	be := &backend{d: d, domain: strings.ToLower(domain), log: log}
	srv := smtp.NewServer(be)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true // loopback only
	srv.MaxMessageBytes = MaxMessageBytes
	srv.MaxRecipients = 200
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	srv.ErrorLog = slogLogger{log}
	s := &Sink{Addr: ln.Addr().String(), srv: srv, served: make(chan struct{})}
	go func() {
		defer close(s.served)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			log.Error("demo SMTP sink stopped", "err", err)
		}
	}()
	return s, nil
}

// Close stops the server and waits for it. It is safe to call twice.
func (s *Sink) Close() error {
	var err error
	s.once.Do(func() {
		err = s.srv.Close()
		<-s.served
	})
	return err
}

type backend struct {
	d      Deliverer
	domain string
	log    *slog.Logger
}

func (b *backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{b: b}, nil }

// session is one SMTP connection's transaction state.
type session struct {
	b     *backend
	authd bool
	from  string
	rcpts []string
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user == "" || pass == "" {
			return smtp.ErrAuthFailed
		}
		s.authd = true
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authd {
		return smtp.ErrAuthRequired
	}
	s.from = from
	s.rcpts = nil
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !s.authd {
		return smtp.ErrAuthRequired
	}
	if !strings.Contains(to, "@") {
		return &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 1, 3}, Message: "Recipient address not understood"}
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	body, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	// The Return-Path a final delivery adds (RFC 5321 §4.4).
	raw := append([]byte("Return-Path: <"+s.from+">\r\n"), body...)
	for _, to := range s.rcpts {
		at := strings.LastIndexByte(to, '@')
		user, domain := to[:at], strings.ToLower(to[at+1:])
		if domain != s.b.domain {
			s.b.log.Debug("demo SMTP sink dropped a message for another domain")
			continue
		}
		if err := s.b.d.Deliver(user, "INBOX", bytes.Clone(raw), false); err != nil {
			s.b.log.Info("demo SMTP sink dropped a message for an unknown user", "err", err)
		}
	}
	return nil
}

func (s *session) Reset() {
	s.from = ""
	s.rcpts = nil
}

func (s *session) Logout() error { return nil }

// slogLogger routes go-smtp's connection errors to slog. go-smtp logs no
// protocol traces here (Debug is nil), so no credentials pass through.
type slogLogger struct{ log *slog.Logger }

func (l slogLogger) Printf(format string, v ...any) {
	l.log.Warn("demo SMTP sink", "detail", fmt.Sprintf(format, v...))
}

func (l slogLogger) Println(v ...any) { l.log.Warn("demo SMTP sink", "detail", fmt.Sprint(v...)) }
