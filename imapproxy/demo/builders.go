package demo

import (
	"bytes"
	"fmt"
	"mime"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

// This file holds the small MIME toolkit the seed content is written with.
// Messages are built on go-message's writers, but not on mail.CreateWriter:
// that one always picks a random multipart boundary, and the seed set must be
// byte-for-byte deterministic. So every multipart here gets a boundary derived
// from the message's sequence number instead.

// person is a sender or recipient of seeded mail.
type person struct{ name, addr string }

func (p person) address() *mail.Address { return &mail.Address{Name: p.name, Address: p.addr} }

// domain returns the part of the address after "@", used for Message-IDs.
func (p person) domain() string { return p.addr[strings.LastIndexByte(p.addr, '@')+1:] }

// part is one MIME entity: a leaf with a decoded body, or a multipart with
// children. Writing it applies the Content-Transfer-Encoding in its header.
type part struct {
	header message.Header
	body   []byte
	kids   []*part
}

func newPart(contentType string, params map[string]string, cte string) *part {
	p := &part{}
	if cte != "" {
		p.header.Set("Content-Transfer-Encoding", cte)
	}
	p.header.SetContentType(contentType, params)
	return p
}

// textCTE picks 7bit for plain ASCII and quoted-printable otherwise, as
// common clients do.
func textCTE(s string) string {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return "quoted-printable"
		}
	}
	return "7bit"
}

// plainText is a text/plain UTF-8 part.
func plainText(s string) *part {
	p := newPart("text/plain", map[string]string{"charset": "utf-8"}, textCTE(s))
	p.body = []byte(endLine(s))
	return p
}

