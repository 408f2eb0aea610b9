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

// MaxUID sends the UID SEARCH RETURN (MAX) (RFC 4731) imapproxy sends with
// a folder page, for the bound of "all messages" actions.
func (c *Client) MaxUID() error {
	_, err := c.c.UIDSearch(&imap.SearchCriteria{}, &imap.SearchOptions{ReturnMax: true}).Wait()
	return err
}

// PageAsTidings sends the commands imapproxy sends for a folder page,
// pipelined the same way, and nothing else: Sidebar's LIST alongside a
// NOOP, then MaxUID's search alongside the page's FETCH. Against Tidings
// it separates the cost of our code from the cost of our protocol choices.
func (c *Client) PageAsTidings(page, perPage int) error {
	return c.PageWithout(page, perPage, false, false)
}

// PageWithout sends PageAsTidings' commands minus the ones a proposed
// change to imapproxy would drop, to measure that change's floor before
// it is made: without the UID SEARCH RETURN (MAX) (noSearch), and without
// the sidebar's LIST, as when it comes from a cache (noList).
func (c *Client) PageWithout(page, perPage int, noSearch, noList bool) error {
	list := make(chan error, 1)
	if noList {
		list <- nil
	} else {
		// Drained apart, as imapproxy does: go-imap buffers few LIST
		// replies before its reader waits for us.
		go func() { list <- c.Sidebar() }()
	}
	err := c.Noop()
	if err == nil {
		var search *imapclient.SearchCommand
		if !noSearch {
			search = c.c.UIDSearch(&imap.SearchCriteria{}, &imap.SearchOptions{ReturnMax: true})
		}
		_, err = c.Page(page, perPage)
		if search != nil {
			if _, serr := search.Wait(); err == nil {
				err = serr
			}
		}
	}
	if lerr := <-list; err == nil {
		err = lerr
	}
	return err
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
