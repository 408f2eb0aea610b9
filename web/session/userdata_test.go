package session

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tidings-mail/tidings/internal/testsrv"
)

// testUserData: a record is kept per user and kind, under a digest of
// the login (a store's keys do not list who uses Tidings), without
// expiry; none reads as nil.
func testUserData(t *testing.T, d UserData, keys func() []string) {
	ctx := t.Context()
	if b, err := d.GetUser(ctx, "alice", "settings"); b != nil || err != nil {
		t.Fatalf("before any: %q, %v", b, err)
	}
	if err := d.PutUser(ctx, "alice", "settings", []byte(`{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	if err := d.PutUser(ctx, "bob", "settings", []byte(`{"b":2}`)); err != nil {
		t.Fatal(err)
	}
	if b, err := d.GetUser(ctx, "alice", "settings"); err != nil || !bytes.Equal(b, []byte(`{"a":1}`)) {
		t.Errorf("alice: %q, %v", b, err)
	}
	if b, _ := d.GetUser(ctx, "alice", "other"); b != nil {
		t.Errorf("another kind: %q", b)
	}
	for _, k := range keys() {
		if strings.Contains(k, "alice") || strings.Contains(k, "bob") {
			t.Errorf("a key names the user: %q", k)
		}
	}
}

func TestMemoryUserData(t *testing.T) {
	s := NewMemoryStore()
	testUserData(t, s, func() []string {
		var keys []string
		for k := range s.users {
			keys = append(keys, k)
		}
		return keys
	})
}

func TestRedisUserData(t *testing.T) {
	addr := testsrv.StartRedis(t)
	s, err := NewRedisStore(t.Context(), addr)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	testUserData(t, s, func() []string {
		keys, err := s.client.Keys(t.Context(), "tidings:user:*").Result()
		if err != nil || len(keys) != 2 {
			t.Errorf("keys %q, %v", keys, err)
		}
		return keys
	})
}
