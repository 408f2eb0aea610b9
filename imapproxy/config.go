package imapproxy

import (
	"crypto/x509"
	"errors"
	"fmt"
	"time"
)

// TLSMode says how the connection to the IMAP server is protected.
type TLSMode string

// The TLS modes: implicit TLS (port 993), STARTTLS (port 143) and plaintext
// (loopback demo and tests only).
const (
	TLSImplicit TLSMode = "tls"
	TLSStart    TLSMode = "starttls"
	TLSNone     TLSMode = "none"
)

// Config is what the pool needs to reach the IMAP server and how far it may
// load it.
type Config struct {
	Addr               string  // host:port of the IMAP server
	TLS                TLSMode // tls, starttls or none
	InsecureSkipVerify bool    // accept any certificate (self-signed test servers)
	RootCAs            *x509.CertPool

	DialTimeout    time.Duration // dial + TLS + greeting + LOGIN
	CommandTimeout time.Duration // any one operation; a hung server costs at most this
	WaitTimeout    time.Duration // how long a request waits for a free connection before "busy"
	IdleTimeout    time.Duration // an unused connection is logged out after this
	CheckAfter     time.Duration // a connection idle longer than this gets a NOOP before reuse

	MaxPerSession int // connections one browser session may hold
	MaxPerUser    int // connections one user may hold across sessions
	MaxTotal      int // connections the whole process may hold
}

// DefaultConfig returns the limits used when a flag does not say otherwise.
func DefaultConfig() Config {
	return Config{
		TLS:            TLSImplicit,
		DialTimeout:    10 * time.Second,
		CommandTimeout: 20 * time.Second,
		WaitTimeout:    5 * time.Second,
		IdleTimeout:    5 * time.Minute,
		CheckAfter:     30 * time.Second,
		MaxPerSession:  2,
		MaxPerUser:     6,
		MaxTotal:       1000,
	}
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	switch c.TLS {
	case TLSImplicit, TLSStart, TLSNone:
	default:
		return fmt.Errorf("imap tls mode %q: want tls, starttls or none", c.TLS)
	}
	if c.Addr == "" {
		return errors.New("imap address is empty")
	}
	if c.MaxPerSession < 1 || c.MaxPerUser < c.MaxPerSession || c.MaxTotal < c.MaxPerUser {
		return fmt.Errorf("imap connection limits must satisfy 1 <= per-session (%d) <= per-user (%d) <= total (%d)",
			c.MaxPerSession, c.MaxPerUser, c.MaxTotal)
	}
	for name, d := range map[string]time.Duration{
		"dial timeout": c.DialTimeout, "command timeout": c.CommandTimeout, "wait timeout": c.WaitTimeout,
		"idle timeout": c.IdleTimeout, "check-after": c.CheckAfter,
	} {
		if d <= 0 {
			return fmt.Errorf("imap %s must be positive", name)
		}
	}
	return nil
}
