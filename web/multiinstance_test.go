package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/tidings-mail/tidings/handlers"
	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/internal/testsrv"
	"github.com/tidings-mail/tidings/web/session"
)

// TestInstancesShareSessionsThroughRedis runs two Tidings instances, each
// with its own IMAP pool, over one real Redis: a browser signed in on one
// is signed in on the other (which dials its own IMAP connection with the
// password only the cookie's key unseals), and signing out on either ends
// the session on both.
func TestInstancesShareSessionsThroughRedis(t *testing.T) {
	t.Parallel()
	redisAddr := testsrv.StartRedis(t)
	f := memoryFixture(t)
	key := []byte("shared-secret-shared-secret-1234")
	instance := func() *httptest.Server {
		store, err := session.NewRedisStore(t.Context(), redisAddr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		m, err := session.NewManager(session.Config{IdleTimeout: time.Hour, MaxLifetime: 8 * time.Hour, HashKey: key, BlockKey: key}, store)
		if err != nil {
			t.Fatal(err)
		}
		pool := imapproxy.NewPool(f.cfg, testLogger(t))
		srv := httptest.NewServer(New(Config{}, testLogger(t), handlers.PoolBackend{Pool: pool}, m))
		t.Cleanup(func() { srv.Close(); _ = pool.Close(t.Context()) })
		return srv
	}
	a, b := instance(), instance()

	browser := &testApp{t: t, srv: a, client: newCookieClient()}
	browser.login(f.user, f.pass)
	wantStatus(t, browser.get("/mail/INBOX"), http.StatusOK)

	// The same browser (cookie jar keyed by host: both are 127.0.0.1) now
	// talks to the other instance.
	browser.srv = b
	p := browser.get("/mail/INBOX")
	wantStatus(t, p, http.StatusOK)
	if len(rowUIDs(t, p)) == 0 {
		t.Fatal("second instance shows no mail")
	}

	u, _ := url.Parse(a.URL)
	stolen := browser.client.Jar.Cookies(u)
	wantStatus(t, browser.post("/logout", nil), http.StatusSeeOther)
	// Put the old cookie back, as a thief who copied it would, on the
	// instance where the sign-out did not happen.
	thief := &testApp{t: t, srv: a, client: newCookieClient()}
	thief.client.Jar.SetCookies(u, stolen)
	if len(stolen) == 0 {
		t.Fatal("no cookie to steal")
	}
	wantStatus(t, thief.get("/mail/INBOX"), http.StatusSeeOther)
}
