// Package session keeps who is logged in. The browser holds an encrypted,
// signed cookie with a random session ID and a random per-session key; the
// server-side Store holds the user name and the IMAP password sealed with
// that key (AES-256-GCM). Whoever reads the store alone cannot decrypt the
// password, and whoever steals the cookie alone finds nothing to decrypt
// once the session ended (logout deletes the record).
package session

import (
	"context"
	"errors"
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

// MemoryStore is a Store in process memory.
type MemoryStore struct {
	mu      sync.Mutex
	records map[string]memEntry
	now     func() time.Time
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
