package message

import (
	"bytes"
	"encoding/base64"
	"mime/quotedprintable"
	"strings"
	"testing"
)

// benchMessage builds a typical newsletter-sized message: a 50 KB HTML
// body (quoted-printable) with its plain-text alternative, and a 100 KB
// base64 attachment.
func benchMessage() []byte {
	var html strings.Builder
	for html.Len() < 50<<10 {
		html.WriteString(`<p style="margin:0 0 1em">Grüße — this is paragraph text with a <a href="https://example.org/x">link</a>.</p>` + "\n")
	}
	var qp bytes.Buffer
	w := quotedprintable.NewWriter(&qp)
	_, _ = w.Write([]byte(html.String()))
	_ = w.Close()
	attachment := bytes.Repeat([]byte("%PDF-1.4 binary\x00\x01\x02"), (100<<10)/20)
	b64 := base64.StdEncoding.EncodeToString(attachment)
	var lines []string
	for len(b64) > 76 {
		lines = append(lines, b64[:76])
		b64 = b64[76:]
	}
	lines = append(lines, b64)
	return []byte(crlf(
		"From: Newsletter <news@example.org>",
		"To: reader@example.org",
		"Subject: =?utf-8?q?Monthly_news_=E2=80=94_July?=",
		"Date: Tue, 1 Jul 2025 10:00:00 +0000",
		"Message-ID: <bench@example.org>",
		"MIME-Version: 1.0",
		"Content-Type: multipart/mixed; boundary=outer", "",
		"--outer", "Content-Type: multipart/alternative; boundary=alt", "",
		"--alt", "Content-Type: text/plain; charset=utf-8", "", "Plain version of the news.",
		"--alt", "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "",
		qp.String(),
		"--alt--",
		"--outer", "Content-Type: application/pdf; name=report.pdf", "Content-Transfer-Encoding: base64",
		"Content-Disposition: attachment; filename=report.pdf", "",
		strings.Join(lines, "\r\n"),
		"--outer--", ""))
}

func BenchmarkParse(b *testing.B) {
	raw := benchMessage()
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		m, err := Parse(bytes.NewReader(raw), Options{})
		if err != nil || len(m.HTML) < 50<<10 || len(m.Attachments) != 1 {
			b.Fatalf("err %v, html %d, attachments %d", err, len(m.HTML), len(m.Attachments))
		}
	}
}
