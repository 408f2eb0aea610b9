package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigFlagsAndEnvironment(t *testing.T) {
	c, err := parseConfig([]string{"-imap", "mail.example.org:993", "-imap-max-total", "50"},
		env(map[string]string{"TIDINGS_IMAP": "ignored:1", "TIDINGS_LISTEN": ":9000", "TIDINGS_IMAP_TLS": "starttls",
			"TIDINGS_SESSION_IDLE": "10m", "TIDINGS_TIMEZONE": "Asia/Kolkata"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.IMAP.Addr != "mail.example.org:993" {
		t.Errorf("flag should win over env: imap = %q", c.IMAP.Addr)
	}
	if c.Listen != ":9000" || c.IMAP.TLS != "starttls" || c.IMAP.MaxTotal != 50 || c.Session.IdleTimeout != 10*time.Minute {
		t.Errorf("config = %+v", c)
	}
	if c.demo() {
		t.Error("demo with an IMAP server configured")
	}
	if c.Location.String() != "Asia/Kolkata" {
		t.Errorf("timezone %v", c.Location)
	}
	if len(c.Session.HashKey) != 32 || len(c.Session.BlockKey) != 32 {
		t.Error("session keys not derived")
	}
}

func TestConfigRejectsNonsense(t *testing.T) {
	for _, args := range [][]string{
		{"-imap", "x:1", "-imap-tls", "ssl"},
		{"-imap-max-per-session", "0", "-imap", "x:1"},
		{"-session-key", "short"},
		{"-log-format", "xml"},
		{"-timezone", "Mars/Olympus_Mons"},
		{"-session-idle", "9h"},
		{"stray"},
	} {
		if _, err := parseConfig(args, env(nil), io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	if _, err := parseConfig(nil, env(map[string]string{"TIDINGS_IMAP_TIMEOUT": "soon"}), io.Discard); err == nil || !strings.Contains(err.Error(), "TIDINGS_IMAP_TIMEOUT") {
		t.Errorf("bad env value: err = %v, want it named", err)
	}
}

func TestSessionKeyIsStable(t *testing.T) {
	key := map[string]string{"TIDINGS_SESSION_KEY": strings.Repeat("k", 40)}
	a, _ := parseConfig(nil, env(key), io.Discard)
	b, _ := parseConfig(nil, env(key), io.Discard)
	if !bytes.Equal(a.Session.HashKey, b.Session.HashKey) || !bytes.Equal(a.Session.BlockKey, b.Session.BlockKey) {
		t.Error("the same -session-key gave different cookie keys: instances could not share sessions")
	}
	if bytes.Equal(a.Session.HashKey, a.Session.BlockKey) {
		t.Error("hash and block keys are the same")
	}
}

// TestHelpListsEveryFlag keeps -help, the environment twins and the README
// table in step.
func TestHelpListsEveryFlag(t *testing.T) {
	var out bytes.Buffer
	_, err := parseConfig([]string{"-help"}, env(nil), &out)
	if err != flag.ErrHelp {
		t.Fatalf("-help: %v", err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	names := regexp.MustCompile(`(?m)^  -(\S+)  \[(TIDINGS_\w+)\]`).FindAllStringSubmatch(out.String(), -1)
	if len(names) < 15 {
		t.Fatalf("help lists %d flags:\n%s", len(names), out.String())
	}
	for _, n := range names {
		if envName(n[1]) != n[2] {
			t.Errorf("-%s shows env %s", n[1], n[2])
		}
		if !strings.Contains(string(readme), "`-"+n[1]+"` | `"+n[2]+"`") {
			t.Errorf("README configuration table lacks -%s / %s", n[1], n[2])
		}
	}
}

// TestDemoRuns starts the binary's run function as `go run ./cmd/tidings`
// would, signs in as demo/demo and shuts down cleanly.
func TestDemoRuns(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stdout := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-log-level", "error"}, env(nil), stdout, io.Discard)
	}()
	var url string
	for deadline := time.Now().Add(10 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := regexp.MustCompile(`http://\S+/`).FindString(stdout.String()); m != "" {
			url = m
		}
	}
	if url == "" {
		t.Fatalf("no URL printed; output:\n%s", stdout.String())
	}
	if !strings.Contains(stdout.String(), "demo / demo") {
		t.Errorf("demo login not printed:\n%s", stdout.String())
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(url+"login", map[string][]string{"username": {"demo"}, "password": {"demo"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/mail/INBOX" {
		t.Fatalf("demo login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
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

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
