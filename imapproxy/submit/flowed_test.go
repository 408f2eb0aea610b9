package submit

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEncodeFlowed(t *testing.T) {
	long := strings.Repeat("word ", 30) + "end"
	for _, tc := range []struct{ name, in, want string }{
		{"short lines stay", "Hi Bob,\n\nsee you.", "Hi Bob,\n\nsee you."},
		{"trailing spaces of hard lines go", "ends here   \nnext", "ends here\nnext"},
		{"signature separator keeps its space", "text\n-- \nAlice", "text\n-- \nAlice"},
		{"stuffing", " indented\nFrom the start", "  indented\n From the start"},
		{"quotes", "> quoted\n>> deeper\n> > typed", "> quoted\n>> deeper\n>> typed"},
		{"CRLF from a textarea", "a\r\nb\rc", "a\nb\nc"},
		{"long line", long, strings.Repeat("word ", 14) + "\n" + strings.Repeat("word ", 14) + "\n" + "word word end"},
		{"long URL stays whole", "see " + strings.Repeat("x", 100) + " ok", "see \n" + strings.Repeat("x", 100) + " \nok"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := EncodeFlowed(tc.in)
			if got != tc.want {
				t.Errorf("EncodeFlowed(%q) =\n%q\nwant\n%q", tc.in, got, tc.want)
			}
		})
	}
}

func TestFlowedLinesShort(t *testing.T) {
	in := "> " + strings.Repeat("quoted words flow on and on ", 20) + "\n" + strings.Repeat("Zoë écrit très longtemps ", 20)
	for _, l := range strings.Split(EncodeFlowed(in), "\n") {
		if n := utf8.RuneCountInString(l); n > 78 {
			t.Errorf("line of %d characters: %q", n, l)
		}
	}
}

// TestFlowedRoundTrip: what the encoder writes, a flowed reader (Unflow)
// reads back as the paragraphs written.
func TestFlowedRoundTrip(t *testing.T) {
	words := func(w string, n int) string { return strings.TrimSpace(strings.Repeat(w+" ", n)) }
	for _, in := range []string{
		"Hello,\n\n" + words("a long paragraph that must be wrapped", 10) + "\n\nBye\n-- \nAlice",
		"> " + words("quoted text", 20) + "\n>> " + words("older", 30) + "\nanswer",
		" stuffed line\nFrom here",
	} {
		if got := Unflow(EncodeFlowed(in), false); got != in {
			t.Errorf("round trip of %q:\ngot  %q", in, got)
		}
	}
}

func TestUnflowDelSp(t *testing.T) {
	if got := Unflow("Hel \nlo", true); got != "Hello" {
		t.Errorf("delsp: %q", got)
	}
	if got := Unflow("Hel \nlo", false); got != "Hel lo" {
		t.Errorf("no delsp: %q", got)
	}
}
