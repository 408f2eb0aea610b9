package imapproxy

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
)

// Settings are what Tidings keeps for a user on their own IMAP server, as
// private server entries of IMAP METADATA (RFC 5464 §3.2, mailbox ""):
// there they follow the user to every device and every Tidings
// instance, and nothing of them stays in a shared browser.
type Settings struct {
	// FromName is the display name of the user's messages.
	FromName string
	// Signature ends the messages the user writes.
	Signature string
	// Trusted are the senders whose remote content is always shown,
	// lower case, sorted.
	Trusted []string
	// Recent are the addresses the user last wrote to, newest first, as
	// typed in an address field ("Name <addr>"): the compose form's
	// suggestions.
	Recent []string
}

// The entries, one a setting.
const (
	entryFromName  = "/private/vendor/tidings/from-name"
	entrySignature = "/private/vendor/tidings/signature"
	entryTrusted   = "/private/vendor/tidings/trusted-senders"   // one address a line
	entryRecent    = "/private/vendor/tidings/recent-recipients" // one address a line, newest first
)

// Limits that keep every entry far below what servers accept for one
// value (RFC 5464 §4.3 MAXSIZE; Dovecot: 64 KiB).
const (
	MaxTrustedSenders = 500
	MaxSignature      = 4000 // bytes
	MaxFromName       = 200  // bytes
	MaxRecent         = 200  // addresses
)

// settingsTTL is how long a session reuses the settings it read; its own
// changes replace the copy at once, other devices' show within it.
const settingsTTL = time.Minute

var errNoMetadata = errors.New("the server does not keep settings (no IMAP METADATA)")

type settingsCache struct {
	s  Settings
	at time.Time
}

// Settings returns the user's settings, in one GETMETADATA. It is
// ErrUnsupported when the server has neither METADATA nor
// METADATA-SERVER.
func (s *Session) Settings(ctx context.Context) (Settings, error) {
	if st, ok := s.p.cachedSettings(s.id); ok {
		return st, nil
	}
	var st Settings
	err := s.read(ctx, "read settings", func(cn *conn) error {
		var err error
		st, err = cn.settings()
		return err
	})
	if err != nil {
		return Settings{}, err
	}
	s.p.keepSettings(s.id, st, true)
	return st, nil
}

// SettingsNow is Settings read afresh from the server, for the page
// where the user looks at them (changes made on another device within
// the last minute included).
func (s *Session) SettingsNow(ctx context.Context) (Settings, error) {
	s.p.keepSettings(s.id, Settings{}, false)
	return s.Settings(ctx)
}

// SetProfile stores the user's display name and signature ("" removes
// one).
func (s *Session) SetProfile(ctx context.Context, fromName, signature string) error {
	var bad error
	err := s.change(ctx, "save settings", func(st *Settings) map[string]*[]byte {
		if bad = st.SetProfile(fromName, signature); bad != nil {
			return nil
		}
		return map[string]*[]byte{entryFromName: value(st.FromName), entrySignature: value(st.Signature)}
	})
	if err == nil {
		err = bad
	}
	return err
}

// TrustSender adds addr to the trusted senders (trust) or removes it.
func (s *Session) TrustSender(ctx context.Context, addr string, trust bool) error {
	var bad error
	err := s.change(ctx, "trust sender", func(st *Settings) map[string]*[]byte {
		var changed bool
		if changed, bad = st.Trust(addr, trust); !changed {
			return nil
		}
		return map[string]*[]byte{entryTrusted: value(strings.Join(st.Trusted, "\n"))}
	})
	if err == nil {
		err = bad
	}
	return err
}

// NoteRecipients puts addrs first among the recent recipients
// (Settings.Note).
func (s *Session) NoteRecipients(ctx context.Context, addrs []string) error {
	return s.change(ctx, "note recipients", func(st *Settings) map[string]*[]byte {
		if !st.Note(addrs) {
			return nil
		}
		return map[string]*[]byte{entryRecent: value(strings.Join(st.Recent, "\n"))}
	})
}

// SetProfile sets the display name and signature, trimmed, or refuses
// them (too long, a line break in the name).
func (st *Settings) SetProfile(fromName, signature string) error {
	fromName, signature = strings.TrimSpace(fromName), strings.TrimRight(signature, " \t\r\n")
	if len(fromName) > MaxFromName || strings.ContainsAny(fromName, "\r\n") || len(signature) > MaxSignature {
		return refused(ErrInvalid, "save settings", errors.New("name or signature too long"))
	}
	st.FromName, st.Signature = fromName, signature
	return nil
}

