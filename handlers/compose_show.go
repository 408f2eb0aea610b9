package handlers

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/imapproxy/message"
	"github.com/tidings-mail/tidings/imapproxy/submit"
	"github.com/tidings-mail/tidings/web/reqctx"
)

// ComposeShow is the compose form. With ?c=ID it shows a message being
// written; otherwise it starts one — new (?to= prefills the recipient), a
// reply (?reply= or ?replyall= with &uid=), a forward (?forward=, inline,
// or with &as=attachment as an .eml), or a draft opened again (?draft=,
// only from the Drafts folder) — and redirects to its ?c= address, so a
// reload or the Back button finds the same message, not a new one.
func (h *Handler) ComposeShow(w http.ResponseWriter, r *http.Request) error {
	cm, err := h.composeMailFor(r)
	if err != nil {
		return err
	}
	sess := reqctx.Session(r.Context())
	q := r.URL.Query()
	if id := q.Get("c"); id != "" {
		c := h.Compose.Store.lookup(sess.ID, id)
		if c == nil {
			redirect(w, r, "/compose", "That message is no longer open here. If it was saved, it is in Drafts.")
			return nil
		}
		defer c.unlock()
		if c.sent {
			redirect(w, r, c.sentURL, "This message was sent.")
			return nil
		}
		h.renderCompose(w, r, cm, c, composeView{})
		return nil
	}
	c, err := h.startComposition(r.Context(), cm, sess.ID, sess.User, q)
	if err != nil {
		return err
	}
	id := c.id
	c.unlock()
	http.Redirect(w, r, "/compose?c="+id, http.StatusSeeOther)
	return nil
}

// startComposition makes the composition the query asks for, locked.
func (h *Handler) startComposition(ctx context.Context, cm composeMail, sid, user string, q url.Values) (*Composition, error) {
	fields := ComposeFields{FromName: h.Compose.FromName} // the operator's default, under the user's own
	prof, _ := settingsOf(ctx, h.settingsFor(cm, user))
	if prof.FromName != "" {
		fields.FromName = prof.FromName
	}
	mode, mailbox := "", ""
	for _, k := range []string{"reply", "replyall", "forward", "draft"} {
		if v := q.Get(k); v != "" {
			mode, mailbox = k, v
			break
		}
	}
	if mode == "" {
		if to := q.Get("to"); len(to) < maxComposeField && submit.HeaderSafe(to) {
			fields.To = to
		}
		if subject := q.Get("subject"); len(subject) < maxComposeField && submit.HeaderSafe(subject) {
			fields.Subject = subject // a mailto: link's, e.g. a list's "unsubscribe"
		}
		fields.Body = withSignature("", prof.Signature)
		c := h.Compose.Store.create(sid)
		c.Fields = fields
		return c, nil
	}
	uid, err := strconv.ParseUint(q.Get("uid"), 10, 32)
	if err != nil || uid == 0 {
		return nil, badRequest("This link does not point to a message.")
	}
	if mode == "draft" {
		drafts, err := cm.SpecialMailbox(ctx, imapproxy.UseDrafts)
		if err != nil {
			return nil, err
		}
		if mailbox != drafts {
			// Saving replaces the draft opened: only drafts may be.
			return nil, badRequest("Only messages in the Drafts folder can be edited.")
		}
	}
	ev, err := cm.OpenForEdit(ctx, mailbox, uint32(uid))
	if err != nil {
		return nil, err
	}
	m, loc := ev.Msg, h.Compose.location()
	c := h.Compose.Store.create(sid)
	switch mode {
	case "reply", "replyall":
		c.kind = kindReply
		if mode == "replyall" {
			c.kind = kindReplyAll
		}
		to, cc := submit.ReplyRecipients(m, mode == "replyall", h.Compose.selfAddresses(user))
		fields.To, fields.Cc = submit.FormatList(to), submit.FormatList(cc)
		fields.Subject = submit.ReplySubject(m.Subject)
		fields.Body = submit.Quote(m, loc)
		c.inReplyTo, c.references = submit.Threading(m)
		c.origin, c.originFlag = &ev.Ref, imapproxy.FlagAnswered
	case "forward":
		c.kind = kindForward
		fields.Subject = submit.ForwardSubject(m.Subject)
		c.origin, c.originFlag = &ev.Ref, imapproxy.FlagForwardedKeyword
		if q.Get("as") == "attachment" {
			c.Attachments = []*composeFile{{ID: newAttachmentID(), Name: emlName(m.Subject), Type: "message/rfc822",
				Size: ev.Size, Source: &partSource{Mailbox: mailbox, UID: uint32(uid)}}}
		} else {
			fields.Body = submit.ForwardText(m, loc)
			for _, a := range m.Attachments {
				c.Attachments = append(c.Attachments, &composeFile{ID: newAttachmentID(), Name: a.Filename, Type: partType(a),
					Size: a.Size, Source: &partSource{Mailbox: mailbox, UID: uint32(uid), Part: a.Path}})
			}
		}
	case "draft":
		c.kind = kindDraft
		if err := h.reopenDraft(ctx, cm, c, ev, &fields); err != nil {
			h.Compose.Store.discard(c)
			c.unlock()
			return nil, err
		}
	}
	if mode != "draft" {
		fields.Body = withSignature(fields.Body, prof.Signature)
	}
	c.Fields = fields
	return c, nil
}

