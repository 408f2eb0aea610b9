package handlers

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tidings-mail/tidings/imapproxy"
	"github.com/tidings-mail/tidings/imapproxy/submit"
)

func TestComposeStore(t *testing.T) {
	s, err := NewComposeStore(t.TempDir(), time.Hour, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := s.create("sid-a")
	path, n, err := s.spool(strings.NewReader("hello"), 10)
	if err != nil || n != 5 {
		t.Fatalf("spool: %d, %v", n, err)
	}
	c.Attachments = append(c.Attachments, &composeFile{ID: "1", Path: path, Size: n})
	id := c.id
	c.unlock()

	if s.lookup("sid-b", id) != nil {
		t.Error("another session found the composition")
	}
	c = s.lookup("sid-a", id)
	if c == nil {
		t.Fatal("lookup failed")
	}
	c.unlock()

	if _, _, err := s.spool(strings.NewReader("far too long"), 4); !errors.Is(err, errSpoolFull) {
		t.Errorf("over the limit: %v", err)
	}
	if entries, _ := os.ReadDir(s.Dir()); len(entries) != 1 {
		t.Errorf("spool dir holds %d files, want the one upload", len(entries))
	}

	// A session's end takes its compositions and their files with it.
	WithComposeCleanup(nopBackend{}, s).CloseSession("sid-a")
	if s.lookup("sid-a", id) != nil {
		t.Error("composition survived its session")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Error("upload survived its session")
	}

	// A session holding too many loses the oldest.
	var ids []string
	for range s.perSession + 3 {
		c := s.create("sid-c")
		ids = append(ids, c.id)
		c.unlock()
		time.Sleep(time.Millisecond)
	}
	if s.lookup("sid-c", ids[0]) != nil {
		t.Error("the oldest composition was kept")
	}
	if c := s.lookup("sid-c", ids[len(ids)-1]); c == nil {
		t.Error("the newest composition was dropped")
	} else {
		c.unlock()
	}
}

type nopBackend struct{ Backend }

func (nopBackend) CloseSession(string) {}

func TestOrigin(t *testing.T) {
	ref := &imapproxy.MessageRef{Mailbox: "Projects/Café 2026", UIDValidity: 77, UID: 42}
	v := originValue(ref, imapproxy.FlagForwardedKeyword)
	if !submit.HeaderSafe(v) || strings.ContainsAny(v, "é") {
		t.Errorf("origin %q is not a safe ASCII header value", v)
	}
	got, flag := parseOrigin(v)
	if got == nil || *got != *ref || flag != imapproxy.FlagForwardedKeyword {
		t.Errorf("parsed %+v %q", got, flag)
	}
	for _, bad := range []string{"", "answered 1 2", "answered x 2 INBOX", "answered 1 0 INBOX", "answered 1 2 %zz"} {
		if got, _ := parseOrigin(bad); got != nil {
			t.Errorf("%q parsed as %+v", bad, got)
		}
	}
}

func TestUploadNamesAndTypes(t *testing.T) {
	for in, want := range map[string]string{
		`C:\Users\ann\report.pdf`: "report.pdf",
		"../../etc/passwd":        "passwd",
		"a\u202Etxt.exe":          "atxt.exe",
		"":                        "attachment.bin",
	} {
		if got := cleanUploadName(in); got != want && !(in == "" && got != "") {
			t.Errorf("cleanUploadName(%q) = %q, want %q", in, got, want)
		}
	}
	for _, tc := range []struct{ declared, name, want string }{
		{"application/pdf", "x.pdf", "application/pdf"},
		{"Text/Plain; charset=utf-8", "x.txt", "text/plain"},
		{"multipart/mixed; boundary=x", "x.png", "image/png"},
		{"nonsense", "x.unknownext", "application/octet-stream"},
	} {
		if got := uploadType(tc.declared, tc.name); got != tc.want {
			t.Errorf("uploadType(%q, %q) = %q, want %q", tc.declared, tc.name, got, tc.want)
		}
	}
	if limitSize(25<<20) != "25 MB" || limitSize(10<<10) != "10 kB" {
		t.Errorf("limitSize: %q %q", limitSize(25<<20), limitSize(10<<10))
	}
}

func TestSendErrorText(t *testing.T) {
	secret := "5.1.1 <x@y>: Recipient address rejected: secret server words"
	for _, tc := range []struct {
		err    error
		status int
		says   string
	}{
		{&submit.SendError{Kind: submit.ErrRecipientRefused, Recipients: []string{"x@y"}, Cause: errors.New(secret)}, http.StatusUnprocessableEntity, "refused this recipient (x@y)"},
		{&submit.SendError{Kind: submit.ErrRecipientRefused, Recipients: []string{"a@b", "c@d"}, Temporary: true}, http.StatusUnprocessableEntity, "these recipients (a@b, c@d)"},
		{&submit.SendError{Kind: submit.ErrAuthFailed}, http.StatusBadGateway, "did not accept your password"},
		{&submit.SendError{Kind: submit.ErrTooLarge, Limit: 10 << 20}, http.StatusRequestEntityTooLarge, "at most 10.5 MB"},
		{&submit.SendError{Kind: submit.ErrUnavailable}, http.StatusServiceUnavailable, "cannot reach"},
		{fmt.Errorf("wrapped: %w", &submit.SendError{Kind: submit.ErrTimeout}), http.StatusGatewayTimeout, "did not answer in time"},
		{errors.New("anything"), http.StatusBadGateway, "reported a problem"},
	} {
		status, msg := sendErrorText(tc.err)
		if status != tc.status || !strings.Contains(msg, tc.says) || strings.Contains(msg, "secret") {
			t.Errorf("%v: %d %q", tc.err, status, msg)
		}
	}
}

// TestLostTextsFit: the notices about a lost composition travel as a
// one-shot message after "Draft saved. ", which must fit.
func TestLostTextsFit(t *testing.T) {
	for _, s := range []string{lostText, restoredText} {
		if n := len("Draft saved. " + s); n > maxFlash {
			t.Errorf("%d bytes, over %d: %q", n, maxFlash, s)
		}
	}
}

func TestDraftToken(t *testing.T) {
	ref := &imapproxy.MessageRef{Mailbox: "Drafts", UIDValidity: 1700000000, UID: 42}
	v, u, ok := parseDraftToken(draftToken(ref))
	if !ok || v != ref.UIDValidity || u != ref.UID {
		t.Errorf("round trip: %d %d %v", v, u, ok)
	}
	for _, bad := range []string{"", "42", "1.0", "x.1", "1.x", "1.2.3", "-1.2", "1.99999999999"} {
		if _, _, ok := parseDraftToken(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	if draftToken(nil) != "" || draftToken(&imapproxy.MessageRef{UIDValidity: 1}) != "" {
		t.Error("a token for no draft")
	}
}

// TestUnsubscribe: a list's https page first; else, when Tidings can
// send, a message to its mailto: address with the subject it asks for.
func TestUnsubscribe(t *testing.T) {
	h := &Handler{Compose: &Compose{}}
	page, mail := h.unsubscribe([]string{"mailto:leave@list.example?subject=unsubscribe%20me", "https://list.example/leave?u=1"})
	if page != "https://list.example/leave?u=1" || mail != "" {
		t.Errorf("with a page: %q, %q", page, mail)
	}
	page, mail = h.unsubscribe([]string{"mailto:leave@list.example?subject=unsubscribe%20me"})
	if page != "" || mail != "/compose?subject=unsubscribe+me&to=leave%40list.example" {
		t.Errorf("mailto only: %q, %q", page, mail)
	}
	if page, mail := (&Handler{}).unsubscribe([]string{"mailto:leave@list.example"}); page != "" || mail != "" {
		t.Errorf("without sending: %q, %q", page, mail)
	}
}
