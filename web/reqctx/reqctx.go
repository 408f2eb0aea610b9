// Package reqctx carries per-request values (request ID, logger, session)
// between the web middleware and the handlers without either importing the
// other.
package reqctx

import (
	"context"
	"log/slog"

	"github.com/tidings-mail/tidings/web/session"
)

type key int

const (
	keyID key = iota
	keyLog
	keySession
)

// WithID stores the request ID.
func WithID(ctx context.Context, id string) context.Context { return context.WithValue(ctx, keyID, id) }

// ID returns the request ID, or "".
func ID(ctx context.Context) string {
	id, _ := ctx.Value(keyID).(string)
	return id
}

// WithLogger stores the request's logger (it carries the request ID).
func WithLogger(ctx context.Context, l *slog.Logger) context.Context {
	return context.WithValue(ctx, keyLog, l)
}

// Logger returns the request's logger, or slog.Default.
func Logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(keyLog).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// WithSession stores the logged-in session.
func WithSession(ctx context.Context, s *session.Session) context.Context {
	return context.WithValue(ctx, keySession, s)
}

// Session returns the logged-in session, or nil.
func Session(ctx context.Context) *session.Session {
	s, _ := ctx.Value(keySession).(*session.Session)
	return s
}
