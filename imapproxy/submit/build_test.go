package submit

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	"github.com/tidings-mail/tidings/imapproxy/message"
)

func bytesAttachment(name, ctype string, data []byte) Attachment {
	return Attachment{Filename: name, ContentType: ctype, Write: func(_ context.Context, w io.Writer) error {
		_, err := w.Write(data)
		return err
	}}
}

func testMessage() *Message {
	return &Message{
		From:       Address{Name: "Zoë Ålund", Email: "zoe@example.org"},
		To:         []Address{{Name: "Bob", Email: "bob@example.org"}, {Email: "jm@xn--bcher-kva.example"}},
		Cc:         []Address{{Name: "Jones, Carol", Email: "carol@example.net"}},
		Bcc:        []Address{{Name: "Secret", Email: "secret@example.net"}},
		Subject:    "Grüße aus Köln – the report",
		Text:       "Hi Bob,\r\n\r\n" + strings.TrimSpace(strings.Repeat("here is the report we talked about ", 6)) + "\r\n\r\n> your question\r\n-- \r\nZoë",
		Date:       time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC),
		InReplyTo:  "parent@example.org",
		References: []string{"root@example.org", "parent@example.org"},
	}
}

func build(t *testing.T, m *Message) ([]byte, Written) {
	t.Helper()
	var buf bytes.Buffer
	w, err := Build(t.Context(), &buf, m, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if int64(buf.Len()) != w.Size {
		t.Fatalf("Written.Size %d, wrote %d", w.Size, buf.Len())
	}
	return buf.Bytes(), w
}

func TestBuild(t *testing.T) {
	m := testMessage()
	pdf := bytes.Repeat([]byte("%PDF-1.4 binary \x00\xff\xfe data "), 500)
	longName := strings.Repeat("Überweisungsbestätigung ", 6) + "März.pdf"
	m.Attachments = []Attachment{
		bytesAttachment(longName, "application/pdf", pdf),
		bytesAttachment("notes.txt", "text/plain", []byte("plain notes\n")),
		bytesAttachment(`we"ird\name.bin`, "bogus type", []byte{1, 2, 3}),
	}
	raw, w := build(t, m)
	head := string(raw[:w.HeaderEnd])
	for _, s := range []string{"Date: Mon, 02 Mar 2026 09:30:00 +0000", "Mime-Version: 1.0", "In-Reply-To: <parent@example.org>",
		"References: <root@example.org> <parent@example.org>", "Message-Id: <", "@example.org>"} {
		if !strings.Contains(head, s) {
			t.Errorf("header lacks %q:\n%s", s, head)
		}
	}
	// A header line, not any "bcc" in the head: the random Message-ID and
	// boundary may hold those letters (a failure once in a few hundred runs).
	if strings.Contains(string(raw), "secret@example.net") || strings.Contains(strings.ToLower("\r\n"+head), "\r\nbcc:") {
		t.Error("the Bcc recipient appears in the message")
	}
	for i, l := range strings.Split(string(raw), "\r\n") {
		if len(l) > 998 {
			t.Errorf("line %d is %d bytes", i, len(l))
		}
		for _, c := range []byte(l) {
			if c >= 0x80 || c == '\n' || c == '\r' {
				t.Fatalf("line %d is not 7-bit clean: %q", i, l)
			}
		}
	}

	// go-message reads back what we meant.
	mr, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := mr.Header.Subject(); s != m.Subject {
		t.Errorf("Subject = %q", s)
	}
	from, _ := mr.Header.AddressList("From")
	to, _ := mr.Header.AddressList("To")
	cc, _ := mr.Header.AddressList("Cc")
	if len(from) != 1 || from[0].Name != "Zoë Ålund" || len(to) != 2 || to[1].Address != "jm@xn--bcher-kva.example" || len(cc) != 1 || cc[0].Name != "Jones, Carol" {
		t.Errorf("addresses: from %v to %v cc %v", from, to, cc)
	}
	var names []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if ah, ok := p.Header.(*mail.AttachmentHeader); ok {
			name, _ := ah.Filename()
			names = append(names, name)
			body, _ := io.ReadAll(p.Body)
			if name == longName && !bytes.Equal(body, pdf) {
				t.Error("the PDF's bytes changed")
			}
		}
	}
	if strings.Join(names, "|") != longName+"|notes.txt|"+`we"ird\name.bin` {
		t.Errorf("attachment names = %q", names)
	}

	// Tidings' own parser: flowed text, the alternative, paths.
	pm, err := message.Parse(bytes.NewReader(raw), message.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !pm.TextFlowed || Unflow(pm.Text, pm.TextDelSp) != normalizeNewlines(m.Text) {
		t.Errorf("text (flowed %v) reads back as %q", pm.TextFlowed, pm.Text)
	}
	if len(pm.Attachments) != 3 || pm.Attachments[0].Filename != longName || pm.Attachments[0].Size != int64(len(pdf)) ||
		pm.Attachments[2].ContentType != "application/octet-stream" {
		t.Errorf("attachments = %+v", pm.Attachments)
	}
	if !strings.Contains(pm.HTML, "<blockquote") {
		t.Errorf("HTML alternative = %q", pm.HTML)
	}
}

func TestInsertBcc(t *testing.T) {
	m := testMessage()
	raw, w := build(t, m)
	fields, err := HeaderFields(m.Bcc, map[string]string{"X-Tidings-Origin": "answered 7 42 INBOX"})
	if err != nil {
		t.Fatal(err)
	}
	r, size := InsertHeader(bytes.NewReader(raw), w, fields)
	copyRaw, _ := io.ReadAll(r)
	if int64(len(copyRaw)) != size {
		t.Fatalf("size %d, read %d", size, len(copyRaw))
	}
	pm, err := message.Parse(bytes.NewReader(copyRaw), message.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pm.Bcc) != 1 || pm.Bcc[0].Email != "secret@example.net" || pm.Subject != m.Subject {
		t.Errorf("copy: bcc %v subject %q", pm.Bcc, pm.Subject)
	}
	if !bytes.Contains(copyRaw, []byte("\r\nX-Tidings-Origin: answered 7 42 INBOX\r\n")) {
		t.Error("extra field missing")
	}
	if _, err := HeaderFields(nil, map[string]string{"X": "a\r\nBcc: b"}); err == nil {
		t.Error("an unsafe extra field was accepted")
	}
}

func TestBuildRefusesInjection(t *testing.T) {
	for name, mod := range map[string]func(*Message){
		"subject":   func(m *Message) { m.Subject = "Hi\r\nBcc: victim@example.net" },
		"from name": func(m *Message) { m.From.Name = "Zoë\nX-Evil: 1" },
		"to name":   func(m *Message) { m.To[0].Name = "Bob\r\n" },
		"filename":  func(m *Message) { m.Attachments = []Attachment{bytesAttachment("a\r\nb.txt", "text/plain", nil)} },
		"reference": func(m *Message) { m.References = []string{"a@b>\r\nBcc: <c@d"} },
	} {
		m := testMessage()
		mod(m)
		var buf bytes.Buffer
		if _, err := Build(t.Context(), &buf, m, os.TempDir()); err == nil {
			t.Errorf("%s: built %q", name, buf.String())
		} else if buf.Len() != 0 {
			t.Errorf("%s: wrote %d bytes before refusing", name, buf.Len())
		}
	}
}

func TestForwardAsAttachment(t *testing.T) {
	orig := []byte("From: ann@example.org\r\nSubject: Plans\r\n\r\nÜber alles.\r\n")
	m := testMessage()
	m.Attachments = []Attachment{bytesAttachment("Plans.eml", "message/rfc822", orig)}
	raw, _ := build(t, m)
	if !bytes.Contains(raw, []byte("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: 8bit")) &&
		!bytes.Contains(raw, []byte("Content-Transfer-Encoding: 8bit\r\nContent-Type: message/rfc822")) {
		t.Errorf("message/rfc822 part not sent as 8bit:\n%s", raw)
	}
	if !bytes.Contains(raw, orig) {
		t.Error("the forwarded message is not included unchanged")
	}
	pm, err := message.Parse(bytes.NewReader(raw), message.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pm.Attachments) != 1 || pm.Attachments[0].Message == nil || pm.Attachments[0].Message.Subject != "Plans" {
		t.Errorf("attachments = %+v", pm.Attachments)
	}
	// A message that cannot travel as 8bit goes as an opaque file.
	m.Attachments = []Attachment{bytesAttachment("bad.eml", "message/rfc822", []byte("Subject: x\n\nbare LF\x00"))}
	raw, _ = build(t, m)
	if bytes.Contains(raw, []byte("message/rfc822")) || !bytes.Contains(raw, []byte(`application/octet-stream; name="bad.eml"`)) {
		t.Errorf("unsafe message attached as:\n%s", raw)
	}
}

func TestFormatParam(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"report.pdf", `attachment; filename="report.pdf"`},
		{`a "b".txt`, `attachment; filename="a \"b\".txt"`},
		{"März.pdf", `attachment; filename*=utf-8''M%C3%A4rz.pdf`},
	} {
		if got := FormatParam("attachment", "filename", tc.in); got != tc.want {
			t.Errorf("FormatParam(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	long := FormatParam("attachment", "filename", strings.Repeat("ä", 40))
	if !strings.Contains(long, "filename*0*=utf-8''%C3%A4") || !strings.Contains(long, "; filename*1*=%C3") {
		t.Errorf("long value not continued: %q", long)
	}
}

func TestBuildHeaderOrderAndBccOnly(t *testing.T) {
	m := testMessage()
	m.To, m.Cc = nil, nil
	raw, w := build(t, m)
	head := string(raw[:w.HeaderEnd])
	if !strings.Contains(head, "\r\nTo: undisclosed-recipients:;\r\n") {
		t.Errorf("a Bcc-only message has no To group:\n%s", head)
	}
	order := []string{"\r\nDate:", "\r\nFrom:", "\r\nTo:", "\r\nSubject:", "\r\nMessage-Id:", "\r\nIn-Reply-To:", "\r\nReferences:"}
	last := -1
	for _, f := range order {
		i := strings.Index(head, f)
		if i < last {
			t.Errorf("%s is out of order:\n%s", f, head)
		}
		last = i
	}
}
