// Package message turns a raw RFC 5322 message into a structure a page can
// show: decoded header fields, the text and HTML bodies in UTF-8, and the
// list of parts the user can download, each with the IMAP part number
// (RFC 3501 §6.4.5, RFC 9051 §6.4.5) that fetches it again with
// UID FETCH BODY.PEEK[path].
//
// Mail is hostile input. The parser reads the message once, keeps only the
// text bodies (bounded by Options.MaxBodyBytes) and counts the size of every
// other part while draining it. It never gives up on a damaged message:
// broken headers, boundaries, transfer encodings and character sets are
// repaired as far as possible and each repair is reported in
// Message.Notices, in words a user can read.
//
// The structural parsing (header lines, multipart boundaries, media type
// parameters, transfer encodings) is done here rather than with go-message's
// own readers, because those stop at the first malformed line or parameter
// and the rest of the message is lost. go-message still provides the
// character set decoders (through its charset package), and net/mail the
// address and date grammars.
package message

import (
	"time"
)

// Address is one mailbox from an address header field. Name is the decoded
// display name; Email may be empty when the field could not be understood,
// in which case Name holds the raw text.
type Address struct{ Name, Email string }

// Part describes one leaf part of a message: an attachment, an inline
// resource or an encapsulated message.
type Part struct {
	// Data holds the decoded bytes of an image with a Content-ID, when
	// Options.KeepImages allowed it; nil otherwise.
	Data []byte
	// Path is the IMAP part number ("1", "2.1", ...) that the server uses
	// in BODY[<path>] for this part.
	Path string
	// ContentType is the lower-case media type, "text/plain" by default.
	ContentType string
	// Charset is the charset parameter as written, lower-cased.
	Charset string
	// Filename is the decoded and sanitized file name: never empty for
	// Attachments and Inline (a name is made up from the type when the
	// message gives none), no directories, no control characters.
	Filename string
	// ContentID is the Content-ID without its angle brackets.
	ContentID string
	// Disposition is "inline", "attachment" or "".
	Disposition string
	// Encoding is the lower-case Content-Transfer-Encoding, "" if absent.
	Encoding string
	// Size is the number of bytes after transfer decoding.
	Size int64
	// Message is the parsed encapsulated message of a message/rfc822
	// part, nil for other parts or when nesting is too deep.
	Message *Message
}

// Message is a parsed message, ready for a view.
type Message struct {
	Subject                            string
	From, Sender, ReplyTo, To, Cc, Bcc []Address
	// Date is zero when the field is missing or cannot be understood.
	Date       time.Time
	MessageID  string
	InReplyTo  []string
	References []string
	// Unsubscribe are the List-Unsubscribe targets (RFC 2369 §3.2) the
	// user may follow: https: URLs and mailto: addresses, in the order
	// given; http:, javascript: and anything else are left out.
	Unsubscribe []string

	// Text is the plain-text body in UTF-8 with "\n" line endings. When
	// the message has several plain-text parts to show (multipart/mixed),
	// they are joined with TextSeparator.
	Text string
	// TextFlowed and TextDelSp report format=flowed and delsp=yes
	// (RFC 3676) for Text; they are false when joined parts disagree.
	TextFlowed bool
	TextDelSp  bool
	// HTML is the HTML body in UTF-8, NOT sanitized. When a message mixes
	// HTML and plain-text parts, the plain ones are added to HTML as
	// escaped <pre> blocks, in order, separated by <hr>; Text then holds
	// the plain-text parts only.
	HTML string

	// Attachments lists everything the user can download: attachments,
	// encapsulated messages (with Message set), TNEF winmail.dat, signatures,
	// and parts with a Content-ID that the HTML does not reference.
	// Alternatives that are not shown are left out.
	Attachments []Part
	// Inline lists the parts that HTML references through a cid: URL.
	Inline []Part

	// Notices are human-readable descriptions of problems found while
	// reading the message and what was done about them.
	Notices []string
}

// Options bounds the work done by Parse.
type Options struct {
	// MaxBodyBytes bounds each text part that is kept (after transfer
	// decoding); longer parts are truncated with a notice. All the kept
	// text of one Parse call is bounded by four times this value.
	// Zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// KeepImages bounds the bytes of images with a Content-ID that are
	// kept in Part.Data, so an HTML body can show its cid: images without
	// a second fetch. Zero keeps none.
	KeepImages int64
}

// DefaultMaxBodyBytes is the per-part text limit used when
// Options.MaxBodyBytes is zero.
const DefaultMaxBodyBytes = 4 << 20

// TextSeparator is the line put between plain-text parts joined in
// Message.Text.
const TextSeparator = "\n\n-------------------------\n\n"

// Limits on hostile structure. Beyond them the parser stops descending and
// says so in a notice.
const (
	maxMessageDepth   = 5       // message/rfc822 inside message/rfc822
	maxMultipartDepth = 30      // multipart inside multipart
	maxParts          = 1000    // leaf parts in one Parse call
	maxHeaderBytes    = 1 << 20 // per header block
	maxHeaderFields   = 5000    // per header block
	maxNotices        = 30
	maxFilenameRunes  = 200
)

func (o Options) withDefaults() Options {
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	return o
}

// FindPart returns the part of m.Attachments or m.Inline whose Path is
// path, or nil. It does not look inside encapsulated messages: their parts
// have their own paths, listed in Part.Message.
func FindPart(m *Message, path string) *Part {
	if m == nil {
		return nil
	}
	for i := range m.Attachments {
		if m.Attachments[i].Path == path {
			return &m.Attachments[i]
		}
	}
	for i := range m.Inline {
		if m.Inline[i].Path == path {
			return &m.Inline[i]
		}
	}
	return nil
}
