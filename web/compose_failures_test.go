package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/tidings-mail/tidings/handlers"
	"github.com/tidings-mail/tidings/imapproxy"
)

// TestComposeFailures: the mail server for sending is down, and an
// upload is over the limit. Nothing the user wrote may be lost.
func TestComposeFailures(t *testing.T) {
	t.Parallel()
	d := startDemoMail(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	o := d.options()
	o.smtp.Addr = dead
	o.maxAttachment = 10 << 10
	a := newComposeApp(t, d.imap, o)
	a.login("demo", "demo")
	box := a.mailboxOf(t, "demo", "demo")

	t.Run("server down", func(t *testing.T) {
		_, id := a.openCompose("/compose")
		p := a.postForm("/compose/send", [][2]string{{"compose", id}, {"to", "demo@example.org"}, {"subject", "Unsent"}, {"body", "Every word kept."}},
			formFile{"small.txt", "text/plain", []byte("small")})
		wantStatus(t, p, http.StatusServiceUnavailable)
		e := errorText(p)
		if !strings.Contains(e, "not sent") || !strings.Contains(e, "saved in your Drafts") {
			t.Errorf("error: %q", e)
		}
		if p.doc.Find("#body").Text() != "Every word kept." || p.doc.Find(".compose-file").Length() != 1 ||
			p.doc.Find(`input[name="compose"]`).AttrOr("value", "") != id {
			t.Error("the form lost what was written")
		}
		drafts := box.find("Drafts", "Unsent")
		if len(drafts) != 1 {
			t.Fatalf("Drafts: %+v", drafts)
		}
		// Trying again replaces that draft rather than adding another.
		a.postForm("/compose/send", [][2]string{{"compose", id}, {"to", "demo@example.org"}, {"subject", "Unsent"}, {"body", "Every word kept."}})
		if n := len(box.find("Drafts", "Unsent")); n != 1 {
			t.Errorf("%d drafts after a second failure", n)
		}
	})

	t.Run("attachments over the limit", func(t *testing.T) {
		_, id := a.openCompose("/compose")
		p := a.postForm("/compose/attach", [][2]string{{"compose", id}, {"subject", "Big"}, {"body", "keep me"}},
			formFile{"ok.txt", "text/plain", bytes.Repeat([]byte("a"), 4<<10)},
			formFile{"huge.bin", "application/octet-stream", bytes.Repeat([]byte("b"), 64<<10)},
			formFile{"also.txt", "text/plain", bytes.Repeat([]byte("c"), 4<<10)})
		wantStatus(t, p, http.StatusRequestEntityTooLarge)
		if e := p.doc.Find("#attachment-error").Text(); !strings.Contains(e, "“huge.bin”") || !strings.Contains(e, "10 kB") {
			t.Errorf("error: %q", e)
		}
		var names []string
		p.doc.Find(".compose-file .att-name").Each(func(_ int, s *goquery.Selection) { names = append(names, s.Text()) })
		if strings.Join(names, ",") != "ok.txt,also.txt" || p.doc.Find("#body").Text() != "keep me" {
			t.Errorf("attached %v, body %q", names, p.doc.Find("#body").Text())
		}
		// Removing one frees its share of the limit.
		rm := p.doc.Find(`button[name="remove"]`).First().AttrOr("value", "")
		p = a.postForm("/compose/attach", [][2]string{{"compose", id}, {"remove", rm}})
		wantStatus(t, p, http.StatusSeeOther)
		p = a.follow(p)
		if n := p.doc.Find(".compose-file").Length(); n != 1 {
			t.Errorf("%d attachments after removing one", n)
		}
	})

	t.Run("expired composition keeps the text", func(t *testing.T) {
		p := a.postForm("/compose/send", [][2]string{{"compose", "no-such-id"}, {"to", "demo@example.org"}, {"subject", "Lost"}, {"body", "still here"}})
		wantStatus(t, p, http.StatusUnprocessableEntity)
		if p.doc.Find("#body").Text() != "still here" || !strings.Contains(errorText(p), "closed on the server") {
			t.Errorf("form: %q", errorText(p))
		}
	})
}

// noSentFolder is a session whose APPEND to Sent fails, as on a full
// mailbox.
type noSentFolder struct{ *imapproxy.Session }

func (n noSentFolder) Append(ctx context.Context, mailbox string, flags []imapproxy.Flag, size int64, r io.Reader) (imapproxy.MessageRef, error) {
	if mailbox == "Sent" {
		return imapproxy.MessageRef{}, fmt.Errorf("test: %w", imapproxy.ErrOverQuota)
	}
	return n.Session.Append(ctx, mailbox, flags, size, r)
}

// TestComposeSentCopyFails: the message went out, the copy did not; the
// user is told exactly that, and nothing is sent twice.
func TestComposeSentCopyFails(t *testing.T) {
	t.Parallel()
	d := startDemoMail(t)
	o := d.options()
	o.wrapMail = func(s *imapproxy.Session) handlers.Mail { return noSentFolder{s} }
	a := newComposeApp(t, d.imap, o)
	a.login("demo", "demo")
	box := a.mailboxOf(t, "demo", "demo")
	_, id := a.openCompose("/compose")
	p := a.postForm("/compose/send", [][2]string{{"compose", id}, {"to", "demo@example.org"}, {"subject", "Copy fails"}, {"body", "x"}})
	wantStatus(t, p, http.StatusSeeOther)
	p = a.follow(p)
	if f := p.doc.Find(".flash").Text(); f != "Your message was sent, but Tidings could not save a copy in your Sent folder." {
		t.Errorf("flash: %q", f)
	}
	box.waitFor("INBOX", "Copy fails")
	if len(box.find("Sent", "Copy fails")) != 0 {
		t.Error("a copy is in Sent after all")
	}

	// Autosave to a composition that is gone moves the page to a new one,
	// so the next autosave replaces this draft instead of adding one.
	fields := [][2]string{{"compose", "gone"}, {"subject", "Autosaved after restart"}, {"body", "v1"}}
	p = a.postForm("/compose/save?autosave=1", fields)
	wantStatus(t, p, http.StatusOK)
	var ans struct{ Compose, Saved, Draft string }
	if err := json.Unmarshal([]byte(p.body), &ans); err != nil || ans.Compose == "" || ans.Compose == "gone" || ans.Saved == "" || ans.Draft == "" {
		t.Fatalf("autosave answered %q", p.body)
	}
	fields[0][1], fields[2][1] = ans.Compose, "v2"
	wantStatus(t, a.postForm("/compose/save?autosave=1", fields), http.StatusOK)
	if n := len(box.find("Drafts", "Autosaved after restart")); n != 1 {
		t.Errorf("%d drafts", n)
	}
}
