package handlers

import (
	"encoding/base64"
	"html"
	"net/http"
	"strings"

	"github.com/tidings-mail/tidings/imapproxy/message"
	"github.com/tidings-mail/tidings/web/htmlmail"
)

// bodyCSP is the policy of the HTML body document, on top of the iframe's
// sandbox (no scripts, opaque origin): nothing may load but the message's
// own inline parts (same origin, under this message's URL) and data:
// images. With remote content allowed, https images too, never scripts.
const (
	bodyCSP       = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox"
	bodyCSPRemote = "default-src 'none'; img-src 'self' data: https: http:; style-src 'unsafe-inline'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox"
)

// MessageBody serves the sanitized HTML of a message as a document of its
// own, for the sandboxed iframe of the message page. It does not mark the
// message read (the page did).
func (h *Handler) MessageBody(w http.ResponseWriter, r *http.Request) error {
	mailbox, uid, err := messageParams(r)
	if err != nil {
		return err
	}
	mv, err := h.mail(r).MessageContent(r.Context(), mailbox, uid)
	if err != nil {
		return err
	}
	remote := r.URL.Query().Get("remote") == "1"
	res := htmlmail.Sanitize(mv.Msg.HTML, htmlmail.Options{AllowRemote: remote, Images: inlineImages(mv.Msg)})
	csp := bodyCSP
	if remote {
		csp = bodyCSPRemote
	}
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", csp)
	// The page that embeds this frame is ours: let it, nobody else.
	hdr.Set("X-Frame-Options", "SAMEORIGIN")
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">`)
	b.WriteString(`<base target="_blank"><title>`)
	b.WriteString(html.EscapeString(mv.Msg.Subject))
	b.WriteString(`</title><style>` + frameStyle + `</style></head><body>`)
	b.WriteString(res.HTML)
	b.WriteString(`</body></html>`)
	_, _ = w.Write([]byte(b.String()))
	return nil
}

// inlineImages turns the message's own cid: images into data: URIs, for
// those whose bytes really are PNG, JPEG, GIF or WebP (whatever their
// declared type): the sandboxed frame has an opaque origin and no cookie,
// so it cannot fetch them from the app.
func inlineImages(m *message.Message) map[string]string {
	out := map[string]string{}
	for _, list := range [][]message.Part{m.Inline, m.Attachments} {
		for _, p := range list {
			if p.ContentID == "" || len(p.Data) == 0 {
				continue
			}
			if ct := http.DetectContentType(p.Data); isRasterImage(ct) {
				out[p.ContentID] = "data:" + ct + ";base64," + base64.StdEncoding.EncodeToString(p.Data)
			}
		}
	}
	return out
}

// frameStyle gives mail without its own layout readable defaults, and keeps
// wide newsletters from overflowing a phone screen.
const frameStyle = `html{color-scheme:light}body{margin:0;padding:12px 16px;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d232b;background:#fff;overflow-wrap:anywhere}img{max-width:100%;height:auto}table{max-width:100%}pre{white-space:pre-wrap}blockquote{margin:0 0 0 .5em;padding-left:.8em;border-left:3px solid #c9d2dc;color:#4a5561}a{color:#0b62c4}`
