package message

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func mustParse(t *testing.T, raw string, opt Options) *Message {
	t.Helper()
	m, err := Parse(strings.NewReader(raw), opt)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	checkMessage(t, t.Name(), m)
	return m
}

// body is the part of a Message the body-selection tests compare.
type body struct {
	Text, HTML  string
	Attachments []string // "path type filename"
	Inline      []string
	Notices     int
}

func bodyOf(m *Message) body {
	b := body{Text: m.Text, HTML: m.HTML, Notices: len(m.Notices)}
	for _, p := range m.Attachments {
		b.Attachments = append(b.Attachments, p.Path+" "+p.ContentType+" "+p.Filename)
	}
	for _, p := range m.Inline {
		b.Inline = append(b.Inline, p.Path+" "+p.ContentType+" "+p.Filename)
	}
	return b
}

func TestBodySelection(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want body
	}{{
		name: "plain only",
		raw:  crlf("Subject: x", "", "hello", "world"),
		want: body{Text: "hello\nworld"},
	}, {
		name: "missing content type is text/plain us-ascii, LF endings",
		raw:  "Subject: x\n\nhello\n",
		want: body{Text: "hello\n"},
	}, {
		name: "html only",
		raw:  crlf("Content-Type: text/html; charset=utf-8", "", "<p>hi</p>"),
		want: body{HTML: "<p>hi</p>"},
	}, {
		name: "alternative keeps both",
		raw: crlf("Content-Type: multipart/alternative; boundary=a", "",
			"--a", "Content-Type: text/plain", "", "plain",
			"--a", "Content-Type: text/html", "", "<b>rich</b>",
			"--a--"),
		want: body{Text: "plain", HTML: "<b>rich</b>"},
	}, {
		name: "related: referenced image is inline, unreferenced one an attachment",
		raw: crlf("Content-Type: multipart/related; boundary=r", "",
			"--r", "Content-Type: text/html", "", `<img src="cid:logo@x">`,
			"--r", "Content-Type: image/png", "Content-ID: <logo@x>", "", "png",
			"--r", "Content-Type: image/gif", "Content-ID: <other@x>", "", "gif",
			"--r--"),
		want: body{
			HTML:        `<img src="cid:logo@x">`,
			Inline:      []string{"2 image/png attachment-2.png"},
			Attachments: []string{"3 image/gif attachment-3.gif"},
		},
	}, {
		name: "related start parameter picks the root",
		raw: crlf(`Content-Type: multipart/related; boundary=r; start="<root>"`, "",
			"--r", "Content-Type: image/png", "Content-ID: <img>", "", "png",
			"--r", "Content-Type: text/html", "Content-ID: <root>", "", `<img src="cid:img">`,
			"--r--"),
		want: body{HTML: `<img src="cid:img">`, Inline: []string{"1 image/png attachment-1.png"}},
	}, {
		name: "alternative inside related inside mixed",
		raw: crlf("Content-Type: multipart/mixed; boundary=m", "",
			"--m", "Content-Type: multipart/related; boundary=r", "",
			"--r", "Content-Type: multipart/alternative; boundary=a", "",
			"--a", "", "plain",
			"--a", "Content-Type: text/html", "", `<img src="cid:i">`,
			"--a--",
			"--r", "Content-Type: image/jpeg", "Content-ID: <i>", "", "jpg",
			"--r--",
			"--m", "Content-Type: application/pdf", `Content-Disposition: attachment; filename="r.pdf"`, "", "pdf",
			"--m--"),
		want: body{
			Text: "plain", HTML: `<img src="cid:i">`,
			Inline:      []string{"1.2 image/jpeg attachment-1-2.jpg"},
			Attachments: []string{"2 application/pdf r.pdf"},
		},
	}, {
		name: "mixed plain parts are joined",
		raw: crlf("Content-Type: multipart/mixed; boundary=m", "",
			"--m", "", "one",
			"--m", "Content-Type: image/png", "Content-Disposition: inline", "", "png",
			"--m", "Content-Type: text/plain; charset=us-ascii", "", "two",
			"--m--"),
		want: body{Text: "one" + TextSeparator + "two", Attachments: []string{"2 image/png attachment-2.png"}},
	}, {
		name: "mixed html and plain footer",
		raw: crlf("Content-Type: multipart/mixed; boundary=m", "",
			"--m", "Content-Type: text/html", "", "<p>hi</p>",
			"--m", "", "-- ", "list <footer>",
			"--m--"),
		want: body{Text: "-- \nlist <footer>", HTML: "<p>hi</p>\n<hr>\n<pre>-- \nlist &lt;footer&gt;</pre>"},
	}, {
		name: "alternatives not shown are not listed, invitations are",
		raw: crlf("Content-Type: multipart/alternative; boundary=a", "",
			"--a", "", "plain",
			"--a", "Content-Type: text/enriched", "", "<bold>x</bold>",
			"--a", "Content-Type: text/html", "", "<p>x</p>",
			"--a", "Content-Type: text/calendar; method=REQUEST", "", "BEGIN:VCALENDAR",
			"--a--"),
		want: body{Text: "plain", HTML: "<p>x</p>", Attachments: []string{"4 text/calendar attachment-4.ics"}},
	}, {
		name: "text attachment is not shown",
		raw: crlf("Content-Type: multipart/mixed; boundary=m", "",
			"--m", "", "body",
			"--m", "Content-Type: text/plain", "Content-Disposition: attachment; filename=notes.txt", "", "notes",
			"--m--"),
		want: body{Text: "body", Attachments: []string{"2 text/plain notes.txt"}},
	}, {
		name: "TNEF",
		raw: crlf("Content-Type: multipart/mixed; boundary=m", "",
			"--m", "", "see",
			"--m", "Content-Type: application/ms-tnef", "Content-Transfer-Encoding: base64", "", "eJ8+IgAA",
			"--m--"),
		want: body{Text: "see", Attachments: []string{"2 application/ms-tnef winmail.dat"}},
	}, {
		name: "signed",
		raw: crlf(`Content-Type: multipart/signed; boundary=s; protocol="application/pgp-signature"`, "",
			"--s", "", "signed text",
			"--s", "Content-Type: application/pgp-signature", "", "-----BEGIN PGP SIGNATURE-----",
			"--s--"),
		want: body{Text: "signed text", Attachments: []string{"2 application/pgp-signature signature.asc"}},
	}, {
		name: "encrypted",
		raw: crlf(`Content-Type: multipart/encrypted; boundary=e; protocol="application/pgp-encrypted"`, "",
			"--e", "Content-Type: application/pgp-encrypted", "", "Version: 1",
			"--e", "Content-Type: application/octet-stream; name=encrypted.asc", "", "-----BEGIN PGP MESSAGE-----",
			"--e--"),
		want: body{
			Attachments: []string{"1 application/pgp-encrypted attachment-1.asc", "2 application/octet-stream encrypted.asc"},
			Notices:     1,
		},
	}, {
		name: "empty message",
		raw:  crlf("Subject: nothing", "", ""),
		want: body{Notices: 1},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustParse(t, tt.raw, Options{})
			if diff := cmp.Diff(tt.want, bodyOf(m)); diff != "" {
				t.Errorf("body (-want +got):\n%s\nnotices: %q", diff, m.Notices)
			}
		})
	}
}

