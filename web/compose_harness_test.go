package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/tidings-mail/tidings/handlers"
	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/imapproxy/message"
	"github.com/tidings-mail/tidings/imapproxy/submit"
	"github.com/tidings-mail/tidings/web/session"
)

// composeOptions are what a compose test changes from the defaults.
type composeOptions struct {
	smtp          submit.Config
	mailDomain    string
	maxAttachment int64
	sender        handlers.Sender // overrides smtp
	// wrapMail, when set, stands between the handlers and each session's
	// IMAP connection, to make the mail server fail on purpose.
	wrapMail func(*imapproxy.Session) handlers.Mail
	// sessions, when set, is the session store, shared with another app
	// as by two instances behind one address.
	sessions *session.MemoryStore
}

// wrappedBackend hands out wrapped sessions.
type wrappedBackend struct {
	handlers.PoolBackend
	wrap func(*imapproxy.Session) handlers.Mail
}

func (b wrappedBackend) Mail(sid, user string, pw imapproxy.PasswordFunc) handlers.Mail {
	return b.wrap(b.Pool.Session(sid, user, pw))
}

// newComposeApp is newTestApp with writing and sending mail wired in.
func newComposeApp(t testing.TB, imapCfg imapproxy.Config, o composeOptions) *testApp {
	t.Helper()
	pool := imapproxy.NewPool(imapCfg, testLogger(t))
	store := o.sessions
	if store == nil {
		store = session.NewMemoryStore()
	}
	key := []byte("0123456789abcdef0123456789abcdef")
	sessions, err := session.NewManager(session.Config{IdleTimeout: 30 * time.Minute, MaxLifetime: 8 * time.Hour,
		HashKey: key, BlockKey: key}, store)
	if err != nil {
		t.Fatal(err)
	}
	cstore, err := handlers.NewComposeStore(t.TempDir(), time.Hour, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if o.maxAttachment == 0 {
		o.maxAttachment = 25 << 20
	}
	if o.smtp.Timeout == 0 {
		o.smtp.Timeout = 10 * time.Second
	}
	var sender handlers.Sender = submit.NewClient(o.smtp)
	if o.sender != nil {
		sender = o.sender
	}
	compose := &handlers.Compose{Sender: sender, Store: cstore,
		MailDomain: o.mailDomain, MaxAttachmentBytes: o.maxAttachment, SentCopy: true, Location: time.UTC}
	var backend handlers.Backend = handlers.PoolBackend{Pool: pool}
	if o.wrapMail != nil {
		backend = wrappedBackend{PoolBackend: handlers.PoolBackend{Pool: pool}, wrap: o.wrapMail}
	}
	backend = handlers.WithComposeCleanup(backend, cstore)
	app := New(Config{Compose: compose, UserData: store}, testLogger(t), backend, sessions)
	srv := httptest.NewServer(app)
	t.Cleanup(func() {
		srv.Close()
		_ = pool.Close(context.Background())
		_ = cstore.Close()
	})
	return &testApp{t: t, srv: srv, client: newCookieClient(), pool: pool, store: store}
}

// formFile is a file to upload with postForm.
type formFile struct {
	name, ctype string
	data        []byte
}

// postForm posts fields (in order) and files as multipart/form-data, the
// way a browser posts the compose form.
func (a *testApp) postForm(path string, fields [][2]string, files ...formFile) *page {
	a.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			a.t.Fatal(err)
		}
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="attachment"; filename=%q`, f.name))
		h.Set("Content-Type", f.ctype)
		w, err := mw.CreatePart(h)
		if err != nil {
			a.t.Fatal(err)
		}
		w.Write(f.data)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, a.srv.URL+path, &body)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return a.do(req)
}

// openCompose starts a composition at url (/compose?…) and returns its
// form page and ID.
func (a *testApp) openCompose(url string) (*page, string) {
	a.t.Helper()
	p := a.get(url)
	wantStatus(a.t, p, http.StatusSeeOther)
	p = a.follow(p)
	wantStatus(a.t, p, http.StatusOK)
	id := p.doc.Find(`input[name="compose"]`).AttrOr("value", "")
	if id == "" {
		a.t.Fatalf("%s: no compose ID in the form", url)
	}
	return p, id
}

// formFields reads the compose form's fields as the browser would post
// them.
func formFields(p *page, id string) map[string]string {
	f := map[string]string{"compose": id}
	for _, n := range []string{"from_name", "to", "cc", "bcc", "subject"} {
		f[n] = p.doc.Find(`input[name="`+n+`"]`).AttrOr("value", "")
	}
	f["body"] = p.doc.Find(`textarea[name="body"]`).Text()
	return f
}

func fieldList(f map[string]string) [][2]string {
	var out [][2]string
	for _, n := range []string{"compose", "from_name", "to", "cc", "bcc", "subject", "body"} {
		out = append(out, [2]string{n, f[n]})
	}
	return out
}

// mailbox is a test's direct look into a user's mail, through its own
// pool session.
type mailbox struct {
	t testing.TB
	s *imapproxy.Session
}

func (a *testApp) mailboxOf(t testing.TB, user, pass string) *mailbox {
	return &mailbox{t: t, s: a.pool.Session("check-"+user+"-"+t.Name(), user, func() (string, error) { return pass, nil })}
}

// list returns the newest messages of folder, newest first.
func (m *mailbox) list(folder string) []imapproxy.MessageSummary {
	m.t.Helper()
	_, mp, err := m.s.Folder(m.t.Context(), folder, 1, 50)
	if err != nil {
		m.t.Fatalf("list %s: %v", folder, err)
	}
	return mp.Messages
}

// find returns the messages of folder whose subject is subject.
func (m *mailbox) find(folder, subject string) []imapproxy.MessageSummary {
	var out []imapproxy.MessageSummary
	for _, s := range m.list(folder) {
		if s.Subject == subject {
			out = append(out, s)
		}
	}
	return out
}

// waitFor polls folder until a message with subject arrives (delivery
// through Postfix and LMTP takes a moment).
func (m *mailbox) waitFor(folder, subject string) imapproxy.MessageSummary {
	m.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if got := m.find(folder, subject); len(got) > 0 {
			return got[0]
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("no message %q arrived in %s", subject, folder)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// open parses a stored message.
func (m *mailbox) open(folder string, uid uint32) *message.Message {
	m.t.Helper()
	mv, err := m.s.MessageContent(m.t.Context(), folder, uid)
	if err != nil {
		m.t.Fatalf("open %s/%d: %v", folder, uid, err)
	}
	return mv.Msg
}

// raw returns a stored message's bytes.
func (m *mailbox) raw(folder string, uid uint32) []byte {
	m.t.Helper()
	var buf bytes.Buffer
	err := m.s.StreamRaw(m.t.Context(), folder, uid, func(int64) (io.Writer, error) { return &buf, nil })
	if err != nil {
		m.t.Fatalf("raw %s/%d: %v", folder, uid, err)
	}
	return buf.Bytes()
}

// part returns the decoded bytes of one part.
func (m *mailbox) part(folder string, uid uint32, path string) []byte {
	m.t.Helper()
	var buf bytes.Buffer
	err := m.s.StreamPart(m.t.Context(), folder, uid, imapproxy.PartRef{Path: path}, func(imapproxy.PartInfo) (io.Writer, error) { return &buf, nil })
	if err != nil {
		m.t.Fatalf("part %s of %s/%d: %v", path, folder, uid, err)
	}
	return buf.Bytes()
}

// errorText is the compose page's error box and field errors.
func errorText(p *page) string {
	if p.doc == nil {
		return p.body
	}
	return strings.TrimSpace(p.doc.Find(".compose-error, .field-error").Text())
}
