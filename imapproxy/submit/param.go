package submit

import (
	"fmt"
	"strings"
)

// paramChunk is how many encoded characters go into one RFC 2231
// continuation, so that header lines can be folded between them.
const paramChunk = 48

// FormatParam formats a Content-Type or Content-Disposition value with one
// parameter, such as attachment; filename="report.pdf". A value that is
// not plain printable ASCII is encoded as RFC 2231 requires, split into
// numbered continuations when long (§3), so that header lines can be
// folded between the pieces:
//
//	attachment; filename*0*=utf-8''%C3%9Cberweisung%20M%C3%A4rz;
//	 filename*1*=%202026.pdf
//
// go-message's SetFilename would put RFC 2047 encoded words inside the
// quotes instead, which RFC 2047 §5 does not allow there.
func FormatParam(value, name, param string) string {
	if param == "" {
		return value
	}
	if plainParam(param) {
		return value + "; " + name + `="` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(param) + `"`
	}
	enc := percentEncode(param)
	if len(enc) <= paramChunk {
		return value + "; " + name + "*=utf-8''" + enc
	}
	var b strings.Builder
	b.WriteString(value)
	for i := 0; len(enc) > 0; i++ {
		n := min(paramChunk, len(enc))
		// Never split a %XX escape.
		if j := strings.LastIndexByte(enc[:n], '%'); j >= 0 && j > n-3 && n < len(enc) {
			n = j
		}
		if i == 0 {
			fmt.Fprintf(&b, "; %s*0*=utf-8''%s", name, enc[:n])
		} else {
			fmt.Fprintf(&b, "; %s*%d*=%s", name, i, enc[:n])
		}
		enc = enc[n:]
	}
	return b.String()
}

// plainParam reports whether v can be sent as a quoted string that every
// reader understands: printable ASCII, short enough for one header line.
func plainParam(v string) bool {
	if len(v) > 60 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < ' ' || v[i] > '~' {
			return false
		}
	}
	return true
}

// percentEncode writes v's UTF-8 bytes as RFC 2231 §4 extended-value
// characters: attribute-chars as they are, everything else as %XX.
func percentEncode(v string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if isAttrChar(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func isAttrChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}
