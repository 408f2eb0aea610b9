package web

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/web/session"
)

// The walking-skeleton flows, run against go-imap's in-memory server (fast,
// what the demo uses) and against a real Dovecot.

func TestAppMemory(t *testing.T) {
	t.Parallel()
	runAppFlows(t, memoryFixture(t))
}

func TestAppDovecot(t *testing.T) {
	t.Parallel()
	f, _ := dovecotFixture(t)
	runAppFlows(t, f)
}

func runAppFlows(t *testing.T, f mailFixture) {
	t.Run("login", func(t *testing.T) { testLogin(t, f) })
	t.Run("folders and paging", func(t *testing.T) { testFoldersAndPaging(t, f) })
	t.Run("nested folder", func(t *testing.T) { testNestedFolder(t, f) })
	t.Run("html message", func(t *testing.T) { testHTMLMessage(t, f) })
	t.Run("trusted sender", func(t *testing.T) { testTrustedSender(t, f) })
	t.Run("attachment", func(t *testing.T) { testAttachment(t, f) })
	t.Run("attachments zip", func(t *testing.T) { testAttachmentsZip(t, f) })
	t.Run("hostile attachments", func(t *testing.T) { testHostileAttachments(t, f) })
	t.Run("seen and unread", func(t *testing.T) { testSeenUnread(t, f) })
	t.Run("older and newer", func(t *testing.T) { testOlderNewer(t, f) })
	t.Run("flag", func(t *testing.T) { testFlag(t, f) })
	t.Run("view source", func(t *testing.T) { testRaw(t, f) })
	t.Run("missing message and folder", func(t *testing.T) { testMissing(t, f) })
	t.Run("logout", func(t *testing.T) { testLogout(t, f) })
	t.Run("headers on every route", func(t *testing.T) { testHeaders(t, f) })
}

func testLogin(t *testing.T, f mailFixture) {
	a := newTestApp(t, f.cfg)

	p := a.get("/mail/INBOX")
	wantStatus(t, p, http.StatusSeeOther)
	if loc := p.resp.Header.Get("Location"); loc != "/login" {
		t.Errorf("signed-out Inbox redirects to %q, want /login", loc)
	}

	p = a.post("/login", url.Values{"username": {f.user}, "password": {"wrong"}})
	wantStatus(t, p, http.StatusUnauthorized)
	if got := p.doc.Find("#username").AttrOr("value", ""); got != f.user {
		t.Errorf("username after failed login = %q, want %q kept", got, f.user)
	}
	if msg := p.doc.Find(".form-error").Text(); !strings.Contains(msg, "not right") {
		t.Errorf("failed login message = %q", msg)
	}
	if strings.Contains(p.body, "wrong") {
		t.Error("the failed password is echoed in the page")
	}

	p = a.login(f.user, f.pass)
	if loc := p.resp.Header.Get("Location"); loc != "/mail/INBOX" {
		t.Errorf("login redirects to %q", loc)
	}
	var c *http.Cookie
	for _, k := range p.resp.Cookies() {
		if k.Name == session.CookieName {
			c = k
		}
	}
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie = %+v, want HttpOnly SameSite=Lax", c)
	}
	if strings.Contains(c.Value, f.pass) {
		t.Error("cookie holds the password")
	}
	wantStatus(t, a.follow(p), http.StatusOK)

	// The mail server down: a clear 503, not a crash.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	b := newTestApp(t, testIMAPConfig(dead, imapproxy.TLSNone))
	p = b.post("/login", url.Values{"username": {f.user}, "password": {f.pass}})
	wantStatus(t, p, http.StatusServiceUnavailable)
	if msg := p.doc.Find(".form-error").Text(); !strings.Contains(msg, "cannot be reached") {
		t.Errorf("server-down message = %q", msg)
	}
}

func rowUIDs(t testing.TB, p *page) []uint32 {
	t.Helper()
	var uids []uint32
	p.doc.Find("li[data-uid]").Each(func(_ int, s *goquery.Selection) {
		n, err := strconv.ParseUint(s.AttrOr("data-uid", ""), 10, 32)
		if err != nil {
			t.Fatalf("bad data-uid %q", s.AttrOr("data-uid", ""))
		}
		uids = append(uids, uint32(n))
	})
	return uids
}