func TestNestedMessage(t *testing.T) {
	raw := crlf("Subject: outer", "Content-Type: multipart/mixed; boundary=m", "",
		"--m", "", "see below",
		"--m", "Content-Type: message/rfc822", "",
		"Subject: =?utf-8?q?inner_=E2=82=AC?=", "From: a@example.org", "Content-Type: text/html", "", "<p>inner</p>",
		"--m--")
	m := mustParse(t, raw, Options{})
	if len(m.Attachments) != 1 || m.Attachments[0].Message == nil {
		t.Fatalf("attachments = %+v, want one message/rfc822 with Message", m.Attachments)
	}
	in := m.Attachments[0]
	want := body{HTML: "<p>inner</p>"}
	if diff := cmp.Diff(want, bodyOf(in.Message)); diff != "" {
		t.Errorf("inner body (-want +got):\n%s", diff)
	}
	if in.Filename != "inner €.eml" || in.Message.Subject != "inner €" {
		t.Errorf("filename %q subject %q", in.Filename, in.Message.Subject)
	}
}

func TestNestingDepth(t *testing.T) {
	raw := "Subject: leaf\r\n\r\ndeepest"
	for i := 0; i < 8; i++ {
		raw = crlf("Content-Type: message/rfc822", "", raw)
	}
	m := mustParse(t, raw, Options{})
	depth := 0
	for cur := m; len(cur.Attachments) > 0 && cur.Attachments[0].Message != nil; cur = cur.Attachments[0].Message {
		depth++
	}
	if depth != maxMessageDepth {
		t.Errorf("parsed %d nested messages, want %d", depth, maxMessageDepth)
	}
}

