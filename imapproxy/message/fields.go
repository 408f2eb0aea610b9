package message

import (
	"io"
	"mime"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// headerDecoder decodes header field values to UTF-8 (RFC 2047 encoded
// words in any charset, RFC 6532 raw UTF-8, undeclared 8-bit text) and
// remembers what it had to guess, for the notices.
type headerDecoder struct {
	wd       mime.WordDecoder
	unknown  []string // unknown charsets, in order of appearance
	raw8bit  bool     // some value had undeclared non-UTF-8 bytes
	badDates []string
}

func newHeaderDecoder() *headerDecoder {
	hd := &headerDecoder{}
	hd.wd.CharsetReader = hd.charsetReader
	return hd
}

// charsetReader never fails, so one encoded word in an unknown charset
// does not stop the others from being decoded.
func (hd *headerDecoder) charsetReader(label string, in io.Reader) (io.Reader, error) {
	b, _ := io.ReadAll(io.LimitReader(in, maxHeaderBytes))
	s, known := decodeCharset(label, b)
	if !known {
		hd.unknownCharset(label)
	}
	return strings.NewReader(s), nil
}

func (hd *headerDecoder) unknownCharset(label string) {
	label = printable(normalizeCharset(label))
	for _, u := range hd.unknown {
		if u == label {
			return
		}
	}
	hd.unknown = append(hd.unknown, label)
}

// notices describes the guesses made so far.
func (hd *headerDecoder) notices() []string {
	var out []string
	for _, u := range hd.unknown {
		out = append(out, "A header field uses an unknown character set \""+u+"\"; it is shown as best we could.")
	}
	if hd.raw8bit {
		out = append(out, "Some header fields contain non-ASCII characters without a declared character set; they were read as Windows-1252.")
	}
	for _, d := range hd.badDates {
		out = append(out, "The date \""+d+"\" could not be understood.")
	}
	return out
}

// fix8bit reads a raw value that is not valid UTF-8 as Windows-1252.
func (hd *headerDecoder) fix8bit(raw string) string {
	if utf8.ValidString(raw) {
		return raw
	}
	hd.raw8bit = true
	return windows1252([]byte(raw))
}

// text decodes an unstructured field value (RFC 2047 §5(1)) into one line.
func (hd *headerDecoder) text(raw string) string {
	return strings.TrimSpace(sanitizeLine(hd.decodeWords(raw)))
}

// displayName cleans a name net/mail returned; words it could not decode
// (inside quotes, or malformed) are decoded leniently.
func (hd *headerDecoder) displayName(name string) string {
	if strings.Contains(name, "=?") {
		name = hd.decodeWords(name)
	}
	return strings.TrimSpace(sanitizeLine(name))
}

// sanitizeLine makes s valid UTF-8 on one line: control characters become
// spaces or are dropped.
func sanitizeLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\r' || r == '\n':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// fillHeader sets the header fields of m from h.
func (hd *headerDecoder) fillHeader(m *Message, h *header) {
	m.Subject = hd.text(h.get("Subject"))
	m.From = hd.addresses(h.get("From"))
	m.Sender = hd.addresses(h.get("Sender"))
	m.ReplyTo = hd.addresses(h.get("Reply-To"))
	m.To = hd.addresses(h.get("To"))
	m.Cc = hd.addresses(h.get("Cc"))
	m.Bcc = hd.addresses(h.get("Bcc"))
	if raw := h.get("Date"); raw != "" {
		if t, ok := parseDate(raw); ok {
			m.Date = t
		} else {
			hd.badDates = append(hd.badDates, printable(hd.fix8bit(raw)))
		}
	}
	if ids := parseMsgIDs(h.get("Message-Id")); len(ids) > 0 {
		m.MessageID = ids[0]
	}
	m.InReplyTo = parseMsgIDs(h.get("In-Reply-To"))
	m.References = parseMsgIDs(h.get("References"))
	m.Unsubscribe = parseUnsubscribe(h.get("List-Unsubscribe"))
}

// parseUnsubscribe reads List-Unsubscribe: URLs in angle brackets,
// separated by commas (RFC 2369 §2). Only https: and mailto: are kept,
// at most two, each checked to parse; a sender's header is hostile input
// like the rest.
func parseUnsubscribe(raw string) []string {
	var out []string
	for _, part := range strings.Split(raw, ",") {
		part = strings.TrimSpace(part)
		if !strings.HasPrefix(part, "<") || !strings.HasSuffix(part, ">") || len(part) > 2000 {
			continue
		}
		u, err := url.Parse(strings.TrimSpace(part[1 : len(part)-1]))
		if err != nil {
			continue
		}
		switch {
		case u.Scheme == "https" && u.Host != "" && u.User == nil:
		case u.Scheme == "mailto" && u.Opaque != "" && strings.Contains(u.Opaque, "@"):
		default:
			continue
		}
		out = append(out, u.String())
		if len(out) == 2 {
			break
		}
	}
	return out
}

// addresses parses an address list (RFC 5322 §3.4). When the list as a
// whole does not parse, each comma-separated item is parsed on its own,
// and an item that still fails keeps its text as the Name.
func (hd *headerDecoder) addresses(raw string) []Address {
	raw = strings.TrimSpace(hd.repairWords(raw))
	if raw == "" {
		return nil
	}
	ap := mail.AddressParser{WordDecoder: &hd.wd}
	if list, err := ap.ParseList(raw); err == nil {
		out := make([]Address, 0, len(list))
		for _, a := range list {
			out = append(out, Address{Name: hd.displayName(a.Name), Email: sanitizeLine(a.Address)})
		}
		return out
	}
	var out []Address
	for _, item := range splitAddressList(raw) {
		if a, err := ap.Parse(item); err == nil {
			out = append(out, Address{Name: hd.displayName(a.Name), Email: sanitizeLine(a.Address)})
		} else if a, ok := hd.looseAddress(item); ok {
			out = append(out, a)
		}
	}
	return out
}

// splitAddressList splits at commas and semicolons outside quotes, angle
// brackets and comments, and drops group names ("friends:").
func splitAddressList(s string) []string {
	var items []string
	var cur strings.Builder
	quote, angle, paren := false, false, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			cur.WriteByte(c)
			i++
			c = s[i]
		case c == '"':
			quote = !quote
		case quote:
		case c == '<':
			angle = true
		case c == '>':
			angle = false
		case c == '(':
			paren++
		case c == ')' && paren > 0:
			paren--
		case angle || paren > 0:
		case c == ',' || c == ';':
			items = append(items, cur.String())
			cur.Reset()
			continue
		case c == ':' && !strings.ContainsAny(cur.String(), "@<"):
			cur.Reset() // group display name
			continue
		}
		cur.WriteByte(c)
	}
	items = append(items, cur.String())
	out := items[:0]
	for _, it := range items {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}

