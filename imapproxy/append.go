package imapproxy

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// Flags Tidings sets on messages it stores or answers.
const (
	FlagAnswered Flag = Flag(imap.FlagAnswered)
	FlagDraft    Flag = Flag(imap.FlagDraft)
	FlagDeleted  Flag = Flag(imap.FlagDeleted)
	// FlagForwardedKeyword is the $Forwarded keyword (RFC 5788) as a Flag.
	FlagForwardedKeyword Flag = FlagForwarded
)

// MessageRef names one stored message for good: a UID means something only
// together with its mailbox's UIDVALIDITY (RFC 9051 §2.3.1.1).
type MessageRef struct {
	Mailbox     string
	UIDValidity uint32
	UID         uint32
}

// Append stores the message of size bytes read from r in mailbox with
// flags (APPEND, RFC 9051 §6.3.12) and returns where it landed, from the
// APPENDUID response code (RFC 4315 §3); the UID is 0 when the server does
// not say.
//
// APPEND is not idempotent: it runs once and is never repeated on a fresh
// connection, whatever fails. It may take as long as a large download,
// and the connection is busy meanwhile (go-imap holds its encoder until
// the literal is written).
func (s *Session) Append(ctx context.Context, mailbox string, flags []Flag, size int64, r io.Reader) (MessageRef, error) {
	var ref MessageRef
	err := s.do(ctx, "append", nil, streamTimeout, func(cn *conn) error {
		// Never nil options: go-imap beta.8 dereferences them.
		opts := &imap.AppendOptions{}
		for _, f := range flags {
			opts.Flags = append(opts.Flags, imap.Flag(f))
		}
		cmd := cn.c.Append(mailbox, size, opts)
		n, err := io.Copy(cmd, r)
		if err == nil && n != size {
			err = fmt.Errorf("message is %d bytes, %d announced", n, size)
		}
		if err != nil {
			// The literal is incomplete, so the connection is out of
			// step with the server: it must never be used again.
			cn.dead.Store(true)
			cn.close()
			return &opError{kind: ErrUnavailable, op: "append", cause: err}
		}
		// Close and Wait exactly once each: a second call on a finished
		// command waits forever.
		if err := cmd.Close(); err != nil {
			return err
		}
		data, err := cmd.Wait()
		if err != nil {
			return err
		}
		ref = MessageRef{Mailbox: mailbox, UIDValidity: data.UIDValidity, UID: uint32(data.UID)}
		return nil
	})
	return ref, err
}

// RemoveMessage deletes exactly the message ref names: UID STORE +FLAGS.SILENT
// (\Deleted), then UID EXPUNGE of that UID alone (RFC 4315 §2.1). It
// never sends a plain EXPUNGE, which would also remove every other message
// the user marked \Deleted elsewhere; without UIDPLUS it fails instead. It
// does nothing when the mailbox's UIDVALIDITY is no longer ref's, because
// then the UID may name another message. Removing a message that is gone
// already is no error, so the operation is safely retried.
func (s *Session) RemoveMessage(ctx context.Context, ref MessageRef) error {
	if ref.UID == 0 {
		return nil
	}
	return s.do(ctx, "remove message", always, s.p.cfg.CommandTimeout, func(cn *conn) error {
		if !cn.caps.Has(imap.CapUIDPlus) {
			return &opError{kind: ErrServer, op: "remove message", cause: fmt.Errorf("server lacks UIDPLUS: UID EXPUNGE unavailable")}
		}
		if _, err := cn.selectMailbox(ref.Mailbox); err != nil {
			return err
		}
		if ref.UIDValidity != 0 && cn.uidValidity != ref.UIDValidity {
			return nil
		}
		if err := cn.storeFlags([]uint32{ref.UID}, imap.FlagDeleted, true); err != nil {
			return err
		}
		return cn.c.UIDExpunge(imap.UIDSetNum(imap.UID(ref.UID))).Close()
	})
}

// SpecialMailbox returns the name of the folder with role use (UseDrafts,
// UseSent): the one the server marks with the RFC 6154 attribute, else the
// one with the usual name. When there is none, it is created as "Drafts"
// or "Sent" (inside the INBOX when the server keeps every folder there),
// with the attribute when CREATE-SPECIAL-USE (RFC 6154 §3) is offered.
func (s *Session) SpecialMailbox(ctx context.Context, use SpecialUse) (string, error) {
	var name string
	err := s.read(ctx, "find "+string(use)+" folder", func(cn *conn) error {
		boxes, err := cn.mailboxes()
		if err != nil {
			return err
		}
		for _, m := range boxes {
			if m.Use == use && !m.NoSelect {
				name = m.Name
				return nil
			}
		}
		name = newSpecialName(boxes, use)
		var opts *imap.CreateOptions
		if attr := specialAttr[use]; attr != "" && cn.caps.Has(imap.CapCreateSpecialUse) {
			opts = &imap.CreateOptions{SpecialUse: []imap.MailboxAttr{attr}}
		}
		if err := cn.c.Create(name, opts).Wait(); err != nil {
			var ie *imap.Error
			if asIMAPError(err, &ie) && ie.Code == imap.ResponseCodeAlreadyExists {
				return nil
			}
			return err
		}
		_ = cn.c.Subscribe(name).Wait() // so other clients show it; not essential
		return nil
	})
	return name, err
}

var specialAttr = map[SpecialUse]imap.MailboxAttr{UseDrafts: imap.MailboxAttrDrafts, UseSent: imap.MailboxAttrSent}

// newSpecialName picks the name for a missing special folder. Servers
// that keep every folder under the INBOX (Courier, old Cyrus: "INBOX.Sent")
// get it there.
func newSpecialName(boxes []Mailbox, use SpecialUse) string {
	name := map[SpecialUse]string{UseDrafts: "Drafts", UseSent: "Sent"}[use]
	if name == "" {
		name = string(use)
	}
	underInbox, others := true, 0
	delim := ""
	for _, m := range boxes {
		if m.Use == UseInbox {
			delim = m.Delim
			continue
		}
		others++
		if m.Delim == "" || !strings.HasPrefix(strings.ToUpper(m.Name), "INBOX"+m.Delim) {
			underInbox = false
		}
	}
	if underInbox && others > 0 && delim != "" {
		return "INBOX" + delim + name
	}
	return name
}

// FlagMessage adds flag to the message ref names (UID STORE +FLAGS.SILENT,
// RFC 9051 §6.4.6), unless the mailbox's UIDVALIDITY changed since the
// reference was taken. Used to mark an original \Answered or $Forwarded
// once the reply is sent; adding a flag twice is harmless, so it is
// retried like a read.
func (s *Session) FlagMessage(ctx context.Context, ref MessageRef, flag Flag) error {
	return s.read(ctx, "flag message", func(cn *conn) error {
		if _, err := cn.selectMailbox(ref.Mailbox); err != nil {
			return err
		}
		if ref.UIDValidity != 0 && cn.uidValidity != ref.UIDValidity {
			return nil
		}
		return cn.storeFlags([]uint32{ref.UID}, imap.Flag(flag), true)
	})
}
