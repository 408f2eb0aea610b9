package message

import (
	"io"
	"strings"
)

// TransferDecoder returns a reader that undoes the Content-Transfer-Encoding
// encoding (RFC 2045 §6) of r: base64, quoted-printable and x-uuencode are
// decoded, anything else (7bit, 8bit, binary, unknown) passes through
// unchanged.
// Both decoders are lenient: characters outside the base64 alphabet are
// skipped, and malformed quoted-printable escapes are kept as written.
// It is meant for streaming a part fetched with BODY.PEEK[path], which the
// server sends still encoded.
func TransferDecoder(encoding string, r io.Reader) io.Reader {
	d, _ := newTransferDecoder(normalizeEncoding(encoding), r)
	return d
}

// normalizeEncoding lower-cases a Content-Transfer-Encoding value and
// drops what senders add after it ("base64; foo", "7-bit").
func normalizeEncoding(enc string) string {
	enc = strings.ToLower(strings.TrimSpace(enc))
	if i := strings.IndexAny(enc, "; \t("); i >= 0 {
		enc = enc[:i]
	}
	return strings.Trim(enc, `"'`)
}

// damageReporter is implemented by decoders that can tell whether they
// skipped input.
type damageReporter interface{ damaged() bool }

// newTransferDecoder returns the decoder for a normalized encoding and
// whether the encoding is known.
func newTransferDecoder(enc string, r io.Reader) (io.Reader, bool) {
	switch enc {
	case "base64", "base-64":
		return &base64Reader{r: r}, true
	case "quoted-printable", "quoted-printible", "quotedprintable", "qp":
		return &qpReader{r: r}, true
	case "x-uuencode", "uuencode", "x-uue", "uue":
		return &uuReader{lr: newLineReader(r)}, true
	case "", "7bit", "8bit", "binary", "7-bit", "8-bit", "7bits", "8bits", "none", "plain":
		return r, true
	}
	return r, false
}

// base64Reader decodes base64 (RFC 2045 §6.8) leniently: white space and
// characters outside the alphabet are skipped, "=" ends a quantum wherever
// it appears (so concatenated encodings decode), missing padding is
// accepted, and the URL-safe alphabet is understood.
type base64Reader struct {
	r     io.Reader
	in    [4096]byte
	out   []byte
	off   int
	quad  [4]byte
	nq    int
	eof   bool
	skips bool
}

var base64Values = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xFF
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	t['-'], t['_'] = 62, 63
	return t
}()

func (b *base64Reader) damaged() bool { return b.skips }

func (b *base64Reader) Read(p []byte) (int, error) {
	for b.off >= len(b.out) {
		if b.eof {
			return 0, io.EOF
		}
		n, err := b.r.Read(b.in[:])
		b.decode(b.in[:n])
		if err != nil {
			b.flush()
			b.eof = true
		}
	}
	n := copy(p, b.out[b.off:])
	b.off += n
	return n, nil
}

// decode works on locals: per-byte updates of the struct's fields were
// most of the cost.
func (b *base64Reader) decode(in []byte) {
	out := b.out[:0]
	q, nq := b.quad, b.nq
	for _, c := range in {
		if v := base64Values[c]; v != 0xFF {
			q[nq] = v
			nq++
			if nq == 4 {
				out = append(out, q[0]<<2|q[1]>>4, q[1]<<4|q[2]>>2, q[2]<<6|q[3])
				nq = 0
			}
			continue
		}
		switch c {
		case '=':
			b.out, b.quad, b.nq = out, q, nq
			b.flush()
			out, nq = b.out, 0
		case ' ', '\t', '\r', '\n', '\v', '\f':
		default:
			b.skips = true
		}
	}
	b.out, b.off, b.quad, b.nq = out, 0, q, nq
}

// flush decodes an incomplete quantum, as padding would have.
func (b *base64Reader) flush() {
	q := b.quad
	switch b.nq {
	case 1:
		b.skips = true
	case 2:
		b.out = append(b.out, q[0]<<2|q[1]>>4)
	case 3:
		b.out = append(b.out, q[0]<<2|q[1]>>4, q[1]<<4|q[2]>>2)
	}
	b.nq = 0
}

// qpReader decodes quoted-printable (RFC 2045 §6.7) as a byte-at-a-time
// state machine, so lines of any length stream. White space at the end of
// a line is dropped, "=" at the end of a line is a soft line break (also
// with trailing white space after it), escapes may use lower-case hex,
// and an "=" that starts no valid escape is kept as a literal.
type qpReader struct {
	r     io.Reader
	in    [4096]byte
	out   []byte
	off   int
	ws    []byte // white space not yet known to be inside a line
	state int
	hex1  byte
	eof   bool
}

