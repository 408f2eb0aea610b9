package htmlmail

import (
	"os"
	"strings"
	"testing"
)

// newsletter100K builds a ~100 KB newsletter: the golden newsletter with its
// content rows repeated, as long digests are.
func newsletter100K(b *testing.B) string {
	src, err := os.ReadFile("testdata/golden/newsletter.html")
	if err != nil {
		b.Fatal(err)
	}
	s := string(src)
	start := strings.Index(s, `<td valign="top" id="templateBody"`)
	end := strings.Index(s, `<td valign="top" id="templateFooter"`)
	if start < 0 || end < 0 {
		b.Fatal("newsletter markers not found")
	}
	row := "<tr>" + s[start:end]
	var body strings.Builder
	for body.Len() < 100<<10-len(s) {
		body.WriteString(row)
	}
	return s[:end] + body.String() + s[end:]
}

func BenchmarkSanitize(b *testing.B) {
	in := newsletter100K(b)
	for _, remote := range []bool{false, true} {
		name := "blocked"
		if remote {
			name = "remote"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				Sanitize(in, Options{AllowRemote: remote})
			}
		})
	}
}
