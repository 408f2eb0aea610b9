package session

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisStore keeps session records in Redis, so several Tidings instances
// behind a load balancer serve the same sessions. Records hold only the
// user name and the sealed password (the key is in the browser's cookie),
// under a digest of the session ID, with Redis' own expiry as the idle
// timeout.
type RedisStore struct {
	client *redis.Client
	prefix string
}

// NewRedisStore connects to Redis at addr ("host:port", or a redis:// URL)
// and checks that it answers.
func NewRedisStore(ctx context.Context, addr string) (*RedisStore, error) {
	opts := &redis.Options{Addr: addr}
	if u, err := redis.ParseURL(addr); err == nil {
		opts = u
	}
	opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout = 3*time.Second, 2*time.Second, 2*time.Second
	c := redis.NewClient(opts)
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, err
	}
	return &RedisStore{client: c, prefix: "tidings:session:"}, nil
}

// Get returns the record, or ErrNotFound.
func (s *RedisStore) Get(ctx context.Context, id string) (*Record, error) {
	b, err := s.client.Get(ctx, s.prefix+id).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	var rec Record
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&rec); err != nil {
		return nil, ErrNotFound
	}
	return &rec, nil
}

// Put stores rec for ttl.
func (s *RedisStore) Put(ctx context.Context, id string, rec *Record, ttl time.Duration) error {
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(rec); err != nil {
		return err
	}
	return s.client.Set(ctx, s.prefix+id, b.Bytes(), ttl).Err()
}

// Delete removes the record.
func (s *RedisStore) Delete(ctx context.Context, id string) error {
	return s.client.Del(ctx, s.prefix+id).Err()
}

// GetUser returns the record of kind kept for user (UserData), nil when
// there is none.
func (s *RedisStore) GetUser(ctx context.Context, user, kind string) ([]byte, error) {
	b, err := s.client.Get(ctx, "tidings:user:"+userKey(user, kind)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	return b, err
}

// PutUser keeps b as user's record of kind, with no expiry.
func (s *RedisStore) PutUser(ctx context.Context, user, kind string, b []byte) error {
	return s.client.Set(ctx, "tidings:user:"+userKey(user, kind), b, 0).Err()
}

// Close closes the connection pool to Redis.
func (s *RedisStore) Close() error { return s.client.Close() }
