package submit

import (
	"regexp"
	"strings"
	"time"

	"github.com/tidings-mail/tidings/imapproxy/message"
)

// replyPrefix matches the reply markers mail programs put before a
// subject, in the languages seen most ("Re", German "AW", Nordic "SV",
// "Antw"), with a counter ("Re[2]:") or in full-width form ("Re："), and
// repeated ("Re: RE: Aw:").
var replyPrefix = regexp.MustCompile(`(?i)^\s*((re|aw|sv|antw|vs|odp)(\[\d+\]|\(\d+\))?\s*[:：]\s*)+`)

var forwardPrefix = regexp.MustCompile(`(?i)^\s*(fwd?|fw|wg|tr|rv|vl|enc)\s*[:：]`)

// ReplySubject is the subject of a reply: "Re: " and the original subject
// without the reply markers it already had, so a thread never grows
// "Re: Re: Re:".
func ReplySubject(s string) string {
	s = strings.TrimSpace(replyPrefix.ReplaceAllString(s, ""))
	return "Re: " + s
}

// ForwardSubject is the subject of a forward: "Fwd: " before the original
// unless it already says it was forwarded.
func ForwardSubject(s string) string {
	s = strings.TrimSpace(s)
	if forwardPrefix.MatchString(s) {
		return s
	}
	return "Fwd: " + s
}

// ReplyRecipients chooses who a reply goes to. A reply goes to the
// Reply-To addresses when the original has them (RFC 5322 §3.6.2), else to
// From; a reply to one's own message (from Sent) goes to its recipients
// instead. Reply-all adds the original's other To and Cc addresses. The
// user's own addresses (self) are left out, and nobody is named twice.
func ReplyRecipients(m *message.Message, all bool, self []string) (to, cc []Address) {
	isSelf := func(email string) bool {
		for _, s := range self {
			if SameMailbox(s, email) {
				return true
			}
		}
		return false
	}
	fromSelf := len(m.From) > 0 && isSelf(m.From[0].Email)
	primary := m.ReplyTo
	if len(primary) == 0 {
		primary = m.From
	}
	if fromSelf {
		primary = m.To
	}
	seen := map[string]bool{}
	add := func(list []Address, from []message.Address, skipSelf bool) []Address {
		for _, a := range from {
			email := strings.TrimSpace(a.Email)
			if email == "" || !HeaderSafe(a.Name) {
				continue
			}
			key := strings.ToLower(email)
			if seen[key] || (skipSelf && isSelf(email)) {
				continue
			}
			parsed, err := ParseAddress("to", email)
			if err != nil {
				continue
			}
			parsed.Name = strings.TrimSpace(a.Name)
			seen[key] = true
			list = append(list, parsed)
		}
		return list
	}
	// A reply to oneself keeps the address when it is the only one.
	to = add(to, primary, len(primary) > 1 || !fromSelf)
	if !all {
		return to, nil
	}
	if !fromSelf {
		to = add(to, m.To, true)
	}
	cc = add(cc, m.Cc, true)
	return to, cc
}

// Threading returns the In-Reply-To and References of a reply to m
// (RFC 5322 §3.6.4): the parent's Message-ID, after the parent's own
// References (or its In-Reply-To when it has none). A long chain keeps its
// first identifier and the most recent ones, as RFC 5537 §3.4.4 suggests.
func Threading(m *message.Message) (inReplyTo string, references []string) {
	id := cleanMsgID(m.MessageID)
	refs := m.References
	if len(refs) == 0 {
		refs = m.InReplyTo
	}
	for _, r := range refs {
		if r = cleanMsgID(r); r != "" && r != id {
			references = append(references, r)
		}
	}
	if id == "" {
		return "", references
	}
	references = append(references, id)
	const keep = 20
	if len(references) > keep {
		references = append(references[:1], references[len(references)-keep+1:]...)
	}
	return id, references
}

// cleanMsgID returns a message identifier without angle brackets, or ""
// when it could not be written back into a header safely.
func cleanMsgID(id string) string {
	id = strings.TrimSpace(id)
	id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
	if id == "" || len(id) > 250 {
		return ""
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c >= 0x7f || c == '<' || c == '>' {
			return ""
		}
	}
	return id
}

// Quote is the body of a reply: an empty line for the answer, the
// attribution line ("On … wrote:") and the original text with every line
// quoted once more (">" before lines already quoted, "> " otherwise, which
// format=flowed reads as one level deeper, RFC 3676 §4.5).
func Quote(m *message.Message, loc *time.Location) string {
	var b strings.Builder
	b.WriteString("\n\n")
	b.WriteString(attribution(m, loc))
	b.WriteString("\n")
	for _, line := range strings.Split(strings.TrimRight(OriginalText(m), "\n"), "\n") {
		if strings.HasPrefix(line, ">") {
			b.WriteString(">" + line + "\n")
		} else if line == "" {
			b.WriteString(">\n")
		} else {
			b.WriteString("> " + line + "\n")
		}
	}
	return b.String()
}

func attribution(m *message.Message, loc *time.Location) string {
	who := "someone"
	if len(m.From) > 0 {
		who = personLabel(m.From[0])
	}
	if m.Date.IsZero() {
		return who + " wrote:"
	}
	return "On " + m.Date.In(loc).Format("Mon, 2 Jan 2006 at 15:04") + ", " + who + " wrote:"
}

func personLabel(a message.Address) string {
	switch {
	case a.Name != "" && a.Email != "":
		return a.Name + " <" + a.Email + ">"
	case a.Email != "":
		return a.Email
	}
	return a.Name
}

// ForwardText is the body of an inline forward: room for a note, then the
// original's header fields a reader needs and its text, unquoted.
func ForwardText(m *message.Message, loc *time.Location) string {
	var b strings.Builder
	b.WriteString("\n\n---------- Forwarded message ----------\n")
	field := func(name string, list []message.Address) {
		if len(list) == 0 {
			return
		}
		labels := make([]string, len(list))
		for i, a := range list {
			labels[i] = personLabel(a)
		}
		b.WriteString(name + ": " + strings.Join(labels, ", ") + "\n")
	}
	field("From", m.From)
	if !m.Date.IsZero() {
		b.WriteString("Date: " + m.Date.In(loc).Format("Mon, 2 Jan 2006 at 15:04") + "\n")
	}
	b.WriteString("Subject: " + m.Subject + "\n")
	field("To", m.To)
	field("Cc", m.Cc)
	b.WriteString("\n")
	b.WriteString(strings.TrimRight(OriginalText(m), "\n"))
	b.WriteString("\n")
	return b.String()
}

// OriginalText is the text of m to quote or forward: the plain-text body
// with format=flowed paragraphs joined, or the HTML body as text.
func OriginalText(m *message.Message) string {
	if strings.TrimSpace(m.Text) != "" {
		if m.TextFlowed {
			return Unflow(m.Text, m.TextDelSp)
		}
		return normalizeNewlines(m.Text)
	}
	if m.HTML != "" {
		return HTMLToText(m.HTML)
	}
	return ""
}
