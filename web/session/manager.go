package session

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
)

// CookieName is the name of the session cookie.
const CookieName = "tidings_session"

// Config sets the session lifetimes and cookie keys.
type Config struct {
	IdleTimeout time.Duration // a session unused this long ends
	MaxLifetime time.Duration // a session ends this long after login, used or not
	// HashKey (32 or 64 bytes) signs the cookie, BlockKey (32 bytes)
	// encrypts it. Instances sharing sessions need the same keys.
	HashKey, BlockKey []byte
}

// Manager creates, loads and ends sessions.
type Manager struct {
	// OnExpire, if set, is told the ID of a session found expired, so its
	// IMAP connections are logged out at once rather than when they idle
	// out.
	OnExpire func(id string)

	cfg     Config
	store   Store
	cookies *sessions.CookieStore
	now     func() time.Time
}

// Session is a logged-in browser session as a request sees it.
type Session struct {
	ID      string // storage key; safe to use as a map key, never to log
	User    string
	Created time.Time
	sealed  []byte
	key     []byte
	rawID   []byte // set by New until Save; the cookie's value
}

// Password decrypts the IMAP password with the cookie's key.
func (s *Session) Password() (string, error) {
	return open(s.key, s.sealed)
}

// NewManager returns a Manager over store.
func NewManager(cfg Config, store Store) (*Manager, error) {
	if len(cfg.HashKey) != 32 && len(cfg.HashKey) != 64 {
		return nil, errors.New("session hash key must be 32 or 64 bytes")
	}
	if len(cfg.BlockKey) != 32 {
		return nil, errors.New("session block key must be 32 bytes")
	}
	cs := sessions.NewCookieStore(cfg.HashKey, cfg.BlockKey)
	// A browser-session cookie: it dies with the browser (kiosks), and the
	// server-side record enforces the idle and absolute timeouts.
	cs.MaxAge(0)
	cs.Options = &sessions.Options{Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode}
	return &Manager{cfg: cfg, store: store, cookies: cs, now: time.Now}, nil
}

// New prepares a session for user with a fresh random ID and key. Nothing
// is stored until Save, so a login the mail server refuses leaves no trace.
func (m *Manager) New(user, password string) (*Session, error) {
	rawID := randomBytes(32)
	key := randomBytes(32)
	sealed, err := seal(key, password)
	if err != nil {
		return nil, err
	}
	return &Session{ID: storageID(rawID), User: user, Created: m.now(), sealed: sealed, key: key, rawID: rawID}, nil
}

// Save stores a session made by New and writes its cookie, replacing
// whatever session cookie the browser had (no session fixation).
func (m *Manager) Save(w http.ResponseWriter, r *http.Request, s *Session, secure bool) error {
	rec := &Record{User: s.User, Sealed: s.sealed, Created: s.Created, LastSeen: s.Created}
	if err := m.store.Put(r.Context(), s.ID, rec, m.cfg.IdleTimeout); err != nil {
		return fmt.Errorf("store session: %w", err)
	}
	cs := sessions.NewSession(m.cookies, CookieName)
	cs.Options = m.options(secure)
	cs.Values["id"] = s.rawID
	cs.Values["key"] = s.key
	if err := cs.Save(r, w); err != nil {
		return fmt.Errorf("write session cookie: %w", err)
	}
	return nil
}

// Load returns the request's session, or ErrNotFound when there is none or
// it expired. It extends the idle timeout.
func (m *Manager) Load(r *http.Request) (*Session, error) {
	c, err := r.Cookie(CookieName)
	if err != nil {
		return nil, ErrNotFound
	}
	cs := sessions.NewSession(m.cookies, CookieName)
	if err := decodeCookie(m.cookies, c, cs); err != nil {
		return nil, ErrNotFound
	}
	rawID, _ := cs.Values["id"].([]byte)
	key, _ := cs.Values["key"].([]byte)
	if len(rawID) != 32 || len(key) != 32 {
		return nil, ErrNotFound
	}
	id := storageID(rawID)
	rec, err := m.store.Get(r.Context(), id)
	if err != nil {
		if errors.Is(err, ErrNotFound) && m.OnExpire != nil {
			// A valid cookie for a record the store let expire.
			m.OnExpire(id)
		}
		return nil, err
	}
	now := m.now()
	if now.Sub(rec.Created) > m.cfg.MaxLifetime || now.Sub(rec.LastSeen) > m.cfg.IdleTimeout {
		_ = m.store.Delete(r.Context(), id)
		if m.OnExpire != nil {
			m.OnExpire(id)
		}
		return nil, ErrNotFound
	}
	// Refresh the idle timer at most once a minute: a page load with its
	// iframe and assets should not write the store several times.
	if now.Sub(rec.LastSeen) > time.Minute {
		rec.LastSeen = now
		ttl := min(m.cfg.IdleTimeout, m.cfg.MaxLifetime-now.Sub(rec.Created))
		if err := m.store.Put(r.Context(), id, rec, ttl); err != nil {
			return nil, err
		}
	}
	return &Session{ID: id, User: rec.User, Created: rec.Created, sealed: rec.Sealed, key: key}, nil
}

// Destroy deletes the server-side record and tells the browser to drop the
// cookie. It returns the ended session's ID ("" if there was none), so the
// caller can close its IMAP connections.
func (m *Manager) Destroy(w http.ResponseWriter, r *http.Request, secure bool) string {
	id := m.Forget(r)
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
	return id
}

// Forget deletes the request's server-side session record, if any, and
// returns its ID. The cookie stays, pointing at nothing.
func (m *Manager) Forget(r *http.Request) string {
	s, err := m.Load(r)
	if err != nil {
		return ""
	}
	_ = m.store.Delete(context.WithoutCancel(r.Context()), s.ID)
	return s.ID
}

func (m *Manager) options(secure bool) *sessions.Options {
	return &sessions.Options{Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
}

func decodeCookie(cs *sessions.CookieStore, c *http.Cookie, s *sessions.Session) error {
	for _, codec := range cs.Codecs {
		if err := codec.Decode(CookieName, c.Value, &s.Values); err == nil {
			return nil
		}
	}
	return errors.New("undecodable session cookie")
}

func storageID(rawID []byte) string {
	sum := sha256.Sum256(rawID)
	return hex.EncodeToString(sum[:])
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return b
}

func seal(key []byte, plaintext string) ([]byte, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	nonce := randomBytes(gcm.NonceSize())
	return gcm.Seal(nonce, nonce, []byte(plaintext), nil), nil
}

func open(key, sealed []byte) (string, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return "", err
	}
	if len(sealed) < gcm.NonceSize() {
		return "", errors.New("sealed password too short")
	}
	pt, err := gcm.Open(nil, sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():], nil)
	if err != nil {
		return "", errors.New("cannot decrypt session password")
	}
	return string(pt), nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
