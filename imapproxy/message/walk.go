package message

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// node is one entity of the MIME tree, kept until the body is chosen.
// Only the text of displayable parts is kept; other bodies are drained.
type node struct {
	part     Part
	multi    string // multipart subtype ("mixed", ...); "" for a leaf
	start    string // multipart/related start parameter, without <>
	children []*node
	shown    bool   // a text/plain or text/html leaf that may be shown
	text     string // its decoded text
	flowed   bool
	delsp    bool
	named    bool // the part carries a file name of its own
}

// entity walks one entity whose header is h, adding its node to parent.
// A leaf takes path as its part number; a multipart's children are
// numbered prefix+"1", prefix+"2", ... (RFC 3501 §6.4.5).
func (ms *msgState) entity(parent *node, h *header, body io.Reader, path, prefix string, depth int, defType string) {
	n := &node{}
	parent.children = append(parent.children, n)
	ms.p.parts++
	if parent == &ms.root {
		ms.rootPath = path // notices call a single-part body "the message text"
	}
	typ, params := ms.contentType(h, defType, path)
	n.part = Part{
		Path:        path,
		ContentType: typ,
		Charset:     printable(normalizeCharset(params["charset"])),
		ContentID:   contentID(ms.hd.fix8bit(h.get("Content-Id"))),
	}
	isMultipart := strings.HasPrefix(typ, "multipart/")
	if parent == &ms.root && isMultipart {
		ms.rootPath = ""
	}
	if ms.p.trace != nil && (parent != &ms.root || !isMultipart) {
		ms.p.trace(path, typ) // a message's multipart body has no number of its own
	}
	if isMultipart && ms.multipart(n, body, params, prefix, depth) {
		return
	}
	ms.leaf(n, h, body, params)
}

// contentType returns the media type and parameters of an entity, with
// the RFC 2045 §5.2 default for a missing or unusable field.
func (ms *msgState) contentType(h *header, defType, path string) (string, map[string]string) {
	raw := h.get("Content-Type")
	if strings.TrimSpace(raw) == "" {
		return defType, map[string]string{}
	}
	typ, params := parseMediaType(raw, ms.hd)
	if i := strings.IndexByte(typ, '/'); i <= 0 || i == len(typ)-1 || strings.Count(typ, "/") != 1 {
		ms.note(fmt.Sprintf("%s has an invalid content type \"%s\"; it is treated as plain text.", ms.partName(path), printable(ms.hd.fix8bit(raw))))
		typ = "text/plain"
	}
	return typ, params
}

func contentID(raw string) string {
	return sanitizeLine(strings.Trim(strings.TrimSpace(raw), "<> \t"))
}

// multipart walks the parts of a multipart entity (RFC 2046 §5.1). It
// returns false when the entity must be read as a leaf instead.
func (ms *msgState) multipart(n *node, body io.Reader, params map[string]string, prefix string, depth int) bool {
	name := ms.partName(n.part.Path)
	boundary := params["boundary"]
	if boundary == "" {
		ms.note("The message structure is damaged (a multipart has no boundary); its raw content is shown as text.")
		n.part.ContentType = "text/plain"
		return false
	}
	if depth >= maxMultipartDepth {
		ms.note(name + " is nested too deeply to be shown; it can be downloaded as a file.")
		return false
	}
	n.multi = strings.TrimPrefix(n.part.ContentType, "multipart/")
	n.start = contentID(params["start"])
	childType := "text/plain"
	if n.multi == "digest" {
		childType = "message/rfc822" // RFC 2046 §5.1.5
	}
	mr := newMultipartReader(body, boundary, int(ms.p.opt.MaxBodyBytes))
	for i := 1; ; i++ {
		h, pbody, err := mr.nextPart()
		if err != nil {
			break
		}
		if ms.p.parts >= maxParts {
			if !ms.p.tooMany {
				ms.note(fmt.Sprintf("This message has too many parts; only the first %d are listed.", maxParts))
			}
			ms.p.tooMany = true
			break
		}
		cp := childPath(prefix, i)
		if h.damaged {
			ms.note(fmt.Sprintf("Part %s is damaged (its header is not followed by a blank line); the rest is read as its content.", cp))
		}
		ms.entity(n, h, pbody, cp, cp+".", depth+1, childType)
	}
	if mr.parts == 0 {
		ms.note("The message structure is damaged (no part boundary found); its raw content is shown as text.")
		n.multi, n.part.ContentType = "", "text/plain"
		n.shown, n.text = true, ms.clip(normalizeNewlines(decodeUTF8(mr.preamble)))
		return true
	}
	if mr.unclosed {
		ms.note("The message structure is damaged (missing closing boundary); showing what could be read.")
	}
	return true
}