// Trust adds addr (in lower case) to the trusted senders, or removes it,
// and reports whether the list changed; past MaxTrustedSenders it is
// ErrOverQuota.
func (st *Settings) Trust(addr string, trust bool) (bool, error) {
	addr = strings.ToLower(strings.TrimSpace(addr))
	if addr == "" || strings.ContainsAny(addr, "\r\n") {
		return false, refused(ErrInvalid, "trust sender", errors.New("not an address"))
	}
	i, found := slices.BinarySearch(st.Trusted, addr)
	switch {
	case trust && found, !trust && !found:
		return false, nil
	case trust && len(st.Trusted) >= MaxTrustedSenders:
		return false, refused(ErrOverQuota, "trust sender", errors.New("too many trusted senders"))
	case trust:
		st.Trusted = slices.Insert(st.Trusted, i, addr)
	default:
		st.Trusted = slices.Delete(st.Trusted, i, i+1)
	}
	return true, nil
}

// Note puts addrs (as typed: "Name <addr>") first among the recent
// recipients, each address once (the newest way of writing it wins), at
// most MaxRecent, and reports whether the list changed.
func (st *Settings) Note(addrs []string) bool {
	seen := map[string]bool{}
	var out []string
	for _, a := range append(slices.Clone(addrs), st.Recent...) {
		a = strings.TrimSpace(a)
		k := strings.ToLower(addressKey(a))
		if a == "" || k == "" || seen[k] || strings.ContainsAny(a, "\r\n") || len(a) > 320 {
			continue
		}
		seen[k] = true
		out = append(out, a)
	}
	out = out[:min(len(out), MaxRecent)]
	if slices.Equal(out, st.Recent) {
		return false
	}
	st.Recent = out
	return true
}

// addressKey is the address part of "Name <addr>", or all of it.
func addressKey(a string) string {
	if i := strings.LastIndexByte(a, '<'); i >= 0 {
		return strings.TrimSuffix(a[i+1:], ">")
	}
	return a
}

// change reads the settings afresh, lets edit change them and name the
// entries to write, and writes those in one SETMETADATA, all in one
// borrowing of the connection. Two devices changing the same setting at
// the same moment may lose one change.
func (s *Session) change(ctx context.Context, op string, edit func(*Settings) map[string]*[]byte) error {
	var st Settings
	err := s.write(ctx, op, func(cn *conn) error {
		var err error
		if st, err = cn.settings(); err != nil {
			return err
		}
		entries := edit(&st)
		if len(entries) == 0 {
			return nil
		}
		return cn.c.SetMetadata("", entries).Wait()
	})
	s.p.keepSettings(s.id, st, err == nil)
	return err
}

// value is an entry's value; NIL (nil) removes the entry (RFC 5464 §4.3).
func value(v string) *[]byte {
	if v == "" {
		return nil
	}
	b := []byte(v)
	return &b
}

func (cn *conn) settings() (Settings, error) {
	if !cn.has(imap.CapMetadata) && !cn.has(imap.CapMetadataServer) {
		return Settings{}, refused(ErrUnsupported, "settings", errNoMetadata)
	}
	data, err := cn.c.GetMetadata("", []string{entryFromName, entrySignature, entryTrusted, entryRecent}, nil).Wait()
	if err != nil {
		return Settings{}, err
	}
	get := func(entry string) string {
		if v := data.Entries[entry]; v != nil {
			return string(*v)
		}
		return ""
	}
	st := Settings{FromName: strings.TrimSpace(get(entryFromName)), Signature: get(entrySignature)}
	for _, l := range strings.Split(get(entryTrusted), "\n") {
		if l = strings.ToLower(strings.TrimSpace(l)); l != "" {
			st.Trusted = append(st.Trusted, l)
		}
	}
	slices.Sort(st.Trusted)
	st.Trusted = slices.Compact(st.Trusted)
	for _, l := range strings.Split(get(entryRecent), "\n") {
		if l = strings.TrimSpace(l); l != "" && len(st.Recent) < MaxRecent {
			st.Recent = append(st.Recent, l)
		}
	}
	return st, nil
}

func (p *Pool) cachedSettings(sid string) (Settings, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.sessions[sid]
	if s == nil || s.settings.at.IsZero() || time.Since(s.settings.at) > settingsTTL {
		return Settings{}, false
	}
	st := s.settings.s
	st.Trusted, st.Recent = slices.Clone(st.Trusted), slices.Clone(st.Recent)
	return st, true
}

// keepSettings caches st for the session, or forgets the cached copy
// (ok false).
func (p *Pool) keepSettings(sid string, st Settings, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s := p.sessions[sid]; s != nil {
		s.settings = settingsCache{}
		if ok {
			st.Trusted, st.Recent = slices.Clone(st.Trusted), slices.Clone(st.Recent)
			s.settings = settingsCache{s: st, at: time.Now()}
		}
	}
}
