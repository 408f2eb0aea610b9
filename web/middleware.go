package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/tidings-mail/tidings/handlers"
	"github.com/tidings-mail/tidings/web/reqctx"
)

// CSP is the policy of every page: no inline script, nothing from other
// origins, never framed by another site.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

var errNotFound = &handlers.Error{Status: http.StatusNotFound, Heading: "Page not found",
	Message: "There is nothing at this address. It may be an old link."}

// securityHeaders sets the baseline headers on every response, static files
// included. Handlers may tighten them (the mail body frame has its own
// CSP). Everything but static assets is no-store: on a shared computer the
// browser keeps no copy of anyone's mail.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
		if s.isHTTPS(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// requireSession lets signed-in requests through with their session in
// the context; others go to the sign-in page (GET) or get 401 (anything
// else: a form posted after the session ended must not silently vanish
// into a redirect that drops it).
func (s *Server) requireSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := s.sessions.Load(r)
		if err != nil {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			s.h.Fail(w, r, &handlers.Error{Status: http.StatusUnauthorized, Heading: "Signed out",
				Message: "Your session ended, so this was not done. Sign in again and repeat it."})
			return
		}
		next.ServeHTTP(w, r.WithContext(reqctx.WithSession(r.Context(), sess)))
	})
}

func (s *Server) denyCrossOrigin(w http.ResponseWriter, r *http.Request) {
	s.h.Fail(w, r, &handlers.Error{Status: http.StatusForbidden, Heading: "Request refused",
		Message: "This form was sent from another site, so Tidings ignored it. Go back to Tidings and try again there."})
}

// logRequests gives each request an ID (shown on error pages, so a user's
// report finds the log line) and logs method, path, status and duration:
// never cookies, query strings, passwords or message content.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		log := s.log.With("request_id", id)
		ctx := reqctx.WithLogger(reqctx.WithID(r.Context(), id), log)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r.WithContext(ctx))
		if strings.HasPrefix(r.URL.Path, "/static/") {
			return
		}
		log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"duration", time.Since(start).Round(time.Microsecond), "bytes", rec.bytes)
	})
}

// recoverPanics turns a panic into the error page, logged with its stack.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "value", v, "path", r.URL.Path, "stack", string(debug.Stack()))
				s.h.Fail(w, r, &handlers.Error{Status: http.StatusInternalServerError, Heading: "Something went wrong",
					Message: "Tidings hit an internal error. Please try again; if it keeps failing, tell your administrator the reference below."})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	s.wrote = true
	n, err := s.ResponseWriter.Write(p)
	s.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach Flush on the real writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}
