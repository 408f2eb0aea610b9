package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestSettingsProfile: a name and signature saved on the settings page
// are kept on the mail server (METADATA) and used by every new message,
// reply and forward, in this session and another; a name typed in the
// compose form and sent with becomes the setting; bad input keeps what
// was typed and says what is wrong.
func TestSettingsProfile(t *testing.T) {
	t.Parallel()
	f, _ := dovecotFixture(t)
	a := newComposeApp(t, f.cfg, composeOptions{mailDomain: "example.org"})
	a.login(f.user, f.pass)

	sig := "Alice Liddell\nNorthwind Co-operative"
	p := a.post("/settings/profile", url.Values{"from_name": {"Alice L."}, "signature": {sig + "\r\n\r\n"}})
	wantStatus(t, p, http.StatusSeeOther)
	p = a.follow(p)
	if v := p.doc.Find("#set-from-name").AttrOr("value", ""); v != "Alice L." || strings.TrimSpace(p.doc.Find("#set-signature").Text()) != sig {
		t.Fatalf("settings page after saving: name %q, signature %q", v, p.doc.Find("#set-signature").Text())
	}

	// Another session (another device, another instance) writes with them.
	b := newComposeApp(t, f.cfg, composeOptions{mailDomain: "example.org"})
	b.login(f.user, f.pass)
	form, _ := b.openCompose("/compose")
	body := form.doc.Find("#body").Text()
	if form.doc.Find(`input[name="from_name"]`).AttrOr("value", "") != "Alice L." || body != "\n\n-- \n"+sig+"\n" {
		t.Errorf("new message: from %q, body %q", form.doc.Find(`input[name="from_name"]`).AttrOr("value", ""), body)
	}
	s := f.find(t, "INBOX", func(seeded) bool { return true })
	reply, _ := b.openCompose("/compose?reply=INBOX&uid=" + strconv.FormatUint(uint64(s.UID), 10))
	rb := reply.doc.Find("#body").Text()
	if i, j := strings.Index(rb, "-- \n"+sig), strings.Index(rb, "wrote:"); i < 0 || j < 0 || i > j {
		t.Errorf("reply: the signature belongs above the quote:\n%s", rb)
	}

	// A name typed in the form and sent with becomes the setting.
	_, id := b.openCompose("/compose")
	saved := b.postForm("/compose/save", [][2]string{{"compose", id}, {"from_name", "Alice Liddell"}, {"subject", "Name"}, {"body", "x"}})
	wantStatus(t, saved, http.StatusSeeOther)
	if v := a.get("/settings").doc.Find("#set-from-name").AttrOr("value", ""); v != "Alice Liddell" {
		t.Errorf("after saving a draft with another name, the setting is %q", v)
	}

	// The storage the server reports (QUOTA), under the settings.
	if got := p.doc.Find(`section[aria-labelledby="storage-title"] p`).First().Text(); !strings.HasSuffix(got, "of 100 GB used (0%).") {
		t.Errorf("storage: %q", got)
	}

	// Bad input: kept, and explained.
	p = a.post("/settings/profile", url.Values{"from_name": {"Alice\x07"}, "signature": {strings.Repeat("x", 4001)}})
	wantStatus(t, p, http.StatusUnprocessableEntity)
	if p.doc.Find(".field-error").Length() != 2 || len(p.doc.Find("#set-signature").Text()) != 4001 {
		t.Errorf("bad input: %d errors, signature of %d kept", p.doc.Find(".field-error").Length(), len(p.doc.Find("#set-signature").Text()))
	}
}
