package web

import (
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/tidings-mail/tidings/internal/testsrv"
)

// corpusDir holds real-world messages from other mail libraries' test
// suites (beside the repository, not in it).
const corpusDir = "../../shared/testdata/mime"

func corpusFiles(t testing.TB) []string {
	t.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but the MIME corpus is missing at %s: %v", corpusDir, err)
		}
		t.Skipf("MIME corpus not found at %s (it lives beside the repository)", corpusDir)
	}
	var files []string
	_ = filepath.WalkDir(corpusDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasSuffix(p, ".md") || strings.HasSuffix(p, ".tsv") {
			return nil
		}
		files = append(files, p)
		return nil
	})
	sort.Strings(files)
	return files
}

// TestCorpusOpens stores every corpus message in a real Dovecot and opens
// each through the app: 200 within 2 s, a body or an explicit notice, the
// HTML body frame and every attachment download answering too.
func TestCorpusOpens(t *testing.T) {
	t.Parallel()
	files := corpusFiles(t)
	d := testsrv.StartDovecot(t, testsrv.User{Name: "corpus", Password: "corpus-pw"})
	msgs := make([]testsrv.MaildirMessage, 0, len(files))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, testsrv.MaildirMessage{Mailbox: "INBOX", Raw: raw, Flags: "S"})
	}
	d.WriteMaildir(t, "corpus", msgs)
	cfg := testIMAPConfig(d.IMAPAddr, "none")
	a := newTestApp(t, cfg)
	a.login("corpus", "corpus-pw")

	slow := 0
	for i, f := range files {
		name := strings.TrimPrefix(f, corpusDir+"/")
		path := fmt.Sprintf("/mail/INBOX/%d", i+1)
		start := time.Now()
		p := a.get(path)
		if took := time.Since(start); took > 2*time.Second {
			slow++
			t.Errorf("%s: took %v", name, took)
		}
		if p.resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d\n%.500s", name, p.resp.StatusCode, p.body)
			continue
		}
		hasBody := p.doc.Find("iframe.msg-html, .msg-text").Length() > 0
		hasNotice := p.doc.Find(".notice, .empty").Length() > 0
		hasParts := p.doc.Find(".attachment, .nested").Length() > 0
		if !hasBody && !hasNotice && !hasParts {
			t.Errorf("%s: neither body, attachments nor notice shown", name)
		}
		if src, ok := p.doc.Find("iframe.msg-html").Attr("src"); ok {
			body := a.get(src)
			if body.resp.StatusCode != http.StatusOK || body.doc.Find("script, iframe, object, embed, form").Length() > 0 {
				t.Errorf("%s: body frame status %d or active content", name, body.resp.StatusCode)
			}
		}
		for _, href := range p.doc.Find(".attachment a").Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("href", "") }) {
			dl := a.get(href)
			if dl.resp.StatusCode != http.StatusOK || !strings.HasPrefix(dl.resp.Header.Get("Content-Disposition"), "attachment") {
				t.Errorf("%s: download %s: status %d, disposition %q", name, href, dl.resp.StatusCode, dl.resp.Header.Get("Content-Disposition"))
			}
		}
	}
	t.Logf("%d corpus messages opened through Dovecot", len(files))
}
