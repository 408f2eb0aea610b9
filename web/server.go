// Package web assembles the HTTP side of Tidings: the route table and the
// middleware every request passes (recovery, request ID and log, security
// headers, cross-origin protection, the sign-in gate).
package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/tidings-mail/tidings/handlers"
	"github.com/tidings-mail/tidings/static"
	"github.com/tidings-mail/tidings/web/session"
)

// Config is what the web layer needs from main.
type Config struct {
	// TrustProxy makes X-Forwarded-Proto and X-Forwarded-For count, for a
	// deployment behind a TLS-terminating reverse proxy.
	TrustProxy bool
	Demo       bool
	// Compose is what writing and sending mail needs; nil turns the
	// compose pages off.
	Compose *handlers.Compose
	// Location is the time zone of dates on pages; nil: the system's.
	Location *time.Location
	// UserData keeps users' settings when their mail server cannot (the
	// session store: Redis, or memory until a restart); nil: none then.
	UserData handlers.UserData
}

// Server is the whole web application as one http.Handler.
type Server struct {
	cfg      Config
	log      *slog.Logger
	h        *handlers.Handler
	sessions *session.Manager
	assets   *static.Assets
	live     *handlers.Live // see routes_live.go
	handler  http.Handler
}

// New wires handlers, routes and middleware.
func New(cfg Config, log *slog.Logger, backend handlers.Backend, sessions *session.Manager) *Server {
	s := &Server{cfg: cfg, log: log, sessions: sessions, assets: static.New()}
	s.h = &handlers.Handler{
		Backend: backend, Sessions: sessions, Assets: s.assets, Log: log, Demo: cfg.Demo,
		SecureCookies: s.isHTTPS, Compose: cfg.Compose, Location: cfg.Location, UserData: cfg.UserData,
	}
	sessions.OnExpire = backend.CloseSession
	mux := http.NewServeMux()
	s.routes(mux)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(s.denyCrossOrigin))
	s.handler = s.logRequests(s.securityHeaders(s.recoverPanics(cop.Handler(mux))))
	return s
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// isHTTPS reports whether the browser reached us over HTTPS (directly, or
// through a trusted proxy that says so).
func (s *Server) isHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return s.cfg.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https"
}
