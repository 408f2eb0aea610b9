package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/imapproxy/message"
	"github.com/tidings-mail/tidings/templates"
	"github.com/tidings-mail/tidings/web/htmlmail"
)

// MessageShow opens a message: headers, body (plain text inline, HTML in a
// sandboxed frame), attachments. Opening marks it read.
func (h *Handler) MessageShow(w http.ResponseWriter, r *http.Request) error {
	mailbox, uid, err := messageParams(r)
	if err != nil {
		return err
	}
	boxes, mv, err := h.mail(r).Message(r.Context(), mailbox, uid, true)
	if err != nil {
		return err
	}
	m := mv.Msg
	label := folderLabel(boxes, mailbox)
	self := messageURL(mailbox, uid)
	p := templates.MessagePage{
		BasePage: h.base(r, subjectOrPlaceholder(m.Subject)),
		Mailbox:  mailbox, MailboxLabel: label, MailboxURL: mailboxURL(mailbox), UID: uid,
		Subject: subjectOrPlaceholder(m.Subject),
		From:    addressViews(m.From), To: addressViews(m.To), Cc: addressViews(m.Cc),
		Date: longDate(m.Date, h.now()), DateISO: isoDate(m.Date),
		Flagged: mv.Flagged,
		Notices: m.Notices,
		RawURL:  self + "/raw", SeenURL: self + "/seen", FlagURL: self + "/flag", ZipURL: self + "/attachments.zip",
	}
	ref := url.QueryEscape(mailbox) + "&uid=" + uitoa(uid)
	p.ReplyURL = "/compose?reply=" + ref
	p.ReplyAllURL = "/compose?replyall=" + ref
	p.ForwardURL = "/compose?forward=" + ref
	p.EditDraftURL = EditDraftURL(boxes, mailbox, uid)
	p.UnsubscribeURL, p.UnsubscribeMail = h.unsubscribe(m.Unsubscribe)
	if !sameAddresses(m.ReplyTo, m.From) {
		p.ReplyTo = addressViews(m.ReplyTo)
	}
	p.Folders, p.InboxUnseen = folderItems(boxes, mailbox)
	p.BasePage.Mailbox = mailbox
	if !mv.Seen {
		// The open just marked it read; the sidebar counted it unread.
		markOneRead(&p, mailbox)
	}
	remote := r.URL.Query().Get("remote") == "1"
	if m.HTML != "" {
		res := htmlmail.Sanitize(m.HTML, htmlmail.Options{AllowRemote: remote})
		p.HTMLBodyURL = self + "/body"
		if remote {
			p.HTMLBodyURL += "?remote=1"
		}
		p.RemoteBlocked = res.RemoteBlocked
		p.ShowRemoteURL = self + "?remote=1"
		p.TrustURL = self + "/trust"
		if res.RemoteBlocked {
			switch t := h.checkTrust(r, m); {
			case t.trusted:
				p.RemoteBlocked, p.TrustedSender = false, senderAddress(m)
				p.HTMLBodyURL += "?remote=1"
			default:
				p.TrustAddress = t.offer
			}
		}
	} else if m.Text != "" {
		p.Text = textLines(m.Text, m.TextFlowed, m.TextDelSp)
	}
	for _, a := range m.Attachments {
		p.Attachments = append(p.Attachments, attachmentView(self, a))
		if a.Message != nil {
			p.Nested = append(p.Nested, nestedView(self, a, h.now()))
		}
	}
	h.render(w, r, http.StatusOK, templates.Message(p))
	return nil
}

func attachmentView(self string, a message.Part) templates.AttachmentView {
	return templates.AttachmentView{
		Name: a.Filename, Type: a.ContentType, Size: humanSize(a.Size),
		URL:   self + "/part/" + url.PathEscape(a.Path),
		Image: isRasterImage(a.ContentType),
	}
}

func nestedView(self string, a message.Part, now time.Time) templates.NestedMessage {
	n := a.Message
	from, _ := senderLabel(toProxyAddresses(n.From))
	v := templates.NestedMessage{Subject: subjectOrPlaceholder(n.Subject), From: from, Date: longDate(n.Date, now),
		URL: self + "/part/" + url.PathEscape(a.Path)}
	text := n.Text
	if text == "" && n.HTML != "" {
		text = "(This attached message is formatted in HTML; download it to read it in full.)"
	}
	v.Text = textLines(text, n.TextFlowed, n.TextDelSp)
	return v
}

func toProxyAddresses(list []message.Address) []imapproxy.Address {
	out := make([]imapproxy.Address, len(list))
	for i, a := range list {
		out[i] = imapproxy.Address{Name: a.Name, Email: a.Email}
	}
	return out
}

func sameAddresses(a, b []message.Address) bool {
	if len(a) == 0 {
		return true
	}
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i].Email, b[i].Email) {
			return false
		}
	}
	return true
}

func markOneRead(p *templates.MessagePage, mailbox string) {
	for i := range p.Folders {
		if p.Folders[i].Name == mailbox && p.Folders[i].Unseen > 0 {
			p.Folders[i].Unseen--
			if mailbox == "INBOX" {
				p.InboxUnseen = p.Folders[i].Unseen
			}
		}
	}
}

// messageParams reads {mailbox} and {uid} from the path.
func messageParams(r *http.Request) (string, uint32, error) {
	mailbox := r.PathValue("mailbox")
	uid, err := strconv.ParseUint(r.PathValue("uid"), 10, 32)
	if err != nil || uid == 0 || mailbox == "" {
		return "", 0, &Error{Status: http.StatusNotFound, Heading: "Message not found",
			Message: "This link does not point to a message."}
	}
	return mailbox, uint32(uid), nil
}

func isRasterImage(ct string) bool {
	switch ct {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return true
	}
	return false
}

// unsubscribe picks how to leave the message's mailing list: the https
// page when the list gives one, else a message written here to its
// mailto: address (when Tidings can send). One-click unsubscribing
// (RFC 8058, a POST from the server) is not done: it would have Tidings
// contact a sender's server on the user's behalf.
func (h *Handler) unsubscribe(targets []string) (page, mail string) {
	for _, t := range targets {
		if strings.HasPrefix(t, "https:") {
			return t, ""
		}
	}
	if h.Compose == nil {
		return "", ""
	}
	for _, t := range targets {
		u, err := url.Parse(t)
		if err != nil || u.Scheme != "mailto" {
			continue
		}
		q := url.Values{"to": {u.Opaque}}
		if s := u.Query().Get("subject"); s != "" {
			q.Set("subject", s)
		}
		return "", "/compose?" + q.Encode()
	}
	return "", ""
}
