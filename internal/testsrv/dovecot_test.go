package testsrv

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

var testUsers = []User{{"alice", "alice-pw"}, {"bob", "bob pw"}}

func TestDovecotLogin(t *testing.T) {
	t.Parallel()
	d := StartDovecot(t, testUsers...)

	c, greeting := dialIMAP(t, d.IMAPAddr, nil)
	if !strings.HasPrefix(greeting, "* OK") || !strings.Contains(greeting, "STARTTLS") {
		t.Errorf("greeting = %q, want * OK with STARTTLS in its capabilities", greeting)
	}
	tests := []struct {
		login, want string
	}{
		{`alice wrong`, "NO"},
		{`alice alice-pw`, "OK"},
		{`alice@example.test alice-pw`, "OK"}, // auth_username_format = %Ln
		{`BOB "bob pw"`, "OK"},
	}
	for i, tt := range tests {
		c, _ := dialIMAP(t, d.IMAPAddr, nil)
		_, status := c.cmd(t, fmt.Sprintf("a%d", i), "LOGIN "+tt.login)
		if !strings.HasPrefix(status, tt.want) {
			t.Errorf("LOGIN %s: status %q, want %s", tt.login, status, tt.want)
		}
	}

	// The special-use folders exist from the first login, subscribed.
	c.cmd(t, "l", "LOGIN alice alice-pw")
	list, status := c.cmd(t, "b", `LIST (SUBSCRIBED) "" "*" RETURN (SPECIAL-USE)`)
	if !strings.HasPrefix(status, "OK") {
		t.Fatalf("LIST: %s", status)
	}
	got := strings.Join(list, "\n")
	for _, want := range []string{`\Drafts) "/" Drafts`, `\Sent) "/" Sent`, `\Trash) "/" Trash`, `\Junk) "/" Junk`, `\Archive) "/" Archive`, `"/" INBOX`} {
		if !strings.Contains(got, want) {
			t.Errorf("LIST is missing %q:\n%s", want, got)
		}
	}
}

func TestDovecotTLS(t *testing.T) {
	t.Parallel()
	d := StartDovecot(t, testUsers...)

	for _, name := range []string{"localhost", "127.0.0.1"} {
		cfg := &tls.Config{RootCAs: d.RootCAs(), ServerName: name}
		c, greeting := dialIMAP(t, d.IMAPSAddr, cfg)
		if !strings.HasPrefix(greeting, "* OK") {
			t.Errorf("IMAPS greeting = %q", greeting)
		}
		if _, status := c.cmd(t, "a", "LOGIN alice alice-pw"); !strings.HasPrefix(status, "OK") {
			t.Errorf("LOGIN over implicit TLS: %s", status)
		}
	}

	// STARTTLS (RFC 3501 section 6.2.1), then LOGIN inside TLS.
	c, _ := dialIMAP(t, d.IMAPAddr, nil)
	if _, status := c.cmd(t, "a", "STARTTLS"); !strings.HasPrefix(status, "OK") {
		t.Fatalf("STARTTLS: %s", status)
	}
	tc := tls.Client(c.conn, &tls.Config{RootCAs: d.RootCAs(), ServerName: "localhost"})
	if err := tc.Handshake(); err != nil {
		t.Fatalf("TLS handshake after STARTTLS: %v", err)
	}
	c = &rawIMAP{conn: tc, r: bufio.NewReader(tc)}
	if _, status := c.cmd(t, "b", "LOGIN alice alice-pw"); !strings.HasPrefix(status, "OK") {
		t.Errorf("LOGIN after STARTTLS: %s", status)
	}

	// A client that trusts only the system roots refuses the certificate.
	conn, err := tls.Dial("tcp", d.IMAPSAddr, &tls.Config{ServerName: "localhost"})
	if err == nil {
		conn.Close()
		t.Error("TLS handshake verified without RootCAs")
	}
}

func TestDovecotSave(t *testing.T) {
	t.Parallel()
	d := StartDovecot(t, testUsers...)

	raw := []byte("From: carol@example.test\r\nSubject: hello\r\n\r\nbody\r\n")
	d.Save(t, "alice", "INBOX", raw)
	d.Save(t, "alice", "Receipts/2024", raw) // created on the way

	for _, box := range []string{"INBOX", "Receipts/2024"} {
		out := d.Doveadm(t, "search", "-u", "alice", "mailbox", box, "SUBJECT", "hello")
		if n := len(strings.Fields(out)) / 2; n != 1 {
			t.Errorf("search %s: %d messages, want 1:\n%s", box, n, out)
		}
	}
	// Byte for byte: the stored text is the input.
	got := d.Doveadm(t, "fetch", "-u", "alice", "text", "mailbox", "INBOX", "1")
	if !strings.Contains(got, "Subject: hello") {
		t.Errorf("fetch text = %q", got)
	}
	if out := d.Doveadm(t, "search", "-u", "bob", "mailbox", "INBOX", "ALL"); out != "" {
		t.Errorf("bob's INBOX is not empty: %q", out)
	}
}

