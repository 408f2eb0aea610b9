package handlers

import (
	"archive/zip"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"unicode"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/web/reqctx"
)

// MessageAttachmentsZip downloads every attachment of a message as one
// .zip: each part is streamed from the mail server into the archive in
// turn, so no attachment is held in memory whatever its size.
func (h *Handler) MessageAttachmentsZip(w http.ResponseWriter, r *http.Request) error {
	mailbox, uid, err := messageParams(r)
	if err != nil {
		return err
	}
	mv, err := h.mail(r).MessageContent(r.Context(), mailbox, uid)
	if err != nil {
		return err
	}
	parts := mv.Msg.Attachments
	if len(parts) == 0 {
		return badRequest("This message has no attachments.")
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "application/zip")
	hdr.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": zipName(mv.Msg.Subject)}))
	zw := zip.NewWriter(w)
	taken := map[string]bool{}
	for i, a := range parts {
		name := a.Filename
		if name == "" && a.Message != nil {
			name = "message.eml"
		}
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: uniqueName(safeEntryName(name, i+1), taken), Method: zip.Deflate, Modified: mv.Msg.Date})
		if err != nil {
			return nil // the browser went away
		}
		err = h.mail(r).StreamPart(r.Context(), mailbox, uid, imapproxy.PartRef{Path: a.Path}, func(imapproxy.PartInfo) (io.Writer, error) {
			return fw, nil
		})
		if err != nil {
			// The archive is cut short, which the browser reports as a
			// failed download: the status line is long gone.
			reqctx.Logger(r.Context()).Error("zip of attachments cut short", "part", a.Path, "err", err)
			return nil
		}
	}
	return zw.Close()
}

// safeEntryName makes a sender's file name a plain name for an archive
// entry: no directories (a "../" would write outside the folder when
// extracted), no control characters, not empty, not too long.
func safeEntryName(name string, n int) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(strings.TrimSpace(name))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '/' || r == ':' {
			return '_'
		}
		return r
	}, name)
	name = strings.TrimLeft(name, ".")
	if name == "" || name == "." {
		name = "attachment-" + strconv.Itoa(n)
	}
	if len(name) > 150 {
		ext := path.Ext(name)
		if len(ext) > 10 {
			ext = ""
		}
		name = strings.ToValidUTF8(name[:150-len(ext)], "") + ext
	}
	return name
}

// uniqueName numbers a name already taken: "a.pdf", "a (2).pdf".
func uniqueName(name string, taken map[string]bool) string {
	out := name
	ext := path.Ext(name)
	for i := 2; taken[strings.ToLower(out)]; i++ {
		out = strings.TrimSuffix(name, ext) + " (" + strconv.Itoa(i) + ")" + ext
	}
	taken[strings.ToLower(out)] = true
	return out
}

// zipName names the archive after the message.
func zipName(subject string) string {
	s := safeEntryName(subject, 0)
	if s == "attachment-0" {
		s = "attachments"
	}
	if len(s) > 80 {
		s = strings.ToValidUTF8(s[:80], "")
	}
	return s + " - attachments.zip"
}
