package message

import (
	"errors"
	"fmt"
	"io"
	"strconv"
)

// ErrNoHeader is returned by Parse and ParseHeader when the input holds
// nothing that could be read as a message: it is empty, blank, or the
// first read failed.
var ErrNoHeader = errors.New("message: no header could be read")

// Parse reads a whole message from r, once, and returns what a page needs
// to show it. It returns an error only when not even a header could be
// read (see ErrNoHeader); any other problem is repaired as far as possible
// and described in Message.Notices. Text without any header line is
// shown as the body, with a notice. Parse does not panic: an internal
// failure becomes a notice and the parts read so far are kept.
func Parse(r io.Reader, opt Options) (*Message, error) {
	return parse(r, opt, hooks{})
}

// hooks let tests see every entity walked and let panics through.
type hooks struct {
	trace  func(path, contentType string)
	panics bool
}

func parse(r io.Reader, opt Options, hk hooks) (*Message, error) {
	opt = opt.withDefaults()
	lr := newLineReader(r)
	h := readHeader(lr, nil, true)
	if err := checkHeader(h, lr); err != nil {
		return nil, err
	}
	p := &parser{opt: opt, budget: textBudget(opt), images: opt.KeepImages, hooks: hk}
	m := p.parseMessage(h, lr, 0, "1", "")
	_, _ = io.Copy(io.Discard, lr) // the epilogue, so a stream is read to its end
	if lr.err != nil {
		m.Notices = appendNotice(m.Notices, "The message could not be read completely; showing what arrived.")
	}
	return m, nil
}

// ParseHeader reads only the header of the message in r and fills the
// header fields of a Message (Subject, addresses, Date, identifiers), with
// notices about what had to be guessed. It reads r no further than the
// blank line that ends the header.
func ParseHeader(r io.Reader) (m *Message, err error) {
	lr := newLineReader(r)
	h := readHeader(lr, nil, true)
	if err := checkHeader(h, lr); err != nil {
		return nil, err
	}
	m = &Message{}
	defer func() {
		if recover() != nil {
			m.Notices = appendNotice(m.Notices, internalErrorNotice)
		}
	}()
	hd := newHeaderDecoder()
	hd.fillHeader(m, h)
	for _, n := range headerNotices(h) {
		m.Notices = appendNotice(m.Notices, n)
	}
	for _, n := range hd.notices() {
		m.Notices = appendNotice(m.Notices, n)
	}
	return m, nil
}

func checkHeader(h *header, lr *lineReader) error {
	if len(h.fields) > 0 || h.damaged {
		return nil
	}
	if lr.err != nil {
		return fmt.Errorf("%w: %w", ErrNoHeader, lr.err)
	}
	return ErrNoHeader
}

const internalErrorNotice = "Tidings hit an internal error while reading this message; some parts may be missing."

// textBudget bounds all the text kept by one Parse call.
func textBudget(opt Options) int64 { return 4 * opt.MaxBodyBytes }

// parser holds what is shared by a message and the messages inside it.
type parser struct {
	opt       Options
	parts     int   // nodes walked so far
	budget    int64 // text bytes that may still be kept
	images    int64 // image bytes that may still be kept (Options.KeepImages)
	tooMany   bool
	overspent bool
	hooks
}

// msgState is the state of one message: the top one or an encapsulated one.
type msgState struct {
	p        *parser
	depth    int // message/rfc822 nesting
	hd       *headerDecoder
	notes    []string
	rootPath string // path of a single-part body, "" for a multipart one
	root     node   // holder whose only child is the message's top entity
}

func (ms *msgState) note(s string) { ms.notes = appendNotice(ms.notes, s) }

// appendNotice adds s unless it is already there or there are too many.
func appendNotice(list []string, s string) []string {
	for _, n := range list {
		if n == s {
			return list
		}
	}
	switch {
	case len(list) < maxNotices:
		return append(list, s)
	case len(list) == maxNotices:
		return append(list, "There are more problems with this message than can be listed.")
	}
	return list
}

// parseMessage walks the body of a message whose header is h and renders
// it. path is the part number of a single-part body; prefix is put before
// the numbers of a multipart body's parts.
func (p *parser) parseMessage(h *header, body io.Reader, depth int, path, prefix string) *Message {
	ms := &msgState{p: p, depth: depth, hd: newHeaderDecoder()}
	m := &Message{}
	for _, n := range headerNotices(h) {
		ms.note(n)
	}
	ms.protect(func() { ms.hd.fillHeader(m, h) })
	ms.protect(func() { ms.entity(&ms.root, h, body, path, prefix, 0, "text/plain") })
	ms.protect(func() { ms.render(m) })
	for _, n := range ms.hd.notices() {
		ms.note(n)
	}
	m.Notices = ms.notes
	return m
}

// protect runs f and turns a panic into a notice, as a last resort.
func (ms *msgState) protect(f func()) {
	defer func() {
		if ms.p.panics {
			return
		}
		if recover() != nil {
			ms.note(internalErrorNotice)
		}
	}()
	f()
}

func headerNotices(h *header) []string {
	var out []string
	if h.damaged && len(h.fields) == 0 {
		out = append(out, "This message has no header; all of it is shown as text.")
	} else if h.damaged {
		out = append(out, "The message header is damaged (a line in it is not a header field); that line and the rest are read as the message body.")
	}
	if h.badWrap {
		out = append(out, "The message header is damaged (a field is wrapped incorrectly); it was repaired.")
	}
	if h.truncated {
		out = append(out, "The message header is too large; part of it was ignored.")
	}
	return out
}

// partName is how notices name the part at path.
func (ms *msgState) partName(path string) string {
	if ms.rootPath != "" && path == ms.rootPath {
		return "The message text"
	}
	return "Part " + path
}

func childPath(prefix string, i int) string { return prefix + strconv.Itoa(i) }
