package web

import (
	"context"
	"io"
	"net/http"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tidings-mail/tidings/imapproxy/submit"
)

// acceptAll is a Sender that takes every message and keeps nothing.
type acceptAll struct{}

func (acceptAll) Send(_ context.Context, _ submit.Auth, _ submit.Envelope, r io.Reader, _ int64) error {
	_, err := io.Copy(io.Discard, r)
	return err
}

// TestRecipientsRemembered: the recipients of a sent message become the
// first suggestions of the next compose form (kept on the server), as
// the user wrote them, each once.
func TestRecipientsRemembered(t *testing.T) {
	t.Parallel()
	f, _ := dovecotFixture(t)
	a := newComposeApp(t, f.cfg, composeOptions{mailDomain: "example.org", sender: acceptAll{}})
	a.login(f.user, f.pass)
	_, id := a.openCompose("/compose")
	p := a.postForm("/compose/send", [][2]string{{"compose", id}, {"to", `"Jones, Carol" <carol@example.net>, bob@example.org`},
		{"cc", "Bob B. <BOB@example.org>"}, {"subject", "Minutes"}, {"body", "Attached."}})
	wantStatus(t, p, http.StatusSeeOther)
	form, _ := a.openCompose("/compose")
	var got []string
	for _, o := range form.doc.Find("datalist#recent-recipients option").EachIter() {
		got = append(got, o.AttrOr("value", ""))
	}
	want := []string{`"Jones, Carol" <carol@example.net>`, "bob@example.org"}
	if !slices.Equal(got, want) {
		t.Errorf("suggestions %q, want %q", got, want)
	}
	if form.doc.Find(`input#to[list="recent-recipients"]`).Length() != 1 {
		t.Error("the To field is not linked to the suggestions")
	}
}

// TestBrowserRecipientSuggestions: in Chromium, typing part of a name or
// address in any position of an address field offers the recent
// recipients that match and are not in the field yet; arrows and Enter,
// or a click, take one; Enter with the list open does not submit.
func TestBrowserRecipientSuggestions(t *testing.T) {
	t.Parallel()
	f, _ := dovecotFixture(t)
	a := newComposeApp(t, f.cfg, composeOptions{mailDomain: "example.org"})
	seed := a.pool.Session("seed", f.user, func() (string, error) { return f.pass, nil })
	if err := seed.NoteRecipients(t.Context(), []string{"Bob Baker <bob@example.org>", `"Jones, Carol" <carol@example.net>`, "bobby@example.com"}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, a.srv.URL)
	b.shotsDir = screenshotDir(t)
	b.run(chromedp.EmulateViewport(1366, 768), signIn(a.srv.URL, f.user, f.pass),
		chromedp.Navigate(a.srv.URL+"/compose"),
		chromedp.WaitVisible(`#to[role="combobox"]`, chromedp.ByQuery))

	var options []string
	listed := chromedp.Evaluate(`Array.from(document.querySelectorAll("#to + .suggestions li")).map(li => li.textContent)`, &options)
	var to string
	value := chromedp.Value("#to", &to, chromedp.ByQuery)

	b.run(chromedp.SendKeys("#to", "bob", chromedp.ByQuery), chromedp.WaitVisible("#to + .suggestions li", chromedp.ByQuery), listed)
	if !slices.Equal(options, []string{"Bob Baker <bob@example.org>", "bobby@example.com"}) {
		t.Errorf("for bob: %q", options)
	}
	b.shot("compose-suggestions", 1366, 768)
	b.run(press(kb.ArrowDown), press(kb.Enter), value)
	if to != "bobby@example.com, " {
		t.Errorf("after ArrowDown, Enter: %q", to)
	}
	b.run(chromedp.SendKeys("#to", "jones", chromedp.ByQuery), chromedp.WaitVisible("#to + .suggestions li", chromedp.ByQuery),
		chromedp.Click("#to + .suggestions li", chromedp.ByQuery), value)
	if to != `bobby@example.com, "Jones, Carol" <carol@example.net>, ` {
		t.Errorf("after a click: %q", to)
	}
	b.run(chromedp.SendKeys("#to", "bobby", chromedp.ByQuery), listed)
	if len(options) != 0 {
		t.Errorf("an address already in the field is suggested again: %q", options)
	}
	if p := b.takeProblems(); len(p) > 0 {
		t.Errorf("console: %v", p)
	}
}
