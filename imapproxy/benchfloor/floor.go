// Package benchfloor is the floor of Tidings' benchmark (cmd/tidings-bench):
// the IMAP work behind each page, done by a bare go-imap client on one
// connection that stays selected, with no pool, no HTTP, no MIME parsing
// and no rendering. Tidings' time over the floor's is the overhead that is
// ours. It lives under imapproxy because imapproxy is the only package
// allowed to import go-imap.
//
// A Client is not safe for concurrent use; the benchmark times one
// operation at a time.
package benchfloor

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/tidings-mail/tidings/imapproxy"
)

// Client is one logged-in IMAP connection.
type Client struct {
	c      *imapclient.Client
	closed bool

	low, high uint32 // PageAsTidings' last page 1: its oldest and newest UIDs
}

// Dial connects to addr with implicit TLS (tlsConfig not nil) or in
// plaintext, and logs in.
func Dial(addr string, tlsConfig *tls.Config, user, password string) (*Client, error) {
	var c *imapclient.Client
	var err error
	if tlsConfig != nil {
		c, err = imapclient.DialTLS(addr, &imapclient.Options{TLSConfig: tlsConfig})
	} else {
		c, err = imapclient.DialInsecure(addr, nil)
	}
	if err != nil {
		return nil, err
	}
	if err := c.Login(user, password).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("login %s: %w", user, err)
	}
	return &Client{c: c}, nil
}

// Select selects mailbox (RFC 9051 §6.3.2) and returns its message count.
// The benchmark selects once; every later operation runs in it.
func (c *Client) Select(mailbox string) (uint32, error) {
	data, err := c.c.Select(mailbox, nil).Wait()
	if err != nil {
		return 0, err
	}
	return data.NumMessages, nil
}

// summaryItems are the items imapproxy fetches for a list row
// (summaryFetch in imapproxy/fetch.go): keep the two equal, or the
// comparison no longer compares the same work.
var summaryItems = &imap.FetchOptions{
	UID:           true,
	Flags:         true,
	Envelope:      true,
	RFC822Size:    true,
	InternalDate:  true,
	BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
}

// Page fetches the list rows of page (1-based, newest first) of the
// selected mailbox by sequence numbers (RFC 9051 §6.4.5), as a folder page
// needs them, and returns how many rows came back.
func (c *Client) Page(page, perPage int) (int, error) {
	mb := c.c.Mailbox()
	if mb == nil {
		return 0, errors.New("benchfloor: no mailbox selected")
	}
	hi := int(mb.NumMessages) - (page-1)*perPage
	if hi < 1 {
		return 0, nil
	}
	var set imap.SeqSet
	set.AddRange(uint32(max(1, hi-perPage+1)), uint32(hi))
	msgs, err := c.c.Fetch(set, summaryItems).Collect()
	return len(msgs), err
}

// Noop sends NOOP (RFC 9051 §6.1.2), which imapproxy sends before reusing
// a connection's selected mailbox, to collect EXISTS and EXPUNGE news.
func (c *Client) Noop() error { return c.c.Noop().Wait() }

// Sidebar sends the LIST imapproxy sends for the sidebar: every folder
// with its subscription, special use (RFC 6154) and message and unseen
// counts (LIST-STATUS, RFC 5819).
func (c *Client) Sidebar() error {
	_, err := c.c.List("", "*", &imap.ListOptions{ReturnSubscribed: true, ReturnSpecialUse: true,
		ReturnStatus: &imap.StatusOptions{NumMessages: true, NumUnseen: true}}).Collect()
	return err
}

