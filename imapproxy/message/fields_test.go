package message

import (
	"slices"
	"testing"
)

func TestParseUnsubscribe(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want []string
	}{
		{"<https://news.example.net/u?a=1&b=2>, <mailto:unsub@news.example.net?subject=unsubscribe>",
			[]string{"https://news.example.net/u?a=1&b=2", "mailto:unsub@news.example.net?subject=unsubscribe"}},
		{"<http://plain.example/u>, <javascript:alert(1)>, <data:text/html,x>, <https://user:pw@evil.example/>", nil},
		{"https://no-brackets.example/u", nil},
		{"<mailto:>, <https:///nohost>", nil},
		{"", nil},
	} {
		got := parseUnsubscribe(tc.raw)
		if !slices.Equal(got, tc.want) {
			t.Errorf("parseUnsubscribe(%q) = %q, want %q", tc.raw, got, tc.want)
		}
	}
}
