package main

import (
	"bufio"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// cmdCounter is a plaintext TCP proxy in front of the IMAP server that
// records the command of every line a client sends. It shows which IMAP
// commands one page costs, for the table that explains where time goes.
// It sits only in the diagnostic run's path, never in a timed one.
type cmdCounter struct {
	ln       net.Listener
	upstream string

	mu   sync.Mutex
	cmds []string
}

func startCounter(upstream string) (*cmdCounter, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	c := &cmdCounter{ln: ln, upstream: upstream}
	go c.serve()
	return c, nil
}

func (c *cmdCounter) Addr() string { return c.ln.Addr().String() }
func (c *cmdCounter) Close()       { c.ln.Close() }

// take returns the commands seen since the last take.
func (c *cmdCounter) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.cmds
	c.cmds = nil
	return out
}

func (c *cmdCounter) serve() {
	for {
		down, err := c.ln.Accept()
		if err != nil {
			return
		}
		go c.relay(down)
	}
}

func (c *cmdCounter) relay(down net.Conn) {
	defer down.Close()
	up, err := net.Dial("tcp", c.upstream)
	if err != nil {
		return
	}
	defer up.Close()
	go func() {
		_, _ = io.Copy(down, up)
		down.Close()
	}()
	c.copyCommands(up, bufio.NewReader(down))
}

// literalRe matches a line ending in a literal's announcement, {n} or
// {n+} (RFC 9051 §4.3, RFC 7888).
var literalRe = regexp.MustCompile(`\{(\d+)\+?\}\r?\n$`)

// copyCommands forwards the client's bytes, noting the command of each
// line that starts one. A literal's bytes, and the line that continues
// after it, belong to the command already noted.
func (c *cmdCounter) copyCommands(up io.Writer, r *bufio.Reader) {
	continuing := false
	for {
		line, err := r.ReadString('\n')
		if line != "" {
			if _, werr := io.WriteString(up, line); werr != nil {
				return
			}
			if !continuing {
				c.note(line)
			}
			continuing = false
			if m := literalRe.FindStringSubmatch(line); m != nil {
				n, _ := strconv.ParseInt(m[1], 10, 64)
				if _, err := io.CopyN(up, r, n); err != nil {
					return
				}
				continuing = true
			}
		}
		if err != nil {
			return
		}
	}
}

// note records the command name of a tagged line: "UID FETCH", "NOOP".
func (c *cmdCounter) note(line string) {
	f := strings.Fields(line)
	if len(f) < 2 {
		return
	}
	name := strings.ToUpper(f[1])
	if name == "UID" && len(f) > 2 {
		name += " " + strings.ToUpper(f[2])
	}
	c.mu.Lock()
	c.cmds = append(c.cmds, name)
	c.mu.Unlock()
}
