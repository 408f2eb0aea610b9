package submit

import (
	"html"
	"regexp"
	"strings"
)

// urlPattern finds the web addresses in the text that become links in the
// HTML alternative; only http and https, like the reader does.
var urlPattern = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"'\x60]+[^\s<>"'\x60.,;:!?)\]}]`)

// TextToHTML is the HTML alternative of a plain-text body: the same words,
// quoted lines as nested blockquotes, web addresses as links, line breaks
// kept. It adds nothing the text does not say: it exists so that readers
// that prefer HTML show quotes as quotes and wrap lines to the screen.
func TextToHTML(text string) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>` + "\n" + `<div style="white-space:pre-wrap">`)
	depth := 0
	needNL := false // a line end is due before the next line in this block
	for _, line := range strings.Split(strings.TrimRight(normalizeNewlines(text), "\n"), "\n") {
		d, content := splitQuote(line)
		if d != depth {
			// A blockquote boundary is a line break of its own.
			needNL = false
		}
		for depth < d {
			b.WriteString(`<blockquote type="cite" style="margin:0 0 0 .8ex;border-left:2px solid #ccc;padding-left:1ex">`)
			depth++
		}
		for depth > d {
			b.WriteString("</blockquote>")
			depth--
		}
		if needNL {
			b.WriteString("\n")
		}
		writeLinked(&b, content)
		needNL = true
	}
	for ; depth > 0; depth-- {
		b.WriteString("</blockquote>")
	}
	b.WriteString("</div>\n</body></html>\n")
	return b.String()
}

func writeLinked(b *strings.Builder, s string) {
	last := 0
	for _, m := range urlPattern.FindAllStringIndex(s, -1) {
		b.WriteString(html.EscapeString(s[last:m[0]]))
		u := html.EscapeString(s[m[0]:m[1]])
		b.WriteString(`<a href="` + u + `">` + u + `</a>`)
		last = m[1]
	}
	b.WriteString(html.EscapeString(s[last:]))
}