// PageAsTidings asks page 1 with the commands imapproxy sends on a warm
// connection (imapproxy/firstpage.go): a NOOP pipelined with a UID FETCH
// of the UIDs from the last page 1's oldest row to its newest plus a
// page; the first call, with no last page, FETCHes by sequence numbers.
// Against Tidings it separates the cost of our code from the cost of our
// protocol choices.
func (c *Client) PageAsTidings(perPage int) error {
	var msgs []*imapclient.FetchMessageBuffer
	var err error
	if c.low == 0 {
		mb := c.c.Mailbox()
		if mb == nil || mb.NumMessages == 0 {
			return errors.New("benchfloor: no mailbox selected, or an empty one")
		}
		var set imap.SeqSet
		set.AddRange(uint32(max(1, int(mb.NumMessages)-perPage+1)), mb.NumMessages)
		msgs, err = c.c.Fetch(set, summaryItems).Collect()
	} else {
		var set imap.UIDSet
		set.AddRange(imap.UID(c.low), imap.UID(c.high)+imap.UID(perPage))
		noop := c.c.Noop()
		msgs, err = c.c.Fetch(set, summaryItems).Collect()
		if nerr := noop.Wait(); err == nil {
			err = nerr
		}
	}
	if err != nil {
		return err
	}
	slices.SortFunc(msgs, func(a, b *imapclient.FetchMessageBuffer) int { return int(b.SeqNum) - int(a.SeqNum) })
	msgs = msgs[:min(perPage, len(msgs))]
	c.low, c.high = 0, 0
	for _, m := range msgs {
		if c.low == 0 || uint32(m.UID) < c.low {
			c.low = uint32(m.UID)
		}
		c.high = max(c.high, uint32(m.UID))
	}
	if len(msgs) != perPage {
		c.low = 0 // the folder changed under the range: by sequence next time
	}
	return nil
}

// Message reads a whole message with UID FETCH BODY.PEEK[] (§6.4.5, §6.4.9)
// and returns its size: the bytes a message page is made of.
func (c *Client) Message(uid uint32) (int64, error) {
	section := &imap.FetchItemBodySection{Peek: true}
	cmd := c.c.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{
		UID: true, BodySection: []*imap.FetchItemBodySection{section},
	})
	var n int64
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		for item := msg.Next(); item != nil; item = msg.Next() {
			if body, ok := item.(imapclient.FetchItemDataBodySection); ok && body.Literal != nil {
				m, err := io.Copy(io.Discard, body.Literal)
				n += m
				if err != nil {
					cmd.Close() // once: a second Close of a go-imap command blocks
					return n, err
				}
			}
		}
	}
	if err := cmd.Close(); err != nil {
		return n, err
	}
	if n == 0 {
		return 0, fmt.Errorf("benchfloor: no message with UID %d", uid)
	}
	return n, nil
}

// Search runs the UID SEARCH (§6.4.4) that q stands for, with ESEARCH
// RETURN (ALL COUNT) as imapproxy asks, then fetches the list rows of the
// newest perPage hits with one UID FETCH: the IMAP work of one page of
// search results. It returns the number of hits.
func (c *Client) Search(q imapproxy.Query, perPage int) (int, error) {
	var opts *imap.SearchOptions
	if c.c.Caps().Has(imap.CapESearch) {
		opts = &imap.SearchOptions{ReturnAll: true, ReturnCount: true}
	}
	data, err := c.c.UIDSearch(q.Criteria(), opts).Wait()
	if err != nil {
		return 0, err
	}
	uids := data.AllUIDs()
	if len(uids) == 0 {
		return 0, nil
	}
	slices.Sort(uids)
	var set imap.UIDSet
	for _, u := range uids[max(0, len(uids)-perPage):] {
		set.AddNum(u)
	}
	_, err = c.c.Fetch(set, summaryItems).Collect()
	return len(uids), err
}

// Move moves one message of the selected mailbox to folder with UID MOVE
// (RFC 6851 §3.1).
func (c *Client) Move(uid uint32, folder string) error {
	_, err := c.c.Move(imap.UIDSetNum(imap.UID(uid)), folder).Wait()
	return err
}

// Has reports whether the selected mailbox holds a message with uid, to
// check that a move made on another connection happened. The NOOP first
// lets the server report that expunge (RFC 9051 §7.5.1).
func (c *Client) Has(uid uint32) (bool, error) {
	if err := c.c.Noop().Wait(); err != nil {
		return false, err
	}
	data, err := c.c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{imap.UIDSetNum(imap.UID(uid))}}, nil).Wait()
	if err != nil {
		return false, err
	}
	return len(data.AllUIDs()) > 0, nil
}

// Close logs out and closes the connection. Closing twice does nothing.
func (c *Client) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	err := c.c.Logout().Wait()
	if cerr := c.c.Close(); err == nil {
		err = cerr
	}
	return err
}
