package web

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/tidings-mail/tidings/web/session"
)

// TestComposeRestoredOnAnotherInstance: a reply with an attachment is
// saved as a draft on one instance; the next post of its form reaches
// another instance (or the first after a restart), which has never seen
// the message. It reopens it from the draft the form names: the
// attachment and the threading come back, the text the user typed since
// wins, nothing is sent before the user has seen the form again, and
// the sent message is whole.
func TestComposeRestoredOnAnotherInstance(t *testing.T) {
	t.Parallel()
	d := startDemoMail(t)
	o := d.options()
	o.sessions = session.NewMemoryStore()
	a := newComposeApp(t, d.imap, o)
	b := newComposeApp(t, d.imap, o)
	a.login("demo", "demo")
	b.client = a.client // one browser, two instances
	box := a.mailboxOf(t, "demo", "demo")

	orig := box.list("INBOX")[0]
	_, id := a.openCompose("/compose?reply=INBOX&uid=" + strconv.FormatUint(uint64(orig.UID), 10))
	fields := func(id, draft, body string) [][2]string {
		return [][2]string{{"compose", id}, {"draft", draft}, {"to", "demo@example.org"}, {"subject", "Restored reply"}, {"body", body}}
	}
	p := a.postForm("/compose/attach", fields(id, "", "First version."), formFile{"plan.txt", "text/plain", []byte("the plan\n")})
	wantStatus(t, p, http.StatusSeeOther)
	p = a.follow(a.postForm("/compose/save", fields(id, "", "First version.")))
	draft := p.doc.Find(`input[name="draft"]`).AttrOr("value", "")
	if draft == "" || len(box.find("Drafts", "Restored reply")) != 1 {
		t.Fatalf("after saving: draft field %q, %d drafts", draft, len(box.find("Drafts", "Restored reply")))
	}

	// The other instance: the form's composition is unknown there.
	p = b.postForm("/compose/send", fields(id, draft, "Second version, typed after the save."))
	wantStatus(t, p, http.StatusUnprocessableEntity)
	if !strings.Contains(p.body, "reopened from its last saved draft") {
		t.Errorf("no word of the restore: %q", errorText(p))
	}
	newID := p.doc.Find(`input[name="compose"]`).AttrOr("value", "")
	if newID == "" || newID == id || p.doc.Find("#body").Text() != "Second version, typed after the save." ||
		!strings.Contains(p.doc.Find(".compose-file").Text(), "plan.txt") {
		t.Fatalf("restored form: id %q, body %q, files %q", newID, p.doc.Find("#body").Text(), p.doc.Find(".compose-file").Text())
	}
	if len(box.find("INBOX", "Restored reply")) != 0 {
		t.Fatal("sent before the user saw the restored form")
	}

	p = b.postForm("/compose/send", fields(newID, p.doc.Find(`input[name="draft"]`).AttrOr("value", ""), "Second version, typed after the save."))
	wantStatus(t, p, http.StatusSeeOther)
	sent := box.waitFor("INBOX", "Restored reply")
	raw := string(box.raw("INBOX", sent.UID))
	origRaw := string(box.raw("INBOX", orig.UID))
	for _, want := range []string{"Second version, typed after the save.", `filename="plan.txt"`, "In-Reply-To: " + messageID(origRaw)} {
		if !strings.Contains(raw, want) {
			t.Errorf("sent message lacks %q:\n%.1500s", want, raw)
		}
	}
	if n := len(box.find("Drafts", "Restored reply")); n != 0 {
		t.Errorf("%d drafts left after sending", n)
	}

	// A form naming a draft that is gone (sent, discarded) starts anew
	// from the text alone, and says so.
	p = b.postForm("/compose/save", fields("gone", draft, "Once more."))
	wantStatus(t, p, http.StatusSeeOther)
	p = b.follow(p)
	if f := p.doc.Find(".flash").Text(); !strings.Contains(f, "attach any files again") {
		t.Errorf("flash for a gone draft: %q", f)
	}
}

// messageID is the Message-ID header's value in raw.
func messageID(raw string) string {
	for _, l := range strings.Split(raw, "\r\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, "Message-Id") {
			return strings.TrimSpace(v)
		}
	}
	return "(none)"
}
