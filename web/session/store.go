// Package session keeps who is logged in. The browser holds an encrypted,
// signed cookie with a random session ID and a random per-session key; the
// server-side Store holds the user name and the IMAP password sealed with
// that key (AES-256-GCM). Whoever reads the store alone cannot decrypt the
// password, and whoever steals the cookie alone finds nothing to decrypt
// once the session ended (logout deletes the record).
package session

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"sync"
	"time"
)

// Record is what the server keeps per session. ID values in the store are
// SHA-256 digests of the cookie's session ID, so a dump of the store does
// not reveal cookie values either.
type Record struct {
	User     string
	Sealed   []byte    // nonce || AES-GCM(password), key only in the cookie
	Created  time.Time // absolute lifetime counts from here
	LastSeen time.Time // idle timeout counts from here
}

// ErrNotFound means the session does not exist (never did, expired, or
// logged out).
var ErrNotFound = errors.New("session: not found")

// Store keeps session records with a time to live. The in-memory Store
// serves one instance; a shared store (Redis) lets several instances behind
// a load balancer serve one session.
type Store interface {
	Get(ctx context.Context, id string) (*Record, error)
	Put(ctx context.Context, id string, rec *Record, ttl time.Duration) error
	Delete(ctx context.Context, id string) error
}

// UserData keeps small records of a user's for Tidings itself, without
// expiry: the settings, when the mail server cannot keep them. Both
// stores have it; in memory the records last until the process ends.
type UserData interface {
	GetUser(ctx context.Context, user, kind string) ([]byte, error) // nil, nil when there is none
	PutUser(ctx context.Context, user, kind string, b []byte) error
}

// MemoryStore is a Store in process memory.
type MemoryStore struct {
	mu      sync.Mutex
	records map[string]memEntry
	now     func() time.Time
	users   map[string][]byte // UserData, by userKey
}

type memEntry struct {
	rec     Record
	expires time.Time
}

// NewMemoryStore returns an empty in-memory store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{records: make(map[string]memEntry), now: time.Now}
}

// Get returns a copy of the record, or ErrNotFound.
func (m *MemoryStore) Get(_ context.Context, id string) (*Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.records[id]
	if !ok || m.now().After(e.expires) {
		delete(m.records, id)
		return nil, ErrNotFound
	}
	rec := e.rec
	return &rec, nil
}

// Put stores a copy of rec for ttl, and drops expired records on the way.
func (m *MemoryStore) Put(_ context.Context, id string, rec *Record, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if len(m.records) > 0 && len(m.records)%64 == 0 {
		for k, e := range m.records {
			if now.After(e.expires) {
				delete(m.records, k)
			}
		}
	}
	m.records[id] = memEntry{rec: *rec, expires: now.Add(ttl)}
	return nil
}

// Delete removes the record; deleting a missing one is not an error.
func (m *MemoryStore) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.records, id)
	return nil
}

// Len is the number of records held, expired ones included.
func (m *MemoryStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.records)
}

// GetUser returns the record of kind kept for user (UserData), nil when
// there is none.
func (s *MemoryStore) GetUser(_ context.Context, user, kind string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.users[userKey(user, kind)]), nil
}

// PutUser keeps b as user's record of kind, until the process ends.
func (s *MemoryStore) PutUser(_ context.Context, user, kind string, b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users == nil {
		s.users = map[string][]byte{}
	}
	s.users[userKey(user, kind)] = slices.Clone(b)
	return nil
}

// userKey names a user's record by a digest of the login, so a store's
// keys do not list who uses Tidings.
func userKey(user, kind string) string {
	sum := sha256.Sum256([]byte(user))
	return hex.EncodeToString(sum[:]) + ":" + kind
}
