package submit

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	gomessage "github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// Message is an outgoing message as the user composed it.
type Message struct {
	From        Address
	To, Cc, Bcc []Address
	Subject     string
	// Text is the body as written, "\n" or "\r\n" line ends. It is sent
	// as format=flowed with an HTML alternative made from it.
	Text        string
	Date        time.Time // zero: now
	MessageID   string    // without angle brackets; made up when empty
	InReplyTo   string    // the parent's Message-ID, without angle brackets
	References  []string
	Attachments []Attachment
}

// Attachment is a file to attach. Write streams its content, decoded, so
// that neither uploads nor parts fetched from the IMAP server are held in
// memory whole.
type Attachment struct {
	Filename    string
	ContentType string // media type without parameters; "" means application/octet-stream
	Write       func(ctx context.Context, w io.Writer) error
}

// Validate checks every value that becomes a header field: a line break
// or another control character anywhere is an *InputError, and so is a
// missing From.
func (m *Message) Validate() error {
	if m.From.Email == "" {
		return &InputError{Field: "from", Message: "Tidings does not know your e-mail address, so it cannot send. Ask your administrator to set the mail domain."}
	}
	if !HeaderSafe(m.From.Name) || !HeaderSafe(m.From.Email) {
		return controlError("from_name")
	}
	for field, list := range map[string][]Address{"to": m.To, "cc": m.Cc, "bcc": m.Bcc} {
		for _, a := range list {
			if !HeaderSafe(a.Name) || !HeaderSafe(a.Email) {
				return controlError(field)
			}
		}
	}
	if !HeaderSafe(m.Subject) {
		return controlError("subject")
	}
	if len(m.Subject) > 900 {
		return &InputError{Field: "subject", Message: "The subject is too long. Keep it under a few hundred characters."}
	}
	for _, a := range m.Attachments {
		if !HeaderSafe(a.Filename) || !HeaderSafe(a.ContentType) {
			return controlError("attachment")
		}
	}
	for _, id := range append([]string{m.MessageID, m.InReplyTo}, m.References...) {
		if id != "" && cleanMsgID(id) != id {
			return &InputError{Field: "subject", Message: "The message this answers has an identifier Tidings cannot repeat safely."}
		}
	}
	return nil
}

// Recipients are the envelope recipients: To, Cc and Bcc, each once.
func (m *Message) Recipients() []string {
	seen := map[string]bool{}
	var out []string
	for _, list := range [][]Address{m.To, m.Cc, m.Bcc} {
		for _, a := range list {
			if k := strings.ToLower(a.Email); !seen[k] {
				seen[k] = true
				out = append(out, a.Email)
			}
		}
	}
	return out
}

// Written describes a message Build wrote.
type Written struct {
	MessageID string
	Size      int64 // bytes written
	// HeaderEnd is the offset of the empty line that ends the header:
	// InsertHeader puts fields for the user's own copies there.
	HeaderEnd int64
}

// Build validates m and writes it as an Internet message (RFC 5322, MIME)
// to w: Date, From, To, Cc, Subject (RFC 2047 when not ASCII),
// Message-ID, In-Reply-To and References; the text as text/plain;
// format=flowed with a text/html alternative; and the attachments with
// RFC 2231 file names. Bcc is never written: the recipients must not see
// each other, and the copies the user keeps get it with InsertHeader.
// Attachments are streamed; message/rfc822 ones are spooled in tempDir
// first to choose a transfer encoding allowed for them.
func Build(ctx context.Context, w io.Writer, m *Message, tempDir string) (Written, error) {
	if err := m.Validate(); err != nil {
		return Written{}, err
	}
	h, id, err := m.header()
	if err != nil {
		return Written{}, err
	}
	cw := &countWriter{w: w}
	text := strings.ReplaceAll(normalizeNewlines(m.Text), "\x00", "")
	if len(m.Attachments) == 0 {
		iw, err := mail.CreateInlineWriter(cw, h)
		if err != nil {
			return Written{}, err
		}
		end := cw.n
		if err := writeAlternatives(iw, text); err != nil {
			return Written{}, err
		}
		return Written{MessageID: id, Size: cw.n, HeaderEnd: end - 2}, nil
	}
	mw, err := mail.CreateWriter(cw, h)
	if err != nil {
		return Written{}, err
	}
	end := cw.n
	iw, err := mw.CreateInline()
	if err != nil {
		return Written{}, err
	}
	if err := writeAlternatives(iw, text); err != nil {
		return Written{}, err
	}
	for _, a := range m.Attachments {
		if err := writeAttachment(ctx, mw, a, tempDir); err != nil {
			return Written{}, err
		}
	}
	if err := mw.Close(); err != nil {
		return Written{}, err
	}
	return Written{MessageID: id, Size: cw.n, HeaderEnd: end - 2}, nil
}