func TestDovecotLMTP(t *testing.T) {
	t.Parallel()
	d := StartDovecot(t, testUsers...)

	conn, err := net.DialTimeout("tcp", d.LMTPAddr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	// expect reads a (possibly multi-line) reply and checks its code.
	expect := func(code string) {
		t.Helper()
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("LMTP: %v", err)
			}
			if !strings.HasPrefix(l, code) {
				t.Fatalf("LMTP reply %q, want %s", l, code)
			}
			if len(l) < 4 || l[3] != '-' {
				return
			}
		}
	}
	send := func(line string) { fmt.Fprintf(conn, "%s\r\n", line) }
	expect("220")
	send("LHLO test")
	expect("250")
	send("MAIL FROM:<carol@example.test>")
	expect("250")
	send("RCPT TO:<bob@example.test>")
	expect("250")
	send("DATA")
	expect("354")
	send("Subject: over lmtp\r\n\r\nhi\r\n.")
	expect("250")
	send("QUIT")

	out := d.Doveadm(t, "search", "-u", "bob", "mailbox", "INBOX", "SUBJECT", "lmtp")
	if out == "" {
		t.Error("message delivered over LMTP is not in bob's INBOX")
	}
}

func TestDovecotRestart(t *testing.T) {
	t.Parallel()
	d := StartDovecot(t, testUsers...)
	d.Save(t, "alice", "INBOX", []byte("Subject: kept\r\n\r\nbody\r\n"))
	addrs := []string{d.IMAPAddr, d.IMAPSAddr, d.LMTPAddr}

	start := time.Now()
	d.Stop()
	t.Logf("Stop took %v", time.Since(start))
	for _, a := range addrs {
		if c, err := net.Dial("tcp", a); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections after Stop", a)
		}
	}
	d.Stop() // stopping twice is harmless

	start = time.Now()
	d.Start()
	t.Logf("Start took %v", time.Since(start))
	if got := []string{d.IMAPAddr, d.IMAPSAddr, d.LMTPAddr}; strings.Join(got, " ") != strings.Join(addrs, " ") {
		t.Errorf("addresses after restart = %v, want %v", got, addrs)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(logTail(d.logPath, 40))
		}
	})
	c, _ := dialIMAP(t, d.IMAPAddr, nil)
	c.cmd(t, "a", "LOGIN alice alice-pw")
	untagged, status := c.cmd(t, "b", "SELECT INBOX")
	if !strings.HasPrefix(status, "OK") || !containsLine(untagged, "* 1 EXISTS") {
		t.Errorf("SELECT INBOX after restart: %s %q, want 1 EXISTS", status, untagged)
	}
}

// TestDovecotConcurrentSessions checks the limits raised for load tests:
// 250 sessions of one user from one address at once.
func TestDovecotConcurrentSessions(t *testing.T) {
	t.Parallel()
	d := StartDovecot(t, testUsers...)

	const n = 250
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan string, n)
	conns := make(chan *rawIMAP, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := net.DialTimeout("tcp", d.IMAPAddr, 10*time.Second)
			if err != nil {
				errs <- err.Error()
				return
			}
			c := &rawIMAP{conn: conn, r: bufio.NewReader(conn)}
			conns <- c
			conn.SetDeadline(time.Now().Add(20 * time.Second))
			if _, err := c.r.ReadString('\n'); err != nil {
				errs <- "greeting: " + err.Error()
				return
			}
			fmt.Fprintf(conn, "a%d LOGIN alice alice-pw\r\n", i)
			for {
				l, err := c.r.ReadString('\n')
				if err != nil {
					errs <- "LOGIN: " + err.Error()
					return
				}
				if strings.HasPrefix(l, fmt.Sprintf("a%d ", i)) {
					if !strings.HasPrefix(l, fmt.Sprintf("a%d OK", i)) {
						errs <- l
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	close(conns)
	t.Logf("%d concurrent logins took %v", n, time.Since(start))
	for e := range errs {
		t.Error(e)
	}
	for c := range conns {
		c.conn.Close()
	}
}

func containsLine(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}
