package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/web/reqctx"
)

// SettingsStore keeps a user's settings: display name, signature, the
// senders whose remote content they chose to always show, and the
// addresses they last wrote to. The mail server keeps them when it can
// (imapproxy.Session, IMAP METADATA); otherwise Tidings does
// (localSettings). Without either, ErrUnsupported: remote content is
// shown one message at a time, and there is nothing to set.
type SettingsStore interface {
	Settings(ctx context.Context) (imapproxy.Settings, error) // may be a minute old
	SettingsNow(ctx context.Context) (imapproxy.Settings, error)
	SetProfile(ctx context.Context, fromName, signature string) error
	TrustSender(ctx context.Context, addr string, trust bool) error
	NoteRecipients(ctx context.Context, addrs []string) error
}

// UserData is where Tidings keeps a user's settings itself when the mail
// server cannot (session.MemoryStore until a restart, or Redis).
type UserData interface {
	GetUser(ctx context.Context, user, kind string) ([]byte, error)
	PutUser(ctx context.Context, user, kind string, b []byte) error
}

// settingsFor is the SettingsStore of m's user: the mail server's,
// falling back to Tidings' own.
func (h *Handler) settingsFor(m any, user string) SettingsStore {
	t := tieredSettings{}
	if st, ok := m.(SettingsStore); ok {
		t.server = st
	}
	if h.UserData != nil {
		t.local = &localSettings{data: h.UserData, user: user}
	}
	return t
}

// settings is settingsFor the request's session.
func (h *Handler) settings(r *http.Request) SettingsStore {
	return h.settingsFor(h.mail(r), reqctx.Session(r.Context()).User)
}

// settingsOf reads st's settings; ok is false when nobody keeps any. A
// failure other than that is logged and reads as no settings: a page
// never fails for want of them.
func settingsOf(ctx context.Context, st SettingsStore) (imapproxy.Settings, bool) {
	s, err := st.Settings(ctx)
	if err != nil {
		if !errors.Is(err, imapproxy.ErrUnsupported) {
			reqctx.Logger(ctx).Warn("settings not read", "err", err)
		}
		return imapproxy.Settings{}, false
	}
	return s, true
}

// tieredSettings asks the mail server, and Tidings' own store when the
// server cannot keep settings (the capability does not change, so one
// user's settings always live in one place).
type tieredSettings struct {
	server SettingsStore
	local  *localSettings
}

func (t tieredSettings) pick(op func(SettingsStore) error) error {
	if t.server != nil {
		err := op(t.server)
		if !errors.Is(err, imapproxy.ErrUnsupported) || t.local == nil {
			return err
		}
	}
	if t.local == nil {
		return imapproxy.ErrUnsupported
	}
	return op(t.local)
}

func (t tieredSettings) Settings(ctx context.Context) (s imapproxy.Settings, err error) {
	err = t.pick(func(st SettingsStore) error { s, err = st.Settings(ctx); return err })
	return s, err
}

func (t tieredSettings) SettingsNow(ctx context.Context) (s imapproxy.Settings, err error) {
	err = t.pick(func(st SettingsStore) error { s, err = st.SettingsNow(ctx); return err })
	return s, err
}

func (t tieredSettings) SetProfile(ctx context.Context, fromName, signature string) error {
	return t.pick(func(st SettingsStore) error { return st.SetProfile(ctx, fromName, signature) })
}

func (t tieredSettings) TrustSender(ctx context.Context, addr string, trust bool) error {
	return t.pick(func(st SettingsStore) error { return st.TrustSender(ctx, addr, trust) })
}

func (t tieredSettings) NoteRecipients(ctx context.Context, addrs []string) error {
	return t.pick(func(st SettingsStore) error { return st.NoteRecipients(ctx, addrs) })
}

// localSettings keeps one user's settings in Tidings' own store, as
// JSON, with the same rules as on the mail server (imapproxy.Settings).
// Two changes at the same moment may lose one, as there.
type localSettings struct {
	data UserData
	user string
}

const settingsKind = "settings"

func (l *localSettings) Settings(ctx context.Context) (imapproxy.Settings, error) {
	var s imapproxy.Settings
	b, err := l.data.GetUser(ctx, l.user, settingsKind)
	if err != nil || b == nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		reqctx.Logger(ctx).Warn("stored settings unreadable; starting afresh", "err", err)
		return imapproxy.Settings{}, nil
	}
	return s, nil
}

func (l *localSettings) SettingsNow(ctx context.Context) (imapproxy.Settings, error) {
	return l.Settings(ctx)
}

// change loads, edits and, when edit reports a change, saves.
func (l *localSettings) change(ctx context.Context, edit func(*imapproxy.Settings) (bool, error)) error {
	s, err := l.Settings(ctx)
	if err != nil {
		return err
	}
	changed, err := edit(&s)
	if err != nil || !changed {
		return err
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return l.data.PutUser(ctx, l.user, settingsKind, b)
}

func (l *localSettings) SetProfile(ctx context.Context, fromName, signature string) error {
	return l.change(ctx, func(s *imapproxy.Settings) (bool, error) { return true, s.SetProfile(fromName, signature) })
}

func (l *localSettings) TrustSender(ctx context.Context, addr string, trust bool) error {
	return l.change(ctx, func(s *imapproxy.Settings) (bool, error) { return s.Trust(addr, trust) })
}

func (l *localSettings) NoteRecipients(ctx context.Context, addrs []string) error {
	return l.change(ctx, func(s *imapproxy.Settings) (bool, error) { return s.Note(addrs), nil })
}
