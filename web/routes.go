package web

import "net/http"

// routes is the one route table. Mailbox names are one path segment (a
// "/" inside is escaped as %2F). GET never changes state; every change is
// a POST behind cross-origin protection.
func (s *Server) routes(mux *http.ServeMux) {
	h := s.h
	open := func(fn func(http.ResponseWriter, *http.Request) error) http.Handler { return h.Wrap(fn) }
	authed := func(fn func(http.ResponseWriter, *http.Request) error) http.Handler {
		return s.requireSession(h.Wrap(fn))
	}

	mux.Handle("GET /static/{hash}/{name...}", s.assets)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.Handle("GET /{$}", s.requireSession(http.RedirectHandler("/mail/INBOX", http.StatusSeeOther)))

	mux.Handle("GET /login", open(h.LoginShow))
	mux.Handle("POST /login", open(h.LoginSubmit))
	mux.Handle("POST /logout", open(h.Logout))

	mux.Handle("GET /mail/{mailbox}", authed(h.MailboxShow))
	mux.Handle("GET /mail/{mailbox}/{uid}", authed(h.MessageShow))
	mux.Handle("GET /mail/{mailbox}/{uid}/body", authed(h.MessageBody))
	mux.Handle("GET /mail/{mailbox}/{uid}/part/{part}", authed(h.MessagePart))
	mux.Handle("GET /mail/{mailbox}/{uid}/raw", authed(h.MessageRaw))
	mux.Handle("GET /mail/{mailbox}/{uid}/attachments.zip", authed(h.MessageAttachmentsZip))
	mux.Handle("GET /mail/{mailbox}/{uid}/older", authed(h.MessageOlder))
	mux.Handle("GET /mail/{mailbox}/{uid}/newer", authed(h.MessageNewer))
	mux.Handle("POST /mail/{mailbox}/{uid}/seen", authed(h.MessageSeen))
	mux.Handle("POST /mail/{mailbox}/{uid}/flag", authed(h.MessageFlag))
	mux.Handle("POST /mail/{mailbox}/{uid}/trust", authed(h.MessageTrust))
	mux.Handle("GET /settings", authed(h.SettingsShow))
	mux.Handle("POST /settings/trusted-senders", authed(h.SettingsTrust))
	mux.Handle("POST /settings/profile", authed(h.SettingsProfile))

	s.organizeRoutes(mux, authed)
	s.composeRoutes(mux, authed)
	s.liveRoutes(mux, authed)

	mux.Handle("/", open(func(http.ResponseWriter, *http.Request) error { return errNotFound }))
}
