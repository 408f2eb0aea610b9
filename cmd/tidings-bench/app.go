package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/tidings-mail/tidings/handlers"
	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/web"
	"github.com/tidings-mail/tidings/web/session"
)

// app is Tidings as cmd/tidings wires it (web.New over an imapproxy.Pool
// and the in-memory session store), served over real HTTP on loopback.
type app struct {
	URL  string
	Pool *imapproxy.Pool
	srv  *http.Server
}

func startApp(cfg imapproxy.Config) (*app, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := benchLogger()
	pool := imapproxy.NewPool(cfg, log)
	hashKey, blockKey := make([]byte, 32), make([]byte, 32)
	rand.Read(hashKey)
	rand.Read(blockKey)
	sessions, err := session.NewManager(session.Config{IdleTimeout: 30 * time.Minute, MaxLifetime: 8 * time.Hour,
		HashKey: hashKey, BlockKey: blockKey}, session.NewMemoryStore())
	if err != nil {
		return nil, err
	}
	handler := web.New(web.Config{}, log, handlers.PoolBackend{Pool: pool}, sessions)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return &app{URL: "http://" + ln.Addr().String(), Pool: pool, srv: srv}, nil
}

func (a *app) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = a.srv.Shutdown(ctx)
	_ = a.Pool.Close(ctx)
}

// benchLogger logs at Info like production, so the request log's cost is
// paid, but shows only warnings and errors: a failing page must not pass
// unnoticed, and a thousand request lines would bury the results.
func benchLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(warnFilter{os.Stderr}, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

type warnFilter struct{ w io.Writer }

func (f warnFilter) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("level=WARN")) || bytes.Contains(p, []byte("level=ERROR")) {
		return f.w.Write(p)
	}
	return len(p), nil
}

// browser is one signed-in browser: its own cookies, a shared transport.
type browser struct {
	base string
	hc   *http.Client
}

func newBrowser(base string, tr http.RoundTripper) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{base: base, hc: &http.Client{
		Jar: jar, Transport: tr, Timeout: 2 * time.Minute,
		// Each answer is timed on its own; a redirect is not followed.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// newTransport keeps up to conns connections per host alive, as a browser
// keeps its own.
func newTransport(conns int) *http.Transport {
	return &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, IdleConnTimeout: 5 * time.Minute,
		DialContext: (&net.Dialer{Timeout: 10 * time.Second}).DialContext}
}

// login signs in; the server answers 303 to the Inbox when it accepted.
func (b *browser) login(ctx context.Context, user, password string) error {
	status, body, err := b.post(ctx, "/login", url.Values{"username": {user}, "password": {password}}, false)
	if err != nil {
		return err
	}
	if status != http.StatusSeeOther {
		return fmt.Errorf("login %s: status %d: %s", user, status, snippet(body))
	}
	return nil
}

func (b *browser) get(ctx context.Context, path string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.base+path, nil)
	if err != nil {
		return 0, nil, err
	}
	return b.do(req)
}

// post sends a form; asJSON asks for organize.js's small JSON answer
// instead of a redirect.
func (b *browser) post(ctx context.Context, path string, form url.Values, asJSON bool) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if asJSON {
		req.Header.Set("Accept", "application/json")
	}
	return b.do(req)
}

// do reads the whole answer: a page is served when its last byte is.
func (b *browser) do(req *http.Request) (int, []byte, error) {
	resp, err := b.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// page GETs path and checks for 200 and, when want is not empty, that the
// page holds want.
func (b *browser) page(ctx context.Context, path, want string) error {
	status, body, err := b.get(ctx, path)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("GET %s: status %d: %s", path, status, snippet(body))
	}
	if want != "" && !bytes.Contains(body, []byte(want)) {
		return fmt.Errorf("GET %s: page lacks %q", path, want)
	}
	return nil
}

// snippet is the start of an error body, for messages.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
