package handlers

import (
	"regexp"
	"strings"

	"github.com/tidings-mail/tidings/templates"
)

// linkPattern finds web addresses in plain text. Only http and https
// become links: anything else stays text, so no scheme the browser would
// run can come from a sender.
var linkPattern = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"'\x60]+`)

// textLines prepares a plain-text body for display: format=flowed (RFC
// 3676) paragraphs joined, quote depth counted, links found.
func textLines(body string, flowed, delSp bool) []templates.TextLine {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	raw := strings.Split(strings.TrimRight(body, "\n"), "\n")
	lines := make([]templates.TextLine, 0, len(raw))
	var para strings.Builder
	paraDepth := -1
	flush := func() {
		if paraDepth >= 0 {
			lines = append(lines, templates.TextLine{Quote: paraDepth, Segments: linkify(para.String())})
		}
		para.Reset()
		paraDepth = -1
	}
	for _, l := range raw {
		depth, text := quoteDepth(l, flowed)
		if flowed {
			// RFC 3676 §4.4: space-stuffing is removed; §4.2: a line that
			// ends in a space (and is not the signature separator) flows
			// into the next one at the same quote depth.
			text = strings.TrimPrefix(text, " ")
			if paraDepth >= 0 && depth != paraDepth {
				flush()
			}
			soft := strings.HasSuffix(text, " ") && text != "-- "
			if soft && delSp {
				text = text[:len(text)-1]
			}
			para.WriteString(text)
			paraDepth = depth
			if !soft {
				flush()
			}
			continue
		}
		lines = append(lines, templates.TextLine{Quote: depth, Segments: linkify(text)})
	}
	flush()
	return lines
}

// quoteDepth counts leading ">" marks. In flowed text they are exact
// (RFC 3676 §4.5); in fixed text "> > x" is also depth 2.
func quoteDepth(l string, flowed bool) (int, string) {
	depth := 0
	for {
		switch {
		case strings.HasPrefix(l, ">"):
			depth++
			l = l[1:]
		case !flowed && depth > 0 && strings.HasPrefix(l, " >"):
			l = l[1:]
		default:
			if depth > 0 && !flowed {
				l = strings.TrimPrefix(l, " ")
			}
			return depth, l
		}
	}
}

// linkify splits text into plain and link segments.
func linkify(s string) []templates.TextSegment {
	if s == "" {
		return []templates.TextSegment{{Text: "\u00a0"}} // keep empty lines' height
	}
	var out []templates.TextSegment
	last := 0
	for _, m := range linkPattern.FindAllStringIndex(s, -1) {
		start, end := m[0], m[1]
		// Sentence punctuation after a URL is not part of it.
		for end > start && strings.ContainsRune(".,;:!?)]}'", rune(s[end-1])) {
			if s[end-1] == ')' && strings.Count(s[start:end], "(") >= strings.Count(s[start:end], ")") {
				break
			}
			end--
		}
		if start > last {
			out = append(out, templates.TextSegment{Text: s[last:start]})
		}
		out = append(out, templates.TextSegment{Text: s[start:end], URL: s[start:end]})
		last = end
	}
	if last < len(s) {
		out = append(out, templates.TextSegment{Text: s[last:]})
	}
	return out
}