func TestDamagedStructure(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		want     body
		contains string // in one notice
	}{{
		name: "missing closing boundary",
		raw: crlf("Content-Type: multipart/mixed; boundary=m", "",
			"--m", "", "first", "--m", "Content-Type: application/pdf", "", "pdf"),
		want:     body{Text: "first", Attachments: []string{"2 application/pdf attachment-2.pdf"}, Notices: 1},
		contains: "missing closing boundary",
	}, {
		name:     "boundary never appears",
		raw:      crlf("Content-Type: multipart/mixed; boundary=m", "", "just text", "--other--"),
		want:     body{Text: "just text\n--other--", Notices: 1},
		contains: "no part boundary",
	}, {
		name:     "multipart without boundary parameter",
		raw:      crlf("Content-Type: multipart/mixed", "", "raw text"),
		want:     body{Text: "raw text", Notices: 1},
		contains: "has no boundary",
	}, {
		name: "part header without blank line",
		raw: crlf("Content-Type: multipart/mixed; boundary=m", "",
			"--m", "Content-Type: text/plain", "no blank line here", "--m--"),
		want:     body{Text: "no blank line here", Notices: 1},
		contains: "Part 1 is damaged",
	}, {
		name: "boundary lines with LF, body with CRLF, padding after boundary",
		raw:  "Content-Type: multipart/mixed; boundary=m\n\n--m  \nContent-Type: text/plain\r\n\r\none\r\n--m\n\ntwo\n--m--  \n",
		want: body{Text: "one" + TextSeparator + "two"},
	}, {
		name: "similar nested boundary is not a boundary",
		raw: crlf("Content-Type: multipart/mixed; boundary=ab", "",
			"--ab", "Content-Type: multipart/alternative; boundary=abc", "",
			"--abc", "", "inner", "--abc--",
			"--ab--"),
		want: body{Text: "inner"},
	}, {
		name:     "header line that is not a field starts the body",
		raw:      crlf("Subject: x", "this is body text", "more"),
		want:     body{Text: "this is body text\nmore", Notices: 1},
		contains: "header is damaged",
	}, {
		name:     "broken fold is repaired",
		raw:      crlf("Received: from a", "by b with SMTP", "Subject: kept", "", "body"),
		want:     body{Text: "body", Notices: 1},
		contains: "wrapped incorrectly",
	}, {
		name:     "no header at all",
		raw:      "Just some text\nwithout a header.\n",
		want:     body{Text: "Just some text\nwithout a header.\n", Notices: 1},
		contains: "no header",
	}, {
		name: "mbox From line and leading blank line",
		raw:  "From someone@example.org Mon Jan  1 00:00:00 2024\n\nSubject: hi\n\nbody\n",
		want: body{Text: "body\n"},
	}, {
		name:     "broken base64 keeps what decodes",
		raw:      crlf("Content-Transfer-Encoding: base64", "", "aGVsbG8g!!d29y", "bGQ="),
		want:     body{Text: "hello world", Notices: 1},
		contains: "invalid base64",
	}, {
		name:     "unknown transfer encoding is shown raw",
		raw:      crlf("Content-Transfer-Encoding: x-rot13", "", "uryyb"),
		want:     body{Text: "uryyb", Notices: 1},
		contains: `unknown transfer encoding "x-rot13"`,
	}, {
		name:     "invalid content type is read as text",
		raw:      crlf("Content-Type: <html>", "", "text"),
		want:     body{Text: "text", Notices: 1},
		contains: "invalid content type",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustParse(t, tt.raw, Options{})
			if diff := cmp.Diff(tt.want, bodyOf(m)); diff != "" {
				t.Errorf("body (-want +got):\n%s\nnotices: %q", diff, m.Notices)
			}
			if tt.contains != "" && !strings.Contains(strings.Join(m.Notices, "\n"), tt.contains) {
				t.Errorf("notices %q lack %q", m.Notices, tt.contains)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, raw := range []string{"", "\r\n", "  \n\n\n"} {
		if _, err := Parse(strings.NewReader(raw), Options{}); !errors.Is(err, ErrNoHeader) {
			t.Errorf("Parse(%q) error = %v, want ErrNoHeader", raw, err)
		}
	}
	readErr := errors.New("connection reset")
	if _, err := Parse(failingReader{readErr}, Options{}); !errors.Is(err, readErr) || !errors.Is(err, ErrNoHeader) {
		t.Errorf("Parse(failing reader) error = %v, want both ErrNoHeader and the read error", err)
	}
	m, err := Parse(&cutReader{data: "Subject: x\r\n\r\nhalf a bo", err: readErr}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "half a bo" || !strings.Contains(strings.Join(m.Notices, " "), "could not be read completely") {
		t.Errorf("text %q notices %q", m.Text, m.Notices)
	}
}

type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }

// cutReader returns data, then err.
type cutReader struct {
	data string
	err  error
}

func (c *cutReader) Read(p []byte) (int, error) {
	if c.data == "" {
		return 0, c.err
	}
	n := copy(p, c.data)
	c.data = c.data[n:]
	return n, nil
}

func TestTruncation(t *testing.T) {
	long := strings.Repeat("é", 3000) // 6000 bytes
	raw := crlf("Content-Type: text/plain; charset=utf-8", "", long)
	m := mustParse(t, raw, Options{MaxBodyBytes: 1001})
	if len(m.Text) != 1000 || !strings.HasPrefix(long, m.Text) {
		t.Errorf("len(Text) = %d, want 1000 bytes cut at a character boundary", len(m.Text))
	}
	if len(m.Notices) != 1 || !strings.Contains(m.Notices[0], "too long") {
		t.Errorf("notices = %q", m.Notices)
	}
}

func TestSize(t *testing.T) {
	raw := crlf("Content-Type: multipart/mixed; boundary=m", "",
		"--m", "", "hi",
		"--m", "Content-Type: application/octet-stream", "Content-Transfer-Encoding: base64", "",
		"AAECAwQFBgcICQ==",
		"--m", "Content-Type: application/octet-stream", "Content-Transfer-Encoding: quoted-printable", "",
		"a=3Db=", "c",
		"--m--")
	m := mustParse(t, raw, Options{})
	got := []int64{m.Attachments[0].Size, m.Attachments[1].Size}
	if diff := cmp.Diff([]int64{10, 4}, got); diff != "" {
		t.Errorf("sizes (-want +got):\n%s", diff)
	}
}

func TestParseHeader(t *testing.T) {
	raw := crlf(
		"From: =?iso-8859-1?q?J=F6rg?= <joerg@example.org>",
		"To: a@example.org, \"B, Bee\" <b@example.org>",
		"Cc: broken <<c@example.org>, undisclosed-recipients:;",
		"Date: Tue, 1 Jul 2003 10:52:37 +0200",
		"Message-ID: <id1@example.org>",
		"In-Reply-To: <id0@example.org>",
		"References: <a@x> <b@x>",
		"Subject: =?utf-8?B?4pyTIHRo?= =?utf-8?B?YW5rcw==?=",
		"", "body is not read")
	m, err := ParseHeader(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	want := &Message{
		Subject:    "✓ thanks",
		From:       []Address{{"Jörg", "joerg@example.org"}},
		To:         []Address{{"", "a@example.org"}, {"B, Bee", "b@example.org"}},
		Cc:         []Address{{"broken", "c@example.org"}},
		MessageID:  "id1@example.org",
		InReplyTo:  []string{"id0@example.org"},
		References: []string{"a@x", "b@x"},
	}
	if diff := cmp.Diff(want, m, cmpopts.IgnoreFields(Message{}, "Date")); diff != "" {
		t.Errorf("ParseHeader (-want +got):\n%s", diff)
	}
	if m.Date.Unix() != 1057049557 {
		t.Errorf("Date = %v", m.Date)
	}
}