// leaf reads the body of a non-multipart entity: text to show is kept,
// an encapsulated message is parsed, anything else is counted and dropped.
func (ms *msgState) leaf(n *node, h *header, body io.Reader, params map[string]string) {
	p := &n.part
	name := ms.partName(p.Path)
	p.Encoding = printable(normalizeEncoding(h.get("Content-Transfer-Encoding")))
	var dparams map[string]string
	if raw := h.get("Content-Disposition"); strings.TrimSpace(raw) != "" {
		var disp string
		disp, dparams = parseMediaType(raw, ms.hd)
		switch {
		case disp == "inline" || disp == "attachment":
			p.Disposition = disp
		case isDispositionToken(disp):
			p.Disposition = "attachment" // RFC 2183 §2.8: unknown means attachment
		}
	}
	for _, raw := range []string{dparams["filename"], params["name"], dparams["name"]} {
		if p.Filename = sanitizeFilename(raw); p.Filename != "" {
			n.named = true
			break
		}
	}
	dec, known := newTransferDecoder(normalizeEncoding(p.Encoding), body)
	if !known {
		ms.note(fmt.Sprintf("%s uses an unknown transfer encoding \"%s\"; it is kept as it was sent.", name, p.Encoding))
	}
	cr := &countingReader{r: dec}
	switch {
	case isMessageType(p.ContentType):
		ms.nested(n, cr)
	case (p.ContentType == "text/plain" || p.ContentType == "text/html") && p.Disposition != "attachment":
		ms.keepText(n, cr, params)
	case p.ContentID != "" && strings.HasPrefix(p.ContentType, "image/") && ms.p.images > 0:
		p.Data = ms.keepImage(cr)
	}
	_, _ = io.Copy(io.Discard, cr)
	p.Size = cr.n
	if d, ok := dec.(damageReporter); ok && d.damaged() {
		ms.note(fmt.Sprintf("%s is damaged (invalid %s data); what could be decoded is kept.", name, p.Encoding))
	}
}

// keepImage reads an inline image whole if it fits what is left of the
// image budget; a larger one is left to be drained (and not shown).
func (ms *msgState) keepImage(r io.Reader) []byte {
	data, err := io.ReadAll(io.LimitReader(r, ms.p.images+1))
	if err != nil || int64(len(data)) > ms.p.images {
		return nil
	}
	ms.p.images -= int64(len(data))
	return data
}

// isDispositionToken tells an unknown disposition type from garbage,
// which is ignored.
func isDispositionToken(s string) bool {
	for _, r := range s {
		if !(r == '-' || r == '.' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return s != ""
}

func isMessageType(t string) bool {
	return t == "message/rfc822" || t == "message/global" || t == "message/news"
}

// nested parses an encapsulated message. Its single-part body is part
// path.1 and the parts of its multipart body are path.1, path.2, ...
// (RFC 3501 §6.4.5).
func (ms *msgState) nested(n *node, r io.Reader) {
	if ms.depth+1 > maxMessageDepth {
		ms.note(fmt.Sprintf("The message attached as part %s is nested too deeply to be shown; it can be downloaded.", n.part.Path))
		return
	}
	lr := newLineReader(r)
	h := readHeader(lr, nil, true)
	n.part.Message = ms.p.parseMessage(h, lr, ms.depth+1, n.part.Path+".1", n.part.Path+".")
}

// keepText decodes a text part to show, within the size limits.
func (ms *msgState) keepText(n *node, r io.Reader, params map[string]string) {
	p := &n.part
	name := ms.partName(p.Path)
	limit := min(ms.p.opt.MaxBodyBytes, ms.p.budget)
	if limit <= 0 {
		if !ms.p.overspent {
			ms.note("This message has more text than can be shown; the remaining text parts are listed as attachments.")
		}
		ms.p.overspent = true
		return
	}
	buf, _ := io.ReadAll(io.LimitReader(r, limit+1))
	truncated := int64(len(buf)) > limit
	if truncated {
		buf = trimPartialRune(buf[:limit])
		ms.note(fmt.Sprintf("%s is too long to show in full; only the first %s are shown.", name, byteSize(limit)))
	}
	ms.p.budget -= int64(len(buf))
	charset := params["charset"]
	if charset == "" && p.ContentType == "text/html" && !utf8.Valid(buf) {
		charset = sniffHTMLCharset(buf)
	}
	text, problem := decodeText(charset, buf, name)
	if problem != "" {
		ms.note(problem)
	}
	n.text = clipString(normalizeNewlines(text), limit)
	n.shown = true
	n.flowed = strings.EqualFold(params["format"], "flowed")
	n.delsp = strings.EqualFold(params["delsp"], "yes")
}

// clip bounds text that was not read through keepText.
func (ms *msgState) clip(s string) string {
	limit := max(min(ms.p.opt.MaxBodyBytes, ms.p.budget), 0)
	s = clipString(s, limit)
	ms.p.budget -= int64(len(s))
	return s
}

// clipString cuts s to at most n bytes at a rune boundary.
func clipString(s string, n int64) string {
	if int64(len(s)) <= n {
		return s
	}
	i := int(n)
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}

// trimPartialRune drops an incomplete UTF-8 sequence cut at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

func normalizeNewlines(s string) string {
	if !strings.ContainsAny(s, "\r\x00") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ReplaceAll(s, "\x00", "")
}

// sniffHTMLCharset finds a <meta> charset near the start of an HTML body
// that has no charset parameter, as browsers do (HTML §13.2.3.2, simplified).
func sniffHTMLCharset(b []byte) string {
	head := bytes.ToLower(b[:min(len(b), 4096)])
	for off := 0; ; {
		i := bytes.Index(head[off:], []byte("charset="))
		if i < 0 {
			return ""
		}
		off += i + len("charset=")
		if bytes.LastIndex(head[:off], []byte("<meta")) < 0 {
			continue
		}
		v := bytes.TrimLeft(head[off:], `"' `)
		end := bytes.IndexFunc(v, func(r rune) bool {
			return !(r == '-' || r == '_' || r == '.' || r == ':' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9')
		})
		if end < 0 {
			end = len(v)
		}
		if end > 0 {
			return string(v[:end])
		}
	}
}

func byteSize(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", max(n>>10, 1))
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && !errors.Is(err, io.EOF) {
		err = io.EOF // a read error is reported once, by Parse
	}
	return n, err
}
