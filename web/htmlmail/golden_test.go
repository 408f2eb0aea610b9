package htmlmail

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden sanitizes the realistic emails in testdata/golden/*.html in
// both modes and compares with NAME.golden (remote blocked) and
// NAME.remote.golden (remote allowed). Run with -update after an intended
// change and review the diff.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/golden/*.html")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, in := range inputs {
		src, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		base := strings.TrimSuffix(in, ".html")
		for _, remote := range []bool{false, true} {
			golden := base + ".golden"
			if remote {
				golden = base + ".remote.golden"
			}
			t.Run(filepath.Base(golden), func(t *testing.T) {
				res := Sanitize(string(src), Options{AllowRemote: remote})
				checkSafe(t, res.HTML, remote)
				got := fmt.Sprintf("<!-- RemoteBlocked: %v -->\n%s\n", res.RemoteBlocked, res.HTML)
				if *update {
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -update)", err)
				}
				if diff := cmp.Diff(splitTags(string(want)), splitTags(got)); diff != "" {
					t.Errorf("%s mismatch (-want +got):\n%s", golden, diff)
				}
			})
		}
	}
}

// splitTags breaks one-line HTML at tag boundaries so diffs are readable.
func splitTags(s string) []string {
	return strings.SplitAfter(s, ">")
}