func (m *Message) header() (mail.Header, string, error) {
	// go-message puts each new field above the ones set before (as trace
	// fields are added), so the fields are set last to first to read in
	// the usual order: Date, From, To, Cc, Subject, Message-ID, threading.
	var h mail.Header
	h.SetMsgIDList("References", m.References)
	if m.InReplyTo != "" {
		h.SetMsgIDList("In-Reply-To", []string{m.InReplyTo})
	}
	id := m.MessageID
	if id == "" {
		id = newMessageID(m.From.Email)
	}
	h.SetMessageID(id)
	if m.Subject != "" {
		h.SetSubject(m.Subject)
	}
	h.SetAddressList("Cc", mailAddresses(m.Cc))
	switch {
	case len(m.To) > 0:
		h.SetAddressList("To", mailAddresses(m.To))
	case len(m.Cc) == 0:
		// RFC 5322 §3.6.3 allows no To at all, but some filters score it
		// as spam; an empty group says "only Bcc" honestly.
		h.Set("To", "undisclosed-recipients:;")
	}
	h.SetAddressList("From", []*mail.Address{{Name: m.From.Name, Address: m.From.Email}})
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	h.SetDate(date)
	return h, id, nil
}

func mailAddresses(list []Address) []*mail.Address {
	out := make([]*mail.Address, len(list))
	for i, a := range list {
		out[i] = &mail.Address{Name: a.Name, Address: a.Email}
	}
	return out
}

// newMessageID makes a globally unique identifier (RFC 5322 §3.6.4): time
// and randomness on the left, the sender's domain on the right, so it
// names no host of ours.
func newMessageID(from string) string {
	domain := "tidings.invalid"
	if at := strings.LastIndexByte(from, '@'); at >= 0 && at < len(from)-1 {
		domain = from[at+1:]
	}
	return strconv.FormatInt(time.Now().UnixMilli(), 36) + "." + rand.Text() + "@" + domain
}

func writeAlternatives(iw *mail.InlineWriter, text string) error {
	var th mail.InlineHeader
	th.Set("Content-Type", "text/plain; charset=utf-8; format=flowed")
	pw, err := iw.CreatePart(th)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(pw, EncodeFlowed(text)); err != nil {
		return err
	}
	if err := pw.Close(); err != nil {
		return err
	}
	var hh mail.InlineHeader
	hh.Set("Content-Type", "text/html; charset=utf-8")
	pw, err = iw.CreatePart(hh)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(pw, TextToHTML(text)); err != nil {
		return err
	}
	if err := pw.Close(); err != nil {
		return err
	}
	return iw.Close()
}

// InsertHeader returns the built message read from r with the given
// header fields added at the end of its header (at w.HeaderEnd), and its
// new size: for the copies in Sent and Drafts, which keep the Bcc.
func InsertHeader(r io.ReaderAt, w Written, fields []byte) (io.Reader, int64) {
	return io.MultiReader(
		io.NewSectionReader(r, 0, w.HeaderEnd),
		strings.NewReader(string(fields)),
		io.NewSectionReader(r, w.HeaderEnd, w.Size-w.HeaderEnd),
	), w.Size + int64(len(fields))
}

// HeaderFields formats header fields for InsertHeader: the Bcc addresses
// (if any) and the other given fields, which must be ASCII and free of
// control characters.
func HeaderFields(bcc []Address, extra map[string]string) ([]byte, error) {
	var h gomessage.Header
	for k, v := range extra {
		if !HeaderSafe(v) || !isASCII(v) {
			return nil, errors.New("submit: unsafe header value for " + k)
		}
		h.Set(k, v)
	}
	if len(bcc) > 0 {
		mh := mail.Header{Header: h}
		mh.SetAddressList("Bcc", mailAddresses(bcc))
		h = mh.Header
	}
	if h.Len() == 0 {
		return nil, nil
	}
	var b strings.Builder
	if err := textproto.WriteHeader(&b, h.Header); err != nil {
		return nil, err
	}
	s := b.String()
	return []byte(s[:len(s)-2]), nil // without the empty line that ends a header
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
