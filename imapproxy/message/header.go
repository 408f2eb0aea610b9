package message

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/textproto"
	"strings"
)

const lineBufSize = 8 << 10

// lineReader reads a body line by line, with room to push one line back so
// that a header reader can stop at the first line that is not a header.
// It is also an io.Reader for what remains. The first read error other
// than io.EOF is kept in err and then reported as io.EOF, so that the
// parser shows what arrived.
type lineReader struct {
	br   *bufio.Reader
	back [][]byte // pushed-back lines, the next one last
	err  error
}

func newLineReader(r io.Reader) *lineReader {
	if lr, ok := r.(*lineReader); ok {
		return lr
	}
	return &lineReader{br: bufio.NewReaderSize(r, lineBufSize)}
}

// readLine returns the next line with its line ending, or a chunk of a line
// longer than the buffer (then without '\n'). The slice is only valid until
// the next call. It returns an empty slice at the end of input.
func (l *lineReader) readLine() []byte {
	if n := len(l.back); n > 0 {
		line := l.back[n-1]
		l.back = l.back[:n-1]
		return line
	}
	line, err := l.br.ReadSlice('\n')
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) && l.err == nil {
		l.err = err
	}
	return line
}

// unread pushes line back; the next readLine returns it again.
func (l *lineReader) unread(line []byte) {
	if len(line) == 0 {
		return
	}
	l.back = append(l.back, append([]byte(nil), line...))
}

func (l *lineReader) Read(p []byte) (int, error) {
	if n := len(l.back); n > 0 {
		c := copy(p, l.back[n-1])
		l.back[n-1] = l.back[n-1][c:]
		if len(l.back[n-1]) == 0 {
			l.back = l.back[:n-1]
		}
		return c, nil
	}
	n, err := l.br.Read(p)
	if err != nil && err != io.EOF {
		if l.err == nil {
			l.err = err
		}
		err = io.EOF
	}
	return n, err
}

// field is one header field; value is unfolded and may hold any bytes.
type field struct{ key, value string }

// header is an ordered list of fields. Lookups return the first field of a
// name, as most readers do when a field is repeated.
type header struct {
	fields []field
	// damaged is set when a line that is not a header field ended the
	// header early; that line starts the body.
	damaged bool
	// badWrap is set when a line that is not a header field was taken as
	// part of the field before it, because a header field follows it.
	badWrap bool
	// truncated is set when the header was too large and some of it was
	// skipped.
	truncated bool
	// sawData is false when the input ended before any line was read.
	sawData bool
}

func (h *header) get(key string) string {
	key = textproto.CanonicalMIMEHeaderKey(key)
	for _, f := range h.fields {
		if f.key == key {
			return f.value
		}
	}
	return ""
}

func (h *header) has(key string) bool {
	key = textproto.CanonicalMIMEHeaderKey(key)
	for _, f := range h.fields {
		if f.key == key {
			return true
		}
	}
	return false
}

