package handlers

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/imapproxy/submit"
	"github.com/tidings-mail/tidings/templates"
	"github.com/tidings-mail/tidings/web/reqctx"
)

// Compose is what writing and sending mail needs. A Handler without one
// answers the compose pages with "not available".
type Compose struct {
	Sender Sender        // SMTP submission
	Store  *ComposeStore // the messages being written, and their uploads
	// MailDomain makes an address of a login that is not one
	// (robin → robin@MailDomain).
	MailDomain string
	// FromName is the display name of users who never typed one.
	FromName string
	// MaxAttachmentBytes bounds all attachments of one message together.
	MaxAttachmentBytes int64
	// SentCopy: Tidings stores the copy in Sent (false when the mail
	// server does that itself).
	SentCopy bool
	// Location is the time zone of attribution lines ("On … wrote:");
	// nil means the server's.
	Location *time.Location
}

// Sender submits a built message; *submit.Client is one.
type Sender interface {
	Send(ctx context.Context, auth submit.Auth, env submit.Envelope, msg io.Reader, size int64) error
}

// composeMail is what writing mail needs from the session's IMAP
// connection, on top of Mail. *imapproxy.Session has all of it.
type composeMail interface {
	Mailboxes(ctx context.Context) ([]imapproxy.Mailbox, error)
	OpenForEdit(ctx context.Context, mailbox string, uid uint32) (*imapproxy.EditView, error)
	StreamPart(ctx context.Context, mailbox string, uid uint32, ref imapproxy.PartRef, open func(imapproxy.PartInfo) (io.Writer, error)) error
	StreamRaw(ctx context.Context, mailbox string, uid uint32, open func(size int64) (io.Writer, error)) error
	Append(ctx context.Context, mailbox string, flags []imapproxy.Flag, size int64, r io.Reader) (imapproxy.MessageRef, error)
	RemoveMessage(ctx context.Context, ref imapproxy.MessageRef) error
	SpecialMailbox(ctx context.Context, use imapproxy.SpecialUse) (string, error)
	FlagMessage(ctx context.Context, ref imapproxy.MessageRef, flag imapproxy.Flag) error
}

var errComposeUnavailable = &Error{Status: http.StatusNotImplemented, Heading: "Writing mail is not available",
	Message: "This Tidings is not set up for sending mail. Ask your administrator."}

// composeMailFor returns the request's composeMail, or an error page when
// sending is not configured.
func (h *Handler) composeMailFor(r *http.Request) (composeMail, error) {
	if h.Compose == nil {
		return nil, errComposeUnavailable
	}
	cm, ok := h.mail(r).(composeMail)
	if !ok {
		return nil, errComposeUnavailable
	}
	return cm, nil
}

// fromAddress is the user's own address: the login when it is an address,
// else login@MailDomain. ok is false when neither works.
func (c *Compose) fromAddress(user string) (submit.Address, bool) {
	if strings.Contains(user, "@") {
		a, err := submit.ParseAddress("from", user)
		return a, err == nil
	}
	if c.MailDomain == "" {
		return submit.Address{}, false
	}
	a, err := submit.ParseAddress("from", user+"@"+c.MailDomain)
	return a, err == nil
}

func (c *Compose) location() *time.Location {
	if c.Location != nil {
		return c.Location
	}
	return time.Local
}

// selfAddresses are the addresses reply-all leaves out.
func (c *Compose) selfAddresses(user string) []string {
	self := []string{user}
	if a, ok := c.fromAddress(user); ok {
		self = append(self, a.Email)
	}
	return self
}

// composeView is what a compose page shows beyond the composition itself.
type composeView struct {
	status      int
	err         string // what went wrong, for the whole form
	errDetail   string
	fieldErrors map[string]string
}

// renderCompose draws the form for c with what the user last posted. The
// sidebar is best effort: when the mail server is down the form (with
// everything written) still appears.
func (h *Handler) renderCompose(w http.ResponseWriter, r *http.Request, cm composeMail, c *Composition, v composeView) {
	user := reqctx.Session(r.Context()).User
	p := templates.ComposePage{
		BasePage: h.base(r, c.heading()),
		Heading:  c.heading(),
		ID:       c.id,
		Draft:    draftToken(c.draft),
		FromName: c.Fields.FromName,
		To:       c.Fields.To, Cc: c.Fields.Cc, Bcc: c.Fields.Bcc,
		Subject: c.Fields.Subject, Body: c.Fields.Body,
		ShowCcBcc:      strings.TrimSpace(c.Fields.Cc+c.Fields.Bcc) != "",
		MaxAttachments: limitSize(h.Compose.MaxAttachmentBytes),
		MaxBytes:       h.Compose.MaxAttachmentBytes,
		UsedBytes:      c.attachedBytes(),
		Error:          v.err, ErrorDetail: v.errDetail, FieldErrors: v.fieldErrors,
		CancelURL: c.returnURL(),
	}
	if a, ok := h.Compose.fromAddress(user); ok {
		p.FromAddress = a.Display()
	}
	p.ShowCcBcc = p.ShowCcBcc || v.fieldErrors["cc"] != "" || v.fieldErrors["bcc"] != ""
	for _, a := range c.Attachments {
		p.Attachments = append(p.Attachments, templates.ComposeAttachment{
			ID: a.ID, Name: a.Name, Size: sizeOrUnknown(a.Size), Type: a.Type, Forwarded: a.Source != nil,
		})
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if boxes, err := cm.Mailboxes(ctx); err == nil {
		p.Folders, p.InboxUnseen = folderItems(boxes, "")
	}
	if st, ok := settingsOf(ctx, h.settingsFor(cm, user)); ok {
		p.Recent = st.Recent
	}
	status := v.status
	if status == 0 {
		status = http.StatusOK
	}
	h.render(w, r, status, templates.Compose(p))
}

func sizeOrUnknown(n int64) string {
	if n <= 0 {
		return "size unknown"
	}
	return humanSize(n)
}

// EditDraftURL is the link that opens a message of the Drafts folder in
// the compose form, or "" for messages elsewhere.
func EditDraftURL(boxes []imapproxy.Mailbox, mailbox string, uid uint32) string {
	for _, m := range boxes {
		if m.Name == mailbox && m.Use == imapproxy.UseDrafts {
			return "/compose?draft=" + url.QueryEscape(mailbox) + "&uid=" + uitoa(uid)
		}
	}
	return ""
}

// limitSize writes a configured limit as the operator wrote it: 25 MB
// for 25<<20 bytes (humanSize would say 26.2 MB).
func limitSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return uitoa(uint32(n>>20)) + " MB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return uitoa(uint32(n>>10)) + " kB"
	}
	return humanSize(n)
}
