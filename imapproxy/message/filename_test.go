package message

import (
	"encoding/base64"
	"strings"
	"testing"
	"unicode/utf8"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestFilenames(t *testing.T) {
	tests := []struct {
		name, headers, want string
	}{
		{"disposition filename", `Content-Disposition: attachment; filename="report.pdf"`, "report.pdf"},
		{"content-type name", `Content-Type: application/pdf; name=report.pdf`, "report.pdf"},
		{"disposition wins over name", "Content-Type: application/pdf; name=a.pdf\r\nContent-Disposition: attachment; filename=b.pdf", "b.pdf"},
		{"RFC 2231 UTF-8", `Content-Disposition: attachment; filename*=UTF-8''%E2%82%AC%20rates.pdf`, "€ rates.pdf"},
		{"RFC 2231 iso-8859-1", `Content-Disposition: attachment; filename*=iso-8859-1'de'Gr%FC%DFe.txt`, "Grüße.txt"},
		{"RFC 2231 continuations", "Content-Disposition: attachment;\r\n filename*0*=UTF-8''%E6%97%A5%E6;\r\n filename*1*=%9C%AC;\r\n filename*2=\".txt\"", "日本.txt"},
		{"RFC 2231 quoted (wrong, seen)", `Content-Disposition: attachment; filename*="UTF-8''a%20b.txt"`, "a b.txt"},
		{"RFC 2231 preferred over plain", `Content-Disposition: attachment; filename="plain.txt"; filename*=UTF-8''fancy.txt`, "fancy.txt"},
		{"RFC 2047 in name", `Content-Type: application/pdf; name="=?utf-8?B?` + b64("Überweisung.pdf") + `?="`, "Überweisung.pdf"},
		{"RFC 2047 koi8-r", `Content-Disposition: attachment; filename="=?koi8-r?B?89DJ08/LLmRvYw==?="`, "Список.doc"},
		{"raw 8-bit", "Content-Disposition: attachment; filename=\"Fr\xf6sche.txt\"", "Frösche.txt"},
		{"path traversal", `Content-Disposition: attachment; filename="../../etc/passwd"`, "passwd"},
		{"windows path", `Content-Disposition: attachment; filename="C:\TEMP\evil.exe"`, "evil.exe"},
		{"control characters", "Content-Disposition: attachment; filename=\"a\x01b\x7f.txt\"", "ab.txt"},
		{"bidi override", "Content-Disposition: attachment; filename=\"invoice\u202Efdp.exe\"", "invoicefdp.exe"},
		{"dots only", `Content-Disposition: attachment; filename=".."`, "attachment-2.pdf"},
		{"duplicate parameter keeps first", `Content-Disposition: attachment; filename=a.pdf; filename=b.pdf`, "a.pdf"},
		{"broken parameter does not lose the rest", `Content-Disposition: attachment; junk; filename=ok.pdf`, "ok.pdf"},
		{"no name", `Content-Disposition: attachment`, "attachment-2.pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			headers := tt.headers
			if !strings.Contains(headers, "Content-Type") {
				headers = "Content-Type: application/pdf\r\n" + headers
			}
			raw := crlf("Content-Type: multipart/mixed; boundary=m", "",
				"--m", "", "body",
				"--m", headers, "", "data",
				"--m--")
			m := mustParse(t, raw, Options{})
			if len(m.Attachments) != 1 {
				t.Fatalf("attachments = %+v", m.Attachments)
			}
			if got := m.Attachments[0].Filename; got != tt.want {
				t.Errorf("Filename = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFilenameLength(t *testing.T) {
	long := strings.Repeat("ü", 300) + ".pdf"
	got := sanitizeFilename(long)
	if utf8.RuneCountInString(got) != maxFilenameRunes || !strings.HasSuffix(got, "ü.pdf") {
		t.Errorf("sanitizeFilename(300 runes) = %d runes %q…", utf8.RuneCountInString(got), got[len(got)-10:])
	}
}

func TestMadeUpFilenames(t *testing.T) {
	tests := []struct {
		part Part
		want string
	}{
		{Part{Path: "2", ContentType: "application/pdf"}, "attachment-2.pdf"},
		{Part{Path: "1.3", ContentType: "image/png"}, "attachment-1-3.png"},
		{Part{Path: "4", ContentType: "application/x-unknown"}, "attachment-4"},
		{Part{Path: "2", ContentType: "application/ms-tnef"}, "winmail.dat"},
		{Part{Path: "2", ContentType: "message/rfc822"}, "message.eml"},
		{Part{Path: "2", ContentType: "message/rfc822", Message: &Message{Subject: "Re: a/b"}}, "Re: a_b.eml"},
	}
	for _, tt := range tests {
		if got := madeUpFilename(&tt.part); got != tt.want {
			t.Errorf("madeUpFilename(%s %s) = %q, want %q", tt.part.Path, tt.part.ContentType, got, tt.want)
		}
	}
}
