package imapproxy

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
)

// trustedEntry is the server annotation (IMAP METADATA, RFC 5464 §3.2:
// a private entry of the server, mailbox "") that holds the addresses
// whose messages show remote content without asking: one address a
// line, lower case. On the server, the choice follows the user to every
// device and every Tidings instance, and nothing of it stays in a
// shared browser.
const trustedEntry = "/private/vendor/tidings/trusted-senders"

// MaxTrustedSenders bounds the list, so the entry stays far below what
// servers accept for one value (RFC 5464 §4.3 MAXSIZE; Dovecot: 64 KiB).
const MaxTrustedSenders = 500

// trustedTTL is how long a session reuses the list it read; its own
// changes replace the copy at once.
const trustedTTL = time.Minute

var errNoMetadata = errors.New("the server does not keep settings (no IMAP METADATA)")

type trustedCache struct {
	list []string
	at   time.Time
}

// TrustedSenders returns the addresses whose remote content the user
// chose to always show, sorted. It is ErrUnsupported when the server
// has no METADATA or METADATA-SERVER capability.
func (s *Session) TrustedSenders(ctx context.Context) ([]string, error) {
	if list, ok := s.p.cachedTrusted(s.id); ok {
		return list, nil
	}
	var list []string
	err := s.read(ctx, "read trusted senders", func(cn *conn) error {
		var err error
		list, err = cn.trustedSenders()
		return err
	})
	if err != nil {
		return nil, err
	}
	s.p.keepTrusted(s.id, list, true)
	return list, nil
}

// TrustSender adds addr to the trusted senders (trust) or removes it.
// The list is read and written back in one borrowing of the connection;
// two devices changing it at the same moment may lose one change.
func (s *Session) TrustSender(ctx context.Context, addr string, trust bool) error {
	addr = strings.ToLower(strings.TrimSpace(addr))
	if addr == "" || strings.ContainsAny(addr, "\r\n") {
		return refused(ErrUnsupported, "trust sender", errors.New("not an address"))
	}
	var list []string
	err := s.write(ctx, "trust sender", func(cn *conn) error {
		var err error
		if list, err = cn.trustedSenders(); err != nil {
			return err
		}
		i, found := slices.BinarySearch(list, addr)
		switch {
		case trust && found, !trust && !found:
			return nil
		case trust:
			if len(list) >= MaxTrustedSenders {
				return refused(ErrOverQuota, "trust sender", errors.New("too many trusted senders"))
			}
			list = slices.Insert(list, i, addr)
		default:
			list = slices.Delete(list, i, i+1)
		}
		var value *[]byte // NIL removes the entry (RFC 5464 §4.3)
		if len(list) > 0 {
			b := []byte(strings.Join(list, "\n"))
			value = &b
		}
		return cn.c.SetMetadata("", map[string]*[]byte{trustedEntry: value}).Wait()
	})
	if err != nil {
		s.p.keepTrusted(s.id, nil, false)
		return err
	}
	s.p.keepTrusted(s.id, list, true)
	return nil
}

func (cn *conn) trustedSenders() ([]string, error) {
	if !cn.has(imap.CapMetadata) && !cn.has(imap.CapMetadataServer) {
		return nil, refused(ErrUnsupported, "trusted senders", errNoMetadata)
	}
	data, err := cn.c.GetMetadata("", []string{trustedEntry}, nil).Wait()
	if err != nil {
		return nil, err
	}
	var list []string
	if v := data.Entries[trustedEntry]; v != nil {
		for _, l := range strings.Split(string(*v), "\n") {
			if l = strings.ToLower(strings.TrimSpace(l)); l != "" {
				list = append(list, l)
			}
		}
	}
	slices.Sort(list)
	return slices.Compact(list), nil
}

func (p *Pool) cachedTrusted(sid string) ([]string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.sessions[sid]
	if s == nil || s.trusted.at.IsZero() || time.Since(s.trusted.at) > trustedTTL {
		return nil, false
	}
	return slices.Clone(s.trusted.list), true
}

// keepTrusted caches list for the session, or forgets the cached one
// (ok false).
func (p *Pool) keepTrusted(sid string, list []string, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s := p.sessions[sid]; s != nil {
		s.trusted = trustedCache{}
		if ok {
			s.trusted = trustedCache{list: slices.Clone(list), at: time.Now()}
		}
	}
}
