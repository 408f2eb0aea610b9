// Package htmlmail is the email HTML policy: it turns the HTML body of a
// message, which anyone on earth can write, into a fragment that is safe to
// show.
//
// Sanitize works in two steps. First a rewrite pass over the parsed
// document (golang.org/x/net/html) drops active and embedded content,
// rewrites URLs (cid: references become relative "cid/<id>" URLs, remote
// resources are removed unless the user allowed them, links are limited to
// http, https, mailto and tel) and filters inline CSS. Then bluemonday runs
// last, with a policy built from the same allow-lists, so nothing the
// rewriter emits escapes the sanitizer.
//
// The one exception is the message's <style> sheets: bluemonday can only
// drop them, so the rewriter rebuilds them itself from checked tokens
// (see stylesheet.go) and Result.HTML starts with that <style> element.
//
// The output is meant for a document of its own, served from
// /mail/{mailbox}/{uid}/body into an <iframe sandbox> (no allow-scripts, no
// allow-same-origin) under a strict Content-Security-Policy. The sanitizer
// is one layer of three; the other two must stay.
package htmlmail

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// MaxInputBytes is how much of a body Sanitize reads. Longer input is cut
// (at a UTF-8 boundary) and the rest ignored; telling the user that the
// message was truncated is the caller's business.
const MaxInputBytes = 5 << 20

// Options says what the user allowed for this message.
type Options struct {
	// AllowRemote is set when the user clicked "show remote content" for
	// this message: remote http(s) images and backgrounds are then kept.
	AllowRemote bool
	// Images maps Content-IDs (without angle brackets) to data: URIs of
	// the message's own raster images. An <img src="cid:…"> with a known
	// id shows that image; the frame the body lives in is sandboxed to an
	// opaque origin, which carries no session cookie, so it could not
	// fetch the part from the app itself.
	Images map[string]string
}

// Result is a sanitized body.
type Result struct {
	// HTML is the sanitized fragment, safe to place in a document body.
	HTML string
	// RemoteBlocked reports that remote content (img src or srcset,
	// background attributes, CSS url(), <link>, video posters, input
	// images…) was removed because AllowRemote was false. Some of it
	// (a <link> sheet, a video) is never shown, even when allowed.
	RemoteBlocked bool
}

// Sanitize returns the safe form of an HTML email body (a whole document
// or a fragment, already decoded to UTF-8; invalid bytes become U+FFFD).
// It is safe for concurrent use and never panics: should anything go wrong
// it returns an empty Result. A document nested deeper than the HTML
// parser accepts (512 open elements) comes back as its text alone. Relative
// links and images resolve against the message's own <base href> when that
// is an http(s) URL, and are dropped otherwise.
func Sanitize(body string, opt Options) (res Result) {
	defer func() {
		if recover() != nil {
			res = Result{}
		}
	}()
	return sanitize(body, opt)
}

// sanitize is Sanitize without the recover, so that tests and the fuzzer
// see panics.
func sanitize(body string, opt Options) Result {
	body = strings.ToValidUTF8(truncate(body, MaxInputBytes), "\uFFFD")
	r := newRewriter(opt.AllowRemote)
	r.images = opt.Images
	frag, err := r.rewrite(body)
	if err != nil {
		// The parser refuses documents nested deeper than 512 elements.
		// Show the text rather than nothing.
		r = newRewriter(opt.AllowRemote)
		r.images = opt.Images
		frag = r.textOnly(body)
	}
	out := policyFor(opt.AllowRemote).Sanitize(frag)
	if sheet := r.styleSheet(); sheet != "" {
		out = "<style>" + sheet + "</style>" + out
	}
	return Result{HTML: out, RemoteBlocked: r.remoteBlocked}
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// rewrite parses the document, cleans its body and renders it back.
func (r *rewriter) rewrite(src string) (string, error) {
	// Scripting off: the sandboxed frame runs no script, so <noscript>
	// content is what it shows, and we parse it as markup to clean it.
	doc, err := html.ParseWithOptions(strings.NewReader(src), html.ParseOptionEnableScripting(false))
	if err != nil {
		return "", err
	}
	r.findBase(doc)
	var head, body *html.Node
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && n.Namespace == "" {
			switch {
			case n.DataAtom == atom.Head && head == nil:
				head = n
			case n.DataAtom == atom.Body && body == nil:
				body = n
			}
		}
	}
	if head != nil {
		r.noteRemote(head) // <link>, <script src>… are never kept, but count
		for n := range head.Descendants() {
			if n.Type == html.ElementNode && n.DataAtom == atom.Style && n.Namespace == "" {
				r.collectSheet(n)
			}
		}
	}
	if body == nil { // a <frameset> document: nothing we show
		r.noteRemote(doc)
		return "", nil
	}
	r.clean(body)
	var b strings.Builder
	if w := r.bodyWrapper(body); w != nil {
		for _, c := range children(body) {
			body.RemoveChild(c)
			w.AppendChild(c)
		}
		body.AppendChild(w)
	}
	for c := body.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&b, c); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

// textOnly is the fallback for documents the parser refuses: the text
// content, escaped, with line breaks where block elements were. Raw-text
// elements (script, style, title…) contribute nothing.
func (r *rewriter) textOnly(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	skip := ""
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip == "" {
				b.WriteString(html.EscapeString(string(z.Text())))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			for _, a := range t.Attr {
				r.noteRemoteAttr(t.Data, a)
			}
			switch t.DataAtom {
			case atom.Script, atom.Style, atom.Title, atom.Textarea, atom.Xmp, atom.Iframe,
				atom.Noembed, atom.Noframes, atom.Noscript, atom.Plaintext:
				if skip == "" {
					skip = t.Data
				}
			case atom.Br, atom.P, atom.Div, atom.Tr, atom.Li, atom.H1, atom.H2, atom.H3,
				atom.H4, atom.H5, atom.H6, atom.Blockquote, atom.Table, atom.Hr:
				if skip == "" {
					b.WriteString("<br>")
				}
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == skip {
				skip = ""
			}
		}
	}
}
