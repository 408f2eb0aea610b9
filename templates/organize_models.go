package templates

// View models of the organizing pages: bulk actions, folders, search,
// sorting and conversations.

// ListTools are the organizing controls of a message list.
type ListTools struct {
	ActionURL   string // POST target of the bulk form
	ReturnURL   string // the page actions come back to
	UIDValidity uint32 // of the folder as drawn; a changed folder refuses the action
	MaxUID      uint32 // newest UID: the bound of "all in this folder"
	// SelectPageURL pre-checks every row (select all on this page without
	// JavaScript); Selected says the rows are pre-checked.
	SelectPageURL string
	Selected      bool
	// AllCount is the number of messages "all in this folder" acts on; 0
	// when the page already shows them all.
	AllCount    int
	MoveTargets []FolderOption
	Role        string // "inbox", "trash", "junk" or "": which buttons apply
	Sort        SortControls
	// Conversations replace Rows in conversation view.
	Conversations []ConversationRow
	ThreadView    bool
	ThreadsURL    string // switch to conversations; "" when the server cannot thread
	MessagesURL   string // switch back to single messages
	Notice        string // e.g. "sorting is not available here"
	EmptyText     string // what an empty list says
	AllNoun       string // "folder" or "search": what "all N in this …" means
	// PrevLabel and NextLabel name the pager's links when the list is not
	// newest first ("Previous", "Next"); empty means "Newer", "Older".
	PrevLabel, NextLabel string
	// EmptyURL, in a Trash folder with messages, asks to delete them all
	// for good (the confirmation page).
	EmptyURL string
}

// SortControls is the sort form above a list.
type SortControls struct {
	Action string // GET target
	Keys   []Option
	Orders []Option
	Hidden []Field // carried along (the search terms)
}

// Option is one choice of a select.
type Option struct {
	Value, Label string
	Selected     bool
}

// Field is a hidden form field.
type Field struct{ Name, Value string }

// FolderOption is a folder offered as a move or copy target.
type FolderOption struct {
	Name  string // full IMAP name
	Label string // indented for the tree
}

// ConversationRow is one conversation in a list: its newest message and
// how many there are.
type ConversationRow struct {
	MessageRow
	UIDs   string // every message, comma-separated: the row's checkbox value
	Count  int
	Unread int
}

// FoldersPage is "Manage folders": every folder, and forms to create,
// rename, delete and (un)subscribe.
type FoldersPage struct {
	BasePage
	Rows      []FolderRow
	Parents   []FolderOption // where a folder can go ("" = top level)
	Delim     string
	FormError string // why the last create or rename failed
	Name      string // the name typed, kept after an error
	Parent    string
}

// FolderRow is one folder on the manage page.
type FolderRow struct {
	Name       string
	Label      string // leaf name, or the special folder's name
	Path       string // full name as the user reads it
	URL        string
	Depth      int
	Messages   int
	Unseen     int
	HasStatus  bool
	Subscribed bool
	Protected  bool // INBOX or special use: no rename, no delete
	NoSelect   bool
	Parent     string
	Leaf       string
	DeleteURL  string
	RenameURL  string
}

// FolderRenamePage renames a folder or moves it in the tree.
type FolderRenamePage struct {
	BasePage
	Folder    FolderRow
	Parents   []FolderOption
	Name      string // the new leaf name (as typed)
	Parent    string // the new parent
	FormError string
}

// ConfirmPage asks before something that cannot be undone.
type ConfirmPage struct {
	BasePage
	Heading   string
	Message   string
	Items     []string // what will go
	Action    string   // POST target
	Fields    []Field
	Button    string
	CancelURL string
}

// SearchPage is the search form and its results: one folder's, paged and
// organizable like a folder, or every folder's, grouped.
type SearchPage struct {
	MailboxPage
	Form     SearchForm
	Searched bool // criteria were given
	AllScope bool // searched every folder
	Groups   []SearchGroup
	Summary  string
	Advanced bool // the advanced form starts open
	// FolderChoices are the folders the form can search ("" = all).
	FolderChoices []FolderOption
	ClearURL      string
	ScopeURL      string // the same search in every folder, or back in one
	ScopeText     string
}

// SearchForm holds the search fields as typed.
type SearchForm struct {
	Q, From, To, Cc, Subject, Body string
	Since, Until                   string // YYYY-MM-DD
	Unread, Flagged, Attachment    bool
	Larger, Smaller                string // kB
	Mailbox                        string
	All                            bool
}

// SearchGroup is one folder's results in an every-folder search.
type SearchGroup struct {
	Label   string
	Total   int
	Rows    []MessageRow
	MoreURL string // all results in this folder; "" when all are shown
}

// ConversationPage lists the messages of one conversation.
type ConversationPage struct {
	BasePage
	Mailbox      string
	MailboxLabel string
	MailboxURL   string
	Subject      string
	Items        []ConversationItem
}

// ConversationItem is one message of a conversation.
type ConversationItem struct {
	MessageRow
	Depth   int
	Current bool
}

// SettingsPage shows what Tidings keeps for the user.
type SettingsPage struct {
	BasePage
	// Kept: the mail server keeps settings (METADATA); without, the page
	// only says what happens instead.
	Kept bool
	// FromName and Signature are the profile form's values.
	FromName, Signature   string
	MaxName, MaxSignature int
	FieldErrors           map[string]string // by field name, when saving failed
	Trusted               []string          // the senders whose remote content is shown
	Storage               *Storage          // the mail server's quota; nil when it has none
}

// Storage is how much of the user's mail storage is used.
type Storage struct {
	Used, Limit string // as people read them ("12.3 MB")
	// UsedBytes and LimitBytes feed the meter; LimitBytes is 0 when the
	// server reports use but no limit.
	UsedBytes, LimitBytes int64
	Percent               int
}
