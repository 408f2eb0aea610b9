package htmlmail

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzSanitize feeds arbitrary HTML to the sanitizer (without its recover,
// so panics surface) and judges every output with checkSafe: no element
// outside the allow-list (so no script, iframe, object, embed, form, base,
// meta or link), no on* attribute, no javascript: or other disallowed URL,
// no remote resource unless allowed, no dangerous CSS.
//
//	go test -run XXX -fuzz FuzzSanitize -fuzztime 60s ./web/htmlmail
func FuzzSanitize(f *testing.F) {
	for _, list := range [][]vector{scriptVectors, urlVectors, cssVectors} {
		for _, v := range list {
			f.Add(v.in, false)
		}
	}
	inputs, _ := filepath.Glob("testdata/golden/*.html")
	for _, in := range inputs {
		b, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b), true)
		f.Add(string(b), false)
	}
	f.Fuzz(func(t *testing.T, in string, remote bool) {
		res := sanitize(in, Options{AllowRemote: remote})
		checkSafe(t, res.HTML, remote)
		if remote && res.RemoteBlocked {
			t.Error("RemoteBlocked with AllowRemote")
		}
	})
}
