package message

import (
	"bytes"
	"io"
)

// multipartReader splits a multipart body (RFC 2046 §5.1) into parts while
// streaming. It is lenient where senders are sloppy: CRLF and bare LF line
// endings may mix, a part may lack the blank line after its header, the
// closing boundary may be missing, and header lines that are not fields end
// the part header instead of the whole message.
type multipartReader struct {
	lr       *lineReader
	dash     []byte // "--" + boundary
	started  bool   // the first delimiter line has been read
	finished bool   // the closing delimiter has been read
	eof      bool   // the input ended
	cur      *partReader
	preamble []byte // kept (bounded) to show a body whose boundary never appears
	maxPre   int
	// unclosed is set when the input ended inside a part.
	unclosed bool
	parts    int
}

// errNoParts is returned by nextPart when no delimiter line was found.
type errNoParts struct{}

func (errNoParts) Error() string { return "multipart: no boundary found" }

const (
	notBoundary = iota
	delimiter
	closeDelimiter
)

func newMultipartReader(r io.Reader, boundary string, maxPreamble int) *multipartReader {
	mr := &multipartReader{
		lr:     newLineReader(r),
		dash:   []byte("--" + boundary),
		maxPre: maxPreamble,
	}
	return mr
}

// boundaryKind tells whether line (read at the start of a line) is a
// delimiter or close-delimiter line of this multipart. As RFC 2046 §5.1.1
// advises implementors, the boundary only has to start the line; to keep
// apart a nested boundary that extends this one ("--abc" and "--abcdef"),
// it must be followed by white space, a line ending or "--".
func (mr *multipartReader) boundaryKind(line []byte) int {
	if !bytes.HasPrefix(line, mr.dash) {
		return notBoundary
	}
	rest := line[len(mr.dash):]
	switch {
	case bytes.HasPrefix(rest, []byte("--")):
		return closeDelimiter
	case len(rest) == 0, rest[0] == ' ', rest[0] == '\t', rest[0] == '\r', rest[0] == '\n':
		return delimiter
	}
	return notBoundary
}

func (mr *multipartReader) isBoundary(line []byte) bool {
	return mr.boundaryKind(line) != notBoundary
}

// nextPart returns the header and raw (still transfer-encoded) body of the
// next part, io.EOF after the last one, or errNoParts.
func (mr *multipartReader) nextPart() (*header, io.Reader, error) {
	if mr.cur != nil {
		_, _ = io.Copy(io.Discard, mr.cur)
		mr.cur = nil
	}
	if !mr.started {
		if err := mr.skipPreamble(); err != nil {
			return nil, nil, err
		}
	}
	if mr.finished || mr.eof {
		return nil, nil, io.EOF
	}
	h := readHeader(mr.lr, mr.isBoundary, false)
	mr.cur = &partReader{mr: mr, lineStart: true}
	mr.parts++
	return h, mr.cur, nil
}

func (mr *multipartReader) skipPreamble() error {
	lineStart := true
	for {
		line := mr.lr.readLine()
		if len(line) == 0 {
			mr.eof = true
			return errNoParts{}
		}
		if lineStart {
			switch mr.boundaryKind(line) {
			case delimiter:
				mr.started = true
				return nil
			case closeDelimiter:
				mr.started, mr.finished = true, true
				return nil
			}
		}
		if room := mr.maxPre - len(mr.preamble); room > 0 {
			mr.preamble = append(mr.preamble, line[:min(room, len(line))]...)
		}
		lineStart = line[len(line)-1] == '\n'
	}
}

// partReader reads the body of the current part up to the next boundary
// line. The line ending before a boundary belongs to the boundary
// (RFC 2046 §5.1.1), so each line's ending is held back until the next
// line is known not to be a boundary.
type partReader struct {
	mr        *multipartReader
	pending   []byte
	off       int
	held      []byte // line ending of the previous line
	lineStart bool
	done      bool
}

func (pr *partReader) Read(p []byte) (int, error) {
	for pr.off >= len(pr.pending) {
		if pr.done {
			return 0, io.EOF
		}
		pr.fill()
	}
	n := copy(p, pr.pending[pr.off:])
	pr.off += n
	return n, nil
}

func (pr *partReader) fill() {
	mr := pr.mr
	pr.pending, pr.off = pr.pending[:0], 0
	line := mr.lr.readLine()
	if len(line) == 0 {
		pr.done, mr.eof, mr.unclosed = true, true, true
		return
	}
	if pr.lineStart {
		switch mr.boundaryKind(line) {
		case delimiter:
			pr.done = true
			return
		case closeDelimiter:
			pr.done, mr.finished = true, true
			return
		}
	}
	pr.pending = append(pr.pending, pr.held...)
	pr.held = pr.held[:0]
	pr.lineStart = line[len(line)-1] == '\n'
	if pr.lineStart {
		end := len(line) - 1
		if end > 0 && line[end-1] == '\r' {
			end--
		}
		pr.pending = append(pr.pending, line[:end]...)
		pr.held = append(pr.held, line[end:]...)
		return
	}
	pr.pending = append(pr.pending, line...)
}
