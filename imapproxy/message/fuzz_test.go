package message

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

// fuzzSeeds are small messages that reach the parser's main paths.
var fuzzSeeds = []string{
	"Subject: =?utf-8?q?hi?=\r\nFrom: A <a@b>\r\n\r\nbody\r\n",
	crlf("Content-Type: multipart/mixed; boundary=m", "",
		"--m", "Content-Type: multipart/alternative; boundary=a", "",
		"--a", "", "plain", "--a", "Content-Type: text/html; charset=iso-8859-1", "", "<p>caf\xe9</p>", "--a--",
		"--m", "Content-Type: message/rfc822", "", "Subject: in", "", "inner",
		"--m", "Content-Type: image/png; name*=UTF-8''%E2%82%AC.png", "Content-Transfer-Encoding: base64", "Content-ID: <i>", "", "iVBORw0KGgo=",
		"--m--"),
	crlf("Content-Type: multipart/related; boundary=r; start=<x>", "",
		"--r", "Content-ID: <x>", "Content-Type: text/html", "Content-Transfer-Encoding: quoted-printable", "", "<img src=3Dcid:y>=", "",
		"--r", "Content-ID: <y>", "Content-Type: image/gif", "", "GIF", "--r"),
	"Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: 1\n\none\n--d\nContent-Type: text/plain; charset=utf-7\n\n+AKM-1\n--d--\n",
	"Content-Transfer-Encoding: x-uuencode\n\nbegin 644 a\n#86)C\n`\nend\n",
	"no header\n--\nat all",
}

// FuzzParse checks that Parse never panics and always returns valid,
// bounded output.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	for _, name := range []string{
		"mime4j/core__src__test__resources__testmsgs__missing-inner-boundary.msg.eml",
		"zbateson/tests___data__emails__m2013.txt.eml",
		"enmime/testdata__low-quality__bad-header-start.raw.eml",
	} {
		if b, err := os.ReadFile(corpusDir + "/" + name); err == nil {
			f.Add(b)
		}
	}
	opt := Options{MaxBodyBytes: 512}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := parse(bytes.NewReader(raw), opt, hooks{panics: true})
		if err != nil {
			if !errors.Is(err, ErrNoHeader) {
				t.Errorf("Parse error %v is not ErrNoHeader", err)
			}
			return
		}
		checkMessage(t, "fuzz", m)
		checkBounds(t, m, opt.withDefaults())
	})
}

func checkBounds(t *testing.T, m *Message, opt Options) {
	t.Helper()
	limit := int(textBudget(opt))
	if len(m.Text) > limit || len(m.HTML) > limit {
		t.Errorf("len(Text)=%d len(HTML)=%d, limit %d", len(m.Text), len(m.HTML), limit)
	}
	if len(m.Attachments)+len(m.Inline) > maxParts || len(m.Notices) > maxNotices+1 {
		t.Errorf("%d attachments, %d inline, %d notices", len(m.Attachments), len(m.Inline), len(m.Notices))
	}
	for _, n := range m.Notices {
		if !strings.HasSuffix(n, ".") || strings.Contains(n, internalErrorNotice) {
			t.Errorf("notice %q", n)
		}
	}
	for _, p := range append(m.Attachments, m.Inline...) {
		if p.Message != nil {
			checkBounds(t, p.Message, opt)
		}
	}
}
