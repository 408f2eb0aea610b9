package htmlmail

import (
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"
)

func parse(t *testing.T, fragment string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(fragment))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func readGolden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/golden/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNewsletterLayout checks that what a newsletter needs to look right
// survives: tables and their attributes, inline styles, the style sheet.
func TestNewsletterLayout(t *testing.T) {
	res := Sanitize(readGolden(t, "newsletter.html"), Options{})
	doc := parse(t, res.HTML)
	checks := []struct{ selector, attr, want string }{
		{"table#bodyTable", "bgcolor", "#FAFAFA"},
		{"table#bodyTable", "width", "100%"},
		{"table#bodyTable", "cellpadding", "0"},
		{"table.templateContainer", "style", "border: 1px solid #e5e5e5; max-width: 600px"},
		{"td#bodyCell", "valign", "top"},
		{"td#templateHeader", "style", "background: #ffffff no-repeat center top; padding: 18px 0"},
		{"td[bgcolor='#2E7D32']", "align", "center"},
		{"h1", "style", "font-size: 26px; font-weight: bold; color: #2E7D32; letter-spacing: normal; margin: 0 0 12px 0"},
		{"font[face]", "color", "#2E7D32"},
		{"ul", "style", "padding-left: 20px; list-style-type: square"},
		{"img[alt='Seed packets on a table']", "width", "564"},
		{"img[alt='Seed packets on a table']", "height", "320"},
		{"a.mcnButton", "target", "_blank"},
		{"a.mcnButton", "rel", "noopener noreferrer nofollow"},
		{"a[href^='tel:']", "href", "tel:+441632960123"},
	}
	for _, c := range checks {
		t.Run(c.selector+"@"+c.attr, func(t *testing.T) {
			sel := doc.Find(c.selector)
			if sel.Length() == 0 {
				t.Fatalf("%s not found in %s", c.selector, res.HTML)
			}
			if got, _ := sel.Attr(c.attr); got != c.want {
				t.Errorf("%s %s = %q, want %q", c.selector, c.attr, got, c.want)
			}
		})
	}
	if n := doc.Find("center table td").Length(); n < 10 {
		t.Errorf("only %d table cells kept", n)
	}
	sheet := doc.Find("style").Text()
	for _, want := range []string{"@media only screen and (max-width: 480px){", ".mcnImage{width: 100% !important}",
		"#templateHeader{background-color: #ffffff;"} {
		if !strings.Contains(sheet, want) {
			t.Errorf("style sheet lacks %q:\n%s", want, sheet)
		}
	}
	if strings.Contains(sheet, "fixed") || strings.Contains(sheet, "z-index") {
		t.Errorf("style sheet kept an overlay: %s", sheet)
	}
	if doc.Find("img[src]").Length() != 0 || !res.RemoteBlocked {
		t.Errorf("remote images kept or not reported (RemoteBlocked=%v)", res.RemoteBlocked)
	}
}

// TestRemoteContent checks both modes on the same images.
func TestRemoteContent(t *testing.T) {
	in := `<img src="https://cdn.example.com/a.png" width="100" height="50" alt="A">` +
		`<img src="//cdn.example.com/b.png" srcset="https://cdn.example.com/b.png 1x, https://cdn.example.com/b@2x.png 2x">` +
		`<table background="https://cdn.example.com/bg.png"><tr><td style="background-image:url(https://cdn.example.com/c.png)">x</td></tr></table>`
	tests := []struct {
		remote     bool
		wantSrc    []string
		wantBlock  bool
		wantTdBack string
	}{
		{false, nil, true, ""},
		{true, []string{"https://cdn.example.com/a.png", "https://cdn.example.com/b.png"}, false,
			"background-image: url('https://cdn.example.com/c.png')"},
	}
	for _, tc := range tests {
		res := Sanitize(in, Options{AllowRemote: tc.remote})
		doc := parse(t, res.HTML)
		var src []string
		doc.Find("img[src]").Each(func(_ int, s *goquery.Selection) { src = append(src, s.AttrOr("src", "")) })
		if diff := cmp.Diff(tc.wantSrc, src); diff != "" {
			t.Errorf("remote=%v img src (-want +got):\n%s", tc.remote, diff)
		}
		if res.RemoteBlocked != tc.wantBlock {
			t.Errorf("remote=%v RemoteBlocked = %v", tc.remote, res.RemoteBlocked)
		}
		if got := doc.Find("td").AttrOr("style", ""); got != tc.wantTdBack {
			t.Errorf("remote=%v td style = %q, want %q", tc.remote, got, tc.wantTdBack)
		}
		img := doc.Find("img[alt=A]")
		if img.AttrOr("width", "") != "100" || img.AttrOr("height", "") != "50" {
			t.Errorf("remote=%v: blocked image lost its size: %s", tc.remote, res.HTML)
		}
	}
}

