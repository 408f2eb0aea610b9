package demo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // ISO-8859-1 bodies and encoded-words
	"github.com/emersion/go-message/mail"
)

// parsed is what the tests learn about one seeded message by reading it
// back with go-message.
type parsed struct {
	msg                    Message
	subject, messageID     string
	inReplyTo              []string
	from                   []*mail.Address
	addrs                  []*mail.Address // every address header, nested messages included
	types                  []string        // media types of all parts, nested included
	params                 []map[string]string
	filenames, contentIDs  []string
	texts                  []string // decoded text/* bodies
	charsets, transferEncs []string
}

// seed is Messages(testNow), computed once: it is read-only.
var seed = sync.OnceValue(func() []Message { return Messages(testNow) })

var parsedSeed = sync.OnceValues(func() ([]parsed, error) {
	msgs := seed()
	out := make([]parsed, len(msgs))
	for i, m := range msgs {
		out[i].msg = m
		if err := out[i].read(m.Raw, true); err != nil {
			return nil, fmt.Errorf("message %d (%s, %q): %w", i, m.Mailbox, out[i].subject, err)
		}
	}
	return out, nil
})

// parseSeed returns the seed set read back with go-message the way Tidings
// reads mail (nested message/rfc822 parts included), parsed once.
func parseSeed(t *testing.T) []parsed {
	t.Helper()
	p, err := parsedSeed()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *parsed) read(raw []byte, top bool) error {
	// The MIME tree first (mail.Reader only shows leaves) ...
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	err = e.Walk(func(_ []int, part *message.Entity, err error) error {
		if err != nil {
			return err
		}
		ct, params, err := part.Header.ContentType()
		p.types = append(p.types, ct)
		p.params = append(p.params, params)
		return err
	})
	if err != nil {
		return err
	}
	// ... then the leaves, as Tidings reads them.
	mr, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	defer mr.Close()
	if top {
		p.subject, err = mr.Header.Subject()
		if err != nil {
			return err
		}
		p.messageID, _ = mr.Header.MessageID()
		p.inReplyTo, _ = mr.Header.MsgIDList("In-Reply-To")
		p.from, err = mr.Header.AddressList("From")
		if err != nil {
			return err
		}
	}
	for _, k := range []string{"From", "To", "Cc", "Reply-To", "Sender"} {
		l, err := mr.Header.AddressList(k)
		if err != nil {
			return err
		}
		p.addrs = append(p.addrs, l...)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		ct, params, err := part.Header.(interface {
			ContentType() (string, map[string]string, error)
		}).ContentType()
		if err != nil {
			return err
		}
		p.transferEncs = append(p.transferEncs, part.Header.(interface{ Get(string) string }).Get("Content-Transfer-Encoding"))
		if h, ok := part.Header.(*mail.AttachmentHeader); ok {
			name, err := h.Filename()
			if err != nil {
				return err
			}
			p.filenames = append(p.filenames, name)
		}
		if h, ok := part.Header.(*mail.InlineHeader); ok {
			if id := h.Get("Content-Id"); id != "" {
				p.contentIDs = append(p.contentIDs, strings.Trim(id, "<>"))
			}
			if name, _ := (&mail.AttachmentHeader{Header: h.Header}).Filename(); name != "" {
				p.filenames = append(p.filenames, name)
			}
		}
		body, err := io.ReadAll(part.Body)
		if err != nil {
			return err
		}
		switch {
		case ct == "message/rfc822":
			if err := p.read(body, false); err != nil {
				return err
			}
		case strings.HasPrefix(ct, "text/"):
			p.texts = append(p.texts, string(body))
			p.charsets = append(p.charsets, strings.ToLower(params["charset"]))
		}
	}
}
