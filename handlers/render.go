package handlers

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/a-h/templ"

	"github.com/tidings-mail/tidings/web/reqctx"
)

// render writes a component fully buffered, so a failing template yields a
// clean error page instead of half a page. Buffers are reused: a folder
// page is tens of kilobytes, which a fresh buffer would grow to by
// copying several times on every request.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(buf)
	if err := c.Render(r.Context(), buf); err != nil {
		reqctx.Logger(r.Context()).Error("render failed", "err", err)
		http.Error(w, "Tidings could not draw this page. Please reload.", http.StatusInternalServerError)
		return
	}
	clearFlash(w, r)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putPageBuffer keeps buf for the next page unless it grew past what a
// page needs (a huge message page), which would pin that memory.
func putPageBuffer(buf *bytes.Buffer) {
	if buf.Cap() > 1<<20 {
		return
	}
	buf.Reset()
	pageBuffers.Put(buf)
}

// redirect answers a POST with 303 See Other (redirect-after-post), with an
// optional one-shot message shown by the next page.
func redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(flash), Path: "/",
			MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

const flashCookie = "tidings_flash"

// maxFlash is the longest one-shot message shown; a longer cookie value
// is somebody else's doing and is ignored.
const maxFlash = 200

// flashFrom reads the one-shot message; the middleware's no-store header
// and the short MaxAge keep it from reappearing. It is cleared by the
// page that shows it.
func flashFrom(r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	v, err := url.QueryUnescape(c.Value)
	if err != nil || len(v) > maxFlash {
		return ""
	}
	return v
}

func clearFlash(w http.ResponseWriter, r *http.Request) {
	if _, err := r.Cookie(flashCookie); err == nil {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1})
	}
}