// readHeader reads header fields up to and including the blank line that
// ends them. It stops without consuming the line when it meets a line that
// is not a header field (the body then starts with it) or, when stop is not
// nil, a line for which stop returns true (a multipart boundary). top
// enables the repairs that only make sense at the start of a message: an
// mbox "From " line and leading blank or indented lines.
func readHeader(lr *lineReader, stop func([]byte) bool, top bool) *header {
	h := &header{}
	var cur []byte // current field, "Key: value" with folds joined
	total := 0
	flush := func() {
		if cur == nil {
			return
		}
		if len(h.fields) >= maxHeaderFields {
			h.truncated = true
		} else if k, v, ok := splitField(cur); ok {
			h.fields = append(h.fields, field{k, v})
		}
		cur = nil
	}
	first := true
	for {
		line := readFullLine(lr, &h.truncated)
		if len(line) == 0 {
			break
		}
		h.sawData = true
		if stop != nil && stop(line) {
			lr.unread(line)
			break
		}
		text := bytes.TrimRight(line, "\r\n")
		if first {
			if top && bytes.HasPrefix(text, []byte("From ")) && !looksLikeField(text) {
				continue // mbox separator line
			}
			text = bytes.TrimLeft(text, " \t")
			if top && len(text) == 0 {
				continue // blank lines before the header
			}
		}
		if len(text) == 0 {
			break // the blank line that ends the header
		}
		total += len(text)
		if total > maxHeaderBytes {
			h.truncated = true
			continue
		}
		if !first && (text[0] == ' ' || text[0] == '\t') {
			if cur != nil {
				cur = append(cur, ' ')
				cur = append(cur, bytes.TrimSpace(text)...)
			}
			continue
		}
		if !looksLikeField(text) {
			line = append([]byte(nil), line...)
			next := readFullLine(lr, &h.truncated)
			lr.unread(next)
			if cur != nil && isKnownField(next) {
				cur = append(cur, ' ')
				cur = append(cur, bytes.TrimSpace(text)...)
				h.badWrap = true
				continue
			}
			lr.unread(line)
			h.damaged = true
			break
		}
		first = false
		flush()
		cur = append([]byte(nil), text...)
	}
	flush()
	return h
}

// readFullLine reads a whole line even when it is longer than the reader's
// buffer, keeping at most maxHeaderBytes of it.
func readFullLine(lr *lineReader, truncated *bool) []byte {
	line := lr.readLine()
	if len(line) == 0 || line[len(line)-1] == '\n' {
		return line
	}
	buf := append([]byte(nil), line...)
	for {
		more := lr.readLine()
		if len(more) == 0 {
			return buf
		}
		if len(buf) < maxHeaderBytes {
			buf = append(buf, more...)
		} else {
			*truncated = true
		}
		if more[len(more)-1] == '\n' {
			return buf
		}
	}
}

// looksLikeField reports whether line starts with a field name and a
// colon. Unlike RFC 5322 it accepts spaces before the colon and 8-bit
// bytes in the name, both seen in the wild.
func looksLikeField(line []byte) bool {
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return false
	}
	name := bytes.TrimRight(line[:i], " \t")
	if len(name) == 0 {
		return false
	}
	for _, c := range name {
		if c <= ' ' || c == 0x7f {
			return false
		}
	}
	return true
}

// isKnownField reports whether line starts a field that a message header
// commonly has. It decides whether a stray line inside a header is a
// broken fold (a known field follows) or the start of a body that lacks
// its blank line; a body line like "Note: ..." must not pass.
func isKnownField(line []byte) bool {
	i := bytes.IndexByte(line, ':')
	if i <= 0 || !looksLikeField(line) {
		return false
	}
	name := textproto.CanonicalMIMEHeaderKey(string(bytes.TrimRight(line[:i], " \t")))
	for _, prefix := range []string{"X-", "Content-", "List-", "Arc-", "Dkim-", "Resent-", "Auto-", "Thread-"} {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	switch name {
	case "Received", "Received-Spf", "Return-Path", "Delivered-To", "Authentication-Results",
		"From", "To", "Cc", "Bcc", "Reply-To", "Sender", "Subject", "Date", "Message-Id",
		"In-Reply-To", "References", "Mime-Version", "Precedence", "Importance", "Priority",
		"User-Agent", "Organization", "Errors-To", "Newsgroups", "Path", "Xref", "Mailing-List",
		"Domainkey-Signature", "Comments", "Keywords", "Disposition-Notification-To":
		return true
	}
	return false
}

func splitField(kv []byte) (key, value string, ok bool) {
	i := bytes.IndexByte(kv, ':')
	if i <= 0 {
		return "", "", false
	}
	name := bytes.TrimRight(kv[:i], " \t")
	return textproto.CanonicalMIMEHeaderKey(string(name)), string(bytes.TrimSpace(kv[i+1:])), true
}
