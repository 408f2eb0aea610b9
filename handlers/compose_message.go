package handlers

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/imapproxy/submit"
	"github.com/tidings-mail/tidings/web/reqctx"
)

// composeRequest is one posted compose form with its composition, which
// it holds locked until end.
type composeRequest struct {
	in       *composeInput
	c        *Composition
	cm       composeMail
	user     string
	password func() (string, error)
	// notice says what happened to the attachments of this post (too
	// large, cut off), for the form.
	notice string
	// lost: the form's composition was gone (expired, the server
	// restarted, or another instance served the form); a new one holds
	// the text, and, when restored, what the draft the form last saved
	// held besides (attachments, threading). Without a saved draft the
	// attachments and threading are gone.
	lost, restored bool
}

// lostText and restoredText tell the user what a lost composition means
// for them.
const (
	lostText     = "This message had been closed on the server (after a restart or a long pause). Your text is kept; attach any files again and check the recipients."
	restoredText = "This message had been closed on the server (a restart or a long pause) and was reopened from its last saved draft. Your text is kept; check the attachments, then send it again."
)

// beginCompose reads the posted form and finds its composition. What the
// user typed is stored in it before anything else happens, so no failure
// after this point can lose it. A composition that is gone (expired,
// server restarted) is started anew from the text; its attachments and
// threading could not survive, and the form says so.
func (h *Handler) beginCompose(w http.ResponseWriter, r *http.Request) (*composeRequest, error) {
	cm, err := h.composeMailFor(r)
	if err != nil {
		return nil, err
	}
	in, err := h.readComposeForm(w, r)
	if err != nil {
		return nil, err
	}
	sess := reqctx.Session(r.Context())
	cr := &composeRequest{in: in, cm: cm, user: sess.User, password: sess.Password}
	c := h.Compose.Store.lookup(sess.ID, in.ID)
	if c == nil {
		c = h.Compose.Store.create(sess.ID)
		cr.lost = in.ID != ""
		if cr.lost && in.Draft != "" {
			cr.restored = h.restoreDraft(r.Context(), cm, c, in.Draft)
		}
	}
	cr.c = c
	if c.sent {
		return cr, nil
	}
	in.applyTo(&c.Fields)
	cr.applyAttachments(h.Compose.MaxAttachmentBytes)
	return cr, nil
}

// end releases the composition and deletes uploads nobody adopted.
func (cr *composeRequest) end() {
	cr.in.discardUploads()
	cr.c.unlock()
}

// applyAttachments removes what the user removed and adopts the new
// uploads that fit in the limit.
func (cr *composeRequest) applyAttachments(limit int64) {
	c, in := cr.c, cr.in
	for _, id := range in.Remove {
		for i, a := range c.Attachments {
			if a.ID == id {
				if a.Path != "" {
					_ = os.Remove(a.Path)
				}
				c.Attachments = append(c.Attachments[:i], c.Attachments[i+1:]...)
				break
			}
		}
	}
	refused := in.TooLarge
	for _, f := range in.Uploads {
		if c.attachedBytes()+f.Size > limit {
			refused = append(refused, f.Name)
			_ = os.Remove(f.Path)
			continue
		}
		c.Attachments = append(c.Attachments, f)
	}
	in.Uploads = nil
	switch {
	case len(refused) > 0:
		cr.notice = fmt.Sprintf("Not attached: %s. Attachments may total at most %s; send large files as a link instead.",
			quoteNames(refused), limitSize(limit))
	case in.Cut:
		cr.notice = fmt.Sprintf("The upload was too large and was cut off. Attachments may total at most %s.", limitSize(limit))
	}
}

func quoteNames(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "“" + n + "”"
	}
	return strings.Join(q, ", ")
}

func (cr *composeRequest) lostText() string {
	if cr.restored {
		return restoredText
	}
	return lostText
}

// view is the form's state for re-rendering: the notices and field
// errors; the caller adds what went wrong as a whole.
func (cr *composeRequest) view(status int, errs map[string]string) composeView {
	v := composeView{status: status, fieldErrors: errs}
	if cr.lost {
		v.errDetail = cr.lostText()
	}
	if cr.notice != "" {
		if v.fieldErrors == nil {
			v.fieldErrors = map[string]string{}
		}
		v.fieldErrors["attachment"] = cr.notice
	}
	return v
}

