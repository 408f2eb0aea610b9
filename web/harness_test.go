package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/tidings-mail/tidings/handlers"
	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/web/session"
)

// testApp is the whole application under httptest, with a browser-like
// client (cookie jar, no automatic redirects so tests see each answer).
type testApp struct {
	t      testing.TB
	srv    *httptest.Server
	client *http.Client
	pool   *imapproxy.Pool
	store  *session.MemoryStore
}

func testLogger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func newTestApp(t testing.TB, imapCfg imapproxy.Config) *testApp {
	t.Helper()
	return newTestAppWith(t, imapCfg, Config{})
}

// newTestAppWith is newTestApp with the web layer's configuration.
func newTestAppWith(t testing.TB, imapCfg imapproxy.Config, cfg Config) *testApp {
	t.Helper()
	pool := imapproxy.NewPool(imapCfg, testLogger(t))
	store := session.NewMemoryStore()
	key := []byte("0123456789abcdef0123456789abcdef")
	sessions, err := session.NewManager(session.Config{IdleTimeout: 30 * time.Minute, MaxLifetime: 8 * time.Hour,
		HashKey: key, BlockKey: key}, store)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.UserData == nil {
		cfg.UserData = store
	}
	app := New(cfg, testLogger(t), handlers.PoolBackend{Pool: pool}, sessions)
	srv := httptest.NewServer(app)
	t.Cleanup(func() {
		srv.Close()
		_ = pool.Close(t.Context())
	})
	return &testApp{t: t, srv: srv, client: newCookieClient(), pool: pool, store: store}
}

func newCookieClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// newBrowserFor gives the test another browser (its own cookies) on the
// same app.
func (a *testApp) newBrowserFor() *testApp {
	b := *a
	b.client = newCookieClient()
	return &b
}

type page struct {
	resp *http.Response
	body string
	doc  *goquery.Document
}

func (a *testApp) do(req *http.Request) *page {
	a.t.Helper()
	resp, err := a.client.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatalf("%s %s: read body: %v", req.Method, req.URL.Path, err)
	}
	p := &page{resp: resp, body: string(b)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		p.doc, err = goquery.NewDocumentFromReader(strings.NewReader(p.body))
		if err != nil {
			a.t.Fatalf("parse HTML of %s: %v", req.URL.Path, err)
		}
	}
	return p
}

func (a *testApp) get(path string) *page {
	a.t.Helper()
	req, err := http.NewRequest(http.MethodGet, a.srv.URL+path, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	return a.do(req)
}

func (a *testApp) post(path string, form url.Values) *page {
	a.t.Helper()
	req, err := http.NewRequest(http.MethodPost, a.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return a.do(req)
}

// follow requests the page a redirect points at.
func (a *testApp) follow(p *page) *page {
	a.t.Helper()
	loc := p.resp.Header.Get("Location")
	if loc == "" {
		a.t.Fatalf("%s %s: status %d, want a redirect", p.resp.Request.Method, p.resp.Request.URL.Path, p.resp.StatusCode)
	}
	u, err := p.resp.Request.URL.Parse(loc)
	if err != nil {
		a.t.Fatal(err)
	}
	return a.get(u.RequestURI())
}

func (a *testApp) login(user, pass string) *page {
	a.t.Helper()
	p := a.post("/login", url.Values{"username": {user}, "password": {pass}})
	if p.resp.StatusCode != http.StatusSeeOther {
		a.t.Fatalf("login %s: status %d, want 303; body:\n%s", user, p.resp.StatusCode, p.body)
	}
	return p
}

func wantStatus(t testing.TB, p *page, want int) {
	t.Helper()
	if p.resp.StatusCode != want {
		body := p.body
		if len(body) > 2000 {
			body = body[:2000]
		}
		t.Fatalf("%s %s: status %d, want %d; body:\n%s", p.resp.Request.Method, p.resp.Request.URL, p.resp.StatusCode, want, body)
	}
}
