package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestComposeFlags(t *testing.T) {
	c, err := parseConfig([]string{"-imap", "mail.example.org:993", "-max-attachment-size", "10MiB"},
		env(map[string]string{"TIDINGS_SENT_COPY": "false", "TIDINGS_MAIL_DOMAIN": "example.org", "TIDINGS_FROM_NAME": "Staff"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	s := c.Send
	if s.SMTP.Addr != "mail.example.org:587" || s.SMTP.TLS != "starttls" || s.MaxAttachment != 10<<20 || s.SentCopy ||
		s.MailDomain != "example.org" || s.FromName != "Staff" {
		t.Errorf("compose config = %+v", s)
	}
	c, err = parseConfig([]string{"-imap", "mail.example.org:993", "-smtp", "smtp.example.org:465", "-smtp-tls", "tls"}, env(nil), io.Discard)
	if err != nil || c.Send.SMTP.Addr != "smtp.example.org:465" || !c.Send.SentCopy || c.Send.MaxAttachment != 25<<20 {
		t.Errorf("explicit smtp: %+v, %v", c.Send, err)
	}
	for _, args := range [][]string{
		{"-imap", "x:1", "-smtp-tls", "ssl"},
		{"-imap", "x:1", "-smtp", "nohost"},
		{"-max-attachment-size", "lots"},
		{"-max-attachment-size", "0"},
		{"-mail-domain", "me@example.org"},
	} {
		if _, err := parseConfig(args, env(nil), io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	for in, want := range map[string]int64{"25MB": 25 << 20, "500k": 500 << 10, "1048576": 1 << 20, "2 GiB": 2 << 30} {
		var b byteSize
		if err := b.Set(in); err != nil || int64(b) != want {
			t.Errorf("%q = %d, %v", in, b, err)
		}
	}
}

// TestDemoSends: in the demo, a message to demo@example.org goes through
// the embedded SMTP sink into the demo's own Inbox.
func TestDemoSends(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stdout := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-log-level", "error"}, env(nil), stdout, io.Discard)
	}()
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		base = regexp.MustCompile(`http://\S+/`).FindString(stdout.String())
	}
	if base == "" {
		t.Fatalf("no URL printed:\n%s", stdout.String())
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	get := func(path string) string {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if _, err := client.PostForm(base+"login", url.Values{"username": {"demo"}, "password": {"demo"}}); err != nil {
		t.Fatal(err)
	}
	form := get("compose")
	id := regexp.MustCompile(`name="compose" value="([^"]+)"`).FindStringSubmatch(form)
	if id == nil || !strings.Contains(form, "&lt;demo@example.org&gt;") {
		t.Fatalf("compose form:\n%.2000s", form)
	}
	resp, err := client.PostForm(base+"compose/send", url.Values{"compose": {id[1]}, "to": {"demo@example.org"},
		"subject": {"Hello from the demo"}, "body": {"It works."}})
	if err != nil {
		t.Fatal(err)
	}
	inbox, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/mail/INBOX" {
		t.Fatalf("send ended at %d %s", resp.StatusCode, resp.Request.URL.Path)
	}
	if !strings.Contains(string(inbox), "Hello from the demo") || !strings.Contains(string(inbox), "Your message was sent.") {
		t.Errorf("the Inbox does not show the message sent:\n%.3000s", inbox)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no clean shutdown")
	}
}
