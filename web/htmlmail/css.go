package htmlmail

import (
	"regexp"
	"strings"
)

// CSS is filtered by re-serialization: the input is tokenized (csstoken.go),
// every token is checked against a small grammar and the output is rebuilt
// from the checked values only: idents, numbers with known units, re-quoted
// strings, colors, and URLs that went through resourceURL. Whatever the
// input was, the browser reads our output the way we wrote it. Parser
// differences can cost fidelity, not safety.

const (
	maxCSSTokens = 1 << 16 // per style attribute or style sheet
	// maxValueParts caps the space-separated parts of one value: bluemonday's
	// shorthand handlers (recursiveCheck) are exponential in that number.
	maxValueParts = 10
	maxValueLen   = 1024
	// maxDecls caps the declarations of one style attribute or rule: real
	// ones have a few dozen, and each costs bluemonday a CSS parse.
	maxDecls = 256
)

var (
	identRe  = regexp.MustCompile(`^-?[a-zA-Z_][a-zA-Z0-9_-]*$`)
	numberRe = regexp.MustCompile(`^[+-]?(?:[0-9]{1,10}|[0-9]{0,10}\.[0-9]{1,10})(%|px|em|rem|pt|pc|ex|ch|vw|vh|vmin|vmax|cm|mm|in|deg)?$`)
	hashRe   = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$`)
	// stringRe is what a quoted CSS string may hold once unescaped: font
	// names, in practice. No quotes, backslashes, angle brackets or controls.
	stringRe = regexp.MustCompile(`^[\p{L}\p{N} _.\-]{0,100}$`)
)

// colorFuncs are the only functions allowed in values (besides url(), which
// only background and background-image may hold).
var colorFuncs = map[string]bool{"rgb": true, "rgba": true, "hsl": true, "hsla": true}

// decl is one filtered declaration.
type decl struct {
	prop, value string
	important   bool
}

func (d decl) String() string {
	if d.important {
		return d.prop + ": " + d.value + " !important"
	}
	return d.prop + ": " + d.value
}

// styleAttr filters the value of a style attribute. Results are memoized
// for the message: newsletters repeat the same style strings hundreds of
// times, and the result depends only on the string and the rewriter's
// fixed settings (a cached string already set remoteBlocked the first time).
func (r *rewriter) styleAttr(src string) string {
	if out, ok := r.styleCache[src]; ok {
		return out
	}
	ds := r.declarations(tokenize(src))
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.String()
	}
	out := strings.Join(parts, "; ")
	if r.styleCache == nil {
		r.styleCache = make(map[string]string)
	}
	r.styleCache[src] = out
	return out
}

// declarations filters a declaration list (a style attribute, or the inside
// of a style rule's braces) and returns the declarations that passed.
func (r *rewriter) declarations(toks []token) []decl {
	var out []decl
	for _, d := range splitTop(toks, ";") {
		if fd, ok := r.declaration(d); ok {
			out = append(out, fd)
		} else if !r.allowRemote && hasRemoteRef(d) {
			r.remoteBlocked = true
		}
	}
	if len(out) > maxDecls { // later declarations win: keep those
		out = out[len(out)-maxDecls:]
	}
	return out
}

// splitTop splits tokens at the given delimiter outside of any (), [] or {}.
func splitTop(toks []token, sep string) [][]token {
	var out [][]token
	depth, start := 0, 0
	for i, t := range toks {
		switch {
		case t.kind == tokFunction || t.is("(") || t.is("[") || t.is("{"):
			depth++
		case t.is(")") || t.is("]") || t.is("}"):
			if depth > 0 {
				depth--
			}
		case depth == 0 && t.is(sep):
			out = append(out, toks[start:i])
			start = i + 1
		}
	}
	return append(out, toks[start:])
}

// trimS drops leading and trailing whitespace tokens.
func trimS(toks []token) []token {
	for len(toks) > 0 && toks[0].kind == tokS {
		toks = toks[1:]
	}
	for len(toks) > 0 && toks[len(toks)-1].kind == tokS {
		toks = toks[:len(toks)-1]
	}
	return toks
}

// declaration checks one "property: value [!important]".
func (r *rewriter) declaration(toks []token) (decl, bool) {
	toks = trimS(toks)
	if len(toks) < 3 || toks[0].kind != tokIdent {
		return decl{}, false
	}
	prop := strings.ToLower(toks[0].val)
	handler, ok := r.styles[prop]
	if !ok {
		return decl{}, false
	}
	rest := trimS(toks[1:])
	if len(rest) == 0 || !rest[0].is(":") {
		return decl{}, false
	}
	rest = trimS(rest[1:])
	important := false
	if n := len(rest); n >= 2 && rest[n-1].kind == tokIdent && strings.EqualFold(rest[n-1].val, "important") {
		if bang := trimS(rest[:n-1]); len(bang) > 0 && bang[len(bang)-1].is("!") {
			important = true
			rest = trimS(bang[:len(bang)-1])
		}
	}
	value, ok := r.value(prop, rest)
	maxParts := maxValueParts
	if prop == "font-family" { // a plain list, not a recursive shorthand
		maxParts = 4 * maxValueParts
	}
	if !ok || value == "" || len(value) > maxValueLen ||
		len(strings.Fields(value)) > maxParts || !handler(strings.ToLower(value)) {
		return decl{}, false
	}
	return decl{prop: prop, value: value, important: important}, true
}

// value re-serializes a property value from checked tokens. A url() that
// resourceURL refuses is left out (so "background: #fff url(http://x)" keeps
// its color when remote content is blocked).
func (r *rewriter) value(prop string, toks []token) (string, bool) {
	var b strings.Builder
	space := false
	emit := func(s string) {
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteString(s)
	}
	urlOK := prop == "background" || prop == "background-image"
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.kind {
		case tokS:
			space = true
		case tokIdent:
			if !identRe.MatchString(t.val) {
				return "", false
			}
			emit(t.val)
		case tokNumber, tokPercentage, tokDimension:
			if !numberRe.MatchString(t.val) {
				return "", false
			}
			emit(strings.ToLower(t.val))
		case tokHash:
			if !hashRe.MatchString("#" + t.val) {
				return "", false
			}
			emit("#" + t.val)
		case tokString:
			if !stringRe.MatchString(t.val) {
				return "", false
			}
			emit("'" + t.val + "'")
		case tokURL, tokFunction:
			name, arg, next := callArgs(toks, i)
			i = next
			switch {
			case name == "url" && urlOK:
				if u, ok := r.resourceURL(urlArg(arg), false); ok {
					emit("url('" + u + "')")
				}
			case colorFuncs[name]:
				args, ok := colorArgs(arg)
				if !ok {
					return "", false
				}
				emit(name + "(" + args + ")")
			default:
				return "", false
			}
		case tokDelim:
			switch t.val {
			case ",", "/":
				b.WriteString(t.val)
				space = false
			default:
				return "", false
			}
		default:
			return "", false
		}
	}
	return b.String(), true
}

func isNumeric(t token) bool {
	return t.kind == tokNumber || t.kind == tokPercentage || t.kind == tokDimension
}

// callArgs reads a function call starting at toks[i] (a function token, or
// a url token that holds a whole unquoted url(…)). It returns the
// lower-cased function name, the argument tokens and the index of the
// closing parenthesis. An unclosed call runs to the end.
func callArgs(toks []token, i int) (string, []token, int) {
	t := toks[i]
	if t.kind == tokURL {
		return "url", toks[i : i+1], i
	}
	name := strings.ToLower(t.val)
	depth := 1
	for j := i + 1; j < len(toks); j++ {
		switch {
		case toks[j].kind == tokFunction || toks[j].is("("):
			depth++
		case toks[j].is(")"):
			depth--
			if depth == 0 {
				return name, toks[i+1 : j], j
			}
		}
	}
	return name, toks[i+1:], len(toks)
}

// urlArg returns the URL held by the arguments of url(…): the content of an
// unquoted url token or of the one string inside, else "".
func urlArg(arg []token) string {
	arg = trimS(arg)
	if len(arg) == 1 && (arg[0].kind == tokURL || arg[0].kind == tokString) {
		return arg[0].val
	}
	return ""
}

// colorArgs checks the arguments of rgb(), rgba(), hsl() or hsla(): numbers,
// commas and spaces only.
func colorArgs(arg []token) (string, bool) {
	var parts []string
	for _, t := range trimS(arg) {
		switch {
		case t.kind == tokS:
		case isNumeric(t) && numberRe.MatchString(t.val):
			parts = append(parts, strings.ToLower(t.val))
		case t.is(","):
			parts = append(parts, ",")
		default:
			return "", false
		}
	}
	return strings.ReplaceAll(strings.Join(parts, ""), ",", ", "), len(parts) > 0
}

// hasRemoteRef reports whether tokens hold something that looks like a
// remote URL: a url(), or a string (image-set("http://…"), @import "…").
// It decides RemoteBlocked for declarations dropped for other reasons.
func hasRemoteRef(toks []token) bool {
	for _, t := range toks {
		if (t.kind == tokURL || t.kind == tokString) && isRemote(t.val) {
			return true
		}
	}
	return false
}
