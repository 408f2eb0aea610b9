package message

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func decodeAll(t *testing.T, enc, in string) string {
	t.Helper()
	// One byte per Read, so state carried between reads is exercised.
	out, err := io.ReadAll(TransferDecoder(enc, iotest.OneByteReader(strings.NewReader(in))))
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestTransferDecoder(t *testing.T) {
	tests := []struct{ name, enc, in, want string }{
		{"base64", "base64", "aGVsbG8gd29y\r\nbGQ=\r\n", "hello world"},
		{"base64 upper case, parameters", "BASE64; x=y", "aGk=", "hi"},
		{"base64 missing padding", "base64", "aGk", "hi"},
		{"base64 garbage skipped", "base64", "aG*V%s\nbG8=", "hello"},
		{"base64 concatenated", "base64", "aGk=aGk=", "hihi"},
		{"base64 url alphabet", "base64", "-_8=", "\xfb\xff"},
		{"qp", "quoted-printable", "caf=C3=A9 =\r\nau lait", "café au lait"},
		{"qp lower-case hex", "quoted-printable", "=c3=a9", "é"},
		{"qp trailing space dropped", "quoted-printable", "a  \r\nb\t\nc ", "a\r\nb\nc"},
		{"qp soft break with padding", "quoted-printable", "a= \t\r\nb", "ab"},
		{"qp bad escape kept", "quoted-printable", "1=2 and =ZZ and =", "1=2 and =ZZ and "},
		{"qp bare CR kept", "quoted-printable", "a\rb", "a\rb"},
		{"qp long line", "quoted-printable", strings.Repeat("x", 10000), strings.Repeat("x", 10000)},
		{"uuencode", "x-uuencode", "begin 644 hi.txt\n#:&DA\n`\nend\n", "hi!"},
		{"7bit", "7bit", "as is=41", "as is=41"},
		{"unknown", "x-what", "as is", "as is"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := decodeAll(t, tt.enc, tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBase64Damage(t *testing.T) {
	for in, damaged := range map[string]bool{"aGk=": false, "aGk": false, "a!Gk=": true, "aGkx\nY": true} {
		d := &base64Reader{r: strings.NewReader(in)}
		_, _ = io.ReadAll(d)
		if d.damaged() != damaged {
			t.Errorf("damaged(%q) = %v, want %v", in, d.damaged(), damaged)
		}
	}
}
