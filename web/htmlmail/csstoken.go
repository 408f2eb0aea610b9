package htmlmail

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// A small CSS tokenizer after CSS Syntax Level 3, §4 ("Tokenization").
// gorilla/css's regexp scanner was tried first: on hostile input such as
// "url(url(url(…" each token restarts a match that runs to the end of the
// input, which is quadratic. This one reads every byte a bounded number of
// times, resolves escapes the way browsers do (so "u\72l(" is a url and
// "p\6fsition" is position) and is about ten times faster.

type tokKind int

const (
	tokS          tokKind = iota // whitespace (comments count as whitespace)
	tokIdent                     // val: the name, escapes resolved
	tokFunction                  // val: the name without "("
	tokAtKeyword                 // val: the name without "@"
	tokHash                      // val: the name without "#"
	tokString                    // val: the content, unquoted and unescaped
	tokBadString                 // a string broken by a newline
	tokURL                       // val: the unquoted url(…) content, unescaped
	tokBadURL                    // url( followed by something that is not a URL
	tokNumber                    // val: the text as written
	tokPercentage                // val: the text, with "%"
	tokDimension                 // val: the number and its unit (unit unescaped)
	tokDelim                     // val: one character: ( ) [ ] { } , : ; ! . / …
	tokMatch                     // val: ~= |= ^= $= *=
	tokCDO                       // <!--
	tokCDC                       // -->
)

type token struct {
	kind tokKind
	val  string
}

func (t token) is(delim string) bool { return t.kind == tokDelim && t.val == delim }

// tokenize splits src into at most maxCSSTokens tokens.
func tokenize(src string) []token {
	z := &cssTokenizer{s: src}
	var toks []token
	for len(toks) < maxCSSTokens {
		t, ok := z.next()
		if !ok {
			break
		}
		toks = append(toks, t)
	}
	return toks
}

type cssTokenizer struct {
	s string
	i int
}

func (z *cssTokenizer) at(k int) byte {
	if z.i+k < len(z.s) {
		return z.s[z.i+k]
	}
	return 0
}

