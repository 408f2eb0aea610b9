package session

import (
	"bytes"
	"encoding/gob"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func newTestManager(t *testing.T) (*Manager, *MemoryStore, *time.Time) {
	t.Helper()
	store := NewMemoryStore()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	store.now = func() time.Time { return now }
	key := bytes.Repeat([]byte{7}, 32)
	m, err := NewManager(Config{IdleTimeout: 30 * time.Minute, MaxLifetime: 8 * time.Hour, HashKey: key, BlockKey: key}, store)
	if err != nil {
		t.Fatal(err)
	}
	m.now = func() time.Time { return now }
	return m, store, &now
}

// login returns the cookie a browser would hold after signing in.
func login(t *testing.T, m *Manager, user, pass string) (*Session, *http.Cookie) {
	t.Helper()
	s, err := m.New(user, pass)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	if err := m.Save(rec, httptest.NewRequest("POST", "/login", nil), s, true); err != nil {
		t.Fatal(err)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("%d cookies set", len(cookies))
	}
	return s, cookies[0]
}

func requestWith(c *http.Cookie) *http.Request {
	r := httptest.NewRequest("GET", "/mail/INBOX", nil)
	if c != nil {
		r.AddCookie(c)
	}
	return r
}

func TestSessionRoundTrip(t *testing.T) {
	m, _, _ := newTestManager(t)
	s, c := login(t, m, "alice", "s3cret pässword")
	if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.MaxAge != 0 {
		t.Errorf("cookie %+v: want HttpOnly, Secure, SameSite=Lax, a browser-session cookie", c)
	}
	got, err := m.Load(requestWith(c))
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != s.ID || got.User != "alice" {
		t.Errorf("loaded %+v", got)
	}
	if pw, err := got.Password(); err != nil || pw != "s3cret pässword" {
		t.Errorf("password = %q, %v", pw, err)
	}
}

// TestNeitherHalfAloneRevealsThePassword: the store holds only ciphertext,
// the cookie only a random ID and key.
func TestNeitherHalfAloneRevealsThePassword(t *testing.T) {
	m, store, _ := newTestManager(t)
	const pw = "correct horse battery staple"
	s, c := login(t, m, "alice", pw)

	var dump bytes.Buffer
	for id, e := range store.records {
		_ = gob.NewEncoder(&dump).Encode(e.rec)
		dump.WriteString(id)
	}
	if bytes.Contains(dump.Bytes(), []byte(pw)) || bytes.Contains(dump.Bytes(), []byte("horse")) {
		t.Error("the session store holds the password in clear")
	}
	if strings.Contains(c.Value, pw) {
		t.Error("the cookie holds the password")
	}
	// The store key is a digest of the cookie's ID: a store dump cannot be
	// turned into cookies.
	if strings.Contains(c.Value, s.ID) {
		t.Error("the cookie carries the store key")
	}

	// After logout the cookie alone is worth nothing.
	rec := httptest.NewRecorder()
	if id := m.Destroy(rec, requestWith(c), true); id != s.ID {
		t.Errorf("Destroy returned %q", id)
	}
	if _, err := m.Load(requestWith(c)); err != ErrNotFound {
		t.Errorf("stolen cookie after logout: %v, want ErrNotFound", err)
	}
	if set := rec.Result().Cookies(); len(set) != 1 || set[0].MaxAge >= 0 {
		t.Errorf("logout does not expire the cookie: %+v", set)
	}
}

func TestSessionTimeouts(t *testing.T) {
	m, _, now := newTestManager(t)
	_, c := login(t, m, "alice", "pw")

	*now = now.Add(29 * time.Minute)
	if _, err := m.Load(requestWith(c)); err != nil {
		t.Fatalf("within the idle timeout: %v", err)
	}
	// Activity keeps it alive up to the absolute lifetime.
	for i := 0; i < 15; i++ {
		*now = now.Add(25 * time.Minute)
		if _, err := m.Load(requestWith(c)); err != nil {
			t.Fatalf("active session ended after %d steps: %v", i, err)
		}
	}
	*now = now.Add(2 * time.Hour) // past 8 h since login
	if _, err := m.Load(requestWith(c)); err != ErrNotFound {
		t.Errorf("past the absolute lifetime: %v", err)
	}

	var expired []string
	m.OnExpire = func(id string) { expired = append(expired, id) }
	s2, c2 := login(t, m, "bob", "pw")
	*now = now.Add(31 * time.Minute)
	if _, err := m.Load(requestWith(c2)); err != ErrNotFound {
		t.Errorf("idle past the timeout: %v", err)
	}
	if len(expired) != 1 || expired[0] != s2.ID {
		t.Errorf("OnExpire told %v, want the expired session", expired)
	}
}

func TestForgedOrForeignCookies(t *testing.T) {
	m, _, _ := newTestManager(t)
	_, c := login(t, m, "alice", "pw")
	for name, cookie := range map[string]*http.Cookie{
		"none":     nil,
		"garbage":  {Name: CookieName, Value: "garbage"},
		"tampered": {Name: CookieName, Value: c.Value[:len(c.Value)-4] + "AAAA"},
	} {
		if _, err := m.Load(requestWith(cookie)); err != ErrNotFound {
			t.Errorf("%s cookie: %v", name, err)
		}
	}
	// Another instance with other keys cannot read the cookie.
	other, err := NewManager(Config{IdleTimeout: time.Hour, MaxLifetime: time.Hour,
		HashKey: bytes.Repeat([]byte{1}, 32), BlockKey: bytes.Repeat([]byte{2}, 32)}, NewMemoryStore())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Load(requestWith(c)); err != ErrNotFound {
		t.Errorf("foreign keys: %v", err)
	}
}
