package message

import (
	"bytes"
	"encoding/base64"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	gomessage "github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // sets gomessage.CharsetReader for all common charsets
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
)

// normalizeCharset lower-cases a charset label and strips the quotes and
// spaces senders put around it.
// It also drops an RFC 2231 §5 language suffix ("us-ascii*en") and a
// repeated "charset=" prefix.
func normalizeCharset(label string) string {
	l := strings.ToLower(strings.Trim(strings.TrimSpace(label), `"' `))
	l = strings.Trim(strings.TrimPrefix(l, "charset="), `"' `)
	if i := strings.IndexByte(l, '*'); i > 0 {
		l = l[:i]
	}
	return l
}

// isUTF8Label reports labels that mean UTF-8 or its ASCII subset.
func isUTF8Label(l string) bool {
	switch l {
	case "", "utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "x-utf_8j":
		return true
	}
	return false
}

// isLatin1Label reports labels that browsers read as Windows-1252
// (WHATWG Encoding): mail written on Windows that says ISO-8859-1 often
// holds curly quotes and dashes from the 0x80–0x9F range.
func isLatin1Label(l string) bool {
	switch l {
	case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "cp819", "ibm819",
		"iso-ir-100", "csisolatin1", "iso_8859-1:1987", "windows-1252", "cp1252", "x-cp1252":
		return true
	}
	return false
}

func isUTF7Label(l string) bool {
	switch l {
	case "utf-7", "utf7", "unicode-1-1-utf-7", "x-unicode-2-0-utf-7", "csunicode11utf7":
		return true
	}
	return false
}

// decodeCharset converts b from the charset label to UTF-8. known is false
// when the label is not a charset we know; b is then read as UTF-8 if it is
// valid UTF-8 and as Windows-1252 otherwise. Invalid sequences become
// U+FFFD, so the result is always valid UTF-8.
func decodeCharset(label string, b []byte) (s string, known bool) {
	l := normalizeCharset(label)
	switch {
	case isUTF8Label(l):
		return decodeUTF8(b), true
	case isLatin1Label(l):
		return windows1252(b), true
	case isUTF7Label(l):
		return decodeUTF7(b), true
	}
	if !charsetKnown(l) {
		return fallbackDecode(b), false
	}
	r, err := gomessage.CharsetReader(l, bytes.NewReader(b))
	if err != nil || r == nil {
		return fallbackDecode(b), false
	}
	out, _ := io.ReadAll(r) // keep what decoded before an error
	return strings.ToValidUTF8(string(out), "\uFFFD"), true
}

// charsetKnown guards against labels that x/text maps to the WHATWG
// "replacement" encoding, which would turn the whole text into one U+FFFD.
func charsetKnown(l string) bool {
	if l == "" || gomessage.CharsetReader == nil {
		return false
	}
	if enc, err := htmlindex.Get(l); err == nil && enc == encoding.Replacement {
		return false
	}
	return true
}

func fallbackDecode(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return windows1252(b)
}

// decodeUTF8 returns b as a string, repairing it when it is not valid
// UTF-8: mostly-UTF-8 text keeps its characters with U+FFFD for the bad
// bytes; text with no valid multi-byte sequence at all is mislabelled
// 8-bit text and is read as Windows-1252.
func decodeUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	good, bad := 0, 0
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			bad++
		case size > 1:
			good++
		}
		i += size
	}
	if good > bad {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return windows1252(b)
}

func windows1252(b []byte) string {
	s, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return strings.ToValidUTF8(string(s), "\uFFFD")
}

// decodeUTF7 decodes UTF-7 (RFC 2152), which x/text does not provide.
func decodeUTF7(b []byte) string {
	var sb strings.Builder
	for i := 0; i < len(b); {
		c := b[i]
		i++
		if c != '+' {
			sb.WriteByte(c)
			continue
		}
		if i < len(b) && b[i] == '-' {
			sb.WriteByte('+')
			i++
			continue
		}
		j := i
		for j < len(b) && isUTF7Base64(b[j]) {
			j++
		}
		run := b[i:j]
		if len(run)%4 == 1 {
			run = run[:len(run)-1]
		}
		raw, _ := base64.RawStdEncoding.DecodeString(string(run))
		units := make([]uint16, 0, len(raw)/2)
		for k := 0; k+1 < len(raw); k += 2 {
			units = append(units, uint16(raw[k])<<8|uint16(raw[k+1]))
		}
		sb.WriteString(string(utf16.Decode(units)))
		i = j
		if i < len(b) && b[i] == '-' {
			i++
		}
	}
	return strings.ToValidUTF8(sb.String(), "\uFFFD")
}

func isUTF7Base64(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/'
}

// decodeText converts the raw bytes of a text part to UTF-8 and describes
// any guess that was needed. partName is how notices name the part.
func decodeText(label string, b []byte, partName string) (string, string) {
	l := normalizeCharset(label)
	switch {
	case l == "" && !utf8.Valid(b):
		return windows1252(b), partName + " does not say which character set it uses; it was read as Windows-1252."
	case isUTF8Label(l) && !utf8.Valid(b):
		return decodeUTF8(b), partName + " contains bytes that are not valid in its character set (" + printable(l) + "); they were replaced or read as Windows-1252."
	}
	s, known := decodeCharset(l, b)
	if !known {
		return s, partName + " uses an unknown character set \"" + printable(label) + "\"; it is shown as best we could."
	}
	return s, ""
}

// printable shortens a stranger's string for a notice.
func printable(s string) string {
	s = sanitizeLine(s)
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return s
}
