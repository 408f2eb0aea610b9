package message

import (
	"bytes"
	"io"
)

// uuReader decodes the x-uuencode transfer encoding that old mailers
// used: a "begin <mode> <name>" line, data lines whose first character
// gives their length, and an "end" line. Lines before "begin" pass
// through unchanged, so a mislabelled part loses nothing.
type uuReader struct {
	lr    *lineReader
	out   []byte
	off   int
	state int // 0 before begin, 1 in data, 2 after end
	eof   bool
	short bool
}

func (u *uuReader) damaged() bool { return u.short }

func (u *uuReader) Read(p []byte) (int, error) {
	for u.off >= len(u.out) {
		if u.eof {
			return 0, io.EOF
		}
		u.out, u.off = u.out[:0], 0
		u.decodeLine(readFullLine(u.lr, new(bool)))
	}
	n := copy(p, u.out[u.off:])
	u.off += n
	return n, nil
}

func (u *uuReader) decodeLine(line []byte) {
	if len(line) == 0 {
		u.eof = true
		return
	}
	text := bytes.TrimRight(line, "\r\n")
	switch u.state {
	case 0:
		if bytes.HasPrefix(text, []byte("begin ")) {
			u.state = 1
			return
		}
		u.out = append(u.out, line...)
		return
	case 2:
		return
	}
	if bytes.Equal(bytes.TrimSpace(text), []byte("end")) {
		u.state = 2
		return
	}
	if len(text) == 0 {
		return
	}
	n := int((text[0] - ' ') & 63)
	data := text[1:]
	var q [4]byte
	for i := 0; n > 0; i += 4 {
		for k := range q {
			q[k] = 0
			if i+k < len(data) {
				q[k] = (data[i+k] - ' ') & 63
			} else if i+k > len(data)+1 {
				u.short = true // more than the trimmed spaces are missing
			}
		}
		b := [3]byte{q[0]<<2 | q[1]>>4, q[1]<<4 | q[2]>>2, q[2]<<6 | q[3]}
		u.out = append(u.out, b[:min(n, 3)]...)
		n -= 3
	}
}