// reopenDraft fills c from a saved draft: its fields, threading, the
// message it answers, and its attachments, copied into the upload
// directory now because the draft they live in is replaced at the next
// save.
func (h *Handler) reopenDraft(ctx context.Context, cm composeMail, c *Composition, ev *imapproxy.EditView, f *ComposeFields) error {
	m := ev.Msg
	if len(m.From) > 0 && m.From[0].Name != "" {
		f.FromName = m.From[0].Name
	}
	f.To, f.Cc, f.Bcc = addressField(m.To), addressField(m.Cc), addressField(m.Bcc)
	f.Subject = m.Subject
	f.Body = submit.OriginalText(m)
	if len(m.InReplyTo) > 0 {
		c.inReplyTo, c.references = strings.Trim(m.InReplyTo[0], "<>"), nil
		for _, id := range m.References {
			c.references = append(c.references, strings.Trim(id, "<>"))
		}
	}
	c.origin, c.originFlag = parseOrigin(ev.Origin)
	ref := ev.Ref
	c.draft = &ref
	for _, a := range m.Attachments {
		f, err := os.CreateTemp(h.Compose.Store.Dir(), "draft-*")
		if err != nil {
			return err
		}
		cw := &byteCounter{w: f}
		err = cm.StreamPart(ctx, ref.Mailbox, ref.UID, imapproxy.PartRef{Path: a.Path}, func(imapproxy.PartInfo) (io.Writer, error) {
			return cw, nil
		})
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(f.Name())
			return err
		}
		c.Attachments = append(c.Attachments, &composeFile{ID: newAttachmentID(), Name: a.Filename, Type: partType(a), Size: cw.n, Path: f.Name()})
	}
	return nil
}

// byteCounter counts what passes through it.
type byteCounter struct {
	w io.Writer
	n int64
}

func (c *byteCounter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func partType(p message.Part) string {
	if p.Message != nil {
		return "message/rfc822"
	}
	if p.ContentType == "" {
		return "application/octet-stream"
	}
	return p.ContentType
}

// addressField writes addresses back into an editable field.
func addressField(list []message.Address) string {
	var parts []string
	for _, a := range list {
		if a.Email == "" {
			parts = append(parts, a.Name) // what could not be parsed, as it was
			continue
		}
		parts = append(parts, submit.Address{Name: a.Name, Email: a.Email}.Display())
	}
	return strings.Join(parts, ", ")
}

// emlName is the file name of a message forwarded as an attachment.
func emlName(subject string) string {
	s := strings.TrimSpace(subject)
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80])
	}
	if s == "" {
		s = "message"
	}
	return message.SafeFilename(s+".eml", "message/rfc822", "1")
}

// originValue and parseOrigin write and read imapproxy.OriginField: the
// flag to set, the UIDVALIDITY and UID of the original, and its folder.
func originValue(ref *imapproxy.MessageRef, flag imapproxy.Flag) string {
	if ref == nil {
		return ""
	}
	kind := "answered"
	if flag == imapproxy.FlagForwardedKeyword {
		kind = "forwarded"
	}
	return kind + " " + strconv.FormatUint(uint64(ref.UIDValidity), 10) + " " + uitoa(ref.UID) + " " + url.PathEscape(ref.Mailbox)
}

func parseOrigin(v string) (*imapproxy.MessageRef, imapproxy.Flag) {
	f := strings.Fields(v)
	if len(f) != 4 {
		return nil, ""
	}
	validity, err1 := strconv.ParseUint(f[1], 10, 32)
	uid, err2 := strconv.ParseUint(f[2], 10, 32)
	mailbox, err3 := url.PathUnescape(f[3])
	if err1 != nil || err2 != nil || err3 != nil || uid == 0 || mailbox == "" {
		return nil, ""
	}
	flag := imapproxy.FlagAnswered
	if f[0] == "forwarded" {
		flag = imapproxy.FlagForwardedKeyword
	}
	return &imapproxy.MessageRef{Mailbox: mailbox, UIDValidity: uint32(validity), UID: uint32(uid)}, flag
}

// withSignature puts the user's signature below the space they write in
// and above a quote or forwarded text, after the "-- " line that mail
// programs know as a signature's start (RFC 3676 §4.3).
func withSignature(body, sig string) string {
	if sig == "" {
		return body
	}
	s := "\n\n-- \n" + sig + "\n"
	if body != "" {
		s += "\n" + body
	}
	return s
}
