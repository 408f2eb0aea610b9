package message

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

func encode(t *testing.T, enc encoding.Encoding, s string) string {
	t.Helper()
	b, err := enc.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBodyCharsets(t *testing.T) {
	tests := []struct {
		name, charset, body, want string
		notice                    string // part of the expected notice, "" for none
	}{
		{"iso-8859-1", "iso-8859-1", "caf\xe9", "café", ""},
		{"iso-8859-1 read as windows-1252", "ISO-8859-1", "\x93quoted\x94", "“quoted”", ""},
		{"windows-1252", "windows-1252", "\x80 5", "€ 5", ""},
		{"koi8-r", "koi8-r", encode(t, charmap.KOI8R, "Привет"), "Привет", ""},
		{"shift_jis", "shift_jis", encode(t, japanese.ShiftJIS, "こんにちは"), "こんにちは", ""},
		{"iso-2022-jp", "iso-2022-jp", encode(t, japanese.ISO2022JP, "日本語"), "日本語", ""},
		{"gb2312", "gb2312", encode(t, simplifiedchinese.GBK, "中文"), "中文", ""},
		{"big5", "big5", encode(t, traditionalchinese.Big5, "繁體"), "繁體", ""},
		{"utf-16 with BOM", "utf-16", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), "ünï"), "ünï", ""},
		{"utf-7", "utf-7", "Hi Mom -+Jjo--! 1 +- 1", "Hi Mom -☺-! 1 + 1", ""},
		{"quoted label", `"UTF-8"`, "ok ✓", "ok ✓", ""},
		{"unknown label, UTF-8 bytes", "x-foo", "naïve", "naïve", `unknown character set "x-foo"`},
		{"unknown label, 8-bit bytes", "x-foo", "na\xefve", "naïve", `unknown character set "x-foo"`},
		{"no label, 8-bit bytes", "", "na\xefve", "naïve", "does not say which character set"},
		{"utf-8 label, latin-1 bytes", "utf-8", "na\xefve", "naïve", "not valid"},
		{"utf-8 label, one bad byte", "utf-8", "日本\xff語", "日本\uFFFD語", "not valid"},
		{"replacement-mapped label", "iso-2022-kr", "plain ascii", "plain ascii", "unknown character set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := "Content-Type: text/plain"
			if tt.charset != "" {
				ct += "; charset=" + tt.charset
			}
			m := mustParse(t, "Subject: x\r\n"+ct+"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"+tt.body, Options{})
			if m.Text != tt.want {
				t.Errorf("Text = %q, want %q", m.Text, tt.want)
			}
			notices := strings.Join(m.Notices, "\n")
			if tt.notice == "" && notices != "" || !strings.Contains(notices, tt.notice) {
				t.Errorf("notices = %q, want one containing %q", m.Notices, tt.notice)
			}
		})
	}
}

func TestHTMLMetaCharset(t *testing.T) {
	raw := crlf("Content-Type: text/html", "", `<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">`+encode(t, charmap.KOI8R, "Да"))
	m := mustParse(t, raw, Options{})
	if !strings.HasSuffix(m.HTML, "Да") {
		t.Errorf("HTML = %q", m.HTML)
	}
}

func TestHeaderDecoding(t *testing.T) {
	tests := []struct {
		name, subject, want, notice string
	}{
		{"plain", "hello", "hello", ""},
		{"Q utf-8", "=?UTF-8?Q?caf=C3=A9_ol=C3=A9?=", "café olé", ""},
		{"B iso-8859-1", "=?iso-8859-1?B?Y2Fm6Q==?=", "café", ""},
		{"koi8-r", "=?koi8-r?B?" + b64(encode(t, charmap.KOI8R, "Тест")) + "?=", "Тест", ""},
		{"iso-2022-jp", "=?ISO-2022-JP?B?" + b64(encode(t, japanese.ISO2022JP, "件名")) + "?=", "件名", ""},
		{"space between words dropped", "=?utf-8?q?a?= =?utf-8?q?b?=", "ab", ""},
		{"text between words kept", "=?utf-8?q?a?= and =?utf-8?q?b?=", "a and b", ""},
		{"character split across words", "=?utf-8?B?4pyT?= =?utf-8?B?4g==?= =?utf-8?B?nJMg?=x", "✓✓ x", ""},
		{"raw 8-bit inside a Q word", "=?iso-8859-1?Q?Fr\xf6sche?=", "Frösche", ""},
		{"RFC 2231 language in word", "=?us-ascii*en?q?hello?=", "hello", ""},
		{"malformed word kept", "=?utf-8?x?abc?=", "=?utf-8?x?abc?=", ""},
		{"unknown charset", "=?x-bogus?q?caf=E9?=", "café", `unknown character set "x-bogus"`},
		{"raw latin-1", "caf\xe9", "café", "Windows-1252"},
		{"raw utf-8 (RFC 6532)", "café ✓", "café ✓", ""},
		{"control characters removed", "a\x00b\x1bc", "abc", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseHeader(strings.NewReader("Subject: " + tt.subject + "\r\n\r\n"))
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != tt.want {
				t.Errorf("Subject = %q, want %q", m.Subject, tt.want)
			}
			notices := strings.Join(m.Notices, "\n")
			if tt.notice == "" && notices != "" || !strings.Contains(notices, tt.notice) {
				t.Errorf("notices = %q, want one containing %q", m.Notices, tt.notice)
			}
		})
	}
}

func TestAddressFallback(t *testing.T) {
	tests := []struct {
		raw  string
		want []Address
	}{
		{"=?utf-8?q?Ren=C3=A9?= <r@x.org>", []Address{{"René", "r@x.org"}}},
		{`"=?utf-8?q?Ren=C3=A9?=" <r@x.org>`, []Address{{"René", "r@x.org"}}},
		{"Doe, John <j@x.org>, k@x.org", []Address{{"Doe", ""}, {"John", "j@x.org"}, {"", "k@x.org"}}},
		{"John Doe <j@x.org", []Address{{"John Doe", "j@x.org"}}},
		{"not an address at all", []Address{{"not an address at all", ""}}},
		{"Team: a@x.org, b@x.org;", []Address{{"", "a@x.org"}, {"", "b@x.org"}}},
		{"J\xf6rg <j@x.org>", []Address{{"Jörg", "j@x.org"}}},
	}
	for _, tt := range tests {
		hd := newHeaderDecoder()
		if got := hd.addresses(tt.raw); !equalAddresses(got, tt.want) {
			t.Errorf("addresses(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func equalAddresses(a, b []Address) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDates(t *testing.T) {
	for _, raw := range []string{
		"Tue, 1 Jul 2003 10:52:37 +0200",
		"Tue,  1 Jul 2003 10:52:37 +0200 (CEST)",
		"1 Jul 2003 10:52:37 +0200",
		"Tue Jul  1 10:52:37 2003",
		"2003-07-01 10:52:37 +0200",
	} {
		if _, ok := parseDate(raw); !ok {
			t.Errorf("parseDate(%q) failed", raw)
		}
	}
	m, err := ParseHeader(strings.NewReader("Date: someday\r\n\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !m.Date.IsZero() || len(m.Notices) != 1 {
		t.Errorf("Date = %v, notices %q; want zero date and one notice", m.Date, m.Notices)
	}
}
