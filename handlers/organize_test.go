package handlers

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tidings-mail/tidings/imapproxy"
)

func postForm(form url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/mail/INBOX/actions", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func TestSelection(t *testing.T) {
	for _, c := range []struct {
		form url.Values
		want imapproxy.Selection
		err  int
	}{
		{url.Values{"uid": {"3", "7,8"}, "uidvalidity": {"42"}}, imapproxy.Selection{UIDs: []uint32{3, 7, 8}, UIDValidity: 42}, 0},
		{url.Values{"all": {"1"}, "upto": {"900"}, "uid": {"1"}}, imapproxy.Selection{All: true, UpTo: 900}, 0},
		{url.Values{}, imapproxy.Selection{}, http.StatusBadRequest},
		{url.Values{"uid": {"0"}}, imapproxy.Selection{}, http.StatusBadRequest},
		{url.Values{"uid": {"x"}}, imapproxy.Selection{}, http.StatusBadRequest},
		{url.Values{"uid": {"1"}, "uidvalidity": {"-1"}}, imapproxy.Selection{}, http.StatusBadRequest},
		{url.Values{"uid": {strings.Repeat("1,", maxSelected) + "1"}}, imapproxy.Selection{}, http.StatusBadRequest},
	} {
		got, err := selection(postForm(c.form))
		if c.err != 0 {
			var e *Error
			if !errors.As(err, &e) || e.Status != c.err {
				t.Errorf("%v: error %v, want status %d", c.form, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", c.form, err)
		} else if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("%v (-want +got):\n%s", c.form, d)
		}
	}
}

func TestReturnURL(t *testing.T) {
	for in, want := range map[string]string{
		"/mail/INBOX?page=2":       "/mail/INBOX?page=2",
		"/search?q=x&mailbox=Sent": "/search?q=x&mailbox=Sent",
		"/folders":                 "/folders",
		"https://evil.example/":    "/fallback",
		"//evil.example/mail/":     "/fallback",
		"/\\evil.example":          "/fallback",
		"/logout":                  "/fallback",
		"javascript:alert(1)":      "/fallback",
		"":                         "/fallback",
	} {
		if got := returnURL(postForm(url.Values{"return": {in}}), "/fallback"); got != want {
			t.Errorf("return %q → %q, want %q", in, got, want)
		}
	}
}

func TestOrderParams(t *testing.T) {
	for q, want := range map[string]imapproxy.Order{
		"":                     {},
		"sort=subject":         {Key: imapproxy.SortSubject, Asc: true},
		"sort=size":            {Key: imapproxy.SortSize},
		"sort=date&order=asc":  {Key: imapproxy.SortDate, Asc: true},
		"sort=from&order=desc": {Key: imapproxy.SortFrom},
	} {
		v, _ := url.ParseQuery(q)
		got, err := orderParams(v)
		if err != nil || got != want {
			t.Errorf("%q = %+v, %v; want %+v", q, got, err, want)
		}
		if back, _ := orderParams(sortValues(got)); back != got {
			t.Errorf("%q does not survive its own links: %+v", q, back)
		}
	}
	for _, bad := range []string{"sort=color", "sort=date&order=up"} {
		v, _ := url.ParseQuery(bad)
		if _, err := orderParams(v); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseSearch(t *testing.T) {
	v := url.Values{
		"q": {"  invoice\r\nBcc: x  "}, "from": {"Díaz"}, "since": {"2026-03-01"}, "until": {"2026-03-31"},
		"unread": {"1"}, "attachment": {"1"}, "larger": {"10"}, "mailbox": {"Projects/Apollo"},
	}
	q, form, keep, err := parseSearch(v)
	if err != nil {
		t.Fatal(err)
	}
	want := imapproxy.Query{Text: "invoice  Bcc: x", From: "Díaz", Unread: true, HasAttachment: true, Larger: 10000,
		Since: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)}
	if d := cmp.Diff(want, q); d != "" {
		t.Errorf("query (-want +got):\n%s", d)
	}
	if form.Mailbox != "Projects/Apollo" || keep.Get("mailbox") != "Projects/Apollo" || keep.Get("q") != "invoice  Bcc: x" {
		t.Errorf("form %+v, keep %v", form, keep)
	}
	for _, bad := range []url.Values{
		{"q": {strings.Repeat("x", 501)}}, {"since": {"yesterday"}}, {"larger": {"-1"}}, {"q": {"\xff"}},
	} {
		if _, _, _, err := parseSearch(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if s := searchSummary(form); s != "“invoice  Bcc: x”, from “Díaz”, since “2026-03-01”, until “2026-03-31”, unread, with attachments, larger than 10 kB" {
		t.Errorf("summary %q", s)
	}
}

func TestSidebarBoxes(t *testing.T) {
	boxes := []imapproxy.Mailbox{
		{Name: "INBOX", Use: imapproxy.UseInbox, Subscribed: true},
		{Name: "Trash", Delim: "/", Use: imapproxy.UseTrash},
		{Name: "Projects", Delim: "/"},
		{Name: "Projects/Apollo", Delim: "/", Subscribed: true},
		{Name: "Old", Delim: "/"},
		{Name: "Open", Delim: "/"},
	}
	var got []string
	for _, m := range sidebarBoxes(boxes, "Open") {
		got = append(got, m.Name)
	}
	if want := []string{"INBOX", "Trash", "Projects", "Projects/Apollo", "Open"}; !cmp.Equal(got, want) {
		t.Errorf("sidebar = %v, want %v", got, want)
	}
}
