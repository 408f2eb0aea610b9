package imapproxy

import (
	"context"
	"slices"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Conversation is one thread of a folder as a list row.
type Conversation struct {
	UIDs    []uint32       // every message, in thread order
	Latest  MessageSummary // the newest message (highest UID)
	Unread  int            // -1 when not counted (a huge page)
	Flagged bool
}

// ThreadView is one page of a folder's conversations, the most recently
// active first.
type ThreadView struct {
	Mailbox       string
	Total         int // conversations
	Page, PerPage int
	UIDValidity   uint32
	MaxUID        uint32
	Conversations []Conversation
}

// Pages is the number of pages the conversations fill.
func (v *ThreadView) Pages() int {
	return (&MessagePage{Total: v.Total, PerPage: v.PerPage}).Pages()
}

// ThreadMessage is one message of a conversation, with its depth in the
// reply tree.
type ThreadMessage struct {
	MessageSummary
	Depth int
}

// maxFlagFetch bounds how many messages' flags one conversations page
// fetches to count unread ones.
const maxFlagFetch = 5000

// maxThreadMessages bounds the messages a conversation page shows.
const maxThreadMessages = 200

// Threads returns the sidebar's folders and one page of mailbox grouped
// into conversations by UID THREAD REFERENCES (RFC 5256 §3, algorithm
// §4), newest activity first. Only the page's newest messages are
// fetched in full; their conversations' other members give only FLAGS.
// Without THREAD=REFERENCES it is ErrUnsupported.
func (s *Session) Threads(ctx context.Context, mailbox string, page, perPage int) ([]Mailbox, *ThreadView, error) {
	var boxes []Mailbox
	var v *ThreadView
	err := s.read(ctx, "open conversations", func(cn *conn) error {
		var err error
		boxes, err = s.withSidebar(cn, func() error {
			v, err = cn.threads(mailbox, page, perPage)
			return err
		})
		return err
	})
	return boxes, v, err
}

func (cn *conn) threads(mailbox string, page, perPage int) (*ThreadView, error) {
	all, err := cn.threadAll(mailbox)
	if err != nil {
		return nil, err
	}
	v := &ThreadView{Mailbox: mailbox, Total: len(all), PerPage: perPage, UIDValidity: cn.uidValidity}
	for _, t := range all {
		v.MaxUID = max(v.MaxUID, newest(t))
	}
	// Most recent activity first: UIDs grow with arrival.
	slices.SortFunc(all, func(a, b []threadNode) int { return int(newest(b)) - int(newest(a)) })
	v.Page = min(max(page, 1), v.Pages())
	lo, hi := (v.Page-1)*perPage, min(v.Page*perPage, len(all))
	if lo >= hi {
		return v, nil
	}
	latest := make([]uint32, 0, hi-lo)
	var members []uint32
	for _, t := range all[lo:hi] {
		latest = append(latest, newest(t))
		for _, n := range t {
			members = append(members, n.uid)
		}
	}
	rows, err := cn.summaries(latest)
	if err != nil {
		return nil, err
	}
	flags := map[uint32][]imap.Flag{}
	counted := len(members) <= maxFlagFetch
	if counted {
		msgs, err := cn.c.Fetch(uidSetOf(members), &imap.FetchOptions{UID: true, Flags: true}).Collect()
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			flags[uint32(m.UID)] = m.Flags
		}
	}
	byUID := map[uint32]MessageSummary{}
	for _, r := range rows {
		byUID[r.UID] = r
	}
	for _, t := range all[lo:hi] {
		c := Conversation{Latest: byUID[newest(t)]}
		if c.Latest.UID == 0 {
			continue // expunged meanwhile
		}
		if !counted {
			c.Unread = -1
		}
		for _, n := range t {
			c.UIDs = append(c.UIDs, n.uid)
			if f, ok := flags[n.uid]; ok {
				c.Unread += boolInt(!slices.Contains(f, imap.FlagSeen))
				c.Flagged = c.Flagged || slices.Contains(f, imap.FlagFlagged)
			}
		}
		v.Conversations = append(v.Conversations, c)
	}
	return v, nil
}

// MessageThread returns the conversation uid belongs to in mailbox, in
// reply-tree order, at most maxThreadMessages of it.
func (s *Session) MessageThread(ctx context.Context, mailbox string, uid uint32) ([]ThreadMessage, error) {
	var out []ThreadMessage
	err := s.read(ctx, "open conversation", func(cn *conn) error {
		all, err := cn.threadAll(mailbox)
		if err != nil {
			return err
		}
		for _, t := range all {
			if !slices.ContainsFunc(t, func(n threadNode) bool { return n.uid == uid }) {
				continue
			}
			t = t[:min(len(t), maxThreadMessages)]
			uids := make([]uint32, len(t))
			for i, n := range t {
				uids[i] = n.uid
			}
			rows, err := cn.summaries(uids)
			if err != nil {
				return err
			}
			depth := map[uint32]int{}
			for _, n := range t {
				depth[n.uid] = n.depth
			}
			for _, r := range rows {
				out = append(out, ThreadMessage{MessageSummary: r, Depth: depth[r.UID]})
			}
			return nil
		}
		return &opError{kind: ErrNoMessage, op: "find conversation"}
	})
	return out, err
}

type threadNode struct {
	uid   uint32
	depth int
}

// threadAll selects mailbox and returns every conversation, each
// flattened depth-first.
func (cn *conn) threadAll(mailbox string) ([][]threadNode, error) {
	if !cn.features().Threads {
		return nil, refused(ErrUnsupported, "thread", nil)
	}
	if _, err := cn.selectMailbox(mailbox); err != nil {
		return nil, err
	}
	data, err := cn.c.UIDThread(&imapclient.ThreadOptions{
		Algorithm:      imap.ThreadReferences,
		SearchCriteria: &imap.SearchCriteria{}, // never nil: see Query.Criteria
	}).Wait()
	if err != nil {
		return nil, err
	}
	out := make([][]threadNode, 0, len(data))
	for _, t := range data {
		var nodes []threadNode
		flatten(t, 0, &nodes)
		if len(nodes) > 0 {
			out = append(out, nodes)
		}
	}
	return out, nil
}

// flatten walks a thread (RFC 5256 §4: a chain of replies, then its
// branches) depth-first. A thread whose root is missing starts with
// branches only.
func flatten(t imapclient.ThreadData, depth int, out *[]threadNode) {
	for _, u := range t.Chain {
		*out = append(*out, threadNode{uid: u, depth: depth})
		depth++
	}
	for _, sub := range t.SubThreads {
		flatten(sub, depth, out)
	}
}

func newest(t []threadNode) uint32 {
	var m uint32
	for _, n := range t {
		m = max(m, n.uid)
	}
	return m
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