// looseAddress takes what it can from an item net/mail rejects.
func (hd *headerDecoder) looseAddress(item string) (Address, bool) {
	name, email := item, ""
	if i := strings.LastIndexByte(item, '<'); i >= 0 {
		rest := item[i+1:]
		if j := strings.IndexByte(rest, '>'); j >= 0 {
			email, name = rest[:j], item[:i]+rest[j+1:]
		} else {
			email, name = rest, item[:i]
		}
	} else {
		var words []string
		for _, w := range strings.Fields(item) {
			if email == "" && strings.Contains(w, "@") {
				email = strings.Trim(w, `<>"'(),;`)
				continue
			}
			words = append(words, w)
		}
		name = strings.Join(words, " ")
	}
	name = hd.text(strings.Trim(strings.TrimSpace(name), `"' <>`))
	email = strings.TrimSpace(sanitizeLine(email))
	if name == "" && email == "" {
		return Address{}, false
	}
	return Address{Name: name, Email: email}, true
}

// dateLayouts are tried after net/mail.ParseDate fails.
var dateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04 -0700",
	"Mon, 2 Jan 06 15:04:05 -0700",
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05",
	"Mon, 2 Jan 2006 15:04:05",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 15:04:05 MST 2006",
	"Mon Jan 2 15:04:05 -0700 2006",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
	time.RFC3339,
	"Mon, 2 Jan 2006",
	"2 Jan 2006",
}

// parseDate reads a Date field (RFC 5322 §3.3) and the common ways of
// getting it wrong.
func parseDate(raw string) (time.Time, bool) {
	s := strings.Join(strings.Fields(raw), " ")
	if t, err := mail.ParseDate(s); err == nil {
		return t, true
	}
	if i := strings.IndexByte(s, '('); i > 0 {
		s = strings.TrimSpace(s[:i])
	}
	s = strings.TrimSuffix(strings.Replace(s, ",", ", ", 1), ",")
	s = strings.Join(strings.Fields(s), " ")
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseMsgIDs returns the identifiers of a Message-ID, In-Reply-To or
// References field without angle brackets. Without brackets, words that
// contain '@' are taken.
func parseMsgIDs(raw string) []string {
	var ids []string
	for s := raw; ; {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		if id := strings.TrimSpace(s[i+1 : i+j]); id != "" {
			ids = append(ids, sanitizeLine(id))
		}
		s = s[i+j+1:]
	}
	if len(ids) > 0 {
		return ids
	}
	for _, w := range strings.Fields(raw) {
		if w = strings.Trim(w, "<>,;\"'"); strings.Contains(w, "@") {
			ids = append(ids, sanitizeLine(w))
		}
	}
	return ids
}
