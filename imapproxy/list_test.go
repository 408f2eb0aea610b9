package imapproxy

import (
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/tidings-mail/tidings/internal/testsrv"
)

// TestMailboxesFallbacks lists folders against Dovecot with LIST-STATUS,
// SPECIAL-USE and LIST-EXTENDED, and again with the connection pretending
// the server lacks them: pipelined STATUS and the name-based special-use
// fallback must give the same sidebar.
func TestMailboxesFallbacks(t *testing.T) {
	t.Parallel()
	d := testsrv.StartDovecot(t, dovecotUsers("lister")...)
	d.WriteMaildir(t, "lister", []testsrv.MaildirMessage{
		{Raw: poolTestMessage("lister", 1), Flags: "S"},
		{Raw: poolTestMessage("lister", 2)},
		{Mailbox: "Sent", Raw: poolTestMessage("lister", 3), Flags: "S"},
		{Mailbox: "Projects/Apollo", Raw: poolTestMessage("lister", 4)},
	})

	full, err := testSession(t, d.IMAPAddr, "lister").Mailboxes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	bare := testSession(t, d.IMAPAddr, "lister")
	without(t, bare, imap.CapListStatus, imap.CapSpecialUse, imap.CapListExtended)
	fallback, err := bare.Mailboxes(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Name             string
		Use              SpecialUse
		Messages, Unseen uint32
	}
	rows := func(boxes []Mailbox) []row {
		var out []row
		for _, m := range boxes {
			if !m.HasStatus && !m.NoSelect {
				t.Errorf("%s: no counts", m.Name)
			}
			out = append(out, row{m.Name, m.Use, m.Messages, m.Unseen})
		}
		return out
	}
	if d := cmp.Diff(rows(full), rows(fallback)); d != "" {
		t.Errorf("fallback sidebar differs (-with extensions +without):\n%s", d)
	}
	want := []row{{"INBOX", UseInbox, 2, 1}, {"Drafts", UseDrafts, 0, 0}, {"Sent", UseSent, 1, 0}}
	if d := cmp.Diff(want, rows(full)[:3]); d != "" {
		t.Errorf("special folders first (-want +got):\n%s", d)
	}
}
