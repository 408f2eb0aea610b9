package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidings-mail/tidings/handlers"
	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/imapproxy/submit"
	"github.com/tidings-mail/tidings/internal/testsrv"
)

// TestComposePostfix sends through a real MTA: Postfix on a submission
// port with STARTTLS, SASL through Dovecot, delivering over LMTP into
// Dovecot, where Tidings reads it back over IMAPS. Alice and Bob each use
// their own browser.
func TestComposePostfix(t *testing.T) {
	t.Parallel()
	d := testsrv.StartDovecot(t, testsrv.User{Name: "alice", Password: "wonderland"}, testsrv.User{Name: "bob", Password: "builder"})
	pf := testsrv.StartPostfix(t, d)
	imapCfg := testIMAPConfig(strings.Replace(d.IMAPSAddr, "127.0.0.1", "localhost", 1), imapproxy.TLSImplicit)
	imapCfg.RootCAs = d.RootCAs()
	opts := composeOptions{
		smtp:       submit.Config{Addr: strings.Replace(pf.SubmissionAddr, "127.0.0.1", "localhost", 1), TLS: submit.TLSStart, RootCAs: d.RootCAs()},
		mailDomain: testsrv.MailDomain,
	}
	alice := newComposeApp(t, imapCfg, opts)
	alice.login("alice", "wonderland")
	bob := alice.newBrowserFor()
	bob.login("bob", "builder")
	aliceBox := alice.mailboxOf(t, "alice", "wonderland")
	bobBox := alice.mailboxOf(t, "bob", "builder")

	report := make([]byte, 300<<10)
	rand.Read(report)
	subject := "Report for Bob – März"

	t.Run("alice sends bob an attachment", func(t *testing.T) {
		_, id := alice.openCompose("/compose")
		p := alice.postForm("/compose/send", [][2]string{{"compose", id}, {"from_name", "Alice Liddell"},
			{"to", "Bob <bob@example.test>"}, {"bcc", "alice@example.test"}, {"subject", subject},
			{"body", "Hi Bob,\r\n\r\nthe report is attached.\r\n\r\nAlice"}},
			formFile{"Bericht Q1.bin", "application/octet-stream", report})
		wantStatus(t, p, http.StatusSeeOther)
		got := bobBox.waitFor("INBOX", subject)
		m := bobBox.open("INBOX", got.UID)
		if len(m.From) != 1 || m.From[0].Email != "alice@example.test" || m.From[0].Name != "Alice Liddell" {
			t.Errorf("From = %+v", m.From)
		}
		if len(m.Attachments) != 1 || m.Attachments[0].Filename != "Bericht Q1.bin" {
			t.Fatalf("attachments = %+v", m.Attachments)
		}
		if !bytes.Equal(bobBox.part("INBOX", got.UID, m.Attachments[0].Path), report) {
			t.Error("the attachment's bytes changed on the way")
		}
		if raw := bobBox.raw("INBOX", got.UID); len(m.Bcc) != 0 || bytes.Contains(bytes.ToLower(raw), []byte("\nbcc:")) {
			t.Error("Bob sees the Bcc")
		}
		// The Bcc to herself arrived too, and the copy in Sent keeps it.
		aliceBox.waitFor("INBOX", subject)
		sent := aliceBox.find("Sent", subject)
		if len(sent) != 1 || !sent[0].Seen {
			t.Fatalf("Sent: %+v", sent)
		}
		if sm := aliceBox.open("Sent", sent[0].UID); len(sm.Bcc) != 1 || len(sm.Attachments) != 1 {
			t.Errorf("Sent copy: bcc %v, %d attachments", sm.Bcc, len(sm.Attachments))
		}
	})

	t.Run("bob replies with the right threading", func(t *testing.T) {
		orig := bobBox.waitFor("INBOX", subject)
		om := bobBox.open("INBOX", orig.UID)
		p, id := bob.openCompose("/compose?reply=INBOX&uid=" + itoa(orig.UID))
		f := formFields(p, id)
		if f["to"] != "Alice Liddell <alice@example.test>" || f["subject"] != "Re: "+subject {
			t.Errorf("reply form: to %q subject %q", f["to"], f["subject"])
		}
		f["body"] = "Thanks!\n" + f["body"]
		wantStatus(t, bob.postForm("/compose/send", fieldList(f)), http.StatusSeeOther)
		reply := aliceBox.waitFor("INBOX", "Re: "+subject)
		rm := aliceBox.open("INBOX", reply.UID)
		id0 := strings.Trim(om.MessageID, "<>")
		if len(rm.InReplyTo) != 1 || strings.Trim(rm.InReplyTo[0], "<>") != id0 ||
			len(rm.References) != 1 || strings.Trim(rm.References[0], "<>") != id0 {
			t.Errorf("In-Reply-To %q References %q, want %q", rm.InReplyTo, rm.References, id0)
		}
		if !strings.Contains(rm.Text, "> the report is attached.") || !strings.Contains(rm.Text, "Alice Liddell <alice@example.test> wrote:") {
			t.Errorf("quote: %q", rm.Text)
		}
		if !flagsOf(t, bobBox, "INBOX", orig.UID).Answered {
			t.Error("Bob's original is not \\Answered")
		}
		// Alice replies to the reply: References grow, Re: does not.
		p, id = alice.openCompose("/compose?replyall=INBOX&uid=" + itoa(reply.UID))
		f = formFields(p, id)
		if f["subject"] != "Re: "+subject || strings.Contains(f["to"]+f["cc"], "alice@") {
			t.Errorf("reply-all form: %q", f)
		}
		wantStatus(t, alice.postForm("/compose/send", fieldList(f)), http.StatusSeeOther)
		sm := bobBox.open("INBOX", bobBox.waitFor("INBOX", "Re: "+subject).UID)
		if len(sm.References) != 2 || strings.Trim(sm.References[0], "<>") != id0 {
			t.Errorf("second reply References %q", sm.References)
		}
	})

	t.Run("a refused recipient leaves a draft and the form", func(t *testing.T) {
		_, id := alice.openCompose("/compose")
		p := alice.postForm("/compose/send", [][2]string{{"compose", id}, {"to", "bob@example.test, nobody@example.test"},
			{"subject", "To a ghost"}, {"body", "Is anyone there?"}})
		wantStatus(t, p, http.StatusUnprocessableEntity)
		e := errorText(p)
		if !strings.Contains(e, "nobody@example.test") || strings.Contains(e, "bob@example.test") || !strings.Contains(e, "saved in your Drafts") {
			t.Errorf("error: %q", e)
		}
		if strings.Contains(e, "Recipient address rejected") || strings.Contains(e, "550") {
			t.Errorf("the server's words reached the page: %q", e)
		}
		if p.doc.Find("#body").Text() != "Is anyone there?" || p.doc.Find("#to").AttrOr("value", "") != "bob@example.test, nobody@example.test" {
			t.Error("the form lost what was written")
		}
		if len(aliceBox.find("Drafts", "To a ghost")) != 1 {
			t.Error("no draft saved")
		}
		if len(bobBox.find("INBOX", "To a ghost")) != 0 {
			t.Error("Bob got a message whose other recipient was refused")
		}
	})

	t.Run("a refused password leaves a draft and the form", func(t *testing.T) {
		o := opts
		o.sender = wrongPassword{submit.NewClient(opts.smtp)}
		a := newComposeApp(t, imapCfg, o)
		a.login("alice", "wonderland")
		_, id := a.openCompose("/compose")
		p := a.postForm("/compose/send", [][2]string{{"compose", id}, {"to", "bob@example.test"}, {"subject", "Locked out"}, {"body", "kept"}})
		wantStatus(t, p, http.StatusBadGateway)
		if e := errorText(p); !strings.Contains(e, "did not accept your password") || !strings.Contains(e, "Drafts") {
			t.Errorf("error: %q", e)
		}
		if len(aliceBox.find("Drafts", "Locked out")) != 1 || p.doc.Find("#body").Text() != "kept" {
			t.Error("no draft, or the form lost the text")
		}
	})

	t.Run("injection is refused", func(t *testing.T) {
		_, id := alice.openCompose("/compose")
		p := alice.postForm("/compose/send", [][2]string{{"compose", id}, {"to", "bob@example.test"},
			{"subject", "Hi\r\nBcc: carol@example.net"}, {"body", "x"}})
		wantStatus(t, p, http.StatusUnprocessableEntity)
		if len(bobBox.find("INBOX", "Hi")) != 0 {
			t.Error("sent anyway")
		}
	})

	t.Run("a double submit sends once", func(t *testing.T) {
		_, id := alice.openCompose("/compose")
		fields := [][2]string{{"compose", id}, {"to", "bob@example.test"}, {"subject", "Just once"}, {"body", "one"}}
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() { alice.postForm("/compose/send", fields) })
		}
		wg.Wait()
		bobBox.waitFor("INBOX", "Just once")
		// A reload of the send after it worked: still once.
		wantStatus(t, alice.postForm("/compose/send", fields), http.StatusSeeOther)
		// Give a duplicate the time a delivery takes (~0.1 s) before counting.
		aliceBox.waitFor("Sent", "Just once")
		time.Sleep(500 * time.Millisecond)
		if n := len(bobBox.find("INBOX", "Just once")); n != 1 {
			t.Errorf("Bob got %d copies", n)
		}
		if n := len(aliceBox.find("Sent", "Just once")); n != 1 {
			t.Errorf("Sent holds %d copies", n)
		}
	})
}

// wrongPassword is a Sender that garbles the password, as if the SMTP
// server and the IMAP server disagreed about it.
type wrongPassword struct{ handlers.Sender }

func (w wrongPassword) Send(ctx context.Context, auth submit.Auth, env submit.Envelope, r io.Reader, n int64) error {
	auth.Password += "-wrong"
	return w.Sender.Send(ctx, auth, env, r, n)
}
