package submit

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Address is one mailbox: a display name and an addr-spec whose domain is
// in ASCII (an IDN domain is stored as its A-label, xn--…), so it can go
// into the SMTP envelope and a 7-bit header as it is.
type Address struct {
	Name  string
	Email string
}

// String formats the address for a header field (RFC 5322 §3.4), with a
// non-ASCII display name as RFC 2047 encoded words.
func (a Address) String() string {
	return (&mail.Address{Name: a.Name, Address: a.Email}).String()
}

// Display formats the address the way a person types it: the display name
// quoted only when it must be, the domain in Unicode.
func (a Address) Display() string {
	email := a.Email
	if at := strings.LastIndexByte(email, '@'); at >= 0 {
		if u, err := idna.Lookup.ToUnicode(email[at+1:]); err == nil {
			email = email[:at+1] + u
		}
	}
	if a.Name == "" {
		return email
	}
	name := a.Name
	if strings.ContainsAny(name, `()<>[]:;@\,."`) {
		name = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name) + `"`
	}
	return name + " <" + email + ">"
}

// FormatList formats addresses for an editable To or Cc field.
func FormatList(list []Address) string {
	parts := make([]string, len(list))
	for i, a := range list {
		parts[i] = a.Display()
	}
	return strings.Join(parts, ", ")
}

// SameMailbox reports whether two addresses name the same mailbox. The
// local part is compared without case too: strictly it is case-sensitive
// (RFC 5321 §2.4), but no mail system people use treats it so, and a
// reply-all that keeps the user's own address in another case is worse.
func SameMailbox(a, b string) bool { return strings.EqualFold(a, b) }

// MaxRecipients bounds the addresses of one message (To, Cc and Bcc
// together): more is a mailing list, not a webmail message.
const MaxRecipients = 100

// ParseList parses what a person typed into an address field (field is
// its name, for the error): addresses separated by commas or semicolons,
// each a bare addr-spec or "Display Name <addr-spec>", domains in Unicode
// or ASCII. An empty field is no addresses. The error is an *InputError
// that names the address it could not understand.
func ParseList(field, s string) ([]Address, error) {
	if !HeaderSafe(s) {
		return nil, controlError(field)
	}
	var out []Address
	for _, piece := range splitAddressList(s) {
		piece = strings.TrimSpace(piece)
		if piece == "" {
			continue
		}
		a, err := parseOne(field, piece)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if len(out) > MaxRecipients {
		return nil, &InputError{Field: field, Message: fmt.Sprintf("There are more than %d addresses here. Send to a mailing list instead.", MaxRecipients)}
	}
	return out, nil
}

// ParseAddress parses a single address, for the user's own From.
func ParseAddress(field, s string) (Address, error) {
	if !HeaderSafe(s) {
		return Address{}, controlError(field)
	}
	return parseOne(field, strings.TrimSpace(s))
}

func parseOne(field, piece string) (Address, error) {
	bad := func(why string) error {
		return &InputError{Field: field, Message: fmt.Sprintf("“%s” %s", shorten(piece, 60), why)}
	}
	ma, err := mail.ParseAddress(piece)
	if err != nil {
		return Address{}, bad("is not an e-mail address. Write addresses like name@example.org, separated by commas.")
	}
	at := strings.LastIndexByte(ma.Address, '@')
	if at <= 0 || at == len(ma.Address)-1 {
		return Address{}, bad("is not an e-mail address. Write addresses like name@example.org, separated by commas.")
	}
	local, domain := ma.Address[:at], ma.Address[at+1:]
	if !isASCII(local) {
		// SMTPUTF8 (RFC 6531) is not offered by every server Tidings may
		// submit to; refusing early beats a bounce later.
		return Address{}, bad("has letters before the @ that not every mail server accepts. Use the plain-ASCII form of this address.")
	}
	ascii, ok := asciiDomain(domain)
	if !ok {
		return Address{}, bad("does not have a valid domain after the @.")
	}
	return Address{Name: strings.TrimSpace(ma.Name), Email: local + "@" + ascii}, nil
}

// asciiDomain returns the domain in ASCII (IDNA2008 A-labels, lower case)
// or false when it is not a usable host name. Address literals
// ("[192.0.2.1]") pass through.
func asciiDomain(d string) (string, bool) {
	if strings.HasPrefix(d, "[") && strings.HasSuffix(d, "]") {
		return d, true
	}
	a, err := idna.Lookup.ToASCII(d)
	if err != nil || a == "" || len(a) > 253 {
		return "", false
	}
	for _, label := range strings.Split(a, ".") {
		if label == "" || len(label) > 63 {
			return "", false
		}
	}
	return a, true
}

// splitAddressList splits at commas and semicolons that are not inside a
// quoted display name, a comment or angle brackets. People use ';' because
// Outlook does; net/mail would read it as the end of a group.
func splitAddressList(s string) []string {
	var parts []string
	var quoted, escaped bool
	depth, angle, start := 0, 0, 0
	for i, r := range s {
		switch {
		case escaped:
			escaped = false
		case r == '\\' && (quoted || depth > 0):
			escaped = true
		case r == '"' && depth == 0:
			quoted = !quoted
		case quoted:
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth > 0:
		case r == '<':
			angle++
		case r == '>' && angle > 0:
			angle--
		case (r == ',' || r == ';') && angle == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// HeaderSafe reports whether s may become (part of) a header field value:
// valid UTF-8 without line breaks or other control characters (C0, DEL,
// C1) and without the Unicode line and paragraph separators. Such input is
// refused rather than cleaned: it is either a mistake or an attempt to add
// header fields of one's own.
func HeaderSafe(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

func controlError(field string) error {
	return &InputError{Field: field, Message: "This field contains a line break or another control character. Remove it and try again."}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// shorten cuts s to at most n runes, with an ellipsis when it was longer.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
