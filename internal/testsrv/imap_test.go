package testsrv

import (
	"bufio"
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"
)

// rawIMAP is a line-level IMAP client for checking the servers: this
// package must not depend on go-imap (only imapproxy does).
type rawIMAP struct {
	conn net.Conn
	r    *bufio.Reader
}

// dialIMAP connects to addr (with implicit TLS when cfg is not nil) and
// returns the connection and the greeting line.
func dialIMAP(t testing.TB, addr string, cfg *tls.Config) (*rawIMAP, string) {
	t.Helper()
	var conn net.Conn
	var err error
	d := &net.Dialer{Timeout: 10 * time.Second}
	if cfg != nil {
		conn, err = tls.DialWithDialer(d, "tcp", addr, cfg)
	} else {
		conn, err = d.Dial("tcp", addr)
	}
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &rawIMAP{conn: conn, r: bufio.NewReader(conn)}
	return c, c.line(t)
}

// line reads one response line without its CRLF.
func (c *rawIMAP) line(t testing.TB) string {
	t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	l, err := c.r.ReadString('\n')
	if err != nil {
		t.Fatalf("reading IMAP response: %v (got %q)", err, l)
	}
	return strings.TrimRight(l, "\r\n")
}

// cmd sends "tag command" and returns the untagged lines and the tagged
// status line. Literals are not handled; the tests do not need them.
func (c *rawIMAP) cmd(t testing.TB, tag, command string) (untagged []string, status string) {
	t.Helper()
	c.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.conn.Write([]byte(tag + " " + command + "\r\n")); err != nil {
		t.Fatalf("writing %q: %v", command, err)
	}
	for {
		l := c.line(t)
		if strings.HasPrefix(l, tag+" ") {
			return untagged, strings.TrimPrefix(l, tag+" ")
		}
		untagged = append(untagged, l)
	}
}