func testFoldersAndPaging(t *testing.T, f mailFixture) {
	a := newTestApp(t, f.cfg)
	a.login(f.user, f.pass)
	inbox := f.mailbox("INBOX")

	p := a.get("/mail/INBOX")
	wantStatus(t, p, http.StatusOK)
	uids := rowUIDs(t, p)
	if len(uids) != 50 {
		t.Fatalf("first page has %d rows, want 50", len(uids))
	}
	if uids[0] != uint32(len(inbox)) || !slices.IsSortedFunc(uids, func(a, b uint32) int { return int(b) - int(a) }) {
		t.Errorf("first page UIDs %v…, want newest (%d) first, descending", uids[:3], len(inbox))
	}
	// Unread rows are marked; the sidebar counts them.
	unread := 0
	for _, s := range inbox {
		if !s.Seen {
			unread++
		}
	}
	inboxLink := p.doc.Find(".folder.current .folder-link")
	if got := inboxLink.Find(".badge").Text(); got != strconv.Itoa(unread) {
		t.Errorf("Inbox badge = %q, want %d", got, unread)
	}
	for _, s := range inbox[len(inbox)-50:] {
		row := p.doc.Find(fmt.Sprintf("li[data-uid=%q]", strconv.Itoa(int(s.UID))))
		if row.HasClass("unread") == s.Seen {
			t.Errorf("UID %d: unread class %v, seen %v", s.UID, row.HasClass("unread"), s.Seen)
		}
		if href := row.Find("a").AttrOr("href", ""); href != fmt.Sprintf("/mail/INBOX/%d", s.UID) {
			t.Errorf("UID %d links to %q", s.UID, href)
		}
	}
	// Special folders first, in order, with their names.
	var labels []string
	p.doc.Find(".folders .folder-name").Each(func(_ int, s *goquery.Selection) { labels = append(labels, s.Text()) })
	if want := []string{"Inbox", "Drafts", "Sent", "Archive", "Junk", "Trash"}; len(labels) < 6 || !slices.Equal(labels[:6], want) {
		t.Errorf("folders = %v, want %v first", labels, want)
	}

	// Page through to the end and back.
	seen := map[uint32]bool{}
	pages := 0
	for path := "/mail/INBOX"; path != ""; {
		p := a.get(path)
		wantStatus(t, p, http.StatusOK)
		for _, u := range rowUIDs(t, p) {
			if seen[u] {
				t.Fatalf("UID %d listed twice", u)
			}
			seen[u] = true
		}
		pages++
		path = p.doc.Find(`.list-head a[rel="next"]`).AttrOr("href", "")
	}
	if len(seen) != len(inbox) || pages != (len(inbox)+49)/50 {
		t.Errorf("paged %d messages in %d pages, want %d in %d", len(seen), pages, len(inbox), (len(inbox)+49)/50)
	}
	p = a.get("/mail/INBOX?page=2")
	if prev := p.doc.Find(`.list-head a[rel="prev"]`).AttrOr("href", ""); prev != "/mail/INBOX" {
		t.Errorf("page 2 prev link = %q", prev)
	}
	wantStatus(t, a.get("/mail/INBOX?page=banana"), http.StatusBadRequest)
	// A page past the end shows the last page.
	wantStatus(t, a.get("/mail/INBOX?page=999"), http.StatusOK)
}

func testNestedFolder(t *testing.T, f mailFixture) {
	a := newTestApp(t, f.cfg)
	a.login(f.user, f.pass)
	p := a.get("/mail/INBOX")
	var nested string
	p.doc.Find(".folder.depth-1 a.folder-link").Each(func(_ int, s *goquery.Selection) {
		if nested == "" {
			nested = s.AttrOr("href", "")
		}
	})
	if !strings.Contains(nested, "%2F") {
		t.Fatalf("no nested folder link with an escaped delimiter, got %q", nested)
	}
	p = a.get(nested)
	wantStatus(t, p, http.StatusOK)
	name, _ := url.PathUnescape(strings.TrimPrefix(nested, "/mail/"))
	if n := len(rowUIDs(t, p)); n != len(f.mailbox(name)) {
		t.Errorf("%s lists %d messages, seeded %d", name, n, len(f.mailbox(name)))
	}
}

