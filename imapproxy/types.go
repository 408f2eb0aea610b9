package imapproxy

import "time"

// SpecialUse names a folder's role (RFC 6154), or the INBOX.
type SpecialUse string

// The roles Tidings gives its own icon, name and place in the sidebar.
const (
	UseNone    SpecialUse = ""
	UseInbox   SpecialUse = "inbox"
	UseDrafts  SpecialUse = "drafts"
	UseSent    SpecialUse = "sent"
	UseArchive SpecialUse = "archive"
	UseJunk    SpecialUse = "junk"
	UseTrash   SpecialUse = "trash"
	UseAll     SpecialUse = "all"
	UseFlagged SpecialUse = "flagged"
)

// Mailbox is one folder as the sidebar shows it.
type Mailbox struct {
	Name       string // full name in UTF-8, e.g. "Projects/Apollo"
	Delim      string // hierarchy delimiter, "" for a flat namespace
	Use        SpecialUse
	NoSelect   bool // a container that holds no messages itself
	Subscribed bool
	Messages   uint32
	Unseen     uint32
	HasStatus  bool // Messages and Unseen are known
}

// Address is one mailbox address of a header field.
type Address struct {
	Name  string
	Email string
}

// MessageSummary is one row of a message list.
type MessageSummary struct {
	UID           uint32
	From          []Address
	To            []Address
	Subject       string
	Date          time.Time // the Date header, or the arrival time if it has none
	Size          int64
	Seen          bool
	Flagged       bool
	Answered      bool
	Draft         bool
	Forwarded     bool
	HasAttachment bool
}

// MessagePage is one page of a folder, newest first.
type MessagePage struct {
	Mailbox     string
	Total       int // messages in the folder
	Page        int // 1-based
	PerPage     int
	UIDValidity uint32
	Messages    []MessageSummary
}

// Pages is the number of pages the folder fills.
func (p *MessagePage) Pages() int {
	if p.Total == 0 {
		return 1
	}
	return (p.Total + p.PerPage - 1) / p.PerPage
}
