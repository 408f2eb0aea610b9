package handlers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tidings-mail/tidings/templates"
)

func seg(text string) templates.TextSegment { return templates.TextSegment{Text: text} }
func link(u string) templates.TextSegment   { return templates.TextSegment{Text: u, URL: u} }

func TestTextLines(t *testing.T) {
	for _, tc := range []struct {
		name          string
		body          string
		flowed, delSp bool
		want          []templates.TextLine
	}{
		{"plain with quote", "Hi\r\n> quoted\r\n> > deeper\r\n", false, false, []templates.TextLine{
			{Segments: []templates.TextSegment{seg("Hi")}},
			{Quote: 1, Segments: []templates.TextSegment{seg("quoted")}},
			{Quote: 2, Segments: []templates.TextSegment{seg("deeper")}},
		}},
		{"flowed paragraph joins", "This is \r\none line.\r\n\r\nNext", true, false, []templates.TextLine{
			{Segments: []templates.TextSegment{seg("This is one line.")}},
			{Segments: []templates.TextSegment{seg("\u00a0")}},
			{Segments: []templates.TextSegment{seg("Next")}},
		}},
		{"flowed delsp", "Lo \r\nng", true, true, []templates.TextLine{
			{Segments: []templates.TextSegment{seg("Long")}},
		}},
		{"flowed quote depth change ends paragraph", ">a \r\n>>b\r\n", true, false, []templates.TextLine{
			{Quote: 1, Segments: []templates.TextSegment{seg("a ")}},
			{Quote: 2, Segments: []templates.TextSegment{seg("b")}},
		}},
		{"signature separator is not soft", "-- \r\nBob", true, false, []templates.TextLine{
			{Segments: []templates.TextSegment{seg("-- ")}},
			{Segments: []templates.TextSegment{seg("Bob")}},
		}},
		{"links", "See https://example.org/a?b=c. Or (http://example.com/x_(y)).", false, false, []templates.TextLine{
			{Segments: []templates.TextSegment{seg("See "), link("https://example.org/a?b=c"), seg(". Or ("), link("http://example.com/x_(y)"), seg(").")}},
		}},
		{"no dangerous schemes", `javascript:alert(1) data:text/html,x <a href="http://x">`, false, false, []templates.TextLine{
			{Segments: []templates.TextSegment{seg(`javascript:alert(1) data:text/html,x <a href="`), link("http://x"), seg(`">`)}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := textLines(tc.body, tc.flowed, tc.delSp)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("textLines(%q) (-want +got):\n%s", tc.body, d)
			}
		})
	}
}

func TestShortDate(t *testing.T) {
	now := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	for in, want := range map[time.Time]string{
		time.Date(2026, 11, 23, 9, 5, 0, 0, time.UTC):  "09:05",
		time.Date(2026, 11, 22, 23, 0, 0, 0, time.UTC): "22 Nov",
		time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC):    "2 Jan 2025",
		{}: "",
	} {
		if got := shortDate(in, now); got != want {
			t.Errorf("shortDate(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestHumanSize(t *testing.T) {
	for in, want := range map[int64]string{0: "0 B", 999: "999 B", 1500: "2 kB", 2_500_000: "2.5 MB", 3e9: "3.0 GB"} {
		if got := humanSize(in); got != want {
			t.Errorf("humanSize(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestValidPartPath(t *testing.T) {
	for p, want := range map[string]bool{"1": true, "2.1": true, "1.2.3": true, "": false, ".1": false, "1.": false, "1..2": false, "a": false, "../1": false} {
		if got := validPartPath(p); got != want {
			t.Errorf("validPartPath(%q) = %v", p, got)
		}
	}
}
