package handlers

import (
	"bufio"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/tidings-mail/tidings/imapproxy"
)

// MessagePart downloads one attachment, streamed from the mail server.
// It is always a download (Content-Disposition: attachment, RFC 6266) and
// never sniffed, so a sender's HTML or SVG cannot run under our origin.
func (h *Handler) MessagePart(w http.ResponseWriter, r *http.Request) error {
	mailbox, uid, err := messageParams(r)
	if err != nil {
		return err
	}
	ref := imapproxy.PartRef{Path: r.PathValue("part")}
	if !validPartPath(ref.Path) {
		return badRequest("That attachment link is not valid.")
	}
	if r.URL.Query().Get("preview") == "1" {
		return h.streamImage(w, r, mailbox, uid, ref)
	}
	return h.mail(r).StreamPart(r.Context(), mailbox, uid, ref, func(info imapproxy.PartInfo) (io.Writer, error) {
		hdr := w.Header()
		hdr.Set("Content-Type", downloadType(info.ContentType))
		hdr.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": info.Filename}))
		hdr.Set("Content-Security-Policy", "sandbox; default-src 'none'")
		return w, nil
	})
}

// streamImage serves a part inline only when its first bytes prove it a
// PNG, JPEG, GIF or WebP image, whatever its declared type: an "image"
// that is really HTML or SVG is refused.
func (h *Handler) streamImage(w http.ResponseWriter, r *http.Request, mailbox string, uid uint32, ref imapproxy.PartRef) error {
	sw := &sniffWriter{w: w}
	err := h.mail(r).StreamPart(r.Context(), mailbox, uid, ref, func(imapproxy.PartInfo) (io.Writer, error) {
		return sw, nil
	})
	if err == nil {
		err = sw.finish()
	}
	return err
}

// sniffWriter holds the first 512 bytes, decides from them whether this is
// a raster image, then passes everything through, or refuses.
type sniffWriter struct {
	w       http.ResponseWriter
	head    []byte
	decided bool
	refused bool
	bw      *bufio.Writer
}

func (s *sniffWriter) Write(p []byte) (int, error) {
	if s.refused {
		return len(p), nil // drain quietly; the answer is already 415
	}
	if !s.decided {
		s.head = append(s.head, p...)
		if len(s.head) < 512 {
			return len(p), nil
		}
		if err := s.decide(); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return s.w.Write(p)
}

func (s *sniffWriter) decide() error {
	s.decided = true
	ct := http.DetectContentType(s.head)
	if !isRasterImage(ct) {
		s.refused = true
		http.Error(s.w, "not an image", http.StatusUnsupportedMediaType)
		return nil
	}
	s.w.Header().Set("Content-Type", ct)
	s.w.Header().Set("Content-Security-Policy", "default-src 'none'")
	s.w.Header().Set("Cache-Control", "private, no-store")
	_, err := s.w.Write(s.head)
	return err
}

func (s *sniffWriter) finish() error {
	if !s.decided {
		return s.decide()
	}
	return nil
}

// downloadType keeps a part's declared type for downloads unless it is one
// a browser might render as a document.
func downloadType(ct string) string {
	switch ct {
	case "text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml", "text/javascript", "application/javascript":
		return "application/octet-stream"
	case "":
		return "application/octet-stream"
	}
	return ct
}

// validPartPath accepts IMAP part numbers like "2" or "1.3.2".
func validPartPath(p string) bool {
	if p == "" || len(p) > 64 {
		return false
	}
	prevDot := true
	for _, c := range p {
		switch {
		case c == '.':
			if prevDot {
				return false
			}
			prevDot = true
		case c >= '0' && c <= '9':
			prevDot = false
		default:
			return false
		}
	}
	return !prevDot
}

// MessageRaw downloads the whole message as .eml ("view source").
func (h *Handler) MessageRaw(w http.ResponseWriter, r *http.Request) error {
	mailbox, uid, err := messageParams(r)
	if err != nil {
		return err
	}
	return h.mail(r).StreamRaw(r.Context(), mailbox, uid, func(size int64) (io.Writer, error) {
		hdr := w.Header()
		hdr.Set("Content-Type", "message/rfc822")
		hdr.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "message-" + strconv.FormatUint(uint64(uid), 10) + ".eml"}))
		hdr.Set("Content-Length", strconv.FormatInt(size, 10))
		hdr.Set("Content-Security-Policy", "sandbox; default-src 'none'")
		return w, nil
	})
}
