package submit

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// TLSMode says how the connection to the submission server is protected.
type TLSMode string

// The modes: implicit TLS (port 465, RFC 8314), STARTTLS (port 587,
// RFC 3207; refused when the server does not offer it, so there is no
// silent downgrade) and plaintext (loopback servers and the demo only).
const (
	TLSImplicit TLSMode = "tls"
	TLSStart    TLSMode = "starttls"
	TLSNone     TLSMode = "none"
)

// Config is how to reach the submission server.
type Config struct {
	Addr               string // host:port
	TLS                TLSMode
	RootCAs            *x509.CertPool // nil: the system's
	InsecureSkipVerify bool           // self-signed test servers only
	// Timeout bounds one whole submission: connect, TLS, AUTH and the
	// transfer of the message. Zero means DefaultTimeout.
	Timeout time.Duration
	// HeloName is the name given in EHLO; empty means "localhost".
	HeloName string
}

// DefaultTimeout is long enough to upload a message with the largest
// attachments Tidings allows over a slow link.
const DefaultTimeout = 5 * time.Minute

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	switch c.TLS {
	case TLSImplicit, TLSStart, TLSNone:
	default:
		return fmt.Errorf("smtp tls mode %q: want tls, starttls or none", c.TLS)
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("smtp address %q: want host:port", c.Addr)
	}
	return nil
}

// Client submits messages. It holds no connection between messages: a
// webmail sends rarely, and a fresh connection authenticates as the user
// who sends.
type Client struct{ cfg Config }

// NewClient returns a Client for cfg.
func NewClient(cfg Config) *Client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	return &Client{cfg: cfg}
}

// Auth is whom to authenticate as: the user's own IMAP credentials.
type Auth struct{ Username, Password string }

// Envelope is the SMTP envelope (RFC 5321 §2.3.1): the return path and
// every recipient, Bcc included, in ASCII form.
type Envelope struct {
	From string
	To   []string
}

// Send submits the message of size bytes read from msg. It authenticates
// with PLAIN or LOGIN, whichever the server offers (PLAIN first), and
// sends nothing unless every recipient was accepted: a partly delivered
// message is worse than an error the user can fix. The error is a
// *SendError.
func (c *Client) Send(ctx context.Context, auth Auth, env Envelope, msg io.Reader, size int64) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	cl, err := c.connect(ctx)
	if err != nil {
		return err
	}
	defer cl.Close()
	// go-smtp sets a deadline per command, which would replace one we set
	// on the socket; closing the socket is what enforces ctx.
	stop := context.AfterFunc(ctx, func() { cl.Close() })
	defer stop()
	wrap := func(step string, err error) error {
		if ctx.Err() != nil {
			return classify(step, fmt.Errorf("%w (%v)", ctx.Err(), err))
		}
		return classify(step, err)
	}

	if err := authenticate(cl, auth); err != nil {
		return wrap("auth", err)
	}
	if limit, ok := cl.MaxMessageSize(); ok && limit > 0 && size > int64(limit) {
		return &SendError{Kind: ErrTooLarge, Limit: int64(limit),
			Cause: fmt.Errorf("message of %d bytes, server limit %d", size, limit)}
	}
	if err := cl.Mail(env.From, &smtp.MailOptions{Size: size}); err != nil {
		return wrap("mail", err)
	}
	if err := rcptAll(cl, env.To); err != nil {
		if _, ok := err.(*SendError); !ok {
			return wrap("rcpt", err)
		}
		_ = cl.Reset()
		return err
	}
	w, err := cl.Data()
	if err != nil {
		return wrap("data", err)
	}
	if _, err := io.Copy(w, msg); err != nil {
		return wrap("transfer", err)
	}
	if err := w.Close(); err != nil {
		return wrap("data", err)
	}
	_ = cl.Quit() // the message is accepted; a lost goodbye changes nothing
	return nil
}

// connect dials, sets up TLS as configured and greets the server.
func (c *Client) connect(ctx context.Context) (*smtp.Client, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", c.cfg.Addr)
	if err != nil {
		return nil, classify("dial", err)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	host, _, _ := net.SplitHostPort(c.cfg.Addr)
	tlsConf := &tls.Config{
		ServerName:         host,
		RootCAs:            c.cfg.RootCAs,
		InsecureSkipVerify: c.cfg.InsecureSkipVerify, //nolint:gosec // an explicit, logged operator choice
		MinVersion:         tls.VersionTLS12,
	}
	var cl *smtp.Client
	switch c.cfg.TLS {
	case TLSImplicit:
		tc := tls.Client(conn, tlsConf)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, classify("tls", err)
		}
		cl = smtp.NewClient(tc)
	case TLSStart:
		cl, err = smtp.NewClientStartTLS(conn, tlsConf)
		if err != nil {
			conn.Close()
			var smtpErr *smtp.SMTPError
			if errors.As(err, &smtpErr) {
				return nil, classify("hello", err)
			}
			return nil, classify("tls", err)
		}
	default:
		cl = smtp.NewClient(conn)
	}
	cl.CommandTimeout = c.cfg.Timeout
	cl.SubmissionTimeout = c.cfg.Timeout
	name := c.cfg.HeloName
	if name == "" {
		name = "localhost"
	}
	// Hello also reads the greeting: an unreachable or refusing server
	// fails here, before the password is sent. After STARTTLS the client
	// must greet again, so Hello is still allowed and names us in the
	// EHLO that counts.
	if err := cl.Hello(name); err != nil {
		cl.Close()
		return nil, classify("hello", err)
	}
	return cl, nil
}

// authenticate logs in as the user when the server offers AUTH. A server
// that offers none (a relay that trusts Tidings' address) gets none.
func authenticate(cl *smtp.Client, auth Auth) error {
	ok, mechs := cl.Extension("AUTH")
	if !ok || auth.Username == "" {
		return nil
	}
	has := func(m string) bool {
		for _, x := range strings.Fields(mechs) {
			if strings.EqualFold(x, m) {
				return true
			}
		}
		return false
	}
	var sc sasl.Client
	switch {
	case has(sasl.Plain):
		sc = sasl.NewPlainClient("", auth.Username, auth.Password)
	case has(sasl.Login):
		sc = sasl.NewLoginClient(auth.Username, auth.Password)
	default:
		return &SendError{Kind: ErrAuthFailed, Cause: fmt.Errorf("server offers no usable AUTH mechanism (%s)", mechs)}
	}
	return cl.Auth(sc)
}

// rcptAll gives every recipient to the server and collects the refused
// ones, so the user learns about all of them at once.
func rcptAll(cl *smtp.Client, rcpts []string) error {
	var refused []string
	var first error
	temporary := true
	for _, to := range rcpts {
		err := cl.Rcpt(to, nil)
		if err == nil {
			continue
		}
		var smtpErr *smtp.SMTPError
		if !errors.As(err, &smtpErr) {
			return err
		}
		refused = append(refused, to)
		temporary = temporary && smtpErr.Temporary()
		if first == nil {
			first = fmt.Errorf("rcpt %s: %w", to, err)
		}
	}
	if len(refused) == 0 {
		return nil
	}
	return &SendError{Kind: ErrRecipientRefused, Recipients: refused, Temporary: temporary, Cause: first}
}
