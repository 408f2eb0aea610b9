package imapproxy

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"net"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-sasl"
)

// conn is one logged-in IMAP connection. It is used by one borrower at a
// time, so its fields need no lock except dead, which the reader goroutine
// may set.
type conn struct {
	c    *imapclient.Client
	raw  net.Conn
	caps imap.CapSet
	user string

	selected    string // mailbox selected on this connection, "" if none
	uidValidity uint32
	readOnly    bool

	first firstPage // page 1 of the selected folder, as last drawn

	created  time.Time
	lastUsed time.Time
	dead     atomic.Bool
}

// wordDecoder decodes RFC 2047 words in ENVELOPE fields with every charset
// go-message knows, so non-UTF-8 subjects do not stay encoded.
var wordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}

// dial opens a connection and logs in. The whole exchange is bounded by
// cfg.DialTimeout and ctx.
func dial(ctx context.Context, cfg *Config, user, password string) (*conn, error) {
	return dialNotify(ctx, cfg, user, password, nil)
}

// dialNotify is dial with a handler for the server's unilateral data
// (watch.go); nil discards it.
func dialNotify(ctx context.Context, cfg *Config, user, password string, notify *imapclient.UnilateralDataHandler) (*conn, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.DialTimeout)
	defer cancel()

	d := net.Dialer{KeepAlive: 30 * time.Second}
	raw, err := d.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, &opError{kind: ErrUnavailable, op: "dial", cause: err}
	}
	// Until login finishes, a stalled server is cut off by closing the socket.
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	defer stop()

	cn := &conn{raw: raw, user: user, created: time.Now()}
	opts := &imapclient.Options{
		WordDecoder:           wordDecoder,
		TLSConfig:             tlsConfig(cfg),
		UnilateralDataHandler: notify,
	}
	switch cfg.TLS {
	case TLSImplicit:
		tc := tls.Client(raw, opts.TLSConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, connectError(ctx, "tls handshake", err)
		}
		cn.raw = tc
		cn.c = imapclient.New(tc, opts)
	case TLSStart:
		c, err := imapclient.NewStartTLS(raw, opts)
		if err != nil {
			raw.Close()
			return nil, connectError(ctx, "starttls", err)
		}
		cn.c = c
	default:
		cn.c = imapclient.New(raw, opts)
	}
	if err := cn.c.WaitGreeting(); err != nil {
		cn.close()
		return nil, connectError(ctx, "greeting", err)
	}
	if err := cn.login(user, password); err != nil {
		cn.close()
		if ctx.Err() != nil {
			return nil, &opError{kind: ErrTimeout, op: "login", cause: ctx.Err()}
		}
		return nil, err
	}
	cn.caps = cn.c.Caps()
	cn.lastUsed = time.Now()
	if cn.caps == nil {
		cn.close()
		return nil, connectError(ctx, "capability", errors.New("no capabilities"))
	}
	return cn, nil
}

// connectError classifies a failure after the TCP connection was made. A
// server that accepts the connection but does not answer within the
// deadline is hung or overloaded (ErrTimeout), not unreachable.
func connectError(ctx context.Context, op string, err error) error {
	kind := ErrUnavailable
	if ctx.Err() != nil {
		kind = ErrTimeout
	}
	return &opError{kind: kind, op: op, cause: ctxErr(ctx, err)}
}

func tlsConfig(cfg *Config) *tls.Config {
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		host = cfg.Addr
	}
	return &tls.Config{
		ServerName:         host,
		RootCAs:            cfg.RootCAs,
		InsecureSkipVerify: cfg.InsecureSkipVerify, //nolint:gosec // an explicit, logged operator choice
		MinVersion:         tls.VersionTLS12,
	}
}

// ctxErr prefers the context's reason: a socket closed by our own deadline
// reads as "use of closed network connection", which hides the timeout.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return err
}

// login authenticates with AUTHENTICATE PLAIN when offered (RFC 4616; it
// carries any UTF-8 password), else LOGIN (RFC 9051 §6.2.3).
func (cn *conn) login(user, password string) error {
	caps := cn.c.Caps()
	var err error
	switch {
	case caps.Has(imap.CapLoginDisabled) && !caps.Has(imap.AuthCap(sasl.Plain)):
		return &opError{kind: ErrUnavailable, op: "login", cause: errors.New("server offers no usable authentication (LOGINDISABLED)")}
	case caps.Has(imap.AuthCap(sasl.Plain)):
		err = cn.c.Authenticate(sasl.NewPlainClient("", user, password))
	default:
		err = cn.c.Login(user, password).Wait()
	}
	if err == nil {
		return nil
	}
	var ie *imap.Error
	if errors.As(err, &ie) && ie.Type == imap.StatusResponseTypeNo {
		// Some servers send a bare NO without AUTHENTICATIONFAILED.
		if ie.Code == "" || ie.Code == imap.ResponseCodeAuthenticationFailed || ie.Code == imap.ResponseCodeAuthorizationFailed {
			return &opError{kind: ErrAuthFailed, op: "login", cause: err}
		}
	}
	return wrap("login", err)
}

// alive reports whether the connection can still be used.
func (cn *conn) alive() bool {
	if cn.dead.Load() {
		return false
	}
	select {
	case <-cn.c.Closed():
		cn.dead.Store(true)
		return false
	default:
		return cn.c.State() != imap.ConnStateLogout
	}
}

// check sends a NOOP (RFC 9051 §6.1.2) bounded by timeout. Used before
// reusing a connection that sat idle, since a NAT or a server restart may
// have killed it silently.
func (cn *conn) check(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return cn.run(ctx, func() error { return cn.c.Noop().Wait() })
}

// run executes fn with ctx's deadline enforced by closing the socket: go-imap
// has no per-command contexts, and a closed socket fails every pending
// command at once.
func (cn *conn) run(ctx context.Context, fn func() error) error {
	stop := context.AfterFunc(ctx, func() {
		cn.dead.Store(true)
		cn.raw.Close()
	})
	err := fn()
	if !stop() || ctx.Err() != nil {
		cn.dead.Store(true)
		if err == nil {
			// The work finished as the deadline struck: it is done, and
			// saying otherwise would make the user repeat an APPEND.
			return nil
		}
		return &opError{kind: ErrTimeout, op: "imap", cause: ctxErr(ctx, err)}
	}
	if isConnFailure(err) {
		cn.dead.Store(true)
	}
	return err
}

// logout says goodbye politely (RFC 9051 §6.1.3) within timeout, then closes.
func (cn *conn) logout(timeout time.Duration) {
	if cn.alive() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		_ = cn.run(ctx, func() error { return cn.c.Logout().Wait() })
		cancel()
	}
	cn.close()
}

func (cn *conn) close() {
	cn.dead.Store(true)
	if cn.c != nil {
		cn.c.Close()
	} else if cn.raw != nil {
		cn.raw.Close()
	}
}
