package message

import (
	"io"
	"regexp"
	"strings"
)

// encodedWord matches an RFC 2047 encoded word, leniently: the text may
// hold spaces and raw 8-bit bytes, which some mailers put there.
var encodedWord = regexp.MustCompile(`=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=`)

// decodeWords decodes the encoded words in an unstructured value
// (RFC 2047 §5(1)). Unlike mime.WordDecoder it keeps going after a bad
// word, reads raw 8-bit bytes inside Q words in the word's charset, and
// joins the bytes of adjacent words in one charset before converting
// them, so a character split across two words (RFC 2047 §5(3) forbids it,
// mailers do it) comes out whole. Text outside words that is not UTF-8
// is read as Windows-1252.
func (hd *headerDecoder) decodeWords(raw string) string {
	var sb strings.Builder
	var pending []byte
	pendingCharset := ""
	flush := func() {
		if pendingCharset == "" {
			return
		}
		s, known := decodeCharset(pendingCharset, pending)
		if !known {
			hd.unknownCharset(pendingCharset)
		}
		sb.WriteString(s)
		pending, pendingCharset = pending[:0], ""
	}
	last := 0
	for _, m := range encodedWord.FindAllStringSubmatchIndex(raw, -1) {
		between := raw[last:m[0]]
		if pendingCharset == "" || strings.TrimSpace(between) != "" {
			flush()
			sb.WriteString(hd.fix8bit(between))
		}
		charset := normalizeCharset(raw[m[2]:m[3]])
		if charset == "" {
			charset = "unknown"
		}
		if charset != pendingCharset {
			flush()
			pendingCharset = charset
		}
		pending = append(pending, decodeWordText(raw[m[4]:m[5]], raw[m[6]:m[7]])...)
		last = m[1]
	}
	flush()
	sb.WriteString(hd.fix8bit(raw[last:]))
	return sb.String()
}

// decodeWordText decodes the text of one word in encoding "B" or "Q"
// (RFC 2047 §4).
func decodeWordText(enc, text string) []byte {
	if enc == "b" || enc == "B" {
		b, _ := io.ReadAll(&base64Reader{r: strings.NewReader(text)})
		return b
	}
	b := make([]byte, 0, len(text))
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '_':
			b = append(b, ' ')
		case c == '=' && i+2 < len(text) && unhex(text[i+1]) < 16 && unhex(text[i+2]) < 16:
			b = append(b, unhex(text[i+1])<<4|unhex(text[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return b
}

// repairWords prepares a structured value (an address list) for net/mail:
// raw 8-bit bytes inside Q words are escaped so the word stays valid, and
// those outside words are read as Windows-1252 when they are not UTF-8.
func (hd *headerDecoder) repairWords(raw string) string {
	var sb strings.Builder
	last := 0
	for _, m := range encodedWord.FindAllStringSubmatchIndex(raw, -1) {
		sb.WriteString(hd.fix8bit(raw[last:m[0]]))
		word := raw[m[0]:m[1]]
		if enc := raw[m[4]:m[5]]; enc == "q" || enc == "Q" {
			word = raw[m[0]:m[6]] + escape8bit(raw[m[6]:m[7]]) + "?="
		}
		sb.WriteString(word)
		last = m[1]
	}
	sb.WriteString(hd.fix8bit(raw[last:]))
	return sb.String()
}

func escape8bit(s string) string {
	const hex = "0123456789ABCDEF"
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && c != ' ' {
			sb.WriteByte(c)
			continue
		}
		sb.WriteByte('=')
		sb.WriteByte(hex[c>>4])
		sb.WriteByte(hex[c&15])
	}
	return sb.String()
}
