package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/imapproxy/demo"
	"github.com/tidings-mail/tidings/internal/testsrv"
)

// orgFixture is a mail server for the organizing flows, with a way to see
// the mailbox as an independent client would: doveadm on Dovecot, a
// separate IMAP connection on the in-memory server.
type orgFixture struct {
	mailFixture
	d    *testsrv.Dovecot // nil for the in-memory server
	user func(t *testing.T) (name, pass string)
}

// orgMemory is go-imap's in-memory server: no MOVE (moves take the COPY +
// STORE + UID EXPUNGE path), no SORT, no THREAD, no LIST-EXTENDED.
func orgMemory(t *testing.T) orgFixture {
	t.Helper()
	srv, err := demo.Start(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	n := 0
	return orgFixture{
		mailFixture: mailFixture{name: "memory", cfg: testIMAPConfig(srv.Addr, imapproxy.TLSNone), seed: demo.Messages(time.Now())},
		user: func(t *testing.T) (string, string) {
			n++
			name := "user" + strconv.Itoa(n)
			if err := srv.AddUser(name, "pw"); err != nil {
				t.Fatal(err)
			}
			return name, "pw"
		},
	}
}

// orgDovecot is one Dovecot shared by the subtests, a user (seeded with
// the demo mailbox) each, so no subtest sees another's changes.
func orgDovecot(t *testing.T, users int) orgFixture {
	t.Helper()
	var list []testsrv.User
	for i := range users {
		list = append(list, testsrv.User{Name: "user" + strconv.Itoa(i+1), Password: "pw"})
	}
	d := testsrv.StartDovecot(t, list...)
	seed := demo.Messages(time.Now())
	msgs := make([]testsrv.MaildirMessage, 0, len(seed))
	for _, m := range seed {
		msgs = append(msgs, testsrv.MaildirMessage{Mailbox: m.Mailbox, Raw: m.Raw, Flags: maildirFlags(m), Time: m.Time})
	}
	n := 0
	return orgFixture{
		mailFixture: mailFixture{name: "dovecot", cfg: testIMAPConfig(d.IMAPAddr, imapproxy.TLSNone), seed: seed},
		d:           d,
		user: func(t *testing.T) (string, string) {
			n++
			if n > users {
				t.Fatalf("orgDovecot: more than %d users asked for", users)
			}
			name := "user" + strconv.Itoa(n)
			d.WriteMaildir(t, name, msgs)
			return name, "pw"
		},
	}
}

// session logs a new app in as a fresh user.
func (f orgFixture) session(t *testing.T) (*testApp, string, string) {
	t.Helper()
	user, pass := f.user(t)
	a := newTestApp(t, f.cfg)
	a.login(user, pass)
	return a, user, pass
}

// observe returns the UIDs of mailbox that are unread (unseen), flagged,
// or all, as an independent client sees them.
func (f orgFixture) observe(t *testing.T, a *testApp, user, pass, mailbox, which string) []uint32 {
	t.Helper()
	if f.d != nil {
		args := []string{"search", "-u", user, "mailbox", mailbox}
		switch which {
		case "unseen", "flagged":
			args = append(args, which)
		default:
			args = append(args, "all")
		}
		var uids []uint32
		for _, line := range strings.Split(strings.TrimSpace(f.d.Doveadm(t, args...)), "\n") {
			fields := strings.Fields(line)
			if len(fields) != 2 {
				continue
			}
			n, err := strconv.ParseUint(fields[1], 10, 32)
			if err != nil {
				t.Fatalf("doveadm search: %q", line)
			}
			uids = append(uids, uint32(n))
		}
		slices.Sort(uids)
		return uids
	}
	other := a.pool.Session("observer-"+user, user, func() (string, error) { return pass, nil })
	defer a.pool.CloseSession("observer-" + user)
	q := imapproxy.Query{Unread: which == "unseen", Flagged: which == "flagged"}
	_, v, err := other.View(t.Context(), imapproxy.ViewOptions{Mailbox: mailbox, Query: q, Order: imapproxy.Order{Asc: true}, Page: 1, PerPage: 100000})
	if err != nil {
		t.Fatalf("observe %s: %v", mailbox, err)
	}
	uids := make([]uint32, 0, len(v.Messages))
	for _, m := range v.Messages {
		uids = append(uids, m.UID)
	}
	slices.Sort(uids)
	return uids
}

// observeFolders returns every folder and whether it is subscribed, as an
// independent client sees them.
func (f orgFixture) observeFolders(t *testing.T, a *testApp, user, pass string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	if f.d != nil {
		for _, n := range strings.Split(strings.TrimSpace(f.d.Doveadm(t, "mailbox", "list", "-u", user)), "\n") {
			out[n] = false
		}
		for _, n := range strings.Split(strings.TrimSpace(f.d.Doveadm(t, "mailbox", "list", "-s", "-u", user)), "\n") {
			if _, ok := out[n]; ok {
				out[n] = true
			}
		}
		return out
	}
	other := a.pool.Session("observer-"+user, user, func() (string, error) { return pass, nil })
	defer a.pool.CloseSession("observer-" + user)
	boxes, err := other.Mailboxes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range boxes {
		out[m.Name] = m.Subscribed
	}
	return out
}

// postJSON posts a form as organize.js does.
func (a *testApp) postJSON(path string, form url.Values) *page {
	a.t.Helper()
	req, err := http.NewRequest(http.MethodPost, a.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	return a.do(req)
}

// uidForm is a form selecting uids.
func uidForm(action string, uids ...uint32) url.Values {
	v := url.Values{"action": {action}}
	for _, u := range uids {
		v.Add("uid", strconv.Itoa(int(u)))
	}
	return v
}

func uidsOf(list []seeded) []uint32 {
	out := make([]uint32, len(list))
	for i, s := range list {
		out[i] = s.UID
	}
	return out
}
