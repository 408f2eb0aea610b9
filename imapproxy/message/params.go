package message

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// parseMediaType splits a Content-Type or Content-Disposition value into
// its lower-case value and parameters (RFC 2045 §5.1, RFC 2183). Unlike
// mime.ParseMediaType it never drops all parameters because one is bad:
// a duplicate keeps its first value, a stray token is skipped, an
// unterminated quote runs to the end. RFC 2231 extended and continued
// parameters are joined and decoded in any charset; RFC 2047 encoded words
// in plain values (common in file names, though not allowed there) are
// decoded too. Values are valid UTF-8.
func parseMediaType(v string, hd *headerDecoder) (value string, params map[string]string) {
	value, rest, _ := strings.Cut(v, ";")
	value = strings.Map(func(r rune) rune {
		if r > 0x7e || r <= ' ' || strings.ContainsRune(`()<>@,;:\"[]?=`, r) {
			return -1 // not a token character (RFC 2045 §5.1), e.g. "text/plain>"
		}
		return unicode.ToLower(r)
	}, value)
	params = map[string]string{}
	ext := map[string][]ext2231{}
	for rest != "" {
		var key, val string
		key, val, rest = nextParam(rest)
		if key == "" {
			continue
		}
		if name, piece, ok := split2231(key, val); ok {
			ext[name] = append(ext[name], piece)
			continue
		}
		if _, dup := params[key]; !dup {
			params[key] = val
		}
	}
	for k, v := range params {
		if k != "boundary" { // compared byte for byte with body lines
			params[k] = hd.text(v)
		}
	}
	for name, pieces := range ext {
		params[name] = join2231(pieces, hd)
	}
	return value, params
}

// nextParam reads one "key=value" from s, which starts after a ';'.
func nextParam(s string) (key, val, rest string) {
	s = strings.TrimLeft(s, " \t;")
	i := strings.IndexAny(s, "=;")
	if i < 0 {
		return "", "", ""
	}
	if s[i] == ';' {
		return "", "", s[i+1:] // a token without a value
	}
	key = strings.ToLower(strings.TrimSpace(s[:i]))
	s = strings.TrimLeft(s[i+1:], " \t")
	if strings.HasPrefix(s, `"`) {
		var b strings.Builder
		j := 1
		for ; j < len(s) && s[j] != '"'; j++ {
			// A backslash quotes only '"' and '\'; elsewhere it is kept,
			// as in the Windows paths some mailers send as file names.
			if s[j] == '\\' && j+1 < len(s) && (s[j+1] == '"' || s[j+1] == '\\') {
				j++
			}
			b.WriteByte(s[j])
		}
		rest = s[min(j+1, len(s)):]
		if k := strings.IndexByte(rest, ';'); k >= 0 {
			rest = rest[k+1:]
		} else {
			rest = ""
		}
		return key, b.String(), rest
	}
	val, rest, _ = strings.Cut(s, ";")
	return key, strings.TrimSpace(val), rest
}

// ext2231 is one piece of an RFC 2231 parameter: name*N or name*N*.
type ext2231 struct {
	index   int
	encoded bool
	value   string
}

// split2231 recognizes "name*", "name*N" and "name*N*" keys.
// Extended values may not be quoted, but some senders quote them anyway,
// so quoting does not change how they are read.
func split2231(key, val string) (string, ext2231, bool) {
	name, suffix, ok := strings.Cut(key, "*")
	if !ok || name == "" {
		return "", ext2231{}, false
	}
	if suffix == "" {
		return name, ext2231{index: 0, encoded: true, value: val}, true
	}
	encoded := strings.HasSuffix(suffix, "*")
	n, err := strconv.Atoi(strings.TrimSuffix(suffix, "*"))
	if err != nil || n < 0 || n > 1000 {
		return "", ext2231{}, false
	}
	return name, ext2231{index: n, encoded: encoded, value: val}, true
}

// join2231 joins the pieces of one parameter in order and decodes them:
// the first encoded piece carries charset'language', encoded pieces are
// percent-encoded bytes in that charset (RFC 2231 §3, §4).
func join2231(pieces []ext2231, hd *headerDecoder) string {
	sort.SliceStable(pieces, func(i, j int) bool { return pieces[i].index < pieces[j].index })
	var charset string
	var raw []byte
	anyEncoded := false
	for i, p := range pieces {
		if i > 0 && p.index == pieces[i-1].index {
			continue
		}
		v := p.value
		if p.encoded {
			if !anyEncoded {
				if parts := strings.SplitN(v, "'", 3); len(parts) == 3 {
					charset, v = parts[0], parts[2]
				}
			}
			anyEncoded = true
			raw = append(raw, percentDecode(v)...)
			continue
		}
		raw = append(raw, v...)
	}
	if !anyEncoded {
		return hd.text(string(raw))
	}
	s, known := decodeCharset(charset, raw)
	if !known && charset != "" {
		hd.unknownCharset(charset)
	}
	return s
}

func percentDecode(s string) []byte {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && unhex(s[i+1]) < 16 && unhex(s[i+2]) < 16 {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return b
}
