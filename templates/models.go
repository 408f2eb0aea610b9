// Package templates renders Tidings' pages with templ. Components take the
// view models in this file, never IMAP types: handlers translate.
package templates

// Assets are the content-hashed URLs of the page's static files.
type Assets struct {
	CSS     []string // stylesheets, in order
	Scripts []string // deferred scripts, in order
	Icon    string
}

// BasePage is what every page's layout needs.
type BasePage struct {
	Title       string
	User        string // "" on pages before login
	Assets      Assets
	Flash       string
	Folders     []FolderItem
	InboxUnseen int
	RequestID   string
	// Mailbox is the folder the page is about ("" if none): the quick
	// search searches it.
	Mailbox string
	// Query is the quick search's text, kept in the box on result pages.
	Query string
}

// FolderItem is one row of the folder sidebar.
type FolderItem struct {
	Name     string // full IMAP name
	Label    string // what the user reads: localized for special folders, last path element otherwise
	URL      string
	Icon     string // icon id: inbox, drafts, sent, archive, junk, trash, folder
	Depth    int
	Unseen   int
	Current  bool
	NoSelect bool
}

// LoginPage is the login form.
type LoginPage struct {
	BasePage
	Username string
	Error    string
	Demo     bool
}

// MailboxPage is one page of a folder's message list.
type MailboxPage struct {
	BasePage
	Mailbox      string
	MailboxLabel string
	Rows         []MessageRow
	Total        int
	Page, Pages  int
	First, Last  int // 1-based positions shown, for "1–50 of 312"
	PrevURL      string
	NextURL      string
	// Tools are the organizing controls: selection, bulk actions, sort,
	// conversations (see organize_models.go).
	Tools ListTools
}

// MessageRow is one message in a list.
type MessageRow struct {
	UID        uint32
	URL        string
	From       string
	FromTitle  string // full address, for the tooltip
	Subject    string
	Date       string // short: time today, date otherwise
	DateTitle  string // full date and time
	DateISO    string
	Size       string
	Unread     bool
	Flagged    bool
	Answered   bool
	Attachment bool
}

// MessagePage is one opened message.
type MessagePage struct {
	BasePage
	Mailbox       string
	MailboxLabel  string
	MailboxURL    string
	UID           uint32
	Subject       string
	From          []AddressView
	To            []AddressView
	Cc            []AddressView
	ReplyTo       []AddressView
	Date          string
	DateISO       string
	Flagged       bool
	Unread        bool
	HTMLBodyURL   string // set when the message has an HTML body, shown in a sandboxed iframe
	RemoteBlocked bool
	ShowRemoteURL string
	ZipURL        string // every attachment in one .zip
	// UnsubscribeURL is the list's own page for leaving it (https, opened
	// in a new tab, no referrer); UnsubscribeMail a compose form to the
	// list's unsubscribe address. At most one is set.
	UnsubscribeURL, UnsubscribeMail string
	// TrustAddress, when not "", is the sender whose remote content the
	// blocked banner offers to always show; TrustedSender, when not "",
	// is the sender whose remote content is shown because the user
	// trusts them. Both forms post to TrustURL.
	TrustAddress, TrustedSender string
	TrustURL                    string
	Text                        []TextLine // the plain text body when there is no HTML
	Attachments                 []AttachmentView
	Nested                      []NestedMessage
	Notices                     []string
	RawURL                      string
	SeenURL                     string
	FlagURL                     string
	// Compose links: /compose?reply=… etc. (see handlers/compose*.go).
	ReplyURL    string
	ReplyAllURL string
	ForwardURL  string
	// EditDraftURL reopens a draft in the compose form; set only for
	// messages in the Drafts folder.
	EditDraftURL string
}

// AddressView is one address as shown in a message header.
type AddressView struct {
	Name  string
	Email string
}

// TextLine is one line of a plain-text body: its quote depth and its
// pieces, each plain text or a link.
type TextLine struct {
	Quote    int
	Segments []TextSegment
}

// TextSegment is a run of text, a link when URL is set.
type TextSegment struct {
	Text string
	URL  string
}

// AttachmentView is one downloadable part.
type AttachmentView struct {
	Name  string
	Type  string
	Size  string
	URL   string
	Image bool // a raster image that may be previewed
}

// NestedMessage is an attached message/rfc822, summarized.
type NestedMessage struct {
	Subject string
	From    string
	Date    string
	Text    []TextLine
	URL     string // download as .eml
}

// ErrorPage explains a failure and offers a way on.
type ErrorPage struct {
	BasePage
	Status    int
	Heading   string
	Message   string
	BackURL   string
	BackLabel string
}

// ComposePage is the form for writing a message: new, reply, forward or a
// draft opened again. It works as a plain form; the script adds autosave.
type ComposePage struct {
	BasePage
	Heading string // "New message", "Reply", "Forward", "Edit draft"
	// ID names the message being written on the server: its attachments,
	// threading and saved draft. It is also the one-time send token.
	ID string
	// Draft names the version last saved in Drafts ("UIDVALIDITY.UID"),
	// so that another instance, or this one after a restart, can reopen
	// the message from it when ID is no longer known there.
	Draft       string
	FromAddress string // the user's own address, shown next to the name
	FromName    string
	To, Cc, Bcc string
	Subject     string
	Body        string
	ShowCcBcc   bool // Cc or Bcc has text: show those fields open
	// Recent are the addresses the user last wrote to, newest first: the
	// address fields' suggestions.
	Recent      []string
	Attachments []ComposeAttachment
	// MaxAttachments is the size limit of all attachments together, as
	// people read it ("25 MB"); MaxBytes and UsedBytes are the same in
	// bytes, for the script's check before an upload starts.
	MaxAttachments      string
	MaxBytes, UsedBytes int64
	// Error says what went wrong with the whole form (sending failed, an
	// upload was too large); FieldErrors what is wrong with one field,
	// keyed by the field's name (to, cc, bcc, subject, from_name, body,
	// attachment).
	Error       string
	ErrorDetail string // a second sentence: what happened to the draft
	FieldErrors map[string]string
	CancelURL   string
}

// ComposeAttachment is one file attached to the message being written.
type ComposeAttachment struct {
	ID        string
	Name      string
	Size      string
	Type      string
	Forwarded bool // from the original message, fetched when sending
}
