package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/imapproxy/demo"
	"github.com/tidings-mail/tidings/imapproxy/submit"
	"github.com/tidings-mail/tidings/imapproxy/submit/demosink"
)

// Writing and sending mail in the demo setup: the in-memory IMAP server
// and the embedded SMTP sink, which delivers demo@example.org's mail into
// its INBOX. The same flows against Postfix and Dovecot are in
// compose_postfix_test.go.

type demoMail struct {
	srv  *demo.Server
	sink *demosink.Sink
	imap imapproxy.Config
}

func startDemoMail(t *testing.T) demoMail {
	t.Helper()
	srv, err := demo.Start(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	sink, err := demosink.Start(srv, "example.org", testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	return demoMail{srv: srv, sink: sink, imap: testIMAPConfig(srv.Addr, imapproxy.TLSNone)}
}

func (d demoMail) options() composeOptions {
	return composeOptions{smtp: submit.Config{Addr: d.sink.Addr, TLS: submit.TLSNone}, mailDomain: "example.org"}
}

func TestComposeDemo(t *testing.T) {
	t.Parallel()
	d := startDemoMail(t)
	a := newComposeApp(t, d.imap, d.options())
	a.login("demo", "demo")
	box := a.mailboxOf(t, "demo", "demo")

	t.Run("form", func(t *testing.T) {
		p, id := a.openCompose("/compose")
		if got := strings.TrimSpace(p.doc.Find(".compose-from-addr").Text()); got != "<demo@example.org>" {
			t.Errorf("From shows %q", got)
		}
		for _, sel := range []string{`form[enctype="multipart/form-data"]`, `button[formaction="/compose/send"]`,
			`input[type="file"][name="attachment"][multiple]`, `label[for="to"]`, `textarea#body`} {
			if p.doc.Find(sel).Length() == 0 {
				t.Errorf("form lacks %s", sel)
			}
		}
		if strings.Contains(p.body, "style=") || strings.Contains(p.body, "<script>") {
			t.Error("the page has an inline style or script (CSP)")
		}
		// A mailto: link's recipient and subject fill the form (a list's
		// Unsubscribe); a subject with a line break does not.
		pre, _ := a.openCompose("/compose?to=leave%40list.example&subject=unsubscribe")
		if pre.doc.Find("#to").AttrOr("value", "") != "leave@list.example" || pre.doc.Find("#subject").AttrOr("value", "") != "unsubscribe" {
			t.Errorf("prefilled: to %q subject %q", pre.doc.Find("#to").AttrOr("value", ""), pre.doc.Find("#subject").AttrOr("value", ""))
		}
		if bad, _ := a.openCompose("/compose?subject=a%0d%0aBcc:%20x@evil.example"); bad.doc.Find("#subject").AttrOr("value", "") != "" {
			t.Errorf("a subject with a line break was taken: %q", bad.doc.Find("#subject").AttrOr("value", ""))
		}
		// A reload shows the same message, not a new one.
		again := a.get("/compose?c=" + id)
		wantStatus(t, again, http.StatusOK)
		// Another browser cannot open it.
		b := a.newBrowserFor()
		b.login("demo", "demo")
		other := b.get("/compose?c=" + id)
		if other.resp.StatusCode != http.StatusSeeOther || other.resp.Header.Get("Location") != "/compose" {
			t.Errorf("another session opened the composition: %d %s", other.resp.StatusCode, other.resp.Header.Get("Location"))
		}
	})

	t.Run("send with attachments", func(t *testing.T) {
		_, id := a.openCompose("/compose")
		pdf := bytes.Repeat([]byte("%PDF-1.7 \x00\x01\xfe\xff binary "), 3000)
		subject := "Quarterly report – Grüße"
		p := a.postForm("/compose/send", [][2]string{{"compose", id}, {"from_name", "Robin Demo"},
			{"to", "Robin <demo@example.org>"}, {"cc", ""}, {"bcc", "hidden@example.com"},
			{"subject", subject}, {"body", "Here it is.\r\n\r\n" + strings.Repeat("A long line of text that will flow. ", 8)}},
			formFile{"Bericht März.pdf", "application/pdf", pdf}, formFile{"notes.txt", "text/plain", []byte("notes\n")})
		wantStatus(t, p, http.StatusSeeOther)
		if loc := p.resp.Header.Get("Location"); loc != "/mail/INBOX" {
			t.Errorf("after sending: %s", loc)
		}
		got := box.waitFor("INBOX", subject)
		m := box.open("INBOX", got.UID)
		if len(m.Attachments) != 2 || m.Attachments[0].Filename != "Bericht März.pdf" {
			t.Fatalf("attachments: %+v", m.Attachments)
		}
		if !bytes.Equal(box.part("INBOX", got.UID, m.Attachments[0].Path), pdf) {
			t.Error("the PDF arrived changed")
		}
		if len(m.Bcc) != 0 || bytes.Contains(box.raw("INBOX", got.UID), []byte("hidden@example.com")) {
			t.Error("the Bcc recipient is visible to the recipients")
		}
		if !m.TextFlowed || m.From[0].Name != "Robin Demo" {
			t.Errorf("flowed %v from %+v", m.TextFlowed, m.From)
		}
		sent := box.find("Sent", subject)
		if len(sent) != 1 || !sent[0].Seen {
			t.Fatalf("Sent has %+v", sent)
		}
		if sm := box.open("Sent", sent[0].UID); len(sm.Bcc) != 1 || sm.Bcc[0].Email != "hidden@example.com" {
			t.Errorf("the Sent copy lacks the Bcc: %+v", sm.Bcc)
		}
		// The ID was a one-time token: sending again does nothing.
		p = a.postForm("/compose/send", [][2]string{{"compose", id}, {"to", "demo@example.org"}, {"subject", subject}})
		wantStatus(t, p, http.StatusSeeOther)
		if n := len(box.find("INBOX", subject)); n != 1 {
			t.Errorf("a repeated send delivered again: %d copies", n)
		}
	})

	t.Run("double submit sends once", func(t *testing.T) {
		_, id := a.openCompose("/compose")
		subject := "Clicked twice"
		fields := [][2]string{{"compose", id}, {"to", "demo@example.org"}, {"subject", subject}, {"body", "once"}}
		var wg sync.WaitGroup
		flashes := make([]string, 3)
		for i := range flashes {
			wg.Go(func() {
				p := a.postForm("/compose/send", fields)
				if p.resp.StatusCode != http.StatusSeeOther {
					t.Errorf("submission %d: %d", i, p.resp.StatusCode)
				}
				for _, c := range p.resp.Cookies() {
					if c.Name == "tidings_flash" {
						flashes[i], _ = url.QueryUnescape(c.Value)
					}
				}
			})
		}
		wg.Wait()
		time.Sleep(100 * time.Millisecond)
		if n := len(box.find("INBOX", subject)); n != 1 {
			t.Errorf("%d copies delivered", n)
		}
		if n := len(box.find("Sent", subject)); n != 1 {
			t.Errorf("%d copies in Sent", n)
		}
		if strings.Count(strings.Join(flashes, "|"), "already sent") != 2 {
			t.Errorf("flashes: %q", flashes)
		}
	})

	t.Run("header injection refused", func(t *testing.T) {
		before := len(box.list("INBOX"))
		for _, f := range [][2]string{
			{"subject", "Hello\r\nBcc: victim@example.net"},
			{"to", "demo@example.org\r\nBcc: victim@example.net"},
			{"from_name", "Robin\nX-Evil: 1"},
			{"subject", "Bell\x07"},
		} {
			_, id := a.openCompose("/compose")
			fields := map[string]string{"compose": id, "to": "demo@example.org", "subject": "Injection", "body": "text kept"}
			fields[f[0]] = f[1]
			p := a.postForm("/compose/send", fieldList(fields))
			wantStatus(t, p, http.StatusUnprocessableEntity)
			if e := p.doc.Find("#" + f[0] + "-error").Text(); !strings.Contains(e, "control character") {
				t.Errorf("%s: error %q", f[0], e)
			}
			if p.doc.Find("textarea#body").Text() != "text kept" {
				t.Errorf("%s: the body was not kept", f[0])
			}
		}
		if after := len(box.list("INBOX")); after != before {
			t.Errorf("something was delivered: %d → %d", before, after)
		}
	})

	t.Run("bad addresses keep the form", func(t *testing.T) {
		_, id := a.openCompose("/compose")
		p := a.postForm("/compose/send", [][2]string{{"compose", id}, {"to", "demo@example.org, bob@"}, {"cc", "Zoë <zoe@bücher.example>"},
			{"subject", "Typo"}, {"body", "Dear Bob"}},
			formFile{"a.txt", "text/plain", []byte("kept")})
		wantStatus(t, p, http.StatusUnprocessableEntity)
		if e := p.doc.Find("#to-error").Text(); !strings.Contains(e, "“bob@” is not an e-mail address") {
			t.Errorf("error: %q", e)
		}
		if p.doc.Find("#cc-error").Length() != 0 {
			t.Error("the IDN address was refused")
		}
		if v := p.doc.Find("#to").AttrOr("value", ""); v != "demo@example.org, bob@" {
			t.Errorf("To not kept: %q", v)
		}
		if p.doc.Find(".compose-file .att-name").Text() != "a.txt" {
			t.Error("the attachment was not kept")
		}
		if p.doc.Find("details.compose-more[open]").Length() != 1 {
			t.Error("Cc is hidden although it has text")
		}
	})

	t.Run("no recipient", func(t *testing.T) {
		_, id := a.openCompose("/compose")
		p := a.postForm("/compose/send", [][2]string{{"compose", id}, {"subject", "Nobody"}, {"body", "x"}})
		wantStatus(t, p, http.StatusUnprocessableEntity)
		if e := p.doc.Find("#to-error").Text(); !strings.Contains(e, "at least one recipient") {
			t.Errorf("error: %q", e)
		}
	})

	t.Run("drafts: save, replace, reopen, send", func(t *testing.T) {
		_, id := a.openCompose("/compose?to=demo@example.org")
		subject := "Draft in progress"
		fields := [][2]string{{"compose", id}, {"to", "demo@example.org"}, {"bcc", "quiet@example.com"}, {"subject", subject}, {"body", "first version"}}
		p := a.postForm("/compose/save", fields, formFile{"plan.csv", "text/csv", []byte("a,b\n1,2\n")})
		wantStatus(t, p, http.StatusSeeOther)
		if loc := p.resp.Header.Get("Location"); loc != "/compose?c="+id {
			t.Errorf("save redirects to %q", loc)
		}
		fields[4][1] = "second version"
		p = a.postForm("/compose/save?autosave=1", fields)
		wantStatus(t, p, http.StatusOK)
		var ans struct{ Saved, Error string }
		if err := json.Unmarshal([]byte(p.body), &ans); err != nil || ans.Saved == "" {
			t.Errorf("autosave answered %q", p.body)
		}
		drafts := box.find("Drafts", subject)
		if len(drafts) != 1 || !drafts[0].Draft {
			t.Fatalf("Drafts holds %+v, want one \\Draft version", drafts)
		}
		dm := box.open("Drafts", drafts[0].UID)
		if !strings.Contains(dm.Text, "second version") || len(dm.Attachments) != 1 || len(dm.Bcc) != 1 {
			t.Errorf("draft: text %q attachments %d bcc %v", dm.Text, len(dm.Attachments), dm.Bcc)
		}

		// The message page of a draft offers to edit it.
		mp := a.get("/mail/Drafts/" + itoa(drafts[0].UID))
		wantStatus(t, mp, http.StatusOK)
		href := mp.doc.Find(".reply-bar a.btn-primary").AttrOr("href", "")
		if !strings.HasPrefix(href, "/compose?draft=Drafts&uid=") {
			t.Fatalf("edit link = %q", href)
		}
		p, id2 := a.openCompose(href)
		if p.doc.Find("#subject").AttrOr("value", "") != subject || p.doc.Find("#bcc").AttrOr("value", "") != "quiet@example.com" ||
			strings.TrimSpace(p.doc.Find("#body").Text()) != "second version" || p.doc.Find(".compose-file .att-name").Text() != "plan.csv" {
			t.Errorf("reopened draft: %q", formFields(p, id2))
		}
		// Only drafts can be opened as drafts.
		wantStatus(t, a.get("/compose?draft=INBOX&uid=1"), http.StatusBadRequest)

		f := formFields(p, id2)
		f["body"] = "final version"
		p = a.postForm("/compose/send", fieldList(f))
		wantStatus(t, p, http.StatusSeeOther)
		got := box.waitFor("INBOX", subject)
		if m := box.open("INBOX", got.UID); len(m.Attachments) != 1 || !strings.Contains(m.Text, "final version") {
			t.Errorf("sent draft: %q, %d attachments", m.Text, len(m.Attachments))
		}
		if n := len(box.find("Drafts", subject)); n != 0 {
			t.Errorf("the sent draft is still in Drafts (%d)", n)
		}
	})

	t.Run("reply and forward", func(t *testing.T) {
		inbox := box.list("INBOX")
		var orig imapproxy.MessageSummary
		for _, s := range inbox {
			if len(s.From) > 0 && s.From[0].Email != "demo@example.org" && s.HasAttachment {
				orig = s
				break
			}
		}
		if orig.UID == 0 {
			t.Fatal("no seeded message with an attachment from someone else")
		}
		om := box.open("INBOX", orig.UID)
		p, id := a.openCompose("/compose?reply=INBOX&uid=" + itoa(orig.UID))
		f := formFields(p, id)
		if !strings.Contains(f["to"], om.From[0].Email) || f["subject"] != submit.ReplySubject(om.Subject) ||
			!strings.Contains(f["body"], "wrote:\n> ") {
			t.Errorf("reply form: %q", f)
		}
		p = a.postForm("/compose/send", fieldList(f))
		wantStatus(t, p, http.StatusSeeOther)
		if loc := p.resp.Header.Get("Location"); loc != "/mail/INBOX/"+itoa(orig.UID) {
			t.Errorf("after a reply: %s", loc)
		}
		sent := box.find("Sent", f["subject"])
		if len(sent) == 0 {
			t.Fatal("the reply is not in Sent")
		}
		sm := box.open("Sent", sent[0].UID)
		if len(sm.InReplyTo) != 1 || sm.InReplyTo[0] != strings.Trim(om.MessageID, "<>") ||
			sm.References[len(sm.References)-1] != strings.Trim(om.MessageID, "<>") {
			t.Errorf("threading: in-reply-to %q references %q, original %q", sm.InReplyTo, sm.References, om.MessageID)
		}
		if !flagsOf(t, box, "INBOX", orig.UID).Answered {
			t.Error("the original is not \\Answered")
		}

		// Forward inline keeps the attachments, fetched at sending.
		p, id = a.openCompose("/compose?forward=INBOX&uid=" + itoa(orig.UID))
		if n := p.doc.Find(".compose-file").Length(); n != len(om.Attachments) {
			t.Errorf("forward lists %d attachments, original has %d", n, len(om.Attachments))
		}
		f = formFields(p, id)
		f["to"] = "demo@example.org"
		p = a.postForm("/compose/send", fieldList(f))
		wantStatus(t, p, http.StatusSeeOther)
		fw := box.waitFor("INBOX", f["subject"])
		fm := box.open("INBOX", fw.UID)
		if len(fm.Attachments) != len(om.Attachments) || !bytes.Equal(
			box.part("INBOX", fw.UID, fm.Attachments[0].Path), box.part("INBOX", orig.UID, om.Attachments[0].Path)) {
			t.Errorf("forwarded attachments: %d, want %d, same bytes", len(fm.Attachments), len(om.Attachments))
		}
		if !flagsOf(t, box, "INBOX", orig.UID).Forwarded {
			t.Error("the original is not $Forwarded")
		}

		// Forward as attachment: the whole original as an .eml.
		p, id = a.openCompose("/compose?forward=INBOX&uid=" + itoa(orig.UID) + "&as=attachment")
		f = formFields(p, id)
		f["to"], f["subject"] = "demo@example.org", "Forwarded whole"
		p = a.postForm("/compose/send", fieldList(f))
		wantStatus(t, p, http.StatusSeeOther)
		fa := box.open("INBOX", box.waitFor("INBOX", "Forwarded whole").UID)
		if len(fa.Attachments) != 1 || fa.Attachments[0].Message == nil || fa.Attachments[0].Message.Subject != om.Subject {
			t.Errorf("forward as attachment: %+v", fa.Attachments)
		}
	})

	t.Run("discard", func(t *testing.T) {
		_, id := a.openCompose("/compose")
		fields := [][2]string{{"compose", id}, {"subject", "Throw away"}, {"body", "x"}}
		wantStatus(t, a.postForm("/compose/save", fields), http.StatusSeeOther)
		if len(box.find("Drafts", "Throw away")) != 1 {
			t.Fatal("not saved")
		}
		wantStatus(t, a.postForm("/compose/discard", fields), http.StatusSeeOther)
		if len(box.find("Drafts", "Throw away")) != 0 {
			t.Error("the draft was not discarded")
		}
	})
}

func flagsOf(t *testing.T, box *mailbox, folder string, uid uint32) imapproxy.MessageSummary {
	t.Helper()
	for _, s := range box.list(folder) {
		if s.UID == uid {
			return s
		}
	}
	t.Fatalf("%s/%d not found", folder, uid)
	return imapproxy.MessageSummary{}
}

func itoa(u uint32) string { return strconv.FormatUint(uint64(u), 10) }
