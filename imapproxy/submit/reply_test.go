package submit

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tidings-mail/tidings/imapproxy/message"
)

func TestSubjects(t *testing.T) {
	for in, want := range map[string]string{
		"Lunch":                "Re: Lunch",
		"Re: Lunch":            "Re: Lunch",
		"RE: re: Aw: Lunch":    "Re: Lunch",
		"Re[2]: Lunch":         "Re: Lunch",
		"SV: Lunch":            "Re: Lunch",
		"  Re:Lunch ":          "Re: Lunch",
		"Fwd: Lunch":           "Re: Fwd: Lunch",
		"Regarding the budget": "Re: Regarding the budget",
		"":                     "Re: ",
	} {
		if got := ReplySubject(in); got != want {
			t.Errorf("ReplySubject(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"Lunch":            "Fwd: Lunch",
		"Fwd: Lunch":       "Fwd: Lunch",
		"FW: Lunch":        "FW: Lunch",
		"Re: Lunch":        "Fwd: Re: Lunch",
		"Forward planning": "Fwd: Forward planning",
	} {
		if got := ForwardSubject(in); got != want {
			t.Errorf("ForwardSubject(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReplyRecipients(t *testing.T) {
	me := "me@example.org"
	ann := message.Address{Name: "Ann", Email: "ann@example.org"}
	bob := message.Address{Name: "Bob", Email: "bob@example.org"}
	carol := message.Address{Name: "Carol", Email: "carol@example.net"}
	list := message.Address{Name: "List", Email: "list@example.org"}
	self := message.Address{Name: "Me", Email: "ME@example.org"}
	addr := func(a message.Address) Address { return Address{Name: a.Name, Email: a.Email} }
	for _, tc := range []struct {
		name   string
		m      message.Message
		all    bool
		to, cc []Address
	}{
		{"reply goes to From", message.Message{From: []message.Address{ann}, To: []message.Address{self, bob}}, false,
			[]Address{addr(ann)}, nil},
		{"reply honours Reply-To", message.Message{From: []message.Address{ann}, ReplyTo: []message.Address{list}, To: []message.Address{self}}, false,
			[]Address{addr(list)}, nil},
		{"reply-all without me", message.Message{From: []message.Address{ann}, To: []message.Address{self, bob}, Cc: []message.Address{carol, ann}}, true,
			[]Address{addr(ann), addr(bob)}, []Address{addr(carol)}},
		{"reply-all with Reply-To", message.Message{From: []message.Address{ann}, ReplyTo: []message.Address{list}, To: []message.Address{list, self}, Cc: []message.Address{bob}}, true,
			[]Address{addr(list)}, []Address{addr(bob)}},
		{"reply to my own sent message", message.Message{From: []message.Address{self}, To: []message.Address{bob}, Cc: []message.Address{carol}}, false,
			[]Address{addr(bob)}, nil},
		{"reply-all to my own sent message", message.Message{From: []message.Address{self}, To: []message.Address{bob, ann}, Cc: []message.Address{carol}}, true,
			[]Address{addr(bob), addr(ann)}, []Address{addr(carol)}},
		{"a note to myself", message.Message{From: []message.Address{self}, To: []message.Address{self}}, false,
			[]Address{{Name: "Me", Email: "ME@example.org"}}, nil},
		{"broken addresses are left out", message.Message{From: []message.Address{{Name: "garbage"}}, To: []message.Address{self, {Name: "x\r\nBcc: y", Email: "x@example.org"}}}, true,
			nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			to, cc := ReplyRecipients(&tc.m, tc.all, []string{me})
			if d := cmp.Diff(tc.to, to); d != "" {
				t.Errorf("to (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.cc, cc); d != "" {
				t.Errorf("cc (-want +got):\n%s", d)
			}
		})
	}
}

func TestThreading(t *testing.T) {
	m := &message.Message{MessageID: "<c@x>", References: []string{"<a@x>", "<b@x>"}, InReplyTo: []string{"<b@x>"}}
	irt, refs := Threading(m)
	if irt != "c@x" || strings.Join(refs, " ") != "a@x b@x c@x" {
		t.Errorf("got %q %q", irt, refs)
	}
	// No References: the parent's In-Reply-To starts the chain.
	irt, refs = Threading(&message.Message{MessageID: "c@x", InReplyTo: []string{"b@x"}})
	if irt != "c@x" || strings.Join(refs, " ") != "b@x c@x" {
		t.Errorf("got %q %q", irt, refs)
	}
	// Identifiers that could break a header are dropped.
	irt, refs = Threading(&message.Message{MessageID: "c@x\r\nBcc: e@x", References: []string{"a b@x", "ok@x"}})
	if irt != "" || strings.Join(refs, " ") != "ok@x" {
		t.Errorf("got %q %q", irt, refs)
	}
	// A long chain keeps its root and the newest.
	var long []string
	for i := range 30 {
		long = append(long, strings.Repeat("x", i+1)+"@x")
	}
	_, refs = Threading(&message.Message{MessageID: "last@x", References: long})
	if len(refs) != 20 || refs[0] != long[0] || refs[19] != "last@x" {
		t.Errorf("long chain: %d refs, first %q last %q", len(refs), refs[0], refs[len(refs)-1])
	}
}

func TestQuote(t *testing.T) {
	m := &message.Message{
		From:       []message.Address{{Name: "Ann", Email: "ann@example.org"}},
		Date:       time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC),
		Text:       "Hi,\n\ncan you come? It is a long line that flows \ninto the next one.\n> earlier\n",
		TextFlowed: true,
	}
	want := "\n\nOn Mon, 2 Mar 2026 at 09:30, Ann <ann@example.org> wrote:\n> Hi,\n>\n> can you come? It is a long line that flows into the next one.\n>> earlier\n"
	if got := Quote(m, time.UTC); got != want {
		t.Errorf("Quote =\n%q\nwant\n%q", got, want)
	}
	html := &message.Message{HTML: "<html><head><style>p{}</style></head><body><p>Hello <b>there</b></p><blockquote>old<br>text</blockquote><ul><li>one</li><li>two</li></ul><script>x()</script></body></html>"}
	if got, want := OriginalText(html), "Hello there\n\n> old\n> text\n- one\n- two"; got != want {
		t.Errorf("HTML as text = %q, want %q", got, want)
	}
}

func TestForwardText(t *testing.T) {
	m := &message.Message{
		From: []message.Address{{Name: "Ann", Email: "ann@example.org"}}, To: []message.Address{{Email: "me@example.org"}},
		Subject: "Plans", Date: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC), Text: "The plan.\n",
	}
	got := ForwardText(m, time.UTC)
	for _, s := range []string{"---------- Forwarded message ----------\n", "From: Ann <ann@example.org>\n", "Subject: Plans\n", "To: me@example.org\n", "\nThe plan.\n"} {
		if !strings.Contains(got, s) {
			t.Errorf("forward text lacks %q:\n%s", s, got)
		}
	}
}
