package imapproxy

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/tidings-mail/tidings/internal/testsrv"
)

// threadMessages are three conversations in INBOX, in arrival order:
//
//	1 Trip ─ 2 Re: Trip ─ 4 Re: Re: Trip        (UIDs 1, 2, 4)
//	3 Budget ─ 6 Re: Budget                    (UIDs 3, 6)
//	5 Alone                                    (UID 5)
func threadMessages() []testsrv.MaildirMessage {
	type m struct{ id, parent, subject, body string }
	list := []m{
		{"trip", "", "Trip", "Shall we go? kangaroo"},
		{"trip2", "trip", "Re: Trip", "Yes"},
		{"budget", "", "Budget", "Numbers"},
		{"trip3", "trip2", "Re: Re: Trip", "Booked"},
		{"alone", "", "Alone", "Nobody answers"},
		{"budget2", "budget", "Re: Budget", "Fine"},
	}
	base := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	out := make([]testsrv.MaildirMessage, len(list))
	for i, x := range list {
		when := base.Add(time.Duration(i) * time.Hour)
		refs := ""
		if x.parent != "" {
			refs = fmt.Sprintf("In-Reply-To: <%s@example.test>\r\nReferences: <%s@example.test>\r\n", x.parent, x.parent)
		}
		out[i] = testsrv.MaildirMessage{Time: when, Raw: []byte(fmt.Sprintf(
			"From: Ann <ann@example.test>\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@example.test>\r\n%s\r\n%s\r\n",
			x.subject, when.Format(time.RFC1123Z), x.id, refs, x.body))}
	}
	return out
}

func testThreads(t *testing.T, d *testsrv.Dovecot) {
	ctx := t.Context()
	s := testSession(t, d.IMAPAddr, "searcher")
	// Someone reads the first reply elsewhere.
	other := direct(t, d.IMAPAddr, "searcher")
	if _, err := other.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := other.Store(imap.UIDSetNum(1, 2), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close(); err != nil {
		t.Fatal(err)
	}

	_, v, err := s.Threads(ctx, "INBOX", 1, 50)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range v.Conversations {
		got = append(got, fmt.Sprintf("%v latest=%d unread=%d", c.UIDs, c.Latest.UID, c.Unread))
	}
	want := []string{"[3 6] latest=6 unread=2", "[5] latest=5 unread=1", "[1 2 4] latest=4 unread=1"}
	if !slices.Equal(got, want) || v.Total != 3 || v.MaxUID != 6 {
		t.Errorf("conversations = %q (total %d, max %d), want %q", got, v.Total, v.MaxUID, want)
	}
	// Paged by conversation.
	if _, p2, err := s.Threads(ctx, "INBOX", 2, 2); err != nil || len(p2.Conversations) != 1 || p2.Conversations[0].Latest.UID != 4 || p2.Pages() != 2 {
		t.Errorf("page 2 of 2 = %+v, %v", p2, err)
	}

	msgs, err := s.MessageThread(ctx, "INBOX", 2)
	if err != nil {
		t.Fatal(err)
	}
	var tree []string
	for _, m := range msgs {
		tree = append(tree, fmt.Sprintf("%d@%d", m.UID, m.Depth))
	}
	if want := []string{"1@0", "2@1", "4@2"}; !slices.Equal(tree, want) {
		t.Errorf("thread of UID 2 = %v, want %v", tree, want)
	}
	if _, err := s.MessageThread(ctx, "INBOX", 999); !errors.Is(err, ErrNoMessage) {
		t.Errorf("thread of a missing message: %v", err)
	}

	// Without THREAD the view is refused, not faked.
	plain := testSession(t, d.IMAPAddr, "searcher")
	without(t, plain, "THREAD=REFERENCES", "THREAD=REFS", "THREAD=ORDEREDSUBJECT")
	if _, _, err := plain.Threads(ctx, "INBOX", 1, 50); !errors.Is(err, ErrUnsupported) {
		t.Errorf("threads without THREAD: %v, want ErrUnsupported", err)
	}
}
