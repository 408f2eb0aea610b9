package imapproxy

import (
	"net"
	"sync"
	"testing"
)

// faultProxy is a TCP proxy between the pool and a real server that breaks
// the network on demand, the ways real networks break:
//
//   - Drop resets every open connection at once (a server restart, a
//     failover, a dying load balancer).
//   - Doom resets each open connection when the client next sends on it:
//     a NAT or firewall that forgot the mapping, which the client learns
//     only when it uses the connection.
//   - Stall stops all bytes in both directions but keeps the sockets open
//     (a hung server, a black-holed route).
//   - Blackhole accepts new connections and never answers on them (a
//     server whose listener works but whose processes do not).
//
// Resume undoes Stall and Blackhole. Close stops everything; no goroutine
// of the proxy outlives it.
type faultProxy struct {
	Addr   string
	target string
	ln     net.Listener
	wg     sync.WaitGroup // the accept loop and every pump

	mu        sync.Mutex
	cond      *sync.Cond // broadcast when stalled or a link's dead changes
	stalled   bool
	blackhole bool
	closed    bool
	links     map[*link]struct{}
	accepted  int
}

// link is one proxied connection. Its fields are guarded by faultProxy.mu.
type link struct {
	client net.Conn
	server net.Conn // nil until dialled, and for a black-holed connection
	holed  bool     // black-holed: accepted, never forwarded
	doomed bool     // reset at the next bytes from the client
	dead   bool
}

// startFaultProxy forwards 127.0.0.1:random to target until the test ends.
func startFaultProxy(t testing.TB, target string) *faultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{Addr: ln.Addr().String(), target: target, ln: ln, links: map[*link]struct{}{}}
	p.cond = sync.NewCond(&p.mu)
	p.wg.Go(p.accept)
	t.Cleanup(p.Close)
	return p
}

func (p *faultProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // closed
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			c.Close()
			return
		}
		p.accepted++
		l := &link{client: c, holed: p.blackhole}
		p.links[l] = struct{}{}
		p.mu.Unlock()
		if !l.holed {
			p.wg.Go(func() { p.connect(l) })
		}
	}
}

// connect dials the target and pumps bytes both ways until either side
// ends or the link is killed.
func (p *faultProxy) connect(l *link) {
	s, err := net.Dial("tcp", p.target)
	p.mu.Lock()
	if err != nil || l.dead {
		p.killLocked(l)
		p.mu.Unlock()
		if s != nil {
			s.Close()
		}
		return
	}
	l.server = s
	p.mu.Unlock()
	p.wg.Go(func() { p.pump(l, l.server, l.client, false) })
	p.pump(l, l.client, l.server, true)
}

// pump copies src to dst. Bytes read while the proxy is stalled are held
// until it resumes; the next read waits for that, so TCP flow control
// holds the rest at the sender.
func (p *faultProxy) pump(l *link, dst, src net.Conn, fromClient bool) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !p.flowing(l, fromClient) {
				break
			}
			if _, err := dst.Write(buf[:n]); err != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	p.mu.Lock()
	p.killLocked(l)
	p.mu.Unlock()
}

// flowing waits while the proxy is stalled and reports whether the link
// may still carry bytes. A doomed link dies here, on the client's first
// bytes.
func (p *faultProxy) flowing(l *link, fromClient bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if fromClient && l.doomed {
		p.killLocked(l)
	}
	for p.stalled && !l.dead {
		p.cond.Wait()
	}
	return !l.dead
}

// killLocked resets both sides of l (RST, not FIN: SO_LINGER 0), as a
// crashing peer or a middlebox does.
func (p *faultProxy) killLocked(l *link) {
	if l.dead {
		return
	}
	l.dead = true
	delete(p.links, l)
	for _, c := range []net.Conn{l.client, l.server} {
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		if c != nil {
			c.Close()
		}
	}
	p.cond.Broadcast()
}

// Drop resets every open connection now.
func (p *faultProxy) Drop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for l := range p.links {
		p.killLocked(l)
	}
}

// Doom makes every open connection reset when the client next sends on it.
func (p *faultProxy) Doom() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for l := range p.links {
		l.doomed = true
	}
}

// Stall stops every byte on every connection, old and new.
func (p *faultProxy) Stall() {
	p.mu.Lock()
	p.stalled = true
	p.mu.Unlock()
}

// Blackhole makes new connections hang: accepted, never answered.
func (p *faultProxy) Blackhole() {
	p.mu.Lock()
	p.blackhole = true
	p.mu.Unlock()
}

// Resume ends Stall and Blackhole. Black-holed connections stay dead: their
// client gave up on them long ago.
func (p *faultProxy) Resume() {
	p.mu.Lock()
	p.stalled, p.blackhole = false, false
	for l := range p.links {
		if l.holed {
			p.killLocked(l)
		}
	}
	p.cond.Broadcast()
	p.mu.Unlock()
}

// Accepted counts the connections made through the proxy.
func (p *faultProxy) Accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

// Close resets every connection, stops listening and waits for its
// goroutines.
func (p *faultProxy) Close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.ln.Close()
	p.Drop()
	p.wg.Wait()
}
