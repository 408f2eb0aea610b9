package submit

import (
	"strings"
	"unicode/utf8"
)

// FlowedWidth is where EncodeFlowed breaks lines: under the 78 characters
// RFC 3676 §4.2 asks for, with room for a few levels of quoting.
const FlowedWidth = 72

// EncodeFlowed turns text as a person wrote it ("\n" line ends, one line
// per paragraph or as they broke it) into format=flowed, delsp=no
// (RFC 3676): long lines are broken at spaces into soft breaks (a line
// ending in a space), hard line ends stay hard, quote marks (">") are
// repeated on every piece of a quoted paragraph, and lines that begin with
// a space or "From " are space-stuffed (§4.4). A flowed reader rejoins the
// paragraphs and rewraps them to the reader's screen; any other reader
// sees ordinary lines under 78 characters.
func EncodeFlowed(text string) string {
	text = normalizeNewlines(text)
	var b strings.Builder
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteString("\n")
		}
		encodeFlowedLine(&b, line)
	}
	return b.String()
}

func encodeFlowedLine(b *strings.Builder, line string) {
	depth, content := splitQuote(line)
	prefix := strings.Repeat(">", depth)
	if line == "-- " {
		// The signature separator is the one hard line that keeps its
		// trailing space (§4.3).
		b.WriteString(line)
		return
	}
	// A hard line must not end in a space, or it would read as soft.
	content = strings.TrimRight(content, " ")
	if depth > 0 {
		prefix += " "
	}
	width := FlowedWidth - utf8.RuneCountInString(prefix)
	pieces := wrapWords(content, max(width, 20))
	for i, p := range pieces {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(prefix)
		if depth == 0 && needsStuffing(p) {
			b.WriteString(" ")
		}
		b.WriteString(p)
	}
}

// splitQuote returns the quote depth of a line and the text after the
// quote marks. "> > x" counts as depth 2 as people type it; one space
// after the marks is the conventional separator and is dropped.
func splitQuote(line string) (int, string) {
	depth := 0
	rest := line
	for {
		switch {
		case strings.HasPrefix(rest, ">"):
			depth++
			rest = rest[1:]
		case depth > 0 && strings.HasPrefix(rest, " >"):
			rest = rest[1:]
		default:
			if depth > 0 {
				rest = strings.TrimPrefix(rest, " ")
			}
			return depth, rest
		}
	}
}

func needsStuffing(s string) bool {
	return strings.HasPrefix(s, " ") || strings.HasPrefix(s, "From ") || strings.HasPrefix(s, ">")
}

// wrapWords breaks s into pieces of at most width runes at spaces; every
// piece but the last keeps its trailing space, which makes the break soft.
// A word longer than width stays whole on a piece of its own (a URL must
// not be cut).
func wrapWords(s string, width int) []string {
	if utf8.RuneCountInString(s) <= width {
		return []string{s}
	}
	var pieces []string
	for utf8.RuneCountInString(s) > width {
		cut := -1
		n := 0
		for i, r := range s {
			if n > width {
				break
			}
			if r == ' ' && i > 0 {
				cut = i
			}
			n++
		}
		if cut < 0 {
			// No space within the width: break after the long word.
			next := strings.IndexByte(s, ' ')
			if next < 0 {
				break
			}
			cut = next
		}
		// Keep runs of spaces on the line they end, so the rest starts
		// with a word and never needs stuffing.
		end := cut + 1
		for end < len(s) && s[end] == ' ' {
			end++
		}
		if end >= len(s) {
			break
		}
		pieces = append(pieces, s[:end])
		s = s[end:]
	}
	return append(pieces, s)
}

// Unflow turns a format=flowed body back into text a person edits: soft
// line breaks are joined (with delsp, the space before them is removed),
// space-stuffing is undone, and quote marks are written as "> " once per
// paragraph line.
func Unflow(text string, delsp bool) string {
	text = normalizeNewlines(text)
	var out []string
	var para strings.Builder
	paraDepth := -1
	flush := func() {
		if paraDepth < 0 {
			return
		}
		out = append(out, quotePrefix(paraDepth)+para.String())
		para.Reset()
		paraDepth = -1
	}
	for _, line := range strings.Split(text, "\n") {
		depth := 0
		for strings.HasPrefix(line, ">") {
			depth++
			line = line[1:]
		}
		line = strings.TrimPrefix(line, " ") // stuffing, or the space after quote marks
		if paraDepth >= 0 && depth != paraDepth {
			flush()
		}
		soft := strings.HasSuffix(line, " ") && line != "-- "
		if soft && delsp {
			line = line[:len(line)-1]
		}
		para.WriteString(line)
		paraDepth = depth
		if !soft {
			flush()
		}
	}
	flush()
	return strings.Join(out, "\n")
}

func quotePrefix(depth int) string {
	if depth == 0 {
		return ""
	}
	return strings.Repeat(">", depth) + " "
}

// normalizeNewlines makes CRLF and lone CR into LF, the way a textarea
// posts them (CRLF) or old Macs wrote them.
func normalizeNewlines(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}
