package htmlmail

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// <style> elements are the one thing that does not pass through
// bluemonday, which can only drop them. Much newsletter HTML needs them
// (media queries, class rules), so we rebuild the sheet from checked tokens:
// style rules with simple selectors, declarations filtered exactly like
// style attributes, and @media around them. Every other at-rule (@import,
// @font-face, @keyframes, @namespace, @charset…) is dropped. The output
// cannot hold "<", so it cannot close the <style> element early.

const (
	maxSheetBytes   = 512 << 10 // total <style> text we look at
	maxSelectorLen  = 1024
	maxMediaNesting = 1
)

var (
	reMediaNum = regexp.MustCompile(`^[0-9]{1,6}(?:\.[0-9]{1,4})?(?:px|em|rem|dpi|dpcm|dppx|x)?$`)
	reNth      = regexp.MustCompile(`^[+-]?[0-9]{0,4}n$`)
	reNthNum   = regexp.MustCompile(`^[+-]?[0-9]{1,4}$`)
)

// selectorFuncs are the functional pseudo-classes a selector may use.
var selectorFuncs = map[string]bool{
	"not": true, "is": true, "where": true, "nth-child": true, "nth-last-child": true,
	"nth-of-type": true, "nth-last-of-type": true,
}

// collectSheet keeps the text of a <style> element for styleSheet.
func (r *rewriter) collectSheet(n *html.Node) {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	if r.sheetBytes+b.Len() > maxSheetBytes {
		return
	}
	r.sheetBytes += b.Len()
	r.sheets = append(r.sheets, b.String())
}

// styleSheet filters the collected <style> text and returns the CSS to
// emit, or "".
func (r *rewriter) styleSheet() string {
	var out strings.Builder
	for _, s := range r.sheets {
		r.rules(tokenize(s), &out, 0)
	}
	css := out.String()
	if strings.Contains(css, "<") {
		return "" // cannot happen; refuse rather than risk "</style>"
	}
	return css
}

// rules filters a list of rules (a sheet, or the body of @media).
func (r *rewriter) rules(toks []token, out *strings.Builder, depth int) {
	for i := 0; i < len(toks); {
		t := toks[i]
		if t.kind == tokS || t.kind == tokCDO || t.kind == tokCDC {
			i++
			continue
		}
		end := i
		for end < len(toks) && !toks[end].is("{") && !(t.kind == tokAtKeyword && toks[end].is(";")) {
			end++
		}
		prelude := toks[i:end]
		var body []token
		if end < len(toks) && toks[end].is("{") {
			body, end = block(toks, end)
		} else {
			end++ // past ";" (or the end)
		}
		i = end
		if t.kind == tokAtKeyword {
			r.atRule(strings.ToLower(t.val), prelude[1:], body, out, depth)
			continue
		}
		sel, ok := selector(prelude)
		if !ok {
			r.noteRemoteTokens(body)
			continue
		}
		if ds := r.declarations(body); len(ds) > 0 {
			out.WriteString(sel + "{")
			for j, d := range ds {
				if j > 0 {
					out.WriteString(";")
				}
				out.WriteString(d.String())
			}
			out.WriteString("}")
		}
	}
}

// block returns the tokens between the "{" at toks[open] and its matching
// "}", and the index after it. An unclosed block runs to the end.
func block(toks []token, open int) ([]token, int) {
	depth := 0
	for j := open; j < len(toks); j++ {
		switch {
		case toks[j].is("{"):
			depth++
		case toks[j].is("}"):
			depth--
			if depth == 0 {
				return toks[open+1 : j], j + 1
			}
		}
	}
	return toks[open+1:], len(toks)
}

// atRule keeps @media (one level deep) and drops every other at-rule.
func (r *rewriter) atRule(name string, prelude, body []token, out *strings.Builder, depth int) {
	if name != "media" || depth >= maxMediaNesting || body == nil {
		r.noteRemoteTokens(prelude)
		r.noteRemoteTokens(body)
		return
	}
	query, ok := mediaQuery(prelude)
	if !ok {
		r.noteRemoteTokens(body)
		return
	}
	var inner strings.Builder
	r.rules(body, &inner, depth+1)
	if inner.Len() > 0 {
		out.WriteString("@media " + query + "{" + inner.String() + "}")
	}
}

func (r *rewriter) noteRemoteTokens(toks []token) {
	if !r.allowRemote && hasRemoteRef(toks) {
		r.remoteBlocked = true
	}
}

// mediaQuery re-serializes a media query list made of idents, numbers with
// units, parentheses, colons and commas.
func mediaQuery(toks []token) (string, bool) {
	var parts []string
	depth := 0
	for _, t := range trimS(toks) {
		switch {
		case t.kind == tokS:
			parts = append(parts, " ")
		case t.kind == tokIdent && identRe.MatchString(t.val),
			isNumeric(t) && reMediaNum.MatchString(t.val),
			t.is(":"), t.is(","):
			parts = append(parts, t.val)
		case t.is("("):
			depth++
			parts = append(parts, "(")
		case t.is(")") && depth > 0:
			depth--
			parts = append(parts, ")")
		default:
			return "", false
		}
	}
	return strings.Join(parts, ""), depth == 0 && len(parts) > 0
}

// selector re-serializes a selector list made of type, class, id,
// attribute and pseudo-class selectors and combinators.
func selector(toks []token) (string, bool) {
	var b strings.Builder
	depth := 0 // open functional pseudo-classes
	inAttr := false
	for _, t := range trimS(toks) {
		switch {
		case t.kind == tokS:
			b.WriteByte(' ')
		case t.kind == tokIdent && identRe.MatchString(t.val):
			b.WriteString(t.val)
		case t.kind == tokHash && identRe.MatchString(t.val) && !inAttr:
			b.WriteString("#" + t.val)
		case t.kind == tokFunction && selectorFuncs[strings.ToLower(t.val)] && !inAttr:
			depth++
			b.WriteString(strings.ToLower(t.val) + "(")
		case t.is(")") && depth > 0 && !inAttr:
			depth--
			b.WriteByte(')')
		case t.is("[") && !inAttr:
			inAttr = true
			b.WriteByte('[')
		case t.is("]") && inAttr:
			inAttr = false
			b.WriteByte(']')
		case t.kind == tokString && inAttr && stringRe.MatchString(t.val):
			b.WriteString("'" + t.val + "'")
		case inAttr && (t.is("=") || t.kind == tokMatch):
			b.WriteString(t.val)
		case !inAttr && t.kind == tokDelim && strings.Contains(".*>+~:,", t.val):
			b.WriteString(t.val)
		case depth > 0 && !inAttr && (t.kind == tokNumber && reNthNum.MatchString(t.val) ||
			t.kind == tokDimension && reNth.MatchString(t.val)):
			b.WriteString(t.val)
		default:
			return "", false
		}
	}
	s := strings.Join(strings.Fields(b.String()), " ")
	return s, depth == 0 && !inAttr && s != "" && len(s) <= maxSelectorLen
}
