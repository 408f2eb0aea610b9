package submit

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Address
	}{
		{"", nil},
		{"  ,  ", nil},
		{"bob@example.org", []Address{{Email: "bob@example.org"}}},
		{"Bob Jones <bob@example.org>, carol@example.net", []Address{{"Bob Jones", "bob@example.org"}, {"", "carol@example.net"}}},
		{`"Jones, Bob" <bob@example.org>; carol@example.net;`, []Address{{"Jones, Bob", "bob@example.org"}, {"", "carol@example.net"}}},
		{"Jürgen Müller <jm@bücher.example>", []Address{{"Jürgen Müller", "jm@xn--bcher-kva.example"}}},
		{"田中 花子 <hanako@例え.jp>", []Address{{"田中 花子", "hanako@xn--r8jz45g.jp"}}},
		{"ann@EXAMPLE.ORG", []Address{{"", "ann@example.org"}}},
	} {
		got, err := ParseList("to", tc.in)
		if err != nil {
			t.Errorf("ParseList(%q): %v", tc.in, err)
			continue
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("ParseList(%q) (-want +got):\n%s", tc.in, d)
		}
	}
}

func TestParseListRefuses(t *testing.T) {
	for _, tc := range []struct{ in, says string }{
		{"bob@", "“bob@” is not an e-mail address"},
		{"bob", "“bob” is not an e-mail address"},
		{"ann@example.org, bob@@x", "“bob@@x” is not"},
		{"ann@-bad-.org", "valid domain"},
		{"ann@a..org", "not an e-mail address"},
		{"ann@x_y.org", "valid domain"},
		{"jürgen@example.org", "plain-ASCII"},
		{"ann@example.org\r\nBcc: evil@example.net", "line break"},
		{"ann@example.org\x00", "control character"},
		{"ann@example.org\u2028", "line break"},
		{strings.Repeat("a@example.org,", MaxRecipients+1), "more than"},
	} {
		_, err := ParseList("to", tc.in)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != "to" {
			t.Errorf("ParseList(%q) = %v, want an InputError for to", tc.in, err)
			continue
		}
		if !strings.Contains(ie.Message, tc.says) {
			t.Errorf("ParseList(%q) says %q, want it to contain %q", tc.in, ie.Message, tc.says)
		}
	}
}

func TestAddressFormats(t *testing.T) {
	a := Address{Name: "Jones, Bob", Email: "bob@xn--bcher-kva.example"}
	if got, want := a.Display(), `"Jones, Bob" <bob@bücher.example>`; got != want {
		t.Errorf("Display = %q, want %q", got, want)
	}
	if got := (Address{Name: "Zoë", Email: "z@example.org"}).String(); got != "=?utf-8?q?Zo=C3=AB?= <z@example.org>" {
		t.Errorf("String = %q", got)
	}
	// What Display writes, ParseList reads back.
	list := []Address{a, {Email: "c@example.net"}, {Name: `Q "the" Man`, Email: "q@example.org"}}
	back, err := ParseList("to", FormatList(list))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(list, back); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
}
