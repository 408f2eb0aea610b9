package submit

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxHTMLText bounds the text taken from an HTML body for quoting: a reply
// does not need more than a few pages of a newsletter.
const maxHTMLText = 256 << 10

// HTMLToText reads the text of an HTML mail body for quoting or
// forwarding: block elements become line breaks, <br> a line end, lists
// "- " items, blockquotes a quote level; scripts, styles and the head are
// dropped. It is not a renderer: the aim is a readable quote, not layout.
func HTMLToText(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	quote, skip := 0, 0
	atLineStart := true
	newline := func() {
		b.WriteString("\n")
		atLineStart = true
	}
	blockBreak := func() {
		if !atLineStart {
			newline()
		}
	}
	for b.Len() < maxHTMLText {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return tidyText(b.String())
		case html.TextToken:
			if skip > 0 {
				continue
			}
			text := strings.Join(strings.Fields(string(z.Text())), " ")
			if text == "" {
				continue
			}
			if atLineStart {
				b.WriteString(strings.Repeat("> ", quote))
			} else {
				b.WriteString(" ")
			}
			b.WriteString(text)
			atLineStart = false
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			end := tt == html.EndTagToken
			switch a {
			case atom.Script, atom.Style, atom.Head, atom.Title, atom.Template:
				if tt == html.StartTagToken {
					skip++
				} else if end && skip > 0 {
					skip--
				}
			case atom.Br:
				newline()
			case atom.Blockquote:
				blockBreak()
				if end {
					quote = max(0, quote-1)
				} else {
					quote++
				}
			case atom.Li:
				blockBreak()
				if !end {
					b.WriteString(strings.Repeat("> ", quote) + "-") // the text adds its space
					atLineStart = false
				}
			case atom.P, atom.Div, atom.Tr, atom.Table, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
				atom.Ul, atom.Ol, atom.Pre, atom.Hr, atom.Section, atom.Article, atom.Header, atom.Footer:
				blockBreak()
				if a == atom.P && end {
					newline()
				}
			}
		}
	}
	return tidyText(b.String())
}

// tidyText drops trailing spaces and runs of more than one empty line.
func tidyText(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " ")
		if strings.Trim(l, "> ") == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.Trim(strings.Join(out, "\n"), "\n")
}
