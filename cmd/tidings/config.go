package main

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/web/session"
)

// config is everything the command line and environment set.
type config struct {
	Listen     string
	TrustProxy bool
	LogLevel   string
	LogFormat  string
	// Location is the time zone dates are shown in (before the browser,
	// with JavaScript, shows them in its own).
	Location *time.Location
	timezone string

	IMAP    imapproxy.Config
	imapTLS string

	Session    session.Config
	sessionKey string
	Redis      string

	Send composeConfig // writing and sending mail: config_compose.go
}

// envPrefix: every flag -foo-bar has the environment twin TIDINGS_FOO_BAR.
// A flag on the command line wins over the environment.
const envPrefix = "TIDINGS_"

func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseConfig reads flags (args) and environment (getenv) into a config.
func parseConfig(args []string, getenv func(string) string, out io.Writer) (*config, error) {
	c := &config{IMAP: imapproxy.DefaultConfig()}
	fs := flag.NewFlagSet("tidings", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: tidings [flags]\n\nTidings is a webmail for an IMAP server. With no -imap it runs a demo\nwith an embedded mail server (sign in as demo / demo).\n\nEvery flag can also be set by the environment variable shown.\n\n")
		fs.VisitAll(func(f *flag.Flag) {
			def := ""
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
				def = fmt.Sprintf(" (default %s)", f.DefValue)
			}
			fmt.Fprintf(out, "  -%s  [%s]\n      %s%s\n", f.Name, envName(f.Name), f.Usage, def)
		})
	}
	fs.StringVar(&c.Listen, "listen", "localhost:8080", "address to serve HTTP on")
	fs.BoolVar(&c.TrustProxy, "trust-proxy", false, "trust X-Forwarded-Proto from a TLS-terminating reverse proxy (marks cookies Secure, sends HSTS)")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&c.LogFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&c.timezone, "timezone", "", "time zone of dates on pages and in replies, e.g. Europe/Berlin (browsers with JavaScript show their own); empty: the system's (TZ)")

	fs.StringVar(&c.IMAP.Addr, "imap", "", "IMAP server host:port; empty starts the demo mail server")
	fs.StringVar(&c.imapTLS, "imap-tls", "tls", "IMAP connection security: tls (port 993), starttls (port 143) or none")
	fs.BoolVar(&c.IMAP.InsecureSkipVerify, "imap-insecure-skip-verify", false, "accept any IMAP server certificate (self-signed test servers only)")
	fs.DurationVar(&c.IMAP.CommandTimeout, "imap-timeout", c.IMAP.CommandTimeout, "longest wait for one IMAP operation before the user gets an error page")
	fs.DurationVar(&c.IMAP.IdleTimeout, "imap-idle-timeout", c.IMAP.IdleTimeout, "an unused IMAP connection is logged out after this")
	fs.IntVar(&c.IMAP.MaxPerSession, "imap-max-per-session", c.IMAP.MaxPerSession, "IMAP connections one browser session may hold")
	fs.IntVar(&c.IMAP.MaxPerUser, "imap-max-per-user", c.IMAP.MaxPerUser, "IMAP connections one user may hold across sessions")
	fs.IntVar(&c.IMAP.MaxTotal, "imap-max-total", c.IMAP.MaxTotal, "IMAP connections the whole server may hold")

	fs.DurationVar(&c.Session.IdleTimeout, "session-idle", 30*time.Minute, "a session unused this long ends (shared computers)")
	fs.DurationVar(&c.Session.MaxLifetime, "session-max", 8*time.Hour, "a session ends this long after sign-in, used or not")
	fs.StringVar(&c.Redis, "redis", "", "Redis address (host:port or redis:// URL) to keep sessions in, so several instances share them; empty: in memory")
	fs.StringVar(&c.sessionKey, "session-key", "", "secret (32+ characters) that protects session cookies; instances sharing sessions need the same one; empty: random, sessions end on restart")
	c.Send.flags(fs)

	// The environment fills what the command line did not set.
	set := map[string]bool{}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (flags start with -)", fs.Arg(0))
	}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] {
			return
		}
		if v := getenv(envName(f.Name)); v != "" {
			if err := f.Value.Set(v); err != nil && envErr == nil {
				envErr = fmt.Errorf("%s=%q: %v", envName(f.Name), v, err)
			}
		}
	})
	if envErr != nil {
		return nil, envErr
	}
	c.IMAP.TLS = imapproxy.TLSMode(c.imapTLS)
	return c, c.finish()
}

// finish validates and derives what flags do not set directly.
func (c *config) finish() error {
	switch c.LogFormat {
	case "text", "json":
	default:
		return fmt.Errorf("-log-format %q: want text or json", c.LogFormat)
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		return err
	}
	c.Location = time.Local
	if c.timezone != "" {
		loc, err := time.LoadLocation(c.timezone)
		if err != nil {
			return fmt.Errorf("-timezone %q: want a zone name like Europe/Berlin or UTC", c.timezone)
		}
		c.Location = loc
	}
	if c.Session.IdleTimeout <= 0 || c.Session.MaxLifetime < c.Session.IdleTimeout {
		return errors.New("-session-idle must be positive and at most -session-max")
	}
	secret := []byte(c.sessionKey)
	if len(secret) == 0 {
		secret = make([]byte, 32)
		rand.Read(secret)
	} else if len(secret) < 32 {
		return errors.New("-session-key must be at least 32 characters")
	}
	var err error
	if c.Session.HashKey, err = hkdf.Key(sha256.New, secret, nil, "tidings cookie hash", 32); err != nil {
		return err
	}
	if c.Session.BlockKey, err = hkdf.Key(sha256.New, secret, nil, "tidings cookie block", 32); err != nil {
		return err
	}
	if c.IMAP.Addr != "" {
		if err := c.IMAP.Validate(); err != nil {
			return err
		}
	}
	return c.Send.finish(c.IMAP.Addr)
}

func (c *config) demo() bool { return c.IMAP.Addr == "" }

// logValue prints the configuration at start-up, secrets masked.
func (c *config) logAttrs() []any {
	key := "random (sessions end on restart)"
	if c.sessionKey != "" {
		key = "set (masked)"
	}
	return append([]any{
		"listen", c.Listen, "trust_proxy", c.TrustProxy, "timezone", c.Location.String(),
		"imap", c.IMAP.Addr, "imap_tls", c.IMAP.TLS, "imap_insecure_skip_verify", c.IMAP.InsecureSkipVerify,
		"imap_timeout", c.IMAP.CommandTimeout, "imap_idle_timeout", c.IMAP.IdleTimeout,
		"imap_max_per_session", c.IMAP.MaxPerSession, "imap_max_per_user", c.IMAP.MaxPerUser, "imap_max_total", c.IMAP.MaxTotal,
		"session_idle", c.Session.IdleTimeout, "session_max", c.Session.MaxLifetime, "session_key", key, "redis", redactURL(c.Redis),
	}, c.Send.logAttrs()...)
}

// redactURL hides a password in a redis:// URL.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		return u.Redacted()
	}
	return s
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("-log-level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

func newLogger(c *config, w io.Writer) *slog.Logger {
	level, _ := parseLevel(c.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
