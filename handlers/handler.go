// Package handlers holds one file per page or action. Each is a method on
// Handler returning error; Handler.Wrap turns errors into pages. Handlers
// speak to the mail server only through imapproxy and render only through
// templates view models.
package handlers

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/static"
	"github.com/tidings-mail/tidings/templates"
	"github.com/tidings-mail/tidings/web/reqctx"
	"github.com/tidings-mail/tidings/web/session"
)

// PageSize is how many messages a folder page lists.
const PageSize = 50

// Mail is what one logged-in session can do on the mail server.
type Mail interface {
	Mailboxes(ctx context.Context) ([]imapproxy.Mailbox, error)
	Message(ctx context.Context, mailbox string, uid uint32, markSeen bool) ([]imapproxy.Mailbox, *imapproxy.MessageView, error)
	MessageContent(ctx context.Context, mailbox string, uid uint32) (*imapproxy.MessageView, error)
	StreamPart(ctx context.Context, mailbox string, uid uint32, ref imapproxy.PartRef, open func(imapproxy.PartInfo) (io.Writer, error)) error
	StreamRaw(ctx context.Context, mailbox string, uid uint32, open func(size int64) (io.Writer, error)) error
	SetFlag(ctx context.Context, mailbox string, uids []uint32, flag imapproxy.Flag, on bool) error
}

// Backend gives sessions their Mail and checks logins.
type Backend interface {
	Login(ctx context.Context, sid, user, password string) error
	Mail(sid, user string, password imapproxy.PasswordFunc) Mail
	CloseSession(sid string)
}

// PoolBackend adapts an imapproxy.Pool to Backend.
type PoolBackend struct{ *imapproxy.Pool }

// Mail returns the session's handle on the pool.
func (b PoolBackend) Mail(sid, user string, password imapproxy.PasswordFunc) Mail {
	return b.Pool.Session(sid, user, password)
}

// Handler holds what every page needs.
type Handler struct {
	Backend  Backend
	Sessions *session.Manager
	Assets   *static.Assets
	Log      *slog.Logger
	Demo     bool // show the demo login hint
	// SecureCookies marks cookies Secure; set when served over HTTPS.
	SecureCookies func(*http.Request) bool
	// Compose is what writing and sending mail needs; nil turns the
	// compose pages off.
	Compose *Compose
	// Location is the time zone of the dates pages show; nil: the
	// system's. With JavaScript the browser shows its own (app.js).
	Location *time.Location
	// UserData keeps users' settings when their mail server cannot
	// (settings_store.go); nil: only the server does.
	UserData UserData
}

// now is the current time in the pages' time zone.
func (h *Handler) now() time.Time {
	if h.Location != nil {
		return time.Now().In(h.Location)
	}
	return time.Now()
}

// local is t in the pages' time zone.
func (h *Handler) local(t time.Time) time.Time {
	if h.Location != nil && !t.IsZero() {
		return t.In(h.Location)
	}
	return t
}

// mail returns the request's Mail; the auth gate guarantees a session.
func (h *Handler) mail(r *http.Request) Mail {
	s := reqctx.Session(r.Context())
	return h.Backend.Mail(s.ID, s.User, s.Password)
}

func (h *Handler) base(r *http.Request, title string) templates.BasePage {
	b := templates.BasePage{
		Title:     title,
		RequestID: reqctx.ID(r.Context()),
		Assets: templates.Assets{
			CSS:     []string{h.Assets.URL("css/app.css"), h.Assets.URL("css/organize.css"), h.Assets.URL("css/compose.css"), h.Assets.URL("css/live.css")},
			Scripts: []string{h.Assets.URL("js/app.js"), h.Assets.URL("js/organize.js"), h.Assets.URL("js/compose.js"), h.Assets.URL("js/live.js"), h.Assets.URL("js/keys.js")},
			Icon:    h.Assets.URL("img/icon.svg"),
		},
	}
	if s := reqctx.Session(r.Context()); s != nil {
		b.User = s.User
	}
	b.Flash = flashFrom(r)
	return b
}
