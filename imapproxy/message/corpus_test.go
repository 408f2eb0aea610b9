package message

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// corpusDir holds real-world messages from other mail libraries' test
// suites (shared/testdata/mime beside the repository; see its README.md).
const corpusDir = "../../../shared/testdata/mime"

// noHeaderFiles are corpus files that hold nothing Parse can read as a
// message; none so far (a headerless text is shown as the body).
var noHeaderFiles = map[string]bool{}

func corpusFiles(t testing.TB) []string {
	t.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("corpus missing: %v", err)
		}
		t.Skipf("corpus missing: %v", err)
	}
	var files []string
	err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path == filepath.Join(corpusDir, "README.md") || path == filepath.Join(corpusDir, "SOURCES.tsv") {
			return nil
		}
		files = append(files, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
	withNotices := 0
	for _, path := range files {
		name, _ := filepath.Rel(corpusDir, path)
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		start := time.Now()
		m, err := Parse(bytes.NewReader(raw), Options{})
		if elapsed := time.Since(start); elapsed > 2*time.Second {
			t.Errorf("%s: Parse took %v", name, elapsed)
		}
		if err != nil {
			if !noHeaderFiles[name] || !errors.Is(err, ErrNoHeader) {
				t.Errorf("%s: Parse: %v", name, err)
			}
			continue
		}
		if m.Text == "" && m.HTML == "" && len(m.Attachments) == 0 && len(m.Inline) == 0 && len(m.Notices) == 0 {
			t.Errorf("%s: no body, no attachment and no notice", name)
		}
		checkMessage(t, name, m)
		if len(m.Notices) > 0 {
			withNotices++
			if testing.Verbose() {
				t.Logf("%s: %q", name, m.Notices)
			}
		}
	}
	t.Logf("%d corpus files parsed, %d with notices", len(files), withNotices)
}

// checkMessage checks what every parsed message must satisfy, recursively.
func checkMessage(t testing.TB, name string, m *Message) {
	t.Helper()
	for _, s := range []string{m.Subject, m.Text, m.HTML, m.MessageID} {
		if !utf8.ValidString(s) {
			t.Errorf("%s: invalid UTF-8 in %q", name, s)
		}
	}
	for _, list := range [][]Part{m.Attachments, m.Inline} {
		for _, p := range list {
			checkFilename(t, name, p.Filename)
			if p.Path == "" {
				t.Errorf("%s: part without path: %+v", name, p)
			}
			if p.Message != nil {
				checkMessage(t, name+" > "+p.Path, p.Message)
			}
		}
	}
}

func checkFilename(t testing.TB, name, f string) {
	t.Helper()
	if f == "" || !utf8.ValidString(f) || strings.ContainsAny(f, `/\`) || strings.IndexFunc(f, unicode.IsControl) >= 0 || utf8.RuneCountInString(f) > maxFilenameRunes {
		t.Errorf("%s: bad attachment filename %q", name, f)
	}
}

// TestDump prints the parse of the files named in $MESSAGE_DUMP
// (comma-separated paths), for looking at one message by hand.
func TestDump(t *testing.T) {
	names := os.Getenv("MESSAGE_DUMP")
	if names == "" {
		t.Skip("set MESSAGE_DUMP to a comma-separated list of files")
	}
	for _, name := range strings.Split(names, ",") {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Parse(bytes.NewReader(raw), Options{})
		if err != nil {
			t.Fatal(err)
		}
		out, _ := json.MarshalIndent(m, "", "  ")
		t.Logf("%s:\n%s", name, out)
	}
}
