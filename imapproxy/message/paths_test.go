package message

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// crlf joins lines into a message with CRLF line endings.
func crlf(lines ...string) string { return strings.Join(lines, "\r\n") }

// entities parses raw and returns "path type" for every entity the
// parser walked, in order.
func entities(t *testing.T, raw string) []string {
	t.Helper()
	var got []string
	_, err := parse(strings.NewReader(raw), Options{}, hooks{trace: func(path, ct string) {
		got = append(got, path+" "+ct)
	}})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestPartPaths checks part numbers against RFC 3501 §6.4.5 (kept in
// RFC 9051): they must be what an IMAP server uses in BODY[<path>].
func TestPartPaths(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want []string
	}{{
		name: "single part",
		raw:  crlf("Subject: x", "", "hello"),
		want: []string{"1 text/plain"},
	}, {
		name: "mixed with attachment",
		raw: crlf("Content-Type: multipart/mixed; boundary=b", "",
			"--b", "", "text", "--b", "Content-Type: application/pdf", "", "%PDF", "--b--"),
		want: []string{"1 text/plain", "2 application/pdf"},
	}, {
		name: "mixed > alternative + related",
		raw: crlf("Content-Type: multipart/mixed; boundary=m", "",
			"--m", "Content-Type: multipart/alternative; boundary=a", "",
			"--a", "Content-Type: text/plain", "", "plain",
			"--a", "Content-Type: multipart/related; boundary=r", "",
			"--r", "Content-Type: text/html", "", "<img src=cid:i>",
			"--r", "Content-Type: image/png", "Content-ID: <i>", "", "png",
			"--r--", "--a--",
			"--m", "Content-Type: application/zip", "", "zip", "--m--"),
		want: []string{
			"1 multipart/alternative", "1.1 text/plain", "1.2 multipart/related",
			"1.2.1 text/html", "1.2.2 image/png", "2 application/zip",
		},
	}, {
		name: "message/rfc822 with multipart inside",
		raw: crlf("Content-Type: multipart/mixed; boundary=m", "",
			"--m", "", "see attached",
			"--m", "Content-Type: message/rfc822", "",
			"Subject: inner", "Content-Type: multipart/mixed; boundary=n", "",
			"--n", "", "inner text",
			"--n", "Content-Type: image/gif", "", "gif",
			"--n--",
			"--m--"),
		want: []string{"1 text/plain", "2 message/rfc822", "2.1 text/plain", "2.2 image/gif"},
	}, {
		name: "message/rfc822 with single part",
		raw: crlf("Content-Type: multipart/mixed; boundary=m", "",
			"--m", "", "see attached",
			"--m", "Content-Type: message/rfc822", "",
			"Subject: inner", "", "inner body",
			"--m--"),
		want: []string{"1 text/plain", "2 message/rfc822", "2.1 text/plain"},
	}, {
		name: "single-part message/rfc822 at top",
		raw: crlf("Content-Type: message/rfc822", "",
			"Subject: inner", "Content-Type: multipart/mixed; boundary=n", "",
			"--n", "", "a", "--n", "", "b", "--n--"),
		want: []string{"1 message/rfc822", "1.1 text/plain", "1.2 text/plain"},
	}, {
		name: "digest parts default to message/rfc822",
		raw: crlf("Content-Type: multipart/digest; boundary=d", "",
			"--d", "", "Subject: one", "", "1",
			"--d", "", "Subject: two", "", "2",
			"--d--"),
		want: []string{"1 message/rfc822", "1.1 text/plain", "2 message/rfc822", "2.1 text/plain"},
	}, {
		// The example of RFC 3501 §6.4.5.
		name: "RFC 3501 example",
		raw: crlf("Content-Type: multipart/mixed; boundary=x", "",
			"--x", "", "1",
			"--x", "Content-Type: application/octet-stream", "", "2",
			"--x", "Content-Type: message/rfc822", "",
			"Content-Type: multipart/mixed; boundary=y", "",
			"--y", "", "3.1",
			"--y", "Content-Type: application/octet-stream", "", "3.2",
			"--y--",
			"--x", "Content-Type: multipart/mixed; boundary=z", "",
			"--z", "Content-Type: image/gif", "", "4.1",
			"--z", "Content-Type: message/rfc822", "",
			"Content-Type: multipart/mixed; boundary=w", "",
			"--w", "", "4.2.1",
			"--w", "Content-Type: multipart/alternative; boundary=v", "",
			"--v", "", "4.2.2.1",
			"--v", "Content-Type: text/richtext", "", "4.2.2.2",
			"--v--", "--w--", "--z--", "--x--"),
		want: []string{
			"1 text/plain", "2 application/octet-stream",
			"3 message/rfc822", "3.1 text/plain", "3.2 application/octet-stream",
			"4 multipart/mixed", "4.1 image/gif", "4.2 message/rfc822",
			"4.2.1 text/plain", "4.2.2 multipart/alternative",
			"4.2.2.1 text/plain", "4.2.2.2 text/richtext",
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, entities(t, tt.raw)); diff != "" {
				t.Errorf("entities (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAttachmentPaths checks the paths of what the public API lists.
func TestAttachmentPaths(t *testing.T) {
	raw := crlf("Content-Type: multipart/mixed; boundary=m", "",
		"--m", "", "see attached",
		"--m", "Content-Type: message/rfc822", "",
		"Subject: inner", "Content-Type: multipart/mixed; boundary=n", "",
		"--n", "", "inner text",
		"--n", "Content-Type: image/gif; name=a.gif", "", "gif",
		"--n--",
		"--m", "Content-Type: application/pdf; name=x.pdf", "Content-Transfer-Encoding: base64", "", "JVBERg==",
		"--m--")
	m, err := Parse(strings.NewReader(raw), Options{})
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Path, Type, Name string }
	var got []row
	var walk func(*Message)
	walk = func(m *Message) {
		for _, p := range m.Attachments {
			got = append(got, row{p.Path, p.ContentType, p.Filename})
			if p.Message != nil {
				walk(p.Message)
			}
		}
	}
	walk(m)
	want := []row{
		{"2", "message/rfc822", "inner.eml"},
		{"2.2", "image/gif", "a.gif"},
		{"3", "application/pdf", "x.pdf"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("attachments (-want +got):\n%s", diff)
	}
	if p := FindPart(m, "3"); p == nil || p.Size != 4 {
		t.Errorf("FindPart(3) = %+v, want the 4-byte PDF", p)
	}
	if p := FindPart(m, "9"); p != nil {
		t.Errorf("FindPart(9) = %+v, want nil", p)
	}
}
