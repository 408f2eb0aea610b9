package main

import (
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/tidings-mail/tidings/handlers"
	"github.com/tidings-mail/tidings/imapproxy/demo"
	"github.com/tidings-mail/tidings/imapproxy/submit"
	"github.com/tidings-mail/tidings/imapproxy/submit/demosink"
)

// newCompose wires writing and sending mail: the SMTP client, the store
// of messages being written (their uploads in a private temporary
// directory, dropped after a session's lifetime) and the display names.
func newCompose(c *composeConfig, lifetime time.Duration, log *slog.Logger) (*handlers.Compose, error) {
	if c.SMTP.TLS == submit.TLSNone && !loopbackAddr(c.SMTP.Addr) {
		log.Warn("SMTP without TLS (-smtp-tls none) to a host that is not this machine: passwords cross the network in clear")
	}
	if c.SMTP.InsecureSkipVerify {
		log.Warn("SMTP certificates are NOT verified (-smtp-insecure-skip-verify); use only with a test server")
	}
	store, err := handlers.NewComposeStore("", lifetime, log)
	if err != nil {
		return nil, err
	}
	return &handlers.Compose{
		Sender:             submit.NewClient(c.SMTP),
		Store:              store,
		MailDomain:         c.MailDomain,
		FromName:           c.FromName,
		MaxAttachmentBytes: int64(c.MaxAttachment),
		SentCopy:           c.SentCopy,
	}, nil
}

// startDemoSink starts the demo's SMTP server, which delivers mail for
// the demo's domain into the in-memory mailboxes, and points sending at
// it: the demo user "demo" sends as demo@example.org.
func startDemoSink(srv *demo.Server, c *composeConfig, log *slog.Logger) (*demosink.Sink, error) {
	domain := demo.Address[strings.LastIndexByte(demo.Address, '@')+1:]
	sink, err := demosink.Start(srv, domain, log)
	if err != nil {
		return nil, err
	}
	c.SMTP.Addr, c.SMTP.TLS = sink.Addr, submit.TLSNone
	if c.MailDomain == "" {
		c.MailDomain = domain
	}
	return sink, nil
}

func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