const (
	qpNormal = iota
	qpCR     // after a bare '\r'
	qpEq     // after '='
	qpEqHex  // after '=' and one hex digit
	qpEqWS   // after '=' and white space: maybe a padded soft break
	qpSoftCR // after '=' (and white space) and '\r'
)

const maxPendingSpace = 1024

func (q *qpReader) Read(p []byte) (int, error) {
	for q.off >= len(q.out) {
		if q.eof {
			return 0, io.EOF
		}
		q.out, q.off = q.out[:0], 0
		n, err := q.r.Read(q.in[:])
		q.decode(q.in[:n])
		if err != nil {
			q.finish()
			q.eof = true
		}
	}
	n := copy(p, q.out[q.off:])
	q.off += n
	return n, nil
}

// decode copies runs of ordinary bytes directly and hands the rest to
// the state machine.
func (q *qpReader) decode(in []byte) {
	for i := 0; i < len(in); {
		if q.state == qpNormal && len(q.ws) == 0 {
			j := i
			for j < len(in) {
				if c := in[j]; !qpPlain[c] {
					// White space is plain when something other than
					// white space or a line ending follows it.
					if c != ' ' && c != '\t' || j+1 >= len(in) || !qpPlain[in[j+1]] && in[j+1] != '=' {
						break
					}
				}
				j++
			}
			q.out = append(q.out, in[i:j]...)
			if i = j; i == len(in) {
				return
			}
		}
		q.decodeByte(in[i])
		i++
	}
}

var qpPlain = func() (t [256]bool) {
	for i := range t {
		t[i] = true
	}
	for _, c := range "= \t\r\n" {
		t[c] = false
	}
	return t
}()

func (q *qpReader) decodeByte(c byte) {
	for {
		switch q.state {
		case qpCR:
			q.state = qpNormal
			if c == '\n' {
				q.out = append(q.out, '\r', '\n')
				return
			}
			q.out = append(q.out, '\r')
			continue
		case qpEq:
			switch {
			case unhex(c) < 16:
				q.hex1, q.state = c, qpEqHex
			case c == '\r':
				q.state = qpSoftCR
			case c == '\n':
				q.state = qpNormal
			case c == ' ' || c == '\t':
				q.ws, q.state = append(q.ws[:0], c), qpEqWS
			default:
				q.out, q.state = append(q.out, '='), qpNormal
				continue
			}
			return
		case qpEqHex:
			q.state = qpNormal
			if v := unhex(c); v < 16 {
				q.out = append(q.out, unhex(q.hex1)<<4|v)
				return
			}
			q.out = append(q.out, '=', q.hex1)
			continue
		case qpEqWS:
			switch {
			case (c == ' ' || c == '\t') && len(q.ws) < maxPendingSpace:
				q.ws = append(q.ws, c)
			case c == '\r':
				q.ws, q.state = q.ws[:0], qpSoftCR
			case c == '\n':
				q.ws, q.state = q.ws[:0], qpNormal
			default:
				q.out = append(append(q.out, '='), q.ws...)
				q.ws, q.state = q.ws[:0], qpNormal
				continue
			}
			return
		case qpSoftCR:
			q.state = qpNormal
			if c == '\n' {
				return
			}
			continue
		}
		q.normalByte(c)
		return
	}
}

func (q *qpReader) normalByte(c byte) {
	switch c {
	case ' ', '\t':
		if len(q.ws) >= maxPendingSpace {
			q.out = append(q.out, q.ws...)
			q.ws = q.ws[:0]
		}
		q.ws = append(q.ws, c)
		return
	case '\r':
		q.ws, q.state = q.ws[:0], qpCR
		return
	case '\n':
		q.ws = q.ws[:0]
		q.out = append(q.out, '\n')
		return
	}
	q.out = append(q.out, q.ws...)
	q.ws = q.ws[:0]
	if c == '=' {
		q.state = qpEq
		return
	}
	q.out = append(q.out, c)
}

// finish handles the end of input: trailing white space and a final
// soft break are dropped, an unfinished escape is kept as written.
func (q *qpReader) finish() {
	switch q.state {
	case qpCR:
		q.out = append(q.out, '\r')
	case qpEqHex:
		q.out = append(q.out, '=', q.hex1)
	}
	q.ws, q.state = q.ws[:0], qpNormal
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return 0xFF
}
