package imapproxy

import (
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
)

// Query is what the user searches for. Every set field must match (AND);
// the zero Query matches every message.
type Query struct {
	// Text is the quick search: each word (or "quoted phrase") must occur
	// in From, To, Subject or the body.
	Text string

	From, To, Cc, Subject, Body string

	// Since and Until are calendar days of the Date header (RFC 9051
	// §6.4.4 SENTSINCE / SENTBEFORE), both inclusive; zero means open.
	Since, Until time.Time

	Unread, Flagged bool

	// HasAttachment is a heuristic, since IMAP has no search key for it
	// (RFC 9051 §6.4.4; the $HasAttachment keyword of RFC 8457 is set
	// only by servers configured to): the top-level Content-Type is
	// multipart/mixed, or an application/* type sent as a single part.
	// It misses attachments inside multipart/related or /alternative
	// and counts a multipart/mixed message that holds only text.
	HasAttachment bool

	Larger, Smaller int64 // bytes (RFC822.SIZE), 0 means no bound
}

// IsZero reports whether the query would match every message.
func (q Query) IsZero() bool { return q == Query{} }

// maxTerms bounds the quick search's words: each becomes a four-way OR
// that the server evaluates against every message.
const maxTerms = 8

// Terms splits a quick search into words and "quoted phrases".
func Terms(text string) []string {
	var terms []string
	for len(terms) < maxTerms {
		text = strings.TrimSpace(text)
		if text == "" {
			break
		}
		var t string
		if text[0] == '"' {
			end := strings.IndexByte(text[1:], '"')
			if end < 0 {
				t, text = text[1:], ""
			} else {
				t, text = text[1:end+1], text[end+2:]
			}
		} else {
			end := strings.IndexFunc(text, func(r rune) bool { return r == ' ' || r == '\t' })
			if end < 0 {
				end = len(text)
			}
			t, text = text[:end], text[end:]
		}
		if t = strings.TrimSpace(t); t != "" {
			terms = append(terms, t)
		}
	}
	return terms
}

// Criteria translates q into SEARCH keys (RFC 9051 §6.4.4). It never
// returns nil: go-imap panics on a nil criteria with its encoder locked,
// which hangs the connection for good. An empty criteria is sent as ALL.
func (q Query) Criteria() *imap.SearchCriteria {
	c := &imap.SearchCriteria{}
	for _, t := range Terms(q.Text) {
		c.Or = append(c.Or, anyOf(
			imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "From", Value: t}}},
			imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "To", Value: t}}},
			imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: t}}},
			imap.SearchCriteria{Body: []string{t}},
		))
	}
	for _, f := range []struct{ key, value string }{{"From", q.From}, {"To", q.To}, {"Cc", q.Cc}, {"Subject", q.Subject}} {
		if v := strings.TrimSpace(f.value); v != "" {
			c.Header = append(c.Header, imap.SearchCriteriaHeaderField{Key: f.key, Value: v})
		}
	}
	if v := strings.TrimSpace(q.Body); v != "" {
		c.Body = append(c.Body, v)
	}
	if !q.Since.IsZero() {
		c.SentSince = day(q.Since)
	}
	if !q.Until.IsZero() {
		c.SentBefore = day(q.Until).AddDate(0, 0, 1)
	}
	if q.Unread {
		c.NotFlag = append(c.NotFlag, imap.FlagSeen)
	}
	if q.Flagged {
		c.Flag = append(c.Flag, imap.FlagFlagged)
	}
	if q.HasAttachment {
		c.Or = append(c.Or, [2]imap.SearchCriteria{
			{Header: []imap.SearchCriteriaHeaderField{{Key: "Content-Type", Value: "multipart/mixed"}}},
			{Header: []imap.SearchCriteriaHeaderField{{Key: "Content-Type", Value: "application/"}}},
		})
	}
	c.Larger, c.Smaller = q.Larger, q.Smaller
	return c
}

// anyOf is the OR of two or more criteria, as IMAP's binary OR nests.
func anyOf(first imap.SearchCriteria, rest ...imap.SearchCriteria) [2]imap.SearchCriteria {
	if len(rest) == 1 {
		return [2]imap.SearchCriteria{first, rest[0]}
	}
	return [2]imap.SearchCriteria{first, {Or: [][2]imap.SearchCriteria{anyOf(rest[0], rest[1:]...)}}}
}

// day is the calendar date of t as a UTC midnight: SEARCH compares dates
// only, and go-imap formats the time in its own zone.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// searchUIDs runs UID SEARCH (RFC 9051 §6.4.4) for c in the selected
// folder and returns the matching UIDs in ascending order. With ESEARCH
// (RFC 4731) the answer is RETURN (ALL COUNT): compact ranges instead of
// one number per message.
func (cn *conn) searchUIDs(c *imap.SearchCriteria) ([]uint32, error) {
	var opts *imap.SearchOptions
	if cn.has(imap.CapESearch) {
		opts = &imap.SearchOptions{ReturnAll: true, ReturnCount: true}
	}
	data, err := cn.c.UIDSearch(c, opts).Wait()
	if err != nil {
		return nil, err
	}
	uids := data.AllUIDs()
	out := make([]uint32, len(uids))
	for i, u := range uids {
		out[i] = uint32(u)
	}
	slices.Sort(out)
	return out, nil
}