// TestNotRemote: references that load nothing by themselves must not
// raise RemoteBlocked (the "show remote content" banner).
func TestNotRemote(t *testing.T) {
	for _, in := range []string{
		`<a href="https://example.com/">link</a>`,
		`<svg><a href="https://example.com/">svg link</a></svg>`,
		`<div href="https://example.com/">odd attribute</div>`,
		`<form action="https://example.com/post"><input name=q></form>`,
		`<a href="https://example.com/" ping="https://example.com/ping">x</a>`,
		`<img src="cid:logo@example.com"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">`,
		`<blockquote cite="https://example.com/">q</blockquote>`,
		`<div style="background: url(cid:bg)">x</div>`,
	} {
		if res := Sanitize(in, Options{}); res.RemoteBlocked {
			t.Errorf("RemoteBlocked for %s", in)
		}
	}
}

func TestCIDImages(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<img src="cid:part1.06090408.01060107@example.com">`, "cid/part1.06090408.01060107@example.com"},
		{`<img src="CID:logo">`, "cid/logo"},
		{`<img src="cid:a%40b">`, "cid/a@b"},
		{`<img src="cid:a/b?c#d">`, "cid/a%2Fb%3Fc%23d"},
		{`<img src="cid:&lt;x@y&gt;">`, "cid/x@y"},
		{`<img src="cid:with space">`, "cid/with%20space"},
		{`<img src="cid:..">`, ""},
		{`<img src="cid:">`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			res := Sanitize(tc.in+"x", Options{})
			got := parse(t, res.HTML).Find("img").AttrOr("src", "")
			if got != tc.want {
				t.Errorf("src = %q, want %q (%s)", got, tc.want, res.HTML)
			}
			if res.RemoteBlocked {
				t.Error("cid: reported as remote")
			}
		})
	}
	res := Sanitize(`<table><tr><td background="cid:bg@x">x</td></tr></table>`, Options{})
	if got := parse(t, res.HTML).Find("td").AttrOr("background", ""); got != "cid/bg@x" {
		t.Errorf("td background = %q", got)
	}
}

func TestLinks(t *testing.T) {
	tests := []struct {
		in, href, target string
	}{
		{`<a href="https://example.com/a?b=1&amp;c=2">x</a>`, "https://example.com/a?b=1&c=2", "_blank"},
		{`<a href="http://example.com/" target="_self">x</a>`, "http://example.com/", "_blank"},
		{`<a href="//example.com/p">x</a>`, "https://example.com/p", "_blank"},
		{`<a href="mailto:someone@example.com?subject=Hi">x</a>`, "mailto:someone@example.com?subject=Hi", "_blank"},
		{`<a href="tel:+15555550100">x</a>`, "tel:+15555550100", "_blank"},
		{`<a href="#section-2">x</a>`, "#section-2", ""},
		{`<a href="javascript:alert(1)">x</a>`, "", ""},
		{`<a href="relative/path">x</a>`, "", ""},
		{`<base href="https://shop.example.com/a/"><a href="b/c">x</a>`, "https://shop.example.com/a/b/c", "_blank"},
		{`<base href="javascript:alert(1)//"><a href="b">x</a>`, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			res := Sanitize(tc.in, Options{})
			checkSafe(t, res.HTML, false)
			a := parse(t, res.HTML).Find("a")
			if got := a.AttrOr("href", ""); got != tc.href {
				t.Errorf("href = %q, want %q (%s)", got, tc.href, res.HTML)
			}
			if got := a.AttrOr("target", ""); got != tc.target {
				t.Errorf("target = %q, want %q", got, tc.target)
			}
			if tc.target != "" && a.AttrOr("rel", "") != "noopener noreferrer nofollow" {
				t.Errorf("rel = %q", a.AttrOr("rel", ""))
			}
		})
	}
}

func TestDataImages(t *testing.T) {
	png := "data:image/png;base64,iVBORw0KGgo="
	tests := []struct{ in, want string }{
		{`<img src="` + png + `">`, png},
		{`<img src="DATA:IMAGE/JPEG;BASE64,/9j/4AAQ">`, "data:image/jpeg;base64,/9j/4AAQ"},
		{`<img src="data:image/svg+xml;base64,PHN2Zz4=">`, ""},
		{`<img src="data:image/png,rawbytes">`, ""},
		{`<img src="data:text/html;base64,PHNjcmlwdD4=">`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			res := Sanitize(tc.in+"x", Options{})
			if got := parse(t, res.HTML).Find("img").AttrOr("src", ""); got != tc.want {
				t.Errorf("src = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestStyleAttribute(t *testing.T) {
	tests := []struct{ in, want string }{
		{"color: red; font-size: 14px", "color: red; font-size: 14px"},
		{"COLOR:#FFF;;padding:0 -5px", "color: #FFF; padding: 0 -5px"},
		{`font-family: "Segoe UI", Arial`, "font-family: 'Segoe UI', Arial"},
		{"color: rgb(1,2,3); background-color: transparent", "color: rgb(1, 2, 3); background-color: transparent"},
		{"display: inline-block; display: flex; display: table-cell", "display: inline-block; display: table-cell"},
		{"position: fixed; z-index: 10; color: blue", "color: blue"},
		{"width: expression(alert(1)); height: 10px", "height: 10px"},
		{"color: red !important", "color: red"},
		{"mso-line-height-rule: exactly; line-height: 20px", "line-height: 20px"},
		{"color: red; /* comment */ margin: 0", "color: red; margin: 0"},
		{`background-image: url("cid:bg@x")`, "background-image: url('cid/bg@x')"},
		{"font: bold 12px/1.5 Arial, sans-serif", "font: bold 12px/1.5 Arial, sans-serif"},
		{"border: 1px solid #ccc; border-radius: 4px", "border: 1px solid #ccc; border-radius: 4px"},
		{"color: red; unclosed: 'string", "color: red"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			res := Sanitize(`<div style="`+strings.ReplaceAll(tc.in, `"`, "&quot;")+`">x</div>`, Options{})
			if got := parse(t, res.HTML).Find("div").AttrOr("style", ""); got != tc.want {
				t.Errorf("style = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestBodyAttributes(t *testing.T) {
	res := Sanitize(`<body bgcolor="#eeeeee" text="navy" style="font-family: Arial">Hi</body>`, Options{})
	got := parse(t, res.HTML).Find("div").AttrOr("style", "")
	if want := "background-color: #eeeeee; color: navy; font-family: Arial"; got != want {
		t.Errorf("wrapper style = %q, want %q", got, want)
	}
}

func TestTruncation(t *testing.T) {
	if got := truncate("aé", 2); got != "a" {
		t.Errorf("truncate split a rune: %q", got)
	}
	big := strings.Repeat("<p>é—x</p>", MaxInputBytes/8)
	res := Sanitize(big, Options{})
	if len(res.HTML) == 0 || len(res.HTML) > MaxInputBytes+MaxInputBytes/4 {
		t.Errorf("output of %d bytes for a %d-byte input", len(res.HTML), len(big))
	}
	checkSafe(t, res.HTML[len(res.HTML)-200:], false)
}

// TestDeepNesting: the parser refuses more than 512 open elements; the text
// must still be shown.
func TestDeepNesting(t *testing.T) {
	in := strings.Repeat("<div>", 2000) + "deep <b>text</b><script>alert(1)</script>" + strings.Repeat("</div>", 2000)
	res := Sanitize(in, Options{})
	checkSafe(t, res.HTML, false)
	if !strings.Contains(res.HTML, "deep text") || strings.Contains(res.HTML, "alert") {
		t.Errorf("fallback output: %.200s", res.HTML)
	}
}

// TestPathologicalCSS guards against bluemonday's exponential shorthand
// checks and the CSS scanner on hostile input.
func TestPathologicalCSS(t *testing.T) {
	inputs := []string{
		`<p style="border:` + strings.Repeat(" solid", 200) + ` x">a</p>`,
		`<p style="text-decoration:` + strings.Repeat(" underline", 200) + ` x">a</p>`,
		`<p style="font:` + strings.Repeat(" a", 200) + `">a</p>`,
		`<p style="` + strings.Repeat("color:red;", 50000) + `">a</p>`,
		`<style>` + strings.Repeat("@media screen{", 10000) + `</style>`,
		`<style>` + strings.Repeat("a{", 100000) + `</style>`,
		`<p style="` + strings.Repeat(`\`, 100000) + `">a</p>`,
		`<p style="background:` + strings.Repeat("url(", 250000) + `">a</p>`,
		`<style>` + strings.Repeat("url(", 120000) + `</style>`,
		`<p style="color:` + strings.Repeat("x(", 500000) + `">a</p>`,
		`<p style="background:` + strings.Repeat("url('http://t.example/a.png') ", 30000) + `">a</p>`,
		`<p style="` + strings.Repeat("background-image:url(cid:x);", 30000) + `">a</p>`,
		`<style>` + strings.Repeat("}", 400000) + `</style>`,
		`<style>` + strings.Repeat("a,", 200000) + `b{color:red}</style>`,
		`<p style="font-family:'` + strings.Repeat("a", 1000000) + `">a</p>`,
	}
	for i, in := range inputs {
		start := time.Now()
		res := Sanitize(in, Options{})
		// Generous: this catches quadratic blow-ups (minutes), under -race too.
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("input %d took %v", i, d)
		}
		checkSafe(t, res.HTML, false)
	}
}

// TestConcurrent runs Sanitize from many goroutines (go test -race).
func TestConcurrent(t *testing.T) {
	in := readGolden(t, "newsletter.html")
	want := Sanitize(in, Options{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := Sanitize(in, Options{AllowRemote: i%2 == 1}); i%2 == 0 && got != want {
				t.Error("concurrent result differs")
			}
		}()
	}
	wg.Wait()
}

func TestTrivialInputs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain text & more", "plain text &amp; more"},
		{"<p>Hello</p>", "<p>Hello</p>"},
		{"<html><head><title>T</title></head><body></body></html>", ""},
		{"\xff\xfe<b>bad utf-8</b>", "\uFFFD<b>bad utf-8</b>"},
	}
	for _, tc := range tests {
		if got := Sanitize(tc.in, Options{}); got.HTML != tc.want || got.RemoteBlocked {
			t.Errorf("Sanitize(%q) = %+v, want %q", tc.in, got, tc.want)
		}
	}
}
