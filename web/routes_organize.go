package web

import "net/http"

// organizeRoutes are the routes that change mail on the server: flags, bulk
// actions, moves, folders, search.
func (s *Server) organizeRoutes(mux *http.ServeMux, authed func(func(http.ResponseWriter, *http.Request) error) http.Handler) {
	h := s.h
	mux.Handle("POST /mail/{mailbox}/actions", authed(h.MessagesAction))
	mux.Handle("GET /mail/{mailbox}/delete", authed(h.MessagesDeleteConfirm))
	mux.Handle("GET /mail/{mailbox}/{uid}/thread", authed(h.MessageThread))

	mux.Handle("GET /folders", authed(h.FoldersShow))
	mux.Handle("POST /folders", authed(h.FolderCreate))
	mux.Handle("GET /folders/rename", authed(h.FolderRenameForm))
	mux.Handle("POST /folders/rename", authed(h.FolderRename))
	mux.Handle("GET /folders/delete", authed(h.FolderDeleteConfirm))
	mux.Handle("POST /folders/delete", authed(h.FolderDelete))
	mux.Handle("POST /folders/subscribe", authed(h.FolderSubscribe))

	mux.Handle("GET /search", authed(h.SearchShow))
}
