package web

import (
	"net/http"

	"github.com/tidings-mail/tidings/handlers"
	"github.com/tidings-mail/tidings/web/reqctx"
)

// liveRoutes serves live updates: one Server-Sent Events stream per open
// page (handlers/events.go, static/js/live.js).
//
// The stream has its own sign-in gate instead of authed's: a stream whose
// session ended must get 204 No Content, the one answer that makes an
// EventSource stop reconnecting quietly (HTML Living Standard §9.2.3),
// not a redirect to the sign-in page, which it would fetch as a broken
// event stream and report as an error.
func (s *Server) liveRoutes(mux *http.ServeMux, _ func(func(http.ResponseWriter, *http.Request) error) http.Handler) {
	s.live = handlers.NewLive(s.h, handlers.DefaultLiveConfig())
	mux.Handle("GET /events", s.requireStreamSession(s.h.Wrap(s.live.Events)))
}

func (s *Server) requireStreamSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := s.sessions.Load(r)
		if err != nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r.WithContext(reqctx.WithSession(r.Context(), sess)))
	})
}

// EndStreams ends every live-update stream and logs their IMAP watches
// out. http.Server.Shutdown waits for active requests, and an event stream
// never ends by itself: register this with http.Server.RegisterOnShutdown.
// Browsers reconnect to the next server by themselves.
func (s *Server) EndStreams() { s.live.Close() }
