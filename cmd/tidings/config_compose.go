package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/tidings-mail/tidings/imapproxy/submit"
)

// composeConfig is how Tidings sends mail: the submission server, the
// users' addresses, the attachment limit and the Sent copy.
type composeConfig struct {
	SMTP          submit.Config
	smtpTLS       string
	MailDomain    string
	FromName      string
	MaxAttachment byteSize
	SentCopy      bool
}

func (c *composeConfig) flags(fs *flag.FlagSet) {
	c.MaxAttachment = 25 << 20
	fs.StringVar(&c.SMTP.Addr, "smtp", "", "SMTP submission server host:port; empty: the IMAP server's host, port 587 (the demo's own sink in demo mode)")
	fs.StringVar(&c.smtpTLS, "smtp-tls", "starttls", "SMTP connection security: tls (port 465), starttls (port 587) or none")
	fs.BoolVar(&c.SMTP.InsecureSkipVerify, "smtp-insecure-skip-verify", false, "accept any SMTP server certificate (self-signed test servers only)")
	fs.StringVar(&c.MailDomain, "mail-domain", "", "domain of users whose login is not an e-mail address (robin sends as robin@DOMAIN)")
	fs.StringVar(&c.FromName, "from-name", "", "display name of users who never typed one in the compose form")
	fs.Var(&c.MaxAttachment, "max-attachment-size", "largest total size of the attachments of one message (e.g. 25MB, 10MiB)")
	fs.BoolVar(&c.SentCopy, "sent-copy", true, "store a copy of each sent message in the Sent folder; false when the mail server does that itself")
}

// finish derives the submission server from the IMAP server when none is
// given, and validates.
func (c *composeConfig) finish(imapAddr string) error {
	c.SMTP.TLS = submit.TLSMode(c.smtpTLS)
	if c.MaxAttachment <= 0 || c.MaxAttachment > 1<<30 {
		return errors.New("-max-attachment-size must be between 1 byte and 1GB")
	}
	if strings.ContainsAny(c.MailDomain, "@ \t") {
		return fmt.Errorf("-mail-domain %q: want a domain like example.org", c.MailDomain)
	}
	if !submit.HeaderSafe(c.FromName) {
		return errors.New("-from-name must not contain control characters")
	}
	if imapAddr == "" {
		return nil // the demo brings its own server
	}
	if c.SMTP.Addr == "" {
		host, _, err := net.SplitHostPort(imapAddr)
		if err != nil {
			return fmt.Errorf("-imap %q: want host:port", imapAddr)
		}
		c.SMTP.Addr = net.JoinHostPort(host, "587")
	}
	return c.SMTP.Validate()
}

func (c *composeConfig) logAttrs() []any {
	return []any{"smtp", c.SMTP.Addr, "smtp_tls", c.SMTP.TLS, "smtp_insecure_skip_verify", c.SMTP.InsecureSkipVerify,
		"mail_domain", c.MailDomain, "from_name", c.FromName, "max_attachment_size", c.MaxAttachment.String(),
		"sent_copy", c.SentCopy}
}

// byteSize is a flag for sizes people write: 25MB, 10MiB, 500k, 1048576.
type byteSize int64

func (b *byteSize) String() string {
	n := int64(*b)
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + "KB"
	}
	return strconv.FormatInt(n, 10)
}

// Set reads a size. KB, MB and GB are taken as 1024-based, like KiB, MiB
// and GiB: that is what people mean by a "25 MB attachment limit".
func (b *byteSize) Set(s string) error {
	v := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(v, u.suffix) {
			v, mult = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || n > (1<<40)/mult {
		return fmt.Errorf("%q is not a size (write e.g. 25MB)", s)
	}
	*b = byteSize(n * mult)
	return nil
}
