package session

import (
	"testing"
	"time"

	"github.com/tidings-mail/tidings/internal/testsrv"
)

func TestRedisStore(t *testing.T) {
	addr := testsrv.StartRedis(t)
	ctx := t.Context()
	s, err := NewRedisStore(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rec := &Record{User: "alice", Sealed: []byte{1, 2, 3}, Created: time.Unix(1e9, 0).UTC(), LastSeen: time.Unix(1e9+5, 0).UTC()}
	if err := s.Put(ctx, "abc", rec, time.Minute); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, "abc")
	if err != nil || got.User != "alice" || string(got.Sealed) != "\x01\x02\x03" || !got.Created.Equal(rec.Created) {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	if err := s.Delete(ctx, "abc"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "abc"); err != ErrNotFound {
		t.Errorf("after Delete: %v", err)
	}
	if err := s.Put(ctx, "short", rec, 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	if _, err := s.Get(ctx, "short"); err != ErrNotFound {
		t.Errorf("expired record: %v", err)
	}
}
