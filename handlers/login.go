package handlers

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/templates"
	"github.com/tidings-mail/tidings/web/reqctx"
)

// LoginShow renders the sign-in form, or goes to the Inbox when the
// browser is signed in already.
func (h *Handler) LoginShow(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.Sessions.Load(r); err == nil {
		http.Redirect(w, r, "/mail/INBOX", http.StatusSeeOther)
		return nil
	}
	h.renderLogin(w, r, http.StatusOK, "", "")
	return nil
}

// LoginSubmit checks the credentials against the IMAP server. Wrong
// credentials: the form again with the username kept (401). Server down:
// the form with that said (503). Success: a fresh session and the Inbox.
func (h *Handler) LoginSubmit(w http.ResponseWriter, r *http.Request) error {
	user := strings.TrimSpace(r.PostFormValue("username"))
	pass := r.PostFormValue("password")
	if user == "" || pass == "" || len(user) > 256 || len(pass) > 1024 || !utf8.ValidString(user) || strings.ContainsAny(user, "\r\n\x00") {
		h.renderLogin(w, r, http.StatusBadRequest, user, "Enter your username and password.")
		return nil
	}
	log := reqctx.Logger(r.Context())
	// The session is saved only after the server accepted the password;
	// its ID keys the IMAP connection that proved it.
	sess, err := h.Sessions.New(user, pass)
	if err != nil {
		return err
	}
	if err := h.Backend.Login(r.Context(), sess.ID, user, pass); err != nil {
		h.Backend.CloseSession(sess.ID)
		switch {
		case errors.Is(err, imapproxy.ErrAuthFailed):
			log.Warn("login failed", "reason", "credentials refused")
			h.renderLogin(w, r, http.StatusUnauthorized, user, "The username or password is not right. Check them and try again.")
		case errors.Is(err, imapproxy.ErrBusy):
			log.Warn("login failed", "reason", "busy", "err", err)
			h.renderLogin(w, r, http.StatusServiceUnavailable, user, "The mail server is busy. Please wait a few seconds and try again.")
		default:
			log.Error("login failed", "reason", "mail server", "err", err)
			h.renderLogin(w, r, http.StatusServiceUnavailable, user, "The mail server cannot be reached right now. Please try again in a moment.")
		}
		return nil
	}
	// A previous session in this browser ends here, connections and all.
	if old := h.Sessions.Forget(r); old != "" {
		h.Backend.CloseSession(old)
	}
	if err := h.Sessions.Save(w, r, sess, h.SecureCookies(r)); err != nil {
		h.Backend.CloseSession(sess.ID)
		return err
	}
	log.Info("login")
	http.Redirect(w, r, "/mail/INBOX", http.StatusSeeOther)
	return nil
}

func (h *Handler) renderLogin(w http.ResponseWriter, r *http.Request, status int, user, msg string) {
	p := templates.LoginPage{BasePage: h.base(r, "Sign in"), Username: user, Error: msg, Demo: h.Demo}
	p.User = ""
	h.render(w, r, status, templates.Login(p))
}

// Logout ends the session: its server-side record, its cookie and its IMAP
// connections.
func (h *Handler) Logout(w http.ResponseWriter, r *http.Request) error {
	if sid := h.Sessions.Destroy(w, r, h.SecureCookies(r)); sid != "" {
		h.Backend.CloseSession(sid)
		reqctx.Logger(r.Context()).Info("logout")
	}
	// Clear-Site-Data wipes what a shared browser kept of the session.
	w.Header().Set("Clear-Site-Data", `"cache", "cookies", "storage"`)
	redirect(w, r, "/login", "")
	return nil
}
