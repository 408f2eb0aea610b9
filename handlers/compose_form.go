package handlers

import (
	"crypto/rand"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/tidings-mail/tidings/imapproxy/message"
)

// Limits of the compose form's text fields. A longer message text is a
// document: attach it.
const (
	maxComposeBody  = 1 << 20
	maxComposeField = 16 << 10
)

// composeInput is one posted compose form.
type composeInput struct {
	ID          string
	Draft       string            // the draft the form last saved (draftToken), if any
	text        map[string]string // the text fields posted, by name
	Remove      []string          // attachment IDs whose Remove button was pressed
	Uploads     []*composeFile    // spooled files, to be adopted or deleted
	TooLarge    []string          // names of files refused for the size limit
	Cut         bool              // the request was too large: the rest was not read
	FieldErrors map[string]string
}

// applyTo copies the posted text fields into f. A field the post did not
// carry keeps its value: a script that posts only some fields must not
// blank the others.
func (in *composeInput) applyTo(f *ComposeFields) {
	for name, dst := range map[string]*string{"from_name": &f.FromName, "to": &f.To, "cc": &f.Cc, "bcc": &f.Bcc,
		"subject": &f.Subject, "body": &f.Body} {
		if v, ok := in.text[name]; ok {
			*dst = v
		}
	}
}

// discardUploads deletes the spooled files nobody adopted.
func (in *composeInput) discardUploads() {
	for _, f := range in.Uploads {
		_ = os.Remove(f.Path)
	}
	in.Uploads = nil
}

// readComposeForm reads the form as a stream: text fields into memory
// (bounded), files straight into the upload directory, never a whole
// upload in memory. A file that would take the attachments over the
// limit is drained, not kept, and the fields after it are still read;
// only a request larger than any allowed form is cut off. An
// application/x-www-form-urlencoded post (a script's autosave) works too.
func (h *Handler) readComposeForm(w http.ResponseWriter, r *http.Request) (*composeInput, error) {
	limit := h.Compose.MaxAttachmentBytes
	r.Body = http.MaxBytesReader(w, r.Body, 2*limit+2*maxComposeBody+(1<<20))
	in := &composeInput{text: map[string]string{}, FieldErrors: map[string]string{}}
	mr, err := r.MultipartReader()
	if errors.Is(err, http.ErrNotMultipart) {
		if err := r.ParseForm(); err != nil {
			return nil, badRequest("The form could not be read. Please try again.")
		}
		for name, vals := range r.PostForm {
			for _, v := range vals {
				in.setField(name, v)
			}
		}
		return in, nil
	}
	if err != nil {
		return nil, badRequest("The form could not be read. Please try again.")
	}
	var spooled int64
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			// Most likely the hard size cap: keep what arrived.
			in.Cut = true
			break
		}
		name := p.FormName()
		if name == "attachment" && p.FileName() != "" {
			f, err := h.spoolUpload(p, limit-spooled)
			switch {
			case errors.Is(err, errSpoolFull):
				in.TooLarge = append(in.TooLarge, cleanUploadName(p.FileName()))
				if _, err := io.Copy(io.Discard, p); err != nil {
					in.Cut = true
				}
			case err != nil:
				in.Cut = true
			default:
				spooled += f.Size
				in.Uploads = append(in.Uploads, f)
			}
			p.Close()
			if in.Cut {
				break
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(p, int64(fieldLimit(name))+1))
		p.Close()
		if err != nil {
			in.Cut = true
			break
		}
		in.setField(name, string(b))
	}
	return in, nil
}

func fieldLimit(name string) int {
	if name == "body" {
		return maxComposeBody
	}
	return maxComposeField
}

// setField takes one posted text field, cut to its limit (with a field
// error saying so) and made valid UTF-8.
func (in *composeInput) setField(name, v string) {
	if lim := fieldLimit(name); len(v) > lim {
		v = v[:lim]
		in.FieldErrors[name] = "This is too long and was cut short. Shorten it, or send the text as an attachment."
	}
	v = strings.ToValidUTF8(v, "\uFFFD")
	switch name {
	case "compose":
		in.ID = v
	case "draft":
		in.Draft = v
	case "remove":
		in.Remove = append(in.Remove, v)
	case "from_name", "to", "cc", "bcc", "subject", "body":
		in.text[name] = v
	}
}

// spoolUpload stores one uploaded file, at most budget bytes.
func (h *Handler) spoolUpload(p *multipart.Part, budget int64) (*composeFile, error) {
	name := cleanUploadName(p.FileName())
	path, n, err := h.Compose.Store.spool(p, max(budget, 0))
	if err != nil {
		return nil, err
	}
	return &composeFile{ID: newAttachmentID(), Name: name, Type: uploadType(p.Header.Get("Content-Type"), name), Size: n, Path: path}, nil
}

// cleanUploadName is the name an uploaded file is attached under: the base
// name the browser sent, cleaned as names of received attachments are
// (no directories, no control or bidirectional-override characters).
func cleanUploadName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	return message.SafeFilename(name, "application/octet-stream", "1")
}

// uploadType is the media type an upload is attached as: what the browser
// said when it is a valid single-part type, else a guess from the name.
func uploadType(declared, name string) string {
	if mt, _, err := mime.ParseMediaType(declared); err == nil && strings.Count(mt, "/") == 1 &&
		!strings.HasPrefix(mt, "multipart/") && utf8.ValidString(mt) {
		return mt
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		if mt, _, err := mime.ParseMediaType(t); err == nil {
			return mt
		}
	}
	return "application/octet-stream"
}

func newAttachmentID() string { return rand.Text()[:12] }