func testHTMLMessage(t *testing.T, f mailFixture) {
	a := newTestApp(t, f.cfg)
	a.login(f.user, f.pass)
	s := f.find(t, "INBOX", func(s seeded) bool {
		return strings.Contains(s.Parsed.HTML, "<table") && strings.Contains(s.Parsed.HTML, "http://")
	})
	p := a.get(fmt.Sprintf("/mail/INBOX/%d", s.UID))
	wantStatus(t, p, http.StatusOK)
	if got := strings.TrimSpace(p.doc.Find("#msg-subject").Text()); got != s.Parsed.Subject {
		t.Errorf("subject = %q, want %q", got, s.Parsed.Subject)
	}
	frame := p.doc.Find("iframe.msg-html")
	if frame.Length() != 1 {
		t.Fatal("HTML message shown without its frame")
	}
	if sb, _ := frame.Attr("sandbox"); strings.Contains(sb, "allow-scripts") || strings.Contains(sb, "allow-same-origin") {
		t.Errorf("frame sandbox = %q", sb)
	}
	if p.doc.Find(".remote-banner").Length() != 1 {
		t.Error("remote content in the message, but no 'blocked' banner")
	}
	if len(s.Parsed.Unsubscribe) > 0 {
		u := p.doc.Find("a.unsubscribe")
		if href := u.AttrOr("href", ""); !strings.HasPrefix(href, "https://") || u.AttrOr("rel", "") != "noopener noreferrer" || u.AttrOr("target", "") != "_blank" {
			t.Errorf("unsubscribe link %q rel %q target %q", href, u.AttrOr("rel", ""), u.AttrOr("target", ""))
		}
	}
	body := a.get(frame.AttrOr("src", ""))
	wantStatus(t, body, http.StatusOK)
	if csp := body.resp.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'none'") {
		t.Errorf("body CSP = %q", csp)
	}
	if strings.Contains(body.body, "http://") && strings.Contains(body.body, "src=\"http") {
		t.Error("body still loads remote content")
	}
	if body.doc.Find("script").Length() > 0 {
		t.Error("body contains a script element")
	}
	if body.doc.Find("table").Length() == 0 {
		t.Error("newsletter table layout lost")
	}
}

// testTrustedSender: "Always show from" a newsletter's sender shows its
// remote content, on this and every later message of theirs, until "Stop
// trusting" (here or on the settings page); the choice is kept in the
// server's METADATA (Dovecot) or by Tidings (the in-memory server).
func testTrustedSender(t *testing.T, f mailFixture) {
	a := newTestApp(t, f.cfg)
	a.login(f.user, f.pass)
	s := f.find(t, "INBOX", func(s seeded) bool {
		return strings.Contains(s.Parsed.HTML, "<table") && strings.Contains(s.Parsed.HTML, "http://") && len(s.Parsed.From) == 1
	})
	msg := fmt.Sprintf("/mail/INBOX/%d", s.UID)
	p := a.get(msg)
	form := p.doc.Find(".remote-banner form.trust-form")
	sender := strings.ToLower(s.Parsed.From[0].Email)
	if form.Length() != 1 || form.Find(`input[name="address"]`).AttrOr("value", "") != sender {
		t.Fatalf("blocked banner: %q", p.doc.Find(".remote-banner").Text())
	}
	trust := func(on string) {
		t.Helper()
		p := a.post(form.AttrOr("action", ""), url.Values{"address": {sender}, "trust": {on}})
		wantStatus(t, p, http.StatusSeeOther)
		if loc := p.resp.Header.Get("Location"); loc != msg {
			t.Errorf("after trust=%s: back to %q, want %q", on, loc, msg)
		}
	}
	trust("1")
	p = a.get(msg)
	frame := p.doc.Find("iframe.msg-html").AttrOr("src", "")
	if !strings.Contains(p.doc.Find(".remote-banner").Text(), "because you trust "+sender) || !strings.HasSuffix(frame, "?remote=1") {
		t.Fatalf("after trusting: banner %q, frame %q", p.doc.Find(".remote-banner").Text(), frame)
	}
	if csp := a.get(frame).resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: https:") {
		t.Errorf("trusted sender's body CSP = %q", csp)
	}
	// The settings page lists the sender, and can stop trusting them.
	st := a.get("/settings")
	wantStatus(t, st, http.StatusOK)
	if got := strings.TrimSpace(st.doc.Find(".trusted-list .trusted-addr").Text()); got != sender {
		t.Errorf("settings list %q, want %q", got, sender)
	}
	p = a.post(st.doc.Find(".trusted-list form").AttrOr("action", ""), url.Values{"address": {sender}, "trust": {"0"}})
	wantStatus(t, p, http.StatusSeeOther)
	if p = a.follow(p); p.doc.Find(".trusted-list li").Length() != 0 || !strings.Contains(p.doc.Find(".flash").Text(), "blocked again") {
		t.Errorf("after stopping from settings: %d listed, flash %q", p.doc.Find(".trusted-list li").Length(), p.doc.Find(".flash").Text())
	}
	trust("1")

	// Another session (another device, another instance) sees the same
	// choice: kept in METADATA on Dovecot; by Tidings (its session store,
	// shared like Redis) on the in-memory server, which has no METADATA.
	b := newTestAppWith(t, f.cfg, Config{UserData: a.store})
	b.login(f.user, f.pass)
	if !strings.Contains(b.get(msg).doc.Find(".remote-banner").Text(), "because you trust") {
		t.Error("the trust did not follow the user to another session")
	}
	trust("0")
	p = a.get(msg)
	if !strings.Contains(p.doc.Find(".remote-banner").Text(), "blocked") || strings.Contains(p.doc.Find("iframe.msg-html").AttrOr("src", ""), "remote=1") {
		t.Errorf("after stopping: banner %q", p.doc.Find(".remote-banner").Text())
	}
	if p := a.post(form.AttrOr("action", ""), url.Values{"address": {"Name <x@example.org>"}, "trust": {"1"}}); p.resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a display name as address: %d", p.resp.StatusCode)
	}
}

