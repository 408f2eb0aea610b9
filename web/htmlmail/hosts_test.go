package htmlmail

import "testing"

func TestInternalHost(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"example.com", false},
		{"93.184.215.14", false},
		{"[2606:2800:21f:cb07:6820:80da:af6b:8b2c]", false},
		{"cdn.example.com.", false},
		{"localhost", true},
		{"LOCALHOST.", true},
		{"app.localhost", true},
		{"127.0.0.1", true},
		{"10.1.2.3", true},
		{"192.168.1.1", true},
		{"172.16.0.1", true},
		{"169.254.169.254", true},
		{"0.0.0.0", true},
		{"[::1]", true},
		{"[fe80::1]", true},
		{"[::ffff:127.0.0.1]", true},
		{"2130706433", true},     // 127.0.0.1
		{"0x7f.1", true},         // 127.0.0.1
		{"0177.0.0.1", true},     // 127.0.0.1
		{"3232235777", true},     // 192.168.1.1
		{"1.2.3.4.5", true},      // rejected by browsers
		{"0x7f.0.0.0x100", true}, // out of range: rejected by browsers
		{"1.2.3.0x", false},      // 1.2.3.0, public
		{"8.8.8.8", false},
		{"example.0x1g", false},
	}
	for _, tc := range tests {
		if got := internalHost(tc.host); got != tc.want {
			t.Errorf("internalHost(%q) = %v, want %v", tc.host, got, tc.want)
		}
	}
}

// TestIntranetResources: even with remote content allowed, an email must not
// make the browser fetch from the reader's own network.
func TestIntranetResources(t *testing.T) {
	for _, in := range []string{
		`<img src="http://192.168.1.1/cgi-bin/reboot">`,
		`<img src="http://2130706433:8080/admin">`,
		`<img srcset="http://localhost/x 1x">`,
		`<table background="http://[::1]/x"><tr><td>x</td></tr></table>`,
		`<div style="background-image:url(http://10.0.0.1/x)">x</div>`,
	} {
		res := Sanitize(in, Options{AllowRemote: true})
		checkSafe(t, res.HTML, false) // no remote URL may survive
	}
}