// outgoing turns the form into a message. For sending, the form must be
// complete; a draft may lack recipients, and a user without a known
// address saves drafts under the login. Field errors are keyed by field.
func (h *Handler) outgoing(cr *composeRequest, sending bool) (*submit.Message, map[string]string) {
	errs := map[string]string{}
	for k, v := range cr.in.FieldErrors {
		errs[k] = v
	}
	f := cr.c.Fields
	from, ok := h.Compose.fromAddress(cr.user)
	if !ok {
		if sending {
			errs["from_name"] = "Tidings does not know your e-mail address, so it cannot send. Ask your administrator to set the mail domain."
		}
		from = submit.Address{Email: cr.user}
	}
	from.Name = strings.TrimSpace(f.FromName)
	switch {
	case !submit.HeaderSafe(from.Name):
		errs["from_name"] = "Your name contains a line break or another control character. Remove it and try again."
	case utf8.RuneCountInString(from.Name) > 200:
		errs["from_name"] = "Your name is too long."
	}
	parse := func(field, s string) []submit.Address {
		list, err := submit.ParseList(field, s)
		var ie *submit.InputError
		if errors.As(err, &ie) {
			errs[field] = ie.Message
		}
		return list
	}
	m := &submit.Message{
		From: from, To: parse("to", f.To), Cc: parse("cc", f.Cc), Bcc: parse("bcc", f.Bcc),
		Subject: strings.TrimSpace(f.Subject), Text: f.Body,
		InReplyTo: cr.c.inReplyTo, References: cr.c.references,
	}
	if !submit.HeaderSafe(m.Subject) {
		errs["subject"] = "The subject contains a line break or another control character. Remove it and try again."
	}
	if sending && errs["to"] == "" && errs["cc"] == "" && errs["bcc"] == "" && len(m.Recipients()) == 0 {
		errs["to"] = "Add at least one recipient."
	}
	if sending && len(m.Recipients()) > submit.MaxRecipients {
		errs["to"] = fmt.Sprintf("There are more than %d recipients. Send to a mailing list instead.", submit.MaxRecipients)
	}
	for _, a := range cr.c.Attachments {
		m.Attachments = append(m.Attachments, cr.attachmentSource(a))
	}
	return m, errs
}

// attachmentSource streams an attachment into the message being built:
// an upload from disk, a forwarded part or message from the server.
func (cr *composeRequest) attachmentSource(a *composeFile) submit.Attachment {
	att := submit.Attachment{Filename: a.Name, ContentType: a.Type}
	switch {
	case a.Path != "":
		path := a.Path
		att.Write = func(_ context.Context, w io.Writer) error {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(w, f)
			return err
		}
	case a.Source != nil && a.Source.Part == "":
		src := *a.Source
		att.Write = func(ctx context.Context, w io.Writer) error {
			return cr.cm.StreamRaw(ctx, src.Mailbox, src.UID, func(int64) (io.Writer, error) { return w, nil })
		}
	case a.Source != nil:
		src := *a.Source
		att.Write = func(ctx context.Context, w io.Writer) error {
			return cr.cm.StreamPart(ctx, src.Mailbox, src.UID, imapproxy.PartRef{Path: src.Part},
				func(imapproxy.PartInfo) (io.Writer, error) { return w, nil })
		}
	}
	return att
}

// spooled is a built message in a temporary file.
type spooled struct {
	f *os.File
	w submit.Written
}

func (s *spooled) close() {
	s.f.Close()
	_ = os.Remove(s.f.Name())
}

// reader is the message as built, for SMTP.
func (s *spooled) reader() io.Reader { return io.NewSectionReader(s.f, 0, s.w.Size) }

// copyWith is the message with extra header fields (the Bcc, the
// origin), for the copies the user keeps.
func (s *spooled) copyWith(bcc []submit.Address, extra map[string]string) (io.Reader, int64, error) {
	fields, err := submit.HeaderFields(bcc, extra)
	if err != nil {
		return nil, 0, err
	}
	r, n := submit.InsertHeader(s.f, s.w, fields)
	return r, n, nil
}

// spoolMessage builds m into a temporary file: the message is read twice
// (SMTP, then APPEND) and must not sit in memory.
func (h *Handler) spoolMessage(ctx context.Context, m *submit.Message) (*spooled, error) {
	f, err := os.CreateTemp(h.Compose.Store.Dir(), "message-*.eml")
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	w, err := submit.Build(ctx, bw, m, h.Compose.Store.Dir())
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		f.Close()
		_ = os.Remove(f.Name())
		return nil, err
	}
	return &spooled{f: f, w: w}, nil
}

// storeDraft saves the built message in Drafts (\Draft \Seen), with its
// Bcc and origin, then removes the version saved before: first the new
// one is safe, then the old one goes.
func (h *Handler) storeDraft(ctx context.Context, cr *composeRequest, m *submit.Message, s *spooled) error {
	drafts, err := cr.cm.SpecialMailbox(ctx, imapproxy.UseDrafts)
	if err != nil {
		return err
	}
	extra := map[string]string{}
	if v := originValue(cr.c.origin, cr.c.originFlag); v != "" {
		extra[imapproxy.OriginField] = v
	}
	r, size, err := s.copyWith(m.Bcc, extra)
	if err != nil {
		return err
	}
	ref, err := cr.cm.Append(ctx, drafts, []imapproxy.Flag{imapproxy.FlagDraft, imapproxy.FlagSeen}, size, r)
	if err != nil {
		return err
	}
	old := cr.c.draft
	cr.c.draft = nil
	if ref.UID != 0 {
		cr.c.draft = &ref
	}
	if old != nil && *old != ref {
		if err := cr.cm.RemoveMessage(ctx, *old); err != nil {
			// Two versions are better than none: log, go on.
			reqctx.Logger(ctx).Warn("old draft version not removed", "err", err)
		}
	}
	return nil
}
