package htmlmail

import (
	"os"
	"path/filepath"
	"testing"
	"time"
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
		start := time.Now()
		res := sanitize(in, Options{AllowRemote: remote})
		// A sender controls the input: a small one that takes long is a
		// denial of service, and the fuzzer should keep it as a failure.
		if d := time.Since(start); d > time.Second && len(in) < 64<<10 {
			t.Fatalf("%d bytes took %v", len(in), d)
		}
		checkSafe(t, res.HTML, remote)
		if remote && res.RemoteBlocked {
			t.Error("RemoteBlocked with AllowRemote")
		}
	})
}
