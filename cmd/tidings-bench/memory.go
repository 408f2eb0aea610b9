package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// memSpec is one memory measurement of the real tidings binary.
type memSpec struct {
	Bin         string   // the tidings binary
	IMAPAddr    string   // implicit TLS
	CertFile    string   // the IMAP server's certificate, trusted through SSL_CERT_FILE
	Users       []string // one session each
	Password    string
	IdleTimeout time.Duration // -imap-idle-timeout
	Dir         string        // for the server's log
}

// memResult is the tidings process's resident memory (VmRSS).
type memResult struct {
	Sessions      int
	IdleTimeout   time.Duration
	LoginSeconds  float64
	LoginErrors   int
	LoginError    string // the first failure, if any
	BaseKB        int64  // started, no session
	HeldKB        int64  // every session signed in, each holding its IMAP connection
	HeldConns     int    // IMAP connections open then
	ReleasedKB    int64  // after -imap-idle-timeout: sessions kept, connections logged out
	ReleasedConns int
	ReleasedAfter time.Duration // after the last login
}

// PerSessionKB is the growth per session while it holds its connection.
func (m memResult) PerSessionKB() float64 {
	return float64(m.HeldKB-m.BaseKB) / float64(max(m.Sessions, 1))
}

// ReleasedPerSessionKB is the growth per session once the pool let go.
func (m memResult) ReleasedPerSessionKB() float64 {
	return float64(m.ReleasedKB-m.BaseKB) / float64(max(m.Sessions, 1))
}

// buildTidings builds cmd/tidings into dir.
func buildTidings(ctx context.Context, dir string) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	bin := filepath.Join(dir, "tidings")
	out, err := exec.CommandContext(ctx, goBin, "build", "-o", bin, "github.com/tidings-mail/tidings/cmd/tidings").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build cmd/tidings: %v\n%s", err, out)
	}
	return bin, nil
}

// measureMemory runs the tidings binary against the IMAP server, signs in
// one session per user, and reads the process's VmRSS: before, with every
// session holding the IMAP connection its sign-in opened (the pool keeps
// it for -imap-idle-timeout), and after the pool logged those out.
func measureMemory(ctx context.Context, spec memSpec) (memResult, error) {
	res := memResult{Sessions: len(spec.Users), IdleTimeout: spec.IdleTimeout}
	port, err := freePort()
	if err != nil {
		return res, err
	}
	logFile, err := os.Create(filepath.Join(spec.Dir, "tidings-memory.log"))
	if err != nil {
		return res, err
	}
	defer logFile.Close()
	cmd := exec.Command(spec.Bin, "-listen", "127.0.0.1:"+strconv.Itoa(port),
		"-imap", spec.IMAPAddr, "-imap-tls", "tls",
		"-imap-idle-timeout", spec.IdleTimeout.String(),
		"-imap-max-total", strconv.Itoa(max(1000, len(spec.Users))),
		"-log-level", "warn", "-session-key", strings.Repeat("k", 32))
	cmd.Env = append(os.Environ(), "SSL_CERT_FILE="+spec.CertFile)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = childProcAttr()
	if err := cmd.Start(); err != nil {
		return res, err
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}()
	pid := cmd.Process.Pid
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	tr := newTransport(16)
	defer tr.CloseIdleConnections()
	if err := waitHTTP(ctx, base, tr); err != nil {
		return res, err
	}
	// The sign-in page once, so templates and pools are warm in the base.
	if err := newBrowser(base, tr).page(ctx, "/login", ""); err != nil {
		return res, err
	}
	// A moment for the runtime to settle between steps; short against the
	// idle timeout, so that no connection is reaped before it is counted.
	settle := min(time.Second, spec.IdleTimeout/8)
	time.Sleep(settle)
	if res.BaseKB, err = vmRSS(pid); err != nil {
		return res, err
	}

	t0 := time.Now()
	res.LoginErrors, res.LoginError, err = signInAll(ctx, base, tr, spec.Users, spec.Password)
	res.LoginSeconds = time.Since(t0).Seconds()
	if err != nil {
		return res, err
	}
	loggedIn := time.Now()
	time.Sleep(settle)
	if res.HeldKB, err = vmRSS(pid); err != nil {
		return res, err
	}
	imapPort := spec.IMAPAddr[strings.LastIndexByte(spec.IMAPAddr, ':')+1:]
	res.HeldConns = connsTo(pid, imapPort)

	// The reaper ticks every IdleTimeout/2: wait until it logged out every
	// connection, then a little for the runtime to hand memory back.
	deadline := loggedIn.Add(2*spec.IdleTimeout + 30*time.Second)
	for connsTo(pid, imapPort) > 0 && time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
	}
	time.Sleep(2 * settle)
	res.ReleasedAfter = time.Since(loggedIn).Round(time.Second)
	res.ReleasedConns = connsTo(pid, imapPort)
	res.ReleasedKB, err = vmRSS(pid)
	return res, err
}

func waitHTTP(ctx context.Context, base string, tr http.RoundTripper) error {
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, _, err := newBrowser(base, tr).get(ctx, "/healthz")
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// signInAll signs in one session per user, 16 at a time.
func signInAll(ctx context.Context, base string, tr http.RoundTripper, users []string, password string) (failed int, firstErr string, err error) {
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
		next  = make(chan string)
	)
	for range 16 {
		wg.Go(func() {
			for u := range next {
				if err := newBrowser(base, tr).login(ctx, u, password); err != nil {
					mu.Lock()
					failed++
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for _, u := range users {
		next <- u
	}
	close(next)
	wg.Wait()
	if first != nil {
		firstErr = first.Error()
	}
	if failed > len(users)/100 {
		return failed, firstErr, fmt.Errorf("%d of %d sign-ins failed, first: %w", failed, len(users), first)
	}
	return failed, firstErr, nil
}

// vmRSS reads the resident set size of pid in kB.
func vmRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, errors.New("no VmRSS in /proc/PID/status")
}

// connsTo counts pid's established TCP connections to port, from its
// socket descriptors and /proc/net/tcp.
func connsTo(pid int, port string) int {
	p, err := strconv.Atoi(port)
	if err != nil {
		return -1
	}
	want := map[string]bool{}
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			f := strings.Fields(line)
			if len(f) < 10 || f[3] != "01" { // 01: ESTABLISHED
				continue
			}
			if i := strings.LastIndexByte(f[2], ':'); i >= 0 && f[2][i+1:] == fmt.Sprintf("%04X", p) {
				want[f[9]] = true
			}
		}
	}
	fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	n := 0
	for _, fd := range fds {
		link, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		if inode, ok := strings.CutPrefix(link, "socket:["); err == nil && ok && want[strings.TrimSuffix(inode, "]")] {
			n++
		}
	}
	return n
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