// endLine makes sure s ends with a line break, as mail clients write text.
func endLine(s string) string {
	if strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

// flowedText is a text/plain; format=flowed part (RFC 3676): paragraphs are
// wrapped at 72 columns with a trailing space on every soft line break.
func flowedText(s string) *part {
	cte := "7bit"
	if textCTE(s) != "7bit" {
		cte = "8bit" // quoted-printable would encode the significant trailing spaces
	}
	p := newPart("text/plain", map[string]string{"charset": "utf-8", "format": "flowed", "delsp": "no"}, cte)
	p.body = []byte(endLine(flow(s, 72)))
	return p
}

// htmlText is a text/html UTF-8 part.
func htmlText(s string) *part {
	p := newPart("text/html", map[string]string{"charset": "utf-8"}, "quoted-printable")
	p.body = []byte(endLine(s))
	return p
}

// multipart groups kids under a multipart/<sub> entity.
func multipart(sub string, kids ...*part) *part {
	p := newPart("multipart/"+sub, map[string]string{}, "")
	p.kids = kids
	return p
}

func alternative(text, html *part) *part { return multipart("alternative", text, html) }

// related is a multipart/related whose root is the HTML part and whose other
// parts are resources referenced with cid: URLs (RFC 2387).
func related(html *part, resources ...*part) *part {
	p := multipart("related", append([]*part{html}, resources...)...)
	p.header.SetContentType("multipart/related", map[string]string{"type": "text/html"})
	return p
}

func mixed(kids ...*part) *part { return multipart("mixed", kids...) }

// attachment is a base64 part with Content-Disposition: attachment. Non-ASCII
// file names get RFC 2231 parameter encoding from go-message.
func attachment(contentType, filename string, data []byte) *part {
	p := newPart(contentType, map[string]string{"name": mime.QEncoding.Encode("utf-8", filename)}, "base64")
	ah := mail.AttachmentHeader{Header: p.header}
	ah.SetFilename(filename)
	p.header = ah.Header
	p.body = data
	return p
}

// textAttachment is a text attachment (CSV, TXT) with a charset.
func textAttachment(contentType, filename string, data []byte) *part {
	p := attachment(contentType, filename, data)
	_, params, _ := p.header.ContentType()
	params["charset"] = "utf-8"
	p.header.SetContentType(contentType, params)
	return p
}

// inlineImage is an image referenced from HTML as cid:<contentID>.
func inlineImage(contentType, filename, contentID string, data []byte) *part {
	p := newPart(contentType, map[string]string{"name": filename}, "base64")
	p.header.Set("Content-ID", "<"+contentID+">")
	p.header.SetContentDisposition("inline", map[string]string{"filename": filename})
	p.body = data
	return p
}

// forwarded wraps a complete message as a message/rfc822 attachment, as mail
// clients do for "forward as attachment". RFC 2046 §5.2.1 forbids base64 here.
func forwarded(filename string, raw []byte) *part {
	p := newPart("message/rfc822", map[string]string{"name": filename}, "7bit")
	p.header.SetContentDisposition("attachment", map[string]string{"filename": filename})
	p.body = raw
	return p
}

// envelope is the RFC 5322 header of a seeded message.
type envelope struct {
	from      person
	to, cc    []person
	replyTo   []person
	subject   string
	date      time.Time
	id        string   // Message-ID without angle brackets
	inReplyTo string   // parent Message-ID, for replies
	refs      []string // References chain, oldest first
	extra     [][2]string
	rawSubj   bool   // subject is already RFC 2047 encoded (to vary B/Q and charsets)
	rawFrom   string // From field verbatim, for non-UTF-8 encoded-words
}

// header builds the message header: the envelope fields, then MIME-Version
// and the root part's MIME fields. go-message's textproto writes fields
// last-added first, so they are added here in reverse reading order.
func (e *envelope) header(mimeHeader message.Header) mail.Header {
	var h mail.Header
	for _, k := range []string{"Content-Transfer-Encoding", "Content-Disposition", "Content-Type"} {
		if v := mimeHeader.Get(k); v != "" {
			h.Set(k, v)
		}
	}
	h.Set("MIME-Version", "1.0")
	for i := len(e.extra) - 1; i >= 0; i-- {
		h.Add(e.extra[i][0], e.extra[i][1])
	}
	h.SetMessageID(e.id)
	h.SetMsgIDList("References", e.refs)
	if e.inReplyTo != "" {
		h.SetMsgIDList("In-Reply-To", []string{e.inReplyTo})
	}
	if e.rawSubj {
		h.Set("Subject", e.subject)
	} else {
		h.SetSubject(e.subject)
	}
	h.SetAddressList("Reply-To", addresses(e.replyTo))
	h.SetAddressList("Cc", addresses(e.cc))
	h.SetAddressList("To", addresses(e.to))
	if e.rawFrom != "" {
		h.Set("From", e.rawFrom)
	} else {
		h.SetAddressList("From", []*mail.Address{e.from.address()})
	}
	h.SetDate(e.date)
	return h
}

func addresses(ps []person) []*mail.Address {
	l := make([]*mail.Address, len(ps))
	for i, p := range ps {
		l[i] = p.address()
	}
	return l
}

// render writes the message: the envelope header merged with the root part's
// MIME header, then the body tree. Boundaries are "=_nw<seq>.<n>": "=_" can
// never occur in quoted-printable or base64 output.
func render(env *envelope, root *part, seq int) []byte {
	n := 0
	setBoundaries(root, seq, &n)
	h := env.header(root.header)
	var buf bytes.Buffer
	w, err := message.CreateWriter(&buf, h.Header)
	if err == nil {
		err = writeTree(w, root)
	}
	if err != nil {
		panic(fmt.Sprintf("demo: rendering %q: %v", env.subject, err))
	}
	return buf.Bytes()
}

func setBoundaries(p *part, seq int, n *int) {
	if len(p.kids) == 0 {
		return
	}
	t, params, _ := p.header.ContentType()
	*n++
	params["boundary"] = fmt.Sprintf("=_nw%04d.%d", seq, *n)
	p.header.SetContentType(t, params)
	for _, k := range p.kids {
		setBoundaries(k, seq, n)
	}
}

func writeTree(w *message.Writer, p *part) error {
	if len(p.kids) == 0 {
		if _, err := w.Write(p.body); err != nil {
			return err
		}
		return w.Close()
	}
	for _, k := range p.kids {
		kw, err := w.CreatePart(k.header)
		if err != nil {
			return err
		}
		if err := writeTree(kw, k); err != nil {
			return err
		}
	}
	return w.Close()
}

// wrap hard-wraps every line of s at width columns. Quoted lines ("> ...")
// keep their quote prefix on every wrapped piece.
func wrap(s string, width int) string {
	return wrapLines(s, width, false)
}

// flow wraps like wrap but ends each soft-broken line with a space, the
// format=flowed marker, and space-stuffs lines starting with a space or
// "From " (RFC 3676 §4.4).
func flow(s string, width int) string {
	return wrapLines(s, width, true)
}

func wrapLines(s string, width int, flowed bool) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		prefix := ""
		for strings.HasPrefix(line, ">") {
			prefix += ">"
			line = strings.TrimPrefix(line, ">")
		}
		if prefix != "" {
			line = strings.TrimPrefix(line, " ")
			prefix += " "
		}
		if flowed {
			line = strings.TrimRight(line, " ")
		}
		pieces := wrapLine(line, width-len(prefix))
		for i, p := range pieces {
			if flowed && i < len(pieces)-1 {
				p += " "
			}
			if flowed && prefix == "" && (strings.HasPrefix(p, " ") || strings.HasPrefix(p, "From ")) {
				p = " " + p
			}
			if p == "" {
				out = append(out, strings.TrimRight(prefix, " "))
				continue
			}
			out = append(out, prefix+p)
		}
	}
	return strings.Join(out, "\n")
}

func wrapLine(line string, width int) []string {
	words := strings.Fields(line)
	if len(words) == 0 || utf8.RuneCountInString(line) <= width {
		return []string{line}
	}
	var lines []string
	cur := ""
	for _, w := range words {
		if cur != "" && utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) > width {
			lines = append(lines, cur)
			cur = w
			continue
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	return append(lines, cur)
}

// quote prefixes every line of s with "> ", the reply quoting convention.
func quote(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ">") {
			lines[i] = ">" + l
		} else {
			lines[i] = "> " + l
		}
	}
	return strings.Join(lines, "\n")
}
