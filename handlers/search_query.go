package handlers

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/templates"
)

// maxSearchText bounds each search field (the top bar's box says 500).
const maxSearchText = 500

// searchFields are the text fields of the search form, in query order.
var searchFields = []string{"q", "from", "to", "cc", "subject", "body"}

// parseSearch reads the search form from the query string: the query for
// the server, the form as typed (to show it again), and the parameters a
// results page keeps in its links.
func parseSearch(q url.Values) (imapproxy.Query, templates.SearchForm, url.Values, error) {
	var query imapproxy.Query
	form := templates.SearchForm{Mailbox: q.Get("mailbox")}
	keep := url.Values{}
	text := map[string]*string{
		"q": &form.Q, "from": &form.From, "to": &form.To, "cc": &form.Cc, "subject": &form.Subject, "body": &form.Body,
	}
	for _, k := range searchFields {
		v, err := searchText(q.Get(k))
		if err != nil {
			return query, form, keep, err
		}
		*text[k] = v
		if v != "" {
			keep.Set(k, v)
		}
	}
	query.Text, query.From, query.To, query.Cc, query.Subject, query.Body = form.Q, form.From, form.To, form.Cc, form.Subject, form.Body
	var err error
	if form.Since, query.Since, err = dateParam(q, "since"); err != nil {
		return query, form, keep, err
	}
	if form.Until, query.Until, err = dateParam(q, "until"); err != nil {
		return query, form, keep, err
	}
	for k, dst := range map[string]*bool{"unread": &form.Unread, "flagged": &form.Flagged, "attachment": &form.Attachment} {
		if q.Get(k) == "1" {
			*dst = true
			keep.Set(k, "1")
		}
	}
	query.Unread, query.Flagged, query.HasAttachment = form.Unread, form.Flagged, form.Attachment
	if form.Larger, query.Larger, err = sizeParam(q, "larger"); err != nil {
		return query, form, keep, err
	}
	if form.Smaller, query.Smaller, err = sizeParam(q, "smaller"); err != nil {
		return query, form, keep, err
	}
	for _, k := range []string{"since", "until", "larger", "smaller"} {
		if v := q.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	if form.Mailbox != "" {
		keep.Set("mailbox", form.Mailbox)
	}
	return query, form, keep, nil
}

// searchText cleans one text field: valid UTF-8, no control characters
// (a line break would end the IMAP command), bounded length.
func searchText(v string) (string, error) {
	if !utf8.ValidString(v) {
		return "", badRequest("The search text is not valid text.")
	}
	if len(v) > maxSearchText {
		return "", badRequest("The search text is too long. Use at most 500 characters.")
	}
	v = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, v)
	return strings.TrimSpace(v), nil
}

func dateParam(q url.Values, key string) (string, time.Time, error) {
	v := strings.TrimSpace(q.Get(key))
	if v == "" {
		return "", time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil || t.Year() < 1970 || t.Year() > 9999 {
		return v, time.Time{}, badRequest("Enter dates as year-month-day, for example 2026-03-31.")
	}
	return v, t, nil
}

// sizeParam reads a size in kilobytes (1000 bytes, as humanSize shows).
func sizeParam(q url.Values, key string) (string, int64, error) {
	v := strings.TrimSpace(q.Get(key))
	if v == "" {
		return "", 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || n > 10_000_000 {
		return v, 0, badRequest("Enter sizes as a whole number of kilobytes.")
	}
	return v, n * 1000, nil
}

// searchSummary describes the criteria for the results heading.
func searchSummary(f templates.SearchForm) string {
	var parts []string
	add := func(label, v string) {
		if v != "" {
			parts = append(parts, label+"“"+v+"”")
		}
	}
	add("", f.Q)
	add("from ", f.From)
	add("to ", f.To)
	add("cc ", f.Cc)
	add("subject ", f.Subject)
	add("body ", f.Body)
	add("since ", f.Since)
	add("until ", f.Until)
	if f.Unread {
		parts = append(parts, "unread")
	}
	if f.Flagged {
		parts = append(parts, "flagged")
	}
	if f.Attachment {
		parts = append(parts, "with attachments")
	}
	if f.Larger != "" {
		parts = append(parts, "larger than "+f.Larger+" kB")
	}
	if f.Smaller != "" {
		parts = append(parts, "smaller than "+f.Smaller+" kB")
	}
	return strings.Join(parts, ", ")
}
