package web

import "net/http"

// composeRoutes are the routes for writing and sending mail. The compose
// form is one multipart form whose buttons post to these actions.
func (s *Server) composeRoutes(mux *http.ServeMux, authed func(func(http.ResponseWriter, *http.Request) error) http.Handler) {
	h := s.h
	mux.Handle("GET /compose", authed(h.ComposeShow))
	mux.Handle("POST /compose/send", authed(h.ComposeSend))
	mux.Handle("POST /compose/save", authed(h.ComposeSave))
	mux.Handle("POST /compose/attach", authed(h.ComposeAttach))
	mux.Handle("POST /compose/discard", authed(h.ComposeDiscard))
}