// testAttachmentsZip: "Download all" is one .zip holding every
// attachment under its own name, with its bytes.
func testAttachmentsZip(t *testing.T, f mailFixture) {
	a := newTestApp(t, f.cfg)
	a.login(f.user, f.pass)
	var s seeded
	for _, m := range f.mailbox("INBOX") {
		if s.Parsed == nil || len(m.Parsed.Attachments) > len(s.Parsed.Attachments) {
			s = m
		}
	}
	if len(s.Parsed.Attachments) < 2 {
		t.Fatalf("no seeded message with two attachments (most: %d)", len(s.Parsed.Attachments))
	}
	msg := fmt.Sprintf("/mail/INBOX/%d", s.UID)
	link := a.get(msg).doc.Find(".att-all a").AttrOr("href", "")
	if link != msg+"/attachments.zip" {
		t.Fatalf("Download all links to %q", link)
	}
	p := a.get(link)
	wantStatus(t, p, http.StatusOK)
	if ct, cd := p.resp.Header.Get("Content-Type"), p.resp.Header.Get("Content-Disposition"); ct != "application/zip" || !strings.HasPrefix(cd, "attachment;") {
		t.Errorf("Content-Type %q, Content-Disposition %q", ct, cd)
	}
	zr, err := zip.NewReader(strings.NewReader(p.body), int64(len(p.body)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != len(s.Parsed.Attachments) {
		t.Fatalf("%d entries for %d attachments", len(zr.File), len(s.Parsed.Attachments))
	}
	for i, zf := range zr.File {
		want := s.Parsed.Attachments[i]
		if strings.ContainsAny(zf.Name, "/\\") || (want.Filename != "" && zf.Name != want.Filename) {
			t.Errorf("entry %d named %q, attachment %q", i, zf.Name, want.Filename)
		}
		raw := a.get(fmt.Sprintf("%s/part/%s", msg, url.PathEscape(want.Path))).body
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if string(got) != raw {
			t.Errorf("entry %q: %d bytes, the download has %d", zf.Name, len(got), len(raw))
		}
	}
}

func testAttachment(t *testing.T, f mailFixture) {
	a := newTestApp(t, f.cfg)
	a.login(f.user, f.pass)
	s := f.find(t, "INBOX", func(s seeded) bool {
		for _, at := range s.Parsed.Attachments {
			if at.ContentType == "application/pdf" {
				return true
			}
		}
		return false
	})
	p := a.get(fmt.Sprintf("/mail/INBOX/%d", s.UID))
	wantStatus(t, p, http.StatusOK)
	var link *goquery.Selection
	p.doc.Find(".attachment a").Each(func(_ int, sel *goquery.Selection) {
		if strings.HasSuffix(strings.ToLower(sel.Find(".att-name").Text()), ".pdf") {
			link = sel
		}
	})
	if link == nil {
		t.Fatalf("no PDF in the attachment list:\n%s", p.doc.Find(".attachments").Text())
	}
	name := link.Find(".att-name").Text()
	dl := a.get(link.AttrOr("href", ""))
	wantStatus(t, dl, http.StatusOK)
	if cd := dl.resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	if ct := dl.resp.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type = %q", ct)
	}
	if want := attachmentBytes(t, s.Raw, name); !bytes.Equal([]byte(dl.body), want) {
		t.Errorf("downloaded %d bytes, want the %d bytes sent", len(dl.body), len(want))
	}
	if !strings.HasPrefix(dl.body, "%PDF-") {
		t.Error("download is not the PDF")
	}
}

// serverSeen looks at a message's flags through a connection of its own,
// as another device would.
func serverFlags(t testing.TB, a *testApp, f mailFixture, mailbox string, uid uint32) imapproxy.MessageSummary {
	t.Helper()
	other := a.pool.Session("other-device", f.user, func() (string, error) { return f.pass, nil })
	defer a.pool.CloseSession("other-device")
	for page := 1; ; page++ {
		_, mp, err := other.Folder(t.Context(), mailbox, page, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mp.Messages {
			if m.UID == uid {
				return m
			}
		}
		if page >= mp.Pages() {
			t.Fatalf("UID %d not in %s", uid, mailbox)
		}
	}
}

// testOlderNewer: from a message, Older and Newer open its neighbours in
// the folder's order (the list's, newest first); past either end the
// folder shows, saying so.
func testOlderNewer(t *testing.T, f mailFixture) {
	a := newTestApp(t, f.cfg)
	a.login(f.user, f.pass)
	list := rowUIDs(t, a.get("/mail/INBOX")) // newest first
	if len(list) < 3 {
		t.Fatalf("%d rows", len(list))
	}
	msg := func(uid uint32) string { return fmt.Sprintf("/mail/INBOX/%d", uid) }
	p := a.get(msg(list[1]))
	older := p.doc.Find(".msg-toolbar a.msg-older").AttrOr("href", "")
	newer := p.doc.Find(".msg-toolbar a.msg-newer").AttrOr("href", "")
	for link, want := range map[string]string{older: msg(list[2]), newer: msg(list[0])} {
		p := a.get(link)
		wantStatus(t, p, http.StatusSeeOther)
		if loc := p.resp.Header.Get("Location"); loc != want {
			t.Errorf("%s goes to %q, want %q", link, loc, want)
		}
	}
	p = a.get(msg(list[0]) + "/newer")
	wantStatus(t, p, http.StatusSeeOther)
	if p = a.follow(p); !strings.Contains(p.doc.Find(".flash").Text(), "newest message") {
		t.Errorf("newer than the newest: flash %q", p.doc.Find(".flash").Text())
	}
}

func testSeenUnread(t *testing.T, f mailFixture) {
	a := newTestApp(t, f.cfg)
	a.login(f.user, f.pass)
	s := f.find(t, "INBOX", func(s seeded) bool { return !s.Seen && s.Parsed.Text != "" && s.Parsed.HTML == "" })
	path := fmt.Sprintf("/mail/INBOX/%d", s.UID)
	p := a.get(path)
	wantStatus(t, p, http.StatusOK)
	if p.doc.Find(".msg-text").Length() != 1 {
		t.Error("plain text body not shown")
	}
	if !serverFlags(t, a, f, "INBOX", s.UID).Seen {
		t.Fatal("opening a message did not set \\Seen on the server")
	}
	form := p.doc.Find(`form[action$="/seen"]`)
	if v := form.Find(`input[name="seen"]`).AttrOr("value", ""); v != "0" {
		t.Fatalf("opened message offers seen=%q, want a mark-unread button", v)
	}
	r := a.post(form.AttrOr("action", ""), url.Values{"seen": {"0"}})
	wantStatus(t, r, http.StatusSeeOther)
	if serverFlags(t, a, f, "INBOX", s.UID).Seen {
		t.Error("mark unread left \\Seen set")
	}
	list := a.follow(r)
	if !list.doc.Find(fmt.Sprintf("li[data-uid=%q]", strconv.Itoa(int(s.UID)))).HasClass("unread") {
		t.Error("the list does not show the message unread again")
	}
	if !strings.Contains(list.doc.Find(".flash").Text(), "unread") {
		t.Error("no confirmation shown")
	}
}

func testFlag(t *testing.T, f mailFixture) {
	a := newTestApp(t, f.cfg)
	a.login(f.user, f.pass)
	s := f.find(t, "INBOX", func(s seeded) bool { return !s.Flagged && s.Seen })
	path := fmt.Sprintf("/mail/INBOX/%d", s.UID)
	wantStatus(t, a.post(path+"/flag", url.Values{"flagged": {"1"}}), http.StatusSeeOther)
	if !serverFlags(t, a, f, "INBOX", s.UID).Flagged {
		t.Fatal("flag not set on the server")
	}
	p := a.get(path)
	if p.doc.Find(`form[action$="/flag"] input[value="0"]`).Length() != 1 {
		t.Error("flagged message offers no unflag")
	}
	wantStatus(t, a.post(path+"/flag", url.Values{"flagged": {"0"}}), http.StatusSeeOther)
	if serverFlags(t, a, f, "INBOX", s.UID).Flagged {
		t.Error("unflag left \\Flagged set")
	}
	wantStatus(t, a.post(path+"/flag", url.Values{"flagged": {"maybe"}}), http.StatusBadRequest)
}

func testRaw(t *testing.T, f mailFixture) {
	a := newTestApp(t, f.cfg)
	a.login(f.user, f.pass)
	s := f.mailbox("INBOX")[0]
	p := a.get(fmt.Sprintf("/mail/INBOX/%d/raw", s.UID))
	wantStatus(t, p, http.StatusOK)
	if !bytes.Equal([]byte(p.body), s.Raw) {
		t.Errorf("view source gave %d bytes, want the %d stored", len(p.body), len(s.Raw))
	}
	if cd := p.resp.Header.Get("Content-Disposition"); !strings.Contains(cd, ".eml") {
		t.Errorf("Content-Disposition = %q", cd)
	}
}

func testMissing(t *testing.T, f mailFixture) {
	a := newTestApp(t, f.cfg)
	a.login(f.user, f.pass)
	for path, want := range map[string]int{
		"/mail/INBOX/999999":        http.StatusNotFound,
		"/mail/INBOX/abc":           http.StatusNotFound,
		"/mail/No%20such%20folder":  http.StatusNotFound,
		"/mail/INBOX/1/part/99":     http.StatusNotFound,
		"/mail/INBOX/1/part/..%2F1": http.StatusBadRequest,
		"/nowhere":                  http.StatusNotFound,
	} {
		p := a.get(path)
		wantStatus(t, p, want)
		if p.doc == nil || p.doc.Find(".error-box h1").Length() != 1 {
			t.Errorf("%s: no error page", path)
		}
		if p.doc.Find(".error-ref code").Text() == "" {
			t.Errorf("%s: error page without a reference", path)
		}
	}
}

func testLogout(t *testing.T, f mailFixture) {
	a := newTestApp(t, f.cfg)
	a.login(f.user, f.pass)
	wantStatus(t, a.get("/mail/INBOX"), http.StatusOK)
	before := a.store.Len()

	p := a.post("/logout", nil)
	wantStatus(t, p, http.StatusSeeOther)
	if cs := p.resp.Header.Get("Clear-Site-Data"); !strings.Contains(cs, "cookies") {
		t.Errorf("Clear-Site-Data = %q", cs)
	}
	if a.store.Len() != before-1 {
		t.Errorf("server kept the session record after logout")
	}
	if st := a.pool.Stats(); st.Open != 0 {
		t.Errorf("%d IMAP connections still open after logout", st.Open)
	}
	wantStatus(t, a.get("/mail/INBOX"), http.StatusSeeOther)
	// A form posted after the session ended is refused plainly.
	wantStatus(t, a.post("/mail/INBOX/1/flag", url.Values{"flagged": {"1"}}), http.StatusUnauthorized)
}

func testHeaders(t *testing.T, f mailFixture) {
	a := newTestApp(t, f.cfg)
	check := func(p *page, authed bool) {
		t.Helper()
		h := p.resp.Header
		path := p.resp.Request.URL.Path
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") && !strings.HasPrefix(csp, "default-src 'none'") && !strings.HasPrefix(csp, "sandbox") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if strings.Contains(h.Get("Content-Security-Policy"), "unsafe-inline") && !strings.HasSuffix(path, "/body") {
			t.Errorf("%s: CSP allows inline code", path)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: nosniff %q, referrer %q", path, h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"))
		}
		if authed && h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", path, h.Get("Cache-Control"))
		}
	}
	login := a.get("/login")
	check(login, false)
	login.doc.Find(`link[rel="stylesheet"], script[src]`).Each(func(_ int, s *goquery.Selection) {
		u := s.AttrOr("href", s.AttrOr("src", ""))
		p := a.get(u)
		wantStatus(t, p, http.StatusOK)
		check(p, false)
		if cc := p.resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("%s: Cache-Control %q", u, cc)
		}
	})
	if login.doc.Find("script:not([src])").Length() > 0 {
		t.Error("inline script on the login page")
	}
	a.login(f.user, f.pass)
	s := f.find(t, "INBOX", func(s seeded) bool { return len(s.Parsed.Attachments) > 0 && s.Parsed.HTML != "" })
	msg := fmt.Sprintf("/mail/INBOX/%d", s.UID)
	for _, path := range []string{"/mail/INBOX", msg, msg + "/body", msg + "/raw", msg + "/part/" + s.Parsed.Attachments[0].Path, "/mail/INBOX/999999", "/settings", "/nowhere"} {
		check(a.get(path), true)
	}

	// A form from another site is refused.
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+msg+"/flag", strings.NewReader("flagged=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	p := a.do(req)
	wantStatus(t, p, http.StatusForbidden)
	if serverFlags(t, a, f, "INBOX", s.UID).Flagged != s.Flagged {
		t.Error("cross-site POST changed the flag")
	}
	// Nor may another site make the user trust a sender.
	req, _ = http.NewRequest(http.MethodPost, a.srv.URL+"/settings/trusted-senders", strings.NewReader("address=evil%40example.org&trust=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	wantStatus(t, a.do(req), http.StatusForbidden)
}

// testHostileAttachments: HTML and SVG attachments (script inside) are only
// ever downloads, never documents or images of our origin.
func testHostileAttachments(t *testing.T, f mailFixture) {
	a := newTestApp(t, f.cfg)
	a.login(f.user, f.pass)
	s := f.find(t, "INBOX", func(s seeded) bool {
		for _, at := range s.Parsed.Attachments {
			if at.ContentType == "text/html" {
				return true
			}
		}
		return false
	})
	checked := 0
	for _, at := range s.Parsed.Attachments {
		if at.ContentType != "text/html" && at.ContentType != "image/svg+xml" {
			continue
		}
		checked++
		path := fmt.Sprintf("/mail/INBOX/%d/part/%s", s.UID, at.Path)
		dl := a.get(path)
		wantStatus(t, dl, http.StatusOK)
		h := dl.resp.Header
		if ct := h.Get("Content-Type"); ct != "application/octet-stream" {
			t.Errorf("%s (%s) served as %q", at.Filename, at.ContentType, ct)
		}
		if !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") || !strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("%s: disposition %q, CSP %q", at.Filename, h.Get("Content-Disposition"), h.Get("Content-Security-Policy"))
		}
		// Asked for as a preview image, it is refused: its bytes are not a
		// raster image, whatever it claims.
		wantStatus(t, a.get(path+"?preview=1"), http.StatusUnsupportedMediaType)
	}
	if checked == 0 {
		t.Fatal("the hostile message has no HTML or SVG attachment")
	}
	// A real image previews inline, typed by its bytes.
	img := f.find(t, "INBOX", func(s seeded) bool {
		for _, at := range s.Parsed.Attachments {
			if at.ContentType == "image/jpeg" || at.ContentType == "image/png" {
				return true
			}
		}
		return false
	})
	for _, at := range img.Parsed.Attachments {
		if at.ContentType == "image/jpeg" || at.ContentType == "image/png" {
			p := a.get(fmt.Sprintf("/mail/INBOX/%d/part/%s?preview=1", img.UID, at.Path))
			wantStatus(t, p, http.StatusOK)
			if ct := p.resp.Header.Get("Content-Type"); ct != at.ContentType {
				t.Errorf("preview of %s typed %q", at.Filename, ct)
			}
			break
		}
	}
}