func isWS(c byte) bool    { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}
func isNameChar(c byte) bool { return isNameStart(c) || isDigit(c) || c == '-' }
func isHex(c byte) bool      { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// validEscape: a backslash at offset k not followed by a newline.
func (z *cssTokenizer) validEscape(k int) bool {
	return z.at(k) == '\\' && z.i+k+1 < len(z.s) && z.at(k+1) != '\n' && z.at(k+1) != '\r' && z.at(k+1) != '\f'
}

// startsIdent: the next characters start an identifier (§4.3.9).
func (z *cssTokenizer) startsIdent(k int) bool {
	switch c := z.at(k); {
	case c == '-':
		return isNameStart(z.at(k+1)) || z.at(k+1) == '-' || z.validEscape(k+1)
	case c == '\\':
		return z.validEscape(k)
	default:
		return isNameStart(c)
	}
}

// startsNumber: the next characters start a number (§4.3.10).
func (z *cssTokenizer) startsNumber() bool {
	c := z.at(0)
	if c == '+' || c == '-' {
		return isDigit(z.at(1)) || z.at(1) == '.' && isDigit(z.at(2))
	}
	return isDigit(c) || c == '.' && isDigit(z.at(1))
}

func (z *cssTokenizer) next() (token, bool) {
	if z.i >= len(z.s) {
		return token{}, false
	}
	c := z.s[z.i]
	switch {
	case isWS(c) || c == '/' && z.at(1) == '*':
		for z.i < len(z.s) {
			if isWS(z.s[z.i]) {
				z.i++
			} else if z.at(0) == '/' && z.at(1) == '*' {
				end := strings.Index(z.s[z.i+2:], "*/")
				if end < 0 {
					z.i = len(z.s)
				} else {
					z.i += end + 4
				}
			} else {
				break
			}
		}
		return token{tokS, " "}, true
	case c == '"' || c == '\'':
		z.i++
		return z.str(c), true
	case c == '#' && (isNameChar(z.at(1)) || z.validEscape(1)):
		z.i++
		return token{tokHash, z.name()}, true
	case c == '@' && z.startsIdent(1):
		z.i++
		return token{tokAtKeyword, z.name()}, true
	case z.startsNumber():
		return z.number(), true
	case c == '-' && z.at(1) == '-' && z.at(2) == '>':
		z.i += 3
		return token{tokCDC, "-->"}, true
	case c == '<' && strings.HasPrefix(z.s[z.i:], "<!--"):
		z.i += 4
		return token{tokCDO, "<!--"}, true
	case z.startsIdent(0):
		return z.identLike(), true
	case strings.IndexByte("~|^$*", c) >= 0 && z.at(1) == '=':
		z.i += 2
		return token{tokMatch, z.s[z.i-2 : z.i]}, true
	}
	_, size := utf8.DecodeRuneInString(z.s[z.i:])
	z.i += size
	return token{tokDelim, z.s[z.i-size : z.i]}, true
}

// escape consumes the escape after a backslash (§4.3.7).
func (z *cssTokenizer) escape() string {
	z.i++ // the backslash
	if z.i >= len(z.s) {
		return "\uFFFD"
	}
	j := z.i
	for j < len(z.s) && j-z.i < 6 && isHex(z.s[j]) {
		j++
	}
	if j == z.i {
		_, size := utf8.DecodeRuneInString(z.s[z.i:])
		z.i += size
		return z.s[z.i-size : z.i]
	}
	n, _ := strconv.ParseUint(z.s[z.i:j], 16, 32)
	z.i = j
	if z.i < len(z.s) && isWS(z.s[z.i]) {
		z.i++
	}
	if r := rune(n); r != 0 && r <= utf8.MaxRune && (r < 0xD800 || r > 0xDFFF) {
		return string(r)
	}
	return "\uFFFD"
}

// name consumes a name (§4.3.11), resolving escapes.
func (z *cssTokenizer) name() string {
	var b strings.Builder
	for z.i < len(z.s) {
		switch {
		case isNameChar(z.s[z.i]):
			b.WriteByte(z.s[z.i])
			z.i++
		case z.validEscape(0):
			b.WriteString(z.escape())
		default:
			return b.String()
		}
	}
	return b.String()
}

// str consumes a string up to the closing quote q (§4.3.5).
func (z *cssTokenizer) str(q byte) token {
	var b strings.Builder
	for z.i < len(z.s) {
		c := z.s[z.i]
		switch {
		case c == q:
			z.i++
			return token{tokString, b.String()}
		case c == '\n' || c == '\r' || c == '\f':
			return token{tokBadString, ""}
		case c == '\\' && z.i+1 == len(z.s):
			z.i++
		case c == '\\' && (z.at(1) == '\n' || z.at(1) == '\r' || z.at(1) == '\f'):
			z.i += 2
		case c == '\\':
			b.WriteString(z.escape())
		default:
			b.WriteByte(c)
			z.i++
		}
	}
	return token{tokString, b.String()}
}

// number consumes a numeric token (§4.3.3).
func (z *cssTokenizer) number() token {
	start := z.i
	if c := z.at(0); c == '+' || c == '-' {
		z.i++
	}
	z.digits()
	if z.at(0) == '.' && isDigit(z.at(1)) {
		z.i++
		z.digits()
	}
	if c := z.at(0); (c == 'e' || c == 'E') && (isDigit(z.at(1)) || (z.at(1) == '+' || z.at(1) == '-') && isDigit(z.at(2))) {
		z.i += 2
		z.digits()
	}
	num := z.s[start:z.i]
	switch {
	case z.startsIdent(0):
		return token{tokDimension, num + z.name()}
	case z.at(0) == '%':
		z.i++
		return token{tokPercentage, num + "%"}
	}
	return token{tokNumber, num}
}

func (z *cssTokenizer) digits() {
	for z.i < len(z.s) && isDigit(z.s[z.i]) {
		z.i++
	}
}

// identLike consumes an ident, a function or a url (§4.3.4).
func (z *cssTokenizer) identLike() token {
	name := z.name()
	if z.at(0) != '(' {
		return token{tokIdent, name}
	}
	z.i++
	if !strings.EqualFold(name, "url") {
		return token{tokFunction, name}
	}
	k := z.i
	for k < len(z.s) && isWS(z.s[k]) {
		k++
	}
	if k < len(z.s) && (z.s[k] == '"' || z.s[k] == '\'') {
		return token{tokFunction, name} // url("…"): a function holding a string
	}
	z.i = k
	return z.url()
}

// url consumes an unquoted url(…) (§4.3.6).
func (z *cssTokenizer) url() token {
	var b strings.Builder
	for z.i < len(z.s) {
		c := z.s[z.i]
		switch {
		case c == ')':
			z.i++
			return token{tokURL, b.String()}
		case isWS(c):
			for z.i < len(z.s) && isWS(z.s[z.i]) {
				z.i++
			}
			if z.i >= len(z.s) || z.s[z.i] == ')' {
				z.i = min(z.i+1, len(z.s))
				return token{tokURL, b.String()}
			}
			return z.badURL()
		case c == '"' || c == '\'' || c == '(' || c < 0x20 || c == 0x7f:
			return z.badURL()
		case c == '\\':
			if !z.validEscape(0) {
				return z.badURL()
			}
			b.WriteString(z.escape())
		default:
			b.WriteByte(c)
			z.i++
		}
	}
	return token{tokURL, b.String()}
}

// badURL consumes the remnants of a bad url (§4.3.14).
func (z *cssTokenizer) badURL() token {
	for z.i < len(z.s) {
		switch {
		case z.s[z.i] == ')':
			z.i++
			return token{tokBadURL, ""}
		case z.validEscape(0):
			z.escape()
		default:
			z.i++
		}
	}
	return token{tokBadURL, ""}
}
